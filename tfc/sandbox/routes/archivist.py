"""Archivist-style blob URLs: they carry their own secret and need no bearer token."""

from __future__ import annotations

import hmac
import json

from flask import Flask, Response

from tfc.sandbox.http import ARCHIVIST_PREFIX, STATE_PREFIX, Api
from tfc.sandbox.statefile import state_file


def register(app: Flask, api: Api) -> None:
    @app.get(ARCHIVIST_PREFIX + "<secret>")
    def plan_blob(secret: str) -> Response:
        with api.world.lock:
            entry = api.blobs.get(secret)
            if entry is None or entry[1] < api.world.clock():
                return Response(b"not found or expired", status=404)
            return Response(json.dumps(api.world.plans[entry[0]].document), mimetype="application/json")

    @app.get(STATE_PREFIX + "<sv_id>/<signature>")
    def state_download(sv_id: str, signature: str) -> Response:
        with api.world.lock:
            version = api.world.state_version(sv_id)
            if version is None or not hmac.compare_digest(signature, api.state_signature(sv_id)):
                return Response(b"not found", status=404)
            ws = api.world.workspaces[version.workspace_id]
            return Response(json.dumps(state_file(ws, version)), mimetype="application/json")
