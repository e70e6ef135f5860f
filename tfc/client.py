"""The TFC API v2 client: one sync httpx client, a shared rate limiter, bounded concurrency, typed records.

All I/O goes through :meth:`TfcClient._send`. Messages name the resource, never the token, and never a
signed archivist URL. The token goes only to the configured origin (scheme, host and port); a URL that would
downgrade an HTTPS API to plain HTTP is refused; JSON documents are parsed with any echo of the token masked.
"""

from __future__ import annotations

import json as jsonlib
import random
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Protocol, Self, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from tfc import __version__
from tfc.errors import MalformedResponse, NotFound, RateLimited, TransportError, api_error
from tfc.jsonapi import IncludedIndex, Resource, index_included
from tfc.models import (
    Agent,
    AgentPool,
    Comment,
    ConfigurationVersion,
    NotificationConfiguration,
    Plan,
    Run,
    StateVersion,
    Workspace,
)
from tfc.ratelimit import DEFAULT_DOWNLOAD_RATE, Clock, Sleep, TokenBucket
from tfc.redact import MASK, install_http_log_redaction, redact, register_secret
from tfc.retry import backoff_delay, rate_limit_reset, should_retry_status, should_retry_transport_error
from tfc.settings import Settings

JSONAPI: Final = "application/vnd.api+json"
RUN_INCLUDES: Final = ("plan", "workspace", "configuration_version.ingress_attributes")
# Statuses in which a run waits for a person to confirm (TFC-API.md §5); `is_confirmable` is authoritative.
CONFIRMABLE_STATUSES: Final = (
    "planned",
    "cost_estimated",
    "policy_checked",
    "post_plan_completed",
    "planned_and_saved",
)
DEFAULT_PORTS: Final = {"http": 80, "https": 443}
MAX_ATTEMPTS: Final = 5
MAX_PAGE_SIZE: Final = 100
# Endpoints with a lower limit than 30/s: requests per minute, and how many may go at once.
TIGHT_BUDGETS: Final = {"run-lists": (30, 10), "notification-verify": (10, 3)}

T = TypeVar("T")
R = TypeVar("R")


class _FromResource(Protocol[T]):  # type: ignore[misc]
    def __call__(self, resource: Resource, included: IncludedIndex, /) -> T: ...


@dataclass
class RequestStats:
    """Requests made by one client (every attempt counts), for ``--stats`` and benchmarks."""

    requests: int = 0
    downloads: int = 0  # of ``requests``, those to another host than the API (signed archivist URLs)
    retries: int = 0
    rate_limited: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, status: int | None, *, retry: bool, download: bool = False) -> None:
        with self._lock:
            self.requests += 1
            self.downloads += int(download)
            self.retries += int(retry)
            if status is not None:
                self.by_status[status] = self.by_status.get(status, 0) + 1
                self.rate_limited += int(status == 429)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "downloads": self.downloads,
                "retries": self.retries,
                "rate_limited": self.rate_limited,
                "by_status": dict(sorted(self.by_status.items())),
            }


Origin = tuple[str, str, int | None]


def origin(url: str) -> Origin:
    """``(scheme, host, port)`` with the scheme's default port filled in: ``https://h:443`` is ``https://h``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a malformed port never matches the API's origin
        return scheme, "", -1
    return scheme, (parts.hostname or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme)


class _BearerAuth(httpx.Auth):
    """Adds the token only to requests for the API's own origin: archivist URLs carry their own secret, and a
    URL on the same host over another scheme or port (``http://`` for an ``https://`` API) is another origin."""

    def __init__(self, settings: Settings) -> None:
        self._origin = origin(settings.address)
        self._header = f"Bearer {settings.token.reveal()}"

    def __repr__(self) -> str:
        return "_BearerAuth(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(str(request.url)) == self._origin:
            request.headers["Authorization"] = self._header
        else:
            request.headers.pop("Authorization", None)
        yield request


def _tight_budget(method: str, path: str) -> str | None:
    """The name of the lower per-minute budget TFC applies to this endpoint, if any (TFC-API.md §3)."""
    parts = path.strip("/").split("/")
    if method == "GET" and len(parts) == 3 and parts[0] in ("workspaces", "organizations") and parts[2] == "runs":
        return "run-lists"
    if method == "POST" and parts[0] == "notification-configurations" and parts[-2:] == ["actions", "verify"]:
        return "notification-verify"
    return None


def _error_detail(content: bytes) -> str | None:
    try:
        body = jsonlib.loads(content)
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    first = errors[0]
    if isinstance(first, str):
        return first
    if isinstance(first, dict):
        text = first.get("detail") or first.get("title")
        return str(text) if text else None
    return None


class TfcClient:
    """A TFC/TFE API v2 client. Thread-safe; use as a context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
        download_rate_per_second: float = DEFAULT_DOWNLOAD_RATE,
    ) -> None:
        self.settings = settings
        self.stats = RequestStats()
        register_secret(settings.token.reveal())
        install_http_log_redaction()
        self._token_bytes = settings.token.reveal().encode()
        self._https = origin(settings.address)[0] == "https"
        sleep = sleep or time.sleep  # looked up per client, so a test can swap the module's sleep
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._api = settings.address.rstrip("/") + "/api/v2/"
        rate = settings.rate_limit_per_second
        self._bucket = TokenBucket(rate, max(1.0, rate / 3), clock=clock, sleep=sleep)
        self._api_netloc = urlsplit(settings.address).netloc.lower()
        self._download_bucket = TokenBucket(download_rate_per_second, max(1.0, download_rate_per_second / 3),
                                            clock=clock, sleep=sleep)
        self._tight_buckets = {
            name: TokenBucket(per_minute / 60, burst, clock=clock, sleep=sleep)
            for name, (per_minute, burst) in TIGHT_BUDGETS.items()
        }
        self._http = httpx.Client(
            transport=transport,
            auth=_BearerAuth(settings),
            headers={"Accept": JSONAPI, "User-Agent": f"tfc-toolkit/{__version__}"},
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=False,
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()

    # -- concurrency -------------------------------------------------------------------------------------

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Run ``fn`` over ``items`` on the client's bounded thread pool; results keep the input order.

        ``fn`` should handle its own per-item errors: the first exception left uncaught is re-raised.
        """
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.max_concurrency, thread_name_prefix="tfc")
            pool = self._pool
        return list(pool.map(fn, items))

    # -- transport ---------------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return urljoin(self._api, path.lstrip("/"))

    def _send(
        self,
        method: str,
        url: str,
        *,
        resource: str,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        api_path: str | None = None,
    ) -> httpx.Response:
        """Send with rate limiting and retries; return any response below 400 (redirects included)."""
        headers = {"Content-Type": JSONAPI} if json is not None else None
        download = urlsplit(url).netloc.lower() != self._api_netloc
        bucket = self._download_bucket if download else self._bucket
        for attempt in range(1, MAX_ATTEMPTS + 1):
            bucket.acquire()
            budget = _tight_budget(method, api_path) if api_path is not None else None
            if budget is not None:
                self._tight_buckets[budget].acquire()
            failure = None
            try:
                response = self._http.request(method, url, params=params, json=json, headers=headers)
            except httpx.TransportError as exc:
                failure = type(exc).__name__
            if failure is not None:  # raised outside the except block: no __context__ holding the request
                self.stats.record(None, retry=attempt > 1, download=download)
                if attempt < MAX_ATTEMPTS and should_retry_transport_error(method):
                    self._sleep(self._backoff(attempt))
                    continue
                raise TransportError(f"{resource}: connection to {self.settings.hostname} failed ({failure})")
            self.stats.record(response.status_code, retry=attempt > 1, download=download)
            status = response.status_code
            if status < 400:
                return response
            if attempt < MAX_ATTEMPTS and should_retry_status(method, status):
                if status == 429:
                    reset = rate_limit_reset(response)
                    wait = (reset if reset is not None else 1.0) + self._backoff(1) * 0.2
                    bucket.block_for(wait)
                    self._sleep(wait)
                else:
                    self._sleep(self._backoff(attempt))
                continue
            detail = _error_detail(self._masked(response.read()))
            raise api_error(status, resource, redact(detail) if detail else None)
        raise RateLimited(f"{resource}: out of retries", status=429, resource=resource)  # pragma: no cover

    def _masked(self, content: bytes) -> bytes:
        """``content`` with any echo of the token masked (a server may copy request headers into its answer)."""
        return content.replace(self._token_bytes, MASK.encode()) if self._token_bytes in content else content

    def _decode(self, response: httpx.Response, *, resource: str) -> Any:
        """The JSON document of an API response, parsed after masking any echo of the token."""
        content = self._masked(response.read())
        try:
            return jsonlib.loads(content)
        except ValueError:
            pass  # raised below, outside the except block: the decode error holds the whole document
        raise MalformedResponse(f"{resource}: response is not JSON")

    def _refuse_downgrade(self, url: str, *, resource: str) -> None:
        """A signed URL is a secret too: never fetch one over plain HTTP when the API is HTTPS."""
        if self._https and origin(url)[0] != "https":
            raise MalformedResponse(f"{resource}: refusing a plain-HTTP URL from an HTTPS API")

    def _backoff(self, attempt: int) -> float:
        with self._rng_lock:
            return backoff_delay(attempt, rng=self._rng)

    def _api_call(
        self,
        method: str,
        path: str,
        *,
        resource: str,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        return self._send(method, self._url(path), resource=resource, params=params, json=json, api_path=path)

    def _get_document(self, path: str, *, resource: str, params: Mapping[str, str | int] | None = None) -> Any:
        return self._decode(self._api_call("GET", path, resource=resource, params=params), resource=resource)

    def _get_one(
        self, path: str, factory: _FromResource[T], *, resource: str, params: Mapping[str, str | int] | None = None
    ) -> T:
        document = self._get_document(path, resource=resource, params=params)
        data = document.get("data") if isinstance(document, dict) else None
        if not isinstance(data, dict):
            raise MalformedResponse(f"{resource}: response has no data object")
        return factory(data, index_included(document))

    def _paginate(
        self,
        path: str,
        factory: _FromResource[T],
        *,
        resource: str,
        params: Mapping[str, str | int] | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[T]:
        """Yield every record of a list endpoint, page by page, in both of TFC's pagination styles.

        Pages with totals and the organization runs list (next/prev only) both carry
        ``meta.pagination.next-page``; iteration stops when it is null, so stopping early fetches no more.
        """
        page: int | None = 1
        while page is not None:
            query = {**(params or {}), "page[number]": page, "page[size]": min(page_size, MAX_PAGE_SIZE)}
            document = self._get_document(path, resource=resource, params=query)
            data = document.get("data") if isinstance(document, dict) else None
            if not isinstance(data, list):
                raise MalformedResponse(f"{resource}: response has no data list (page {page})")
            included = index_included(document)
            for item in data:
                yield factory(item, included)
            pagination = (document.get("meta") or {}).get("pagination") or {}
            next_page = pagination.get("next-page")
            page = next_page if isinstance(next_page, int) and next_page > page else None

    def _org(self, org: str | None) -> str:
        return org or self.settings.require_organization()

    # -- API: meta ---------------------------------------------------------------------------------------

    def ping(self) -> Mapping[str, str]:
        """``GET /ping``; returns the API metadata headers (rate limit, app name, version)."""
        response = self._api_call("GET", "ping", resource="ping")
        wanted = ("x-ratelimit-limit", "tfp-api-version", "tfp-appname", "x-tfe-version")
        return {name: response.headers[name] for name in wanted if name in response.headers}

    def current_user(self) -> str:
        """``GET /account/details``: the username the token acts as (a team or org token's service user)."""
        document = self._get_document("account/details", resource="account details")
        attributes = ((document.get("data") or {}).get("attributes") or {}) if isinstance(document, dict) else {}
        username = attributes.get("username") if isinstance(attributes, dict) else None
        if not isinstance(username, str) or not username:
            raise MalformedResponse("account details: no username in the response")
        return username

    # -- API: workspaces ---------------------------------------------------------------------------------

    def list_workspaces(
        self,
        org: str | None = None,
        *,
        tags: Sequence[str] = (),
        exclude_tags: Sequence[str] = (),
        search: str | None = None,
        include: Sequence[str] = (),
    ) -> Iterator[Workspace]:
        org = self._org(org)
        params: dict[str, str | int] = {}
        if tags:
            params["search[tags]"] = ",".join(tags)
        if exclude_tags:
            params["search[exclude-tags]"] = ",".join(exclude_tags)
        if search:
            params["search[name]"] = search
        if include:
            params["include"] = ",".join(include)
        return self._paginate(
            f"organizations/{org}/workspaces",
            Workspace.from_resource,
            resource=f"workspaces of organization {org}",
            params=params,
        )

    def get_workspace(self, workspace_id: str) -> Workspace:
        resource = f"workspace {workspace_id}"
        return self._get_one(f"workspaces/{workspace_id}", Workspace.from_resource, resource=resource)

    def get_workspace_by_name(self, name: str, org: str | None = None) -> Workspace:
        org = self._org(org)
        return self._get_one(
            f"organizations/{org}/workspaces/{name}", Workspace.from_resource, resource=f"workspace {org}/{name}"
        )

    # -- API: runs ---------------------------------------------------------------------------------------

    @staticmethod
    def _run_params(
        statuses: Sequence[str], status_group: str | None, commit: str | None, include: Sequence[str]
    ) -> dict[str, str | int]:
        params: dict[str, str | int] = {}
        if statuses:
            params["filter[status]"] = ",".join(statuses)
        if status_group:
            params["filter[status_group]"] = status_group
        if commit:
            params["search[commit]"] = commit
        if include:
            params["include"] = ",".join(include)
        return params

    def list_org_runs(
        self,
        org: str | None = None,
        *,
        statuses: Sequence[str] = (),
        status_group: str | None = None,
        commit: str | None = None,
        workspace_names: Sequence[str] = (),
        include: Sequence[str] = RUN_INCLUDES,
    ) -> Iterator[Run]:
        """Runs across the organization (30 requests/minute at TFC; pages without totals)."""
        org = self._org(org)
        params = self._run_params(statuses, status_group, commit, include)
        if workspace_names:
            params["filter[workspace_names]"] = ",".join(workspace_names)
        return self._paginate(
            f"organizations/{org}/runs", Run.from_resource, resource=f"runs of organization {org}", params=params
        )

    def list_workspace_runs(
        self,
        workspace_id: str,
        *,
        statuses: Sequence[str] = (),
        commit: str | None = None,
        include: Sequence[str] = RUN_INCLUDES,
    ) -> Iterator[Run]:
        params = self._run_params(statuses, None, commit, include)
        return self._paginate(
            f"workspaces/{workspace_id}/runs",
            Run.from_resource,
            resource=f"runs of workspace {workspace_id}",
            params=params,
        )

    def get_run(self, run_id: str, *, include: Sequence[str] = RUN_INCLUDES) -> Run:
        params: dict[str, str | int] = {"include": ",".join(include)} if include else {}
        return self._get_one(f"runs/{run_id}", Run.from_resource, resource=f"run {run_id}", params=params)

    def create_run(
        self,
        workspace_id: str,
        *,
        message: str,
        plan_only: bool = False,
        is_destroy: bool = False,
        configuration_version_id: str | None = None,
    ) -> Run:
        """``POST /runs``. Not retried blindly: on a lost response, look for the run before creating again."""
        relationships: dict[str, Any] = {"workspace": {"data": {"type": "workspaces", "id": workspace_id}}}
        if configuration_version_id is not None:
            relationships["configuration-version"] = {
                "data": {"type": "configuration-versions", "id": configuration_version_id}
            }
        body = {
            "data": {
                "type": "runs",
                "attributes": {"message": message, "plan-only": plan_only, "is-destroy": is_destroy},
                "relationships": relationships,
            }
        }
        resource = f"new run in workspace {workspace_id}"
        document = self._decode(self._api_call("POST", "runs", resource=resource, json=body), resource=resource)
        return Run.from_resource(document["data"], index_included(document))

    def _run_action(self, run_id: str, action: str, comment: str | None) -> None:
        body = {"comment": comment} if comment else None
        self._api_call("POST", f"runs/{run_id}/actions/{action}", resource=f"{action} of run {run_id}", json=body)

    def apply_run(self, run_id: str, *, comment: str | None = None) -> None:
        """Confirm a run (202). 409 when it is no longer waiting for confirmation."""
        self._run_action(run_id, "apply", comment)

    def discard_run(self, run_id: str, *, comment: str | None = None) -> None:
        self._run_action(run_id, "discard", comment)

    def cancel_run(self, run_id: str, *, comment: str | None = None) -> None:
        self._run_action(run_id, "cancel", comment)

    def add_comment(self, run_id: str, body: str) -> Comment:
        payload = {"data": {"type": "comments", "attributes": {"body": body}}}
        resource = f"comment on run {run_id}"
        response = self._api_call("POST", f"runs/{run_id}/comments", resource=resource, json=payload)
        return Comment.from_resource(self._decode(response, resource=resource)["data"])

    def list_comments(self, run_id: str) -> Iterator[Comment]:
        return self._paginate(f"runs/{run_id}/comments", Comment.from_resource, resource=f"comments of run {run_id}")

    # -- API: plans and blobs ----------------------------------------------------------------------------

    def get_plan(self, plan_id: str) -> Plan:
        return self._get_one(f"plans/{plan_id}", Plan.from_resource, resource=f"plan {plan_id}")

    def get_plan_json(self, plan_id: str) -> dict[str, Any] | None:
        """The Terraform JSON plan, or ``None`` while TFC answers 204 (not ready yet)."""
        resource = f"JSON output of plan {plan_id}"
        response = self._api_call("GET", f"plans/{plan_id}/json-output", resource=resource)
        if response.status_code == 204:
            return None
        body = self._follow(response, resource=resource)
        try:
            document = jsonlib.loads(body)
        except ValueError:
            document = None  # reported below, outside the except block: the decode error holds the whole plan
        if document is None:
            raise MalformedResponse(f"{resource}: not JSON")
        if not isinstance(document, dict):
            raise MalformedResponse(f"{resource}: not a JSON object")
        return document

    def download(self, url: str, *, resource: str = "download") -> bytes:
        """GET a blob (e.g. a state download URL), byte for byte; the token is sent only to the API's own origin."""
        self._refuse_downgrade(url, resource=resource)
        return self._follow(self._send("GET", url, resource=resource), resource=resource)

    def _follow(self, response: httpx.Response, *, resource: str, hops: int = 3) -> bytes:
        for _ in range(hops):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response.content
            location = response.headers.get("location")
            if not location:
                raise MalformedResponse(f"{resource}: redirect without a location")
            target = urljoin(str(response.url), location)
            self._refuse_downgrade(target, resource=resource)
            response = self._send("GET", target, resource=resource)
        raise MalformedResponse(f"{resource}: too many redirects")

    # -- API: configuration versions --------------------------------------------------------------------

    def create_speculative_configuration_version(self, workspace_id: str) -> ConfigurationVersion:
        """``POST /workspaces/:id/configuration-versions``, speculative and queueing no run: it can only ever
        produce plan-only runs. The answer carries the signed upload URL."""
        attributes = {"speculative": True, "auto-queue-runs": False}
        body = {"data": {"type": "configuration-versions", "attributes": attributes}}
        resource = f"speculative configuration version of workspace {workspace_id}"
        response = self._api_call("POST", f"workspaces/{workspace_id}/configuration-versions", resource=resource,
                                  json=body)
        data = self._decode(response, resource=resource).get("data")
        created = ConfigurationVersion.from_resource(data) if isinstance(data, dict) and data.get("id") else None
        if created is None or created.upload_url is None:
            raise MalformedResponse(f"{resource}: no id or upload-url in the answer")
        return created

    def upload_configuration(self, version: ConfigurationVersion, content: bytes) -> None:
        """PUT a tar.gz to the version's signed upload URL, without the API token whatever the host; not retried
        (an upload that may have landed is not sent twice: the version's status tells)."""
        resource = f"upload of configuration version {version.id}"
        if version.upload_url is None:
            raise MalformedResponse(f"{resource}: the version has no upload URL")
        self._refuse_downgrade(version.upload_url, resource=resource)
        self._download_bucket.acquire()  # counted with downloads: a blob transfer, not an API request
        failure = None
        try:
            response = self._http.request("PUT", version.upload_url, content=content, auth=None,
                                          headers={"Content-Type": "application/octet-stream"})
        except httpx.TransportError as exc:
            failure = type(exc).__name__
        if failure is not None:
            self.stats.record(None, retry=False, download=True)
            raise TransportError(f"{resource}: {failure}")
        self.stats.record(response.status_code, retry=False, download=True)
        if response.status_code >= 400:
            raise api_error(response.status_code, resource, None)

    def get_configuration_version(self, cv_id: str) -> ConfigurationVersion:
        return self._get_one(f"configuration-versions/{cv_id}", ConfigurationVersion.from_resource,
                             resource=f"configuration version {cv_id}")

    # -- API: state versions -----------------------------------------------------------------------------

    def list_state_versions(
        self, workspace_name: str, org: str | None = None, *, status: str | None = None, page_size: int = 100
    ) -> Iterator[StateVersion]:
        """State versions of a workspace, newest first as TFC returns them."""
        org = self._org(org)
        params: dict[str, str | int] = {
            "filter[workspace][name]": workspace_name,
            "filter[organization][name]": org,
        }
        if status:
            params["filter[status]"] = status
        return self._paginate(
            "state-versions",
            StateVersion.from_resource,
            resource=f"state versions of workspace {workspace_name}",
            params=params,
            page_size=page_size,
        )

    def get_current_state_version(self, workspace_id: str) -> StateVersion | None:
        """The workspace's current state version, or ``None`` if it has none (TFC answers 404)."""
        try:
            return self._get_one(
                f"workspaces/{workspace_id}/current-state-version",
                StateVersion.from_resource,
                resource=f"current state version of workspace {workspace_id}",
            )
        except NotFound:
            return None

    # -- API: agents -------------------------------------------------------------------------------------

    def list_agent_pools(self, org: str | None = None) -> Iterator[AgentPool]:
        org = self._org(org)
        return self._paginate(
            f"organizations/{org}/agent-pools", AgentPool.from_resource, resource=f"agent pools of {org}"
        )

    def list_agents(self, pool_id: str) -> Iterator[Agent]:
        return self._paginate(f"agent-pools/{pool_id}/agents", Agent.from_resource, resource=f"agents of {pool_id}")

    # -- API: notification configurations ----------------------------------------------------------------

    def list_notification_configurations(self, workspace_id: str) -> Iterator[NotificationConfiguration]:
        return self._paginate(
            f"workspaces/{workspace_id}/notification-configurations",
            NotificationConfiguration.from_resource,
            resource=f"notification configurations of workspace {workspace_id}",
        )

    def create_notification_configuration(
        self,
        workspace_id: str,
        *,
        name: str,
        url: str,
        token: str | None,
        triggers: Sequence[str],
        enabled: bool = True,
        destination_type: str = "generic",
    ) -> NotificationConfiguration:
        body = {
            "data": {
                "type": "notification-configurations",
                "attributes": {
                    "name": name,
                    "destination-type": destination_type,
                    "enabled": enabled,
                    "url": url,
                    "token": token,
                    "triggers": list(triggers),
                },
            }
        }
        resource = f"notification configuration {name!r} of workspace {workspace_id}"
        path = f"workspaces/{workspace_id}/notification-configurations"
        response = self._api_call("POST", path, resource=resource, json=body)
        return NotificationConfiguration.from_resource(self._decode(response, resource=resource)["data"])

    def verify_notification_configuration(self, configuration_id: str) -> NotificationConfiguration:
        resource = f"verification of notification configuration {configuration_id}"
        path = f"notification-configurations/{configuration_id}/actions/verify"
        response = self._api_call("POST", path, resource=resource)
        return NotificationConfiguration.from_resource(self._decode(response, resource=resource)["data"])
