"""Speculative configuration versions and plan-only runs (api-docs/configuration-versions.mdx, run.mdx).

A speculative version can only ever produce plan-only runs: nothing created here can be applied. The upload
goes to the archivist's signed URL, which carries its own secret: it is sent without the API token.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tfc.client import TfcClient
from tfc.errors import MalformedResponse, TransportError, api_error
from tfc.jsonapi import index_included
from tfc.models import Run


@dataclass(frozen=True, slots=True)
class Upload:
    configuration_version_id: str
    upload_url: str


def archive(repo: Path) -> tuple[bytes, int]:
    """(tar.gz of the working tree, file count): ``git ls-files`` (tracked and untracked, not ignored) in a
    repository, else every file under ``repo`` outside ``.git``. Deterministic: no times, owners or modes."""
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=False)
    if listed.returncode == 0:
        names = sorted({n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n})
    else:
        names = _walk(repo)
    buffer = io.BytesIO()
    count = 0
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in names:
            path = repo / name
            if path.is_symlink() or not path.is_file():  # deleted in the working tree, or a link out of it
                continue
            info = tarfile.TarInfo(name)
            data = path.read_bytes()
            info.size, info.mode = len(data), 0o755 if os.access(path, os.X_OK) else 0o644
            tar.addfile(info, io.BytesIO(data))
            count += 1
    return buffer.getvalue(), count


def _walk(repo: Path) -> list[str]:
    found: list[str] = []
    for current, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        found.extend(Path(current, f).relative_to(repo).as_posix() for f in files)
    return sorted(found)


def create_configuration_version(client: TfcClient, workspace_id: str) -> Upload:
    """``POST /workspaces/:id/configuration-versions``: speculative, and no run queued by the upload."""
    body = {"data": {"type": "configuration-versions",
                     "attributes": {"speculative": True, "auto-queue-runs": False}}}
    resource = f"speculative configuration version of workspace {workspace_id}"
    response = client._api_call("POST", f"workspaces/{workspace_id}/configuration-versions", resource=resource,
                                json=body)
    data = client._decode(response, resource=resource).get("data") or {}
    url = (data.get("attributes") or {}).get("upload-url")
    if not isinstance(url, str) or not data.get("id"):
        raise MalformedResponse(f"{resource}: no id or upload-url in the answer")
    return Upload(str(data["id"]), url)


def upload(client: TfcClient, target: Upload, content: bytes) -> None:
    """PUT the tar.gz to the signed upload URL, with no Authorization header whatever the host."""
    resource = f"upload of configuration version {target.configuration_version_id}"
    client._refuse_downgrade(target.upload_url, resource=resource)
    try:
        response = client._http.request("PUT", target.upload_url, content=content, auth=None,
                                        headers={"Content-Type": "application/octet-stream"})
    except httpx.TransportError as exc:
        raise TransportError(f"{resource}: {type(exc).__name__}") from None
    client.stats.record(response.status_code, retry=False, download=True)
    if response.status_code >= 400:
        raise api_error(response.status_code, resource, None)


def configuration_version_status(client: TfcClient, cv_id: str) -> str:
    resource = f"configuration version {cv_id}"
    document: Any = client._get_document(f"configuration-versions/{cv_id}", resource=resource)
    return str(((document.get("data") or {}).get("attributes") or {}).get("status") or "")


def create_plan_only_run(client: TfcClient, workspace_id: str, cv_id: str, *, message: str) -> Run:
    """``POST /runs`` with ``plan-only`` on the speculative version: a run that can never be applied."""
    body = {"data": {"type": "runs", "attributes": {"message": message, "plan-only": True},
                     "relationships": {
                         "workspace": {"data": {"type": "workspaces", "id": workspace_id}},
                         "configuration-version": {"data": {"type": "configuration-versions", "id": cv_id}}}}}
    resource = f"plan-only run in workspace {workspace_id}"
    document = client._decode(client._api_call("POST", "runs", resource=resource, json=body), resource=resource)
    return Run.from_resource(document["data"], index_included(document))
