"""Agent pools and their agents."""

from __future__ import annotations

from flask import Flask, Response

from tfc.sandbox import agent_dynamics
from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api


def register(app: Flask, api: Api) -> None:
    @app.get("/api/v2/organizations/<org>/agent-pools")
    def agent_pools(org: str) -> Response:
        with api.world.lock:
            api.org_or_404(org)
            pools = sorted((p for p in api.world.agent_pools.values() if p.organization == org), key=lambda p: p.name)
            for pool in pools:
                agent_dynamics.refresh(api.world, pool)
            return api.paged(pools, lambda p: doc.agent_pool(p, [api.world.agents[a] for a in p.agent_ids]))

    @app.get("/api/v2/agent-pools/<pool_id>")
    def agent_pool(pool_id: str) -> Response:
        with api.world.lock:
            pool = api.pool_or_404(pool_id)
            agent_dynamics.refresh(api.world, pool)
            return api.jsonapi({"data": doc.agent_pool(pool, [api.world.agents[a] for a in pool.agent_ids])})

    @app.get("/api/v2/agent-pools/<pool_id>/agents")
    def pool_agents(pool_id: str) -> Response:
        with api.world.lock:
            pool = api.pool_or_404(pool_id)
            agent_dynamics.refresh(api.world, pool)
            return api.paged([api.world.agents[a] for a in pool.agent_ids], doc.agent)
