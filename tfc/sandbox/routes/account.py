"""Who the token is: GET /account/details (go-tfe user.go ``ReadCurrent``), and users by id."""

from __future__ import annotations

from flask import Flask, Response

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem


def register(app: Flask, api: Api) -> None:
    @app.get("/api/v2/account/details")
    def account_details() -> Response:
        with api.world.lock:
            return api.jsonapi({"data": doc.user(api.current_user())})

    @app.get("/api/v2/users/<user_id>")
    def get_user(user_id: str) -> Response:
        with api.world.lock:
            rec = api.world.users.get(user_id)
            if rec is None:
                raise ApiProblem(404, "not found")
            return api.jsonapi({"data": doc.user(rec)})

    @app.get("/api/v2/runs/<run_id>/created-by")
    def run_created_by(run_id: str) -> Response:
        with api.world.lock:
            run = api.run_or_404(run_id)
            rec = api.world.users.get(run.created_by or "")
            return api.jsonapi({"data": doc.user(rec) if rec else None})
