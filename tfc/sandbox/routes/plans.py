"""Plans and their JSON output (through the archivist), applies."""

from __future__ import annotations

from flask import Flask, Response

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem
from tfc.sandbox.world import (
    PlanRec,
)


def register(app: Flask, api: Api) -> None:
    @app.get("/api/v2/plans/<plan_id>")
    def get_plan(plan_id: str) -> Response:
        with api.world.lock:
            return api.jsonapi({"data": doc.plan(api.world, api.plan_or_404(plan_id).id)})

    @app.get("/api/v2/runs/<run_id>/plan")
    def run_plan(run_id: str) -> Response:
        with api.world.lock:
            return api.jsonapi({"data": doc.plan(api.world, api.run_or_404(run_id).plan_id)})

    def json_output(plan: PlanRec) -> Response:
        if plan.document is None:
            return Response(status=204)
        return Response(status=307, headers={"Location": api.plan_blob_url(plan.id)})

    @app.get("/api/v2/plans/<plan_id>/json-output")
    def plan_json(plan_id: str) -> Response:
        with api.world.lock:
            plan = api.plan_or_404(plan_id)
        return json_output(plan)

    @app.get("/api/v2/runs/<run_id>/plan/json-output")
    def run_plan_json(run_id: str) -> Response:
        with api.world.lock:
            plan = api.world.plans[api.run_or_404(run_id).plan_id]
        return json_output(plan)

    @app.get("/api/v2/applies/<apply_id>")
    def get_apply(apply_id: str) -> Response:
        with api.world.lock:
            run = next((r for r in api.world.runs.values() if r.apply_id == apply_id), None)
            if run is None:
                raise ApiProblem(404, "not found")
            api.run_or_404(run.id)
            return api.jsonapi({"data": doc.apply(api.world, run)})
