"""Service discovery and ping."""

from __future__ import annotations

import json

from flask import Flask, Response

from tfc.sandbox.http import Api


def register(app: Flask, api: Api) -> None:
    @app.get("/.well-known/terraform.json")
    def discovery() -> Response:
        body = {"modules.v1": "/api/registry/v1/modules/", "motd.v1": "/api/terraform/motd",
                "state.v2": "/api/v2/", "tfe.v2": "/api/v2/", "tfe.v2.1": "/api/v2/", "tfe.v2.2": "/api/v2/",
                "versions.v1": "https://checkpoint-api.hashicorp.com/v1/versions/"}
        return Response(json.dumps(body), mimetype="application/json")

    @app.get("/api/v2/ping")
    def ping() -> Response:
        limit = str(int(api.settings.rate_limit or 30))
        return Response(status=204, headers={"X-RateLimit-Limit": limit, "TFP-API-Version": "2.6",
                                             "TFP-AppName": "HCP Terraform", "X-TFE-Version": "sandbox"})
