"""Pure JSON:API helpers: read resources, attributes and relationships out of TFC documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tfc.errors import MalformedResponse

Resource = Mapping[str, Any]
IncludedIndex = Mapping[tuple[str, str], Resource]


def index_included(document: Mapping[str, Any]) -> dict[tuple[str, str], Resource]:
    """Map ``(type, id)`` to each side-loaded resource of a document."""
    included = document.get("included") or []
    return {(r["type"], r["id"]): r for r in included if "type" in r and "id" in r}


def describe(resource: Resource) -> str:
    return f"{resource.get('type', 'resource')} {resource.get('id', '?')}"


def attrs(resource: Resource) -> Mapping[str, Any]:
    value = resource.get("attributes")
    return value if isinstance(value, Mapping) else {}


def required(resource: Resource, key: str) -> Any:
    """An attribute the toolkit cannot work without; its absence is a clear error naming the resource."""
    value = attrs(resource).get(key)
    if value is None:
        raise MalformedResponse(f"{describe(resource)}: response has no attribute {key!r}")
    return value


def nested_bool(resource: Resource, group: str, key: str) -> bool:
    value = attrs(resource).get(group)
    return bool(value.get(key)) if isinstance(value, Mapping) else False


def related_id(resource: Resource, name: str) -> str | None:
    """The id of a to-one relationship, or ``None`` when absent or ``{"data": null}``."""
    relationships = resource.get("relationships")
    if not isinstance(relationships, Mapping):
        return None
    relation = relationships.get(name)
    if not isinstance(relation, Mapping):
        return None
    data = relation.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        return str(data["id"])
    return None


def related(resource: Resource, name: str, type_: str, included: IncludedIndex) -> Resource | None:
    identifier = related_id(resource, name)
    return included.get((type_, identifier)) if identifier else None


def parse_time(value: Any) -> datetime | None:
    """TFC timestamps come as ``2021-05-24T07:38:04.171Z`` or ``2021-05-24T07:38:04+00:00``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def str_tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()
