"""The built-in demo scenario: a platform team's organization at realistic scale, generated deterministically.

625 workspaces over tiers, types, owners and 38 accounts; one commit of a shared "deploy" module change
(DEMO_COMMIT) waiting for confirmation in 261 ``type:deploy`` workspaces, with the exceptions a real change
has: one plan also deletes a resource, one run errored, one waits (pending) behind another commit's run that
awaits confirmation (TFC processes a workspace's runs in order), one plan also shows drift; the same commit in
9 ``type:region`` workspaces; ~40 other pending runs by 20 other authors; workspaces whose latest runs errored;
a year of state versions per workspace; agent pools of 40 and 80. ``SCALE`` is the same at 1,500 workspaces.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tfc.sandbox.world import (
    AgentPoolRec,
    AgentRec,
    ConfigurationVersionRec,
    IngressRec,
    PlanRec,
    RunRec,
    StateVersionRec,
    WorkspaceRec,
    World,
    backfill_timestamps,
    count_plan,
)

DEMO_ORG = "demo-org"


def _hex(data: bytes) -> str:
    """A deterministic hex digest for ids and fake commit SHAs."""
    return hashlib.sha256(data).hexdigest()


DEMO_TOKEN = "sandbox-demo.atlasv1.not-a-secret"  # noqa: S105 - public: the sandbox's demo token
DEMO_COMMIT = "abcd1234" + _hex(b"tfc-toolkit demo commit")[:32]
OTHER_COMMIT = "f00dfeed" + _hex(b"tfc-toolkit newer commit")[:32]  # planned just before DEMO_COMMIT in one workspace
DEMO_AUTHOR = "maria.garcia"
DEMO_USER = "platform-bot"  # who the demo token is (GET /account/details)
COMMIT_MESSAGE = "deploy module: allow KMS decrypt on artifacts for every stack (#4821)"

TIERS = ("dev", "staging", "prod", "gxp")
TIER_WEIGHTS = (30, 25, 35, 10)
TYPE_COUNTS = (("deploy", 300), ("region", 120), ("account", 38), ("network", 60), ("data", 57), ("platform", 50))
TEAMS = ("infra-monolith", "payments", "identity", "data-platform", "observability", "networking", "security",
         "search", "checkout", "mobile-backend", "ml-platform", "developer-tools")
REGION_SETS = (("us-east-1",), ("us-east-1", "us-west-2"), ("eu-west-1",), ("eu-west-1", "eu-central-1"),
               ("ap-southeast-2",))
AUTHORS = ("alice.nguyen", "bob.smith", "carol.jones", "dave.kim", "erin.lopez", "frank.olsen", "grace.hopper",
           "heidi.meyer", "ivan.petrov", "judy.chen", "ken.adams", "lena.fischer", "mallory.ross", "niaj.patel",
           "olivia.brown", "peggy.wu", "quentin.blake", "rupert.gray", "sybil.vance", "trent.walker")
AWS = "registry.terraform.io/hashicorp/aws"
BASE_RESOURCES = {
    "deploy": (("aws_iam_role", "deployer", "stack"), ("aws_lambda_function", "handler", "stack"),
               ("aws_s3_bucket", "artifacts", "stack"), ("aws_cloudwatch_log_group", "handler", "stack"),
               ("data.aws_iam_policy_document", "access", "stack"), ("aws_sqs_queue", "jobs", "stack")),
    "region": (("aws_vpc_endpoint", "s3", "root"), ("aws_route53_record", "regional", "root"),
               ("aws_kms_key", "regional", "root"), ("data.aws_region", "current", "root")),
    "account": (("aws_iam_account_password_policy", "strict", "root"), ("aws_iam_role", "break_glass", "root"),
                ("aws_guardduty_detector", "main", "root"), ("aws_cloudtrail", "org", "root")),
    "network": (("aws_subnet", "private", "root"), ("aws_route_table", "private", "root"),
                ("aws_security_group", "internal", "root"), ("aws_nat_gateway", "egress", "root")),
    "data": (("aws_glue_catalog_table", "events", "root"), ("aws_s3_bucket", "lake", "root"),
             ("aws_athena_workgroup", "analysts", "root"), ("data.aws_caller_identity", "current", "root")),
    "platform": (("aws_eks_node_group", "workers", "root"), ("aws_ecr_repository", "images", "root"),
                 ("aws_iam_role", "irsa", "root"), ("helm_release", "ingress", "root")),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """How big the generated organization is; the demo's figures are documented in docs/sandbox.md."""

    type_counts: tuple[tuple[str, int], ...]
    commit_deploys: int  # type:deploy workspaces with a run of DEMO_COMMIT (four of them are exceptions)
    commit_regions: int  # type:region workspaces with a run of DEMO_COMMIT


DEMO = Profile(TYPE_COUNTS, commit_deploys=261, commit_regions=9)
# The seed's horizon: 1,500 workspaces; 1,002 runs of DEMO_COMMIT of which 1,000 await confirmation (one errored,
# one pending behind another commit's run).
SCALE = Profile((("deploy", 1100), ("region", 200), ("account", 38), ("network", 60), ("data", 52),
                 ("platform", 50)), commit_deploys=1002, commit_regions=0)
PROFILES = {"demo": DEMO, "scale": SCALE}


@dataclass(frozen=True, slots=True)
class DemoWorkspace:
    rec: WorkspaceRec
    kind: str
    tier: str
    account: str
    regions: tuple[str, ...]


def build_demo(world: World, *, seed: int = 0, now: datetime, profile: Profile = DEMO) -> str:
    """Fill ``world`` with the demo organization (or the ``SCALE`` profile's); return its token."""
    rng = random.Random(seed)
    world.organizations[DEMO_ORG] = {"name": DEMO_ORG, "email": "platform@example.com"}
    world.tokens[DEMO_TOKEN] = frozenset({DEMO_ORG})
    world.token_users[DEMO_TOKEN] = world.user(DEMO_USER).id
    accounts = [str(rng.randrange(10**11, 10**12)) for _ in range(38)]
    pools = _agent_pools(world, rng, now)
    demo: list[DemoWorkspace] = []
    for kind, count in profile.type_counts:
        for index in range(count):
            tier = rng.choices(TIERS, TIER_WEIGHTS)[0]
            account = accounts[index % len(accounts)] if kind == "account" else rng.choice(accounts)
            regions = rng.choice(REGION_SETS) if kind in ("deploy", "region") else ()
            name = f"{kind}-{tier}-{index:03d}"
            age = rng.choice([900, 700, 500, 420]) if rng.random() > 0.06 else rng.randrange(30, 300)
            tags = [f"type:{kind}", f"tier:{tier}", f"owner:{rng.choice(TEAMS)}", f"account:{account}"]
            rec = WorkspaceRec(id=_ws_id(name), name=name, organization=DEMO_ORG, tags=tags,
                               created_at=now - timedelta(days=age, hours=rng.randrange(24)),
                               working_directory=f"workspaces/{kind}/{name}",
                               agent_pool_id=pools["prod" if tier in ("prod", "gxp") else "nonprod"],
                               project_id=world.project(DEMO_ORG, kind).id,  # one project per type
                               tag_bindings=dict(t.split(":", 1) for t in tags))  # the same tags, key-value
            world.add_workspace(rec)
            demo.append(DemoWorkspace(rec, kind, tier, account, regions))
    by_name = {d.rec.name: d for d in demo}
    world.history_factory = lambda ws: _history(ws, by_name[ws.name], seed, now)
    _settled_runs(world, demo, rng, now)
    _commit_runs(world, demo, rng, now, profile)
    _other_pending(world, demo, rng, now)
    _errored(world, demo, rng, now)
    return DEMO_TOKEN


def _ws_id(name: str) -> str:
    return "ws-" + _hex(name.encode())[:16]


def _agent_pools(world: World, rng: random.Random, now: datetime) -> dict[str, str]:
    ids = {}
    for key, name, size in (("nonprod", "agents-nonprod", 40), ("prod", "agents-prod", 80)):
        pool = AgentPoolRec(id=f"apool-{key}", name=name, organization=DEMO_ORG)
        for n in range(size):
            status = rng.choices(("busy", "idle", "unknown", "errored", "exited"), (60, 30, 4, 3, 3))[0]
            agent = AgentRec(id=f"agent-{key}-{n:03d}", name=f"{name}-{n:03d}", status=status, pool_id=pool.id,
                             last_ping_at=now - timedelta(seconds=rng.randrange(5, 300)))
            world.agents[agent.id] = agent
            pool.agent_ids.append(agent.id)
        world.agent_pools[pool.id] = pool
        ids[key] = pool.id
    return ids


def _add_run(world: World, now: datetime, ws: WorkspaceRec, *, sha: str, author: str, message: str, status: str,
             created: datetime, document: dict[str, Any] | None, errored_plan: bool = False) -> RunRec:
    ingress = IngressRec(id=world.new_id("ia"), commit_sha=sha, commit_message=message,
                         sender_username=author)
    world.ingress[ingress.id] = ingress
    cv = ConfigurationVersionRec(id=world.new_id("cv"), ingress_id=ingress.id, workspace_id=ws.id)
    run = RunRec(id=world.new_id("run"), workspace_id=ws.id, status=status, created_at=created,
                 plan_id=world.new_id("plan"), apply_id=world.new_id("apply"), cv_id=cv.id, message=message,
                 errored_plan=errored_plan, created_by=world.user(author).id, trigger_reason="vcs")
    waiting = status == "pending"
    plan = PlanRec(id=run.plan_id, run_id=run.id, document=None if waiting else document,
                   status="pending" if waiting else "errored" if errored_plan else "finished")
    count_plan(plan)
    backfill_timestamps(run, plan, now=now)
    if document is not None:
        world.plan_templates[cv.id] = document
    world.add_run(run, plan, cv)
    return run


def _settled_runs(world: World, demo: Sequence[DemoWorkspace], rng: random.Random, now: datetime) -> None:
    """Every workspace's last apply, from some days ago."""
    for d in demo:
        sha = _hex(f"settled-{d.rec.name}".encode())[:40]
        _add_run(world, now, d.rec, sha=sha, author=rng.choice(AUTHORS), message="Routine change", status="applied",
                 created=now - timedelta(days=rng.randrange(3, 40), minutes=rng.randrange(600)), document=None)


def _commit_runs(world: World, demo: Sequence[DemoWorkspace], rng: random.Random, now: datetime,
                 profile: Profile) -> None:
    deploys = [d for d in demo if d.kind == "deploy"]
    rng.shuffle(deploys)
    chosen = sorted(deploys[:profile.commit_deploys], key=lambda d: d.rec.name)
    exceptions = {chosen[7].rec.name: "delete", chosen[101].rec.name: "errored", chosen[150].rec.name: "queued",
                  chosen[200].rec.name: "drift"}
    started = now - timedelta(hours=2)
    for offset, d in enumerate(chosen):
        variant = exceptions.get(d.rec.name, "plain")
        created = started + timedelta(seconds=offset * 7 * 261 / len(chosen))
        errored = variant == "errored"
        document = None if errored else deploy_plan(d, variant)
        if variant == "queued":  # another commit's run came first and awaits confirmation: ours waits behind it
            _add_run(world, now, d.rec, sha=OTHER_COMMIT, author="bob.smith", message="deploy: bump lambda memory",
                     status="planned", created=created - timedelta(minutes=30), document=deploy_plan(d, "plain"))
        _add_run(world, now, d.rec, sha=DEMO_COMMIT, author=DEMO_AUTHOR, message=COMMIT_MESSAGE,
                 status="errored" if errored else "pending" if variant == "queued" else "planned", created=created,
                 document=document, errored_plan=errored)
    regions = sorted((d for d in demo if d.kind == "region"), key=lambda d: d.rec.name)[:profile.commit_regions]
    for offset, d in enumerate(regions):
        _add_run(world, now, d.rec, sha=DEMO_COMMIT, author=DEMO_AUTHOR, message=COMMIT_MESSAGE, status="planned",
                 created=started + timedelta(minutes=40, seconds=offset), document=deploy_plan(d, "plain"))


def _other_pending(world: World, demo: Sequence[DemoWorkspace], rng: random.Random, now: datetime) -> None:
    busy = {w.id for w in world.workspaces.values() if len(w.run_ids) > 1}
    free = [d for d in demo if d.rec.id not in busy and d.kind != "region"]
    rng.shuffle(free)
    for n, d in enumerate(free[:40]):
        author = AUTHORS[n % len(AUTHORS)]
        sha = _hex(f"{author}-{n // 20}".encode())[:40]
        created = now - timedelta(hours=rng.randrange(1, 120), minutes=rng.randrange(60))
        _add_run(world, now, d.rec, sha=sha, author=author, message=f"{d.kind}: tune settings ({author})",
                 status="planned", created=created, document=small_plan(d, rng))


def _errored(world: World, demo: Sequence[DemoWorkspace], rng: random.Random, now: datetime) -> None:
    busy = {w.id for w in world.workspaces.values() if len(w.run_ids) > 1}
    candidates = [d for d in demo if d.rec.id not in busy and d.kind in ("network", "data", "platform")]
    rng.shuffle(candidates)
    for n, d in enumerate(candidates[:6]):
        times = 2 if n < 2 else 1  # two workspaces failed twice in a row
        for attempt in range(times):
            sha = _hex(f"errored-{d.rec.name}-{attempt}".encode())[:40]
            _add_run(world, now, d.rec, sha=sha, author=rng.choice(AUTHORS), message=f"{d.kind}: refactor",
                     status="errored", created=now - timedelta(hours=6 - attempt * 2), document=None,
                     errored_plan=True)


def _policy(account: str, region: str, workspace: str, *, kms: bool) -> str:
    statements: list[dict[str, Any]] = [
        {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{account}-{region}-artifacts", f"arn:aws:s3:::{account}-{region}-artifacts/*"]},
        {"Sid": "Deploy", "Effect": "Allow", "Action": ["lambda:UpdateFunctionCode"],
         "Resource": f"arn:aws:lambda:{region}:{account}:function:{workspace}-*"},
    ]
    if kms:
        statements.append({"Sid": "DecryptArtifacts", "Effect": "Allow", "Action": ["kms:Decrypt"],
                           "Resource": f"arn:aws:kms:{region}:{account}:key/*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def _change(address: str, module: str | None, rtype: str, name: str, actions: list[str], before: Any, after: Any,
            index: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"address": address, "mode": "managed", "type": rtype, "name": name,
                             "provider_name": AWS, "change": {"actions": actions, "before": before, "after": after,
                                                              "after_unknown": {}, "before_sensitive": {},
                                                              "after_sensitive": {}}}
    if module:
        entry["module_address"] = module
    if index is not None:
        entry["index"] = index
    return entry


def deploy_plan(d: DemoWorkspace, variant: str) -> dict[str, Any]:
    """The shared deploy module's change: one IAM policy per region gains a KMS statement."""
    ws, account = d.rec.name, d.account
    changes: list[dict[str, Any]] = []
    for region in d.regions:
        module = f'module.stack["{region}"]'
        arn = f"arn:aws:iam::{account}:policy/{ws}-{region}-access"
        owner = d.rec.tags[2].split(":", 1)[1]
        common = {"arn": arn, "name": f"{ws}-{region}-access", "path": "/", "description": "Deploy stack access"}
        # The module tags each policy with a fingerprint of its deploy key, a sensitive input: the plan marks it.
        before = common | {"policy": _policy(account, region, ws, kms=False),
                           "tags": {"owner": owner, "deploy-key": _hex(f"{ws}/{region}/1".encode())[:16]}}
        after = common | {"policy": _policy(account, region, ws, kms=True),
                          "tags": {"owner": owner, "deploy-key": _hex(f"{ws}/{region}/2".encode())[:16]}}
        policy = _change(f"{module}.aws_iam_policy.access_controls", module, "aws_iam_policy", "access_controls",
                         ["update"], before, after)
        policy["change"]["before_sensitive"] = policy["change"]["after_sensitive"] = {"tags": {"deploy-key": True}}
        changes.append(policy)
        changes.append(_change(f"{module}.aws_iam_role.deployer", module, "aws_iam_role", "deployer", ["no-op"],
                               {"name": f"{ws}-deployer"}, {"name": f"{ws}-deployer"}))
    drift: list[dict[str, Any]] = []
    first = f'module.stack["{d.regions[0]}"]'
    if variant == "delete":
        changes.append(_change(f"{first}.aws_cloudwatch_log_group.legacy", first, "aws_cloudwatch_log_group", "legacy",
                               ["delete"], {"name": f"/deploy/{ws}/legacy", "retention_in_days": 30}, None))
    if variant == "drift":
        drift.append(_change(f"{first}.aws_iam_role.deployer", first, "aws_iam_role", "deployer", ["update"],
                             {"name": f"{ws}-deployer", "max_session_duration": 3600},
                             {"name": f"{ws}-deployer", "max_session_duration": 43200}))
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes,
            "resource_drift": drift, "output_changes": {}, "errored": False, "applyable": True,
            "complete": True}


def small_plan(d: DemoWorkspace, rng: random.Random) -> dict[str, Any]:
    rtype, name, _ = BASE_RESOURCES[d.kind][0]
    changes = [_change(f"{rtype}.{name}", None, rtype, name, ["update"], {"tags": {"rev": "1"}},
                       {"tags": {"rev": str(rng.randrange(2, 9))}})]
    if rng.random() < 0.3:
        changes.append(_change("aws_ssm_parameter.setting", None, "aws_ssm_parameter", "setting", ["create"], None,
                               {"name": f"/{d.rec.name}/setting", "type": "String"}))
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes,
            "resource_drift": [], "output_changes": {}, "errored": False, "applyable": True, "complete": True}


def _history(ws: WorkspaceRec, d: DemoWorkspace, seed: int, now: datetime) -> list[StateVersionRec]:
    """About a year (and a bit) of state versions whose resource counts grow as real estates do."""
    rng = random.Random(f"{seed}/{ws.name}")
    start = max(ws.created_at, now - timedelta(days=400))
    versions_count = rng.randrange(20, 45) if d.kind == "deploy" else rng.randrange(8, 30)
    span = (now - timedelta(days=1) - start).total_seconds()
    first = start + timedelta(hours=rng.randrange(1, 72))  # the workspace's first apply, soon after it starts
    moments = [first, *sorted(first + timedelta(seconds=rng.random() * span) for _ in range(versions_count - 1))]
    counts = {(rtype, name, module): (len(d.regions) or 1) * rng.randrange(2, 9)
              for rtype, name, module in BASE_RESOURCES[d.kind]}
    extra_types = ("aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_ssm_parameter", "aws_iam_policy")
    out: list[StateVersionRec] = []
    serial = 0
    for n, moment in enumerate(moments):
        roll = rng.random()  # about +25 % a year across the estate, with some churn
        if roll < 0.3:
            key = rng.choice(list(counts))
            if not key[0].startswith("data."):
                counts[key] += 1
        elif roll < 0.36:
            counts[(rng.choice(extra_types), f"extra_{n}", "root")] = rng.randrange(1, 3)
        elif roll < 0.5:
            key = rng.choice(list(counts))
            counts[key] = max(1, counts[key] - 1)
        serial += rng.randrange(1, 3)
        resources = [{"name": name, "type": rtype, "count": count,
                      "module": 'module.stack' if module == "stack" else "root",
                      "provider": f'provider["{AWS}"]'} for (rtype, name, module), count in sorted(counts.items())]
        sv_id = "sv-" + _hex(f"{ws.name}/{serial}".encode())[:16]
        out.append(StateVersionRec(id=sv_id, workspace_id=ws.id, serial=serial, created_at=moment,
                                   resources=resources, processed=rng.random() > 0.02))
    return out
