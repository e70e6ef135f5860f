"""tfc dependabot: policy loading, decisions per directory, Dependabot's schema rules, golden output, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfc.cli.app import main
from tfc.dependabot.plan import Directory, build_plan, decide, group_name
from tfc.dependabot.policy import Ignore, Override, Policy, Tier, load_policy
from tfc.dependabot.providers import ProviderUse, locked_in_file, normal_source, required_in_file
from tfc.dependabot.render import document
from tfc.dependabot.schema import validate
from tfc.errors import ConfigError

from .monorepo import POLICY, write_monorepo

GOLDEN = Path(__file__).with_name("golden.yml")


def _use(source: str) -> ProviderUse:
    return ProviderUse(source, "x.tf:1")


def _dir(path: str = "envs/a", *, tiers: tuple[str, ...] = ("dev",), owners: tuple[str, ...] = ("payments",),
         providers: tuple[str, ...] = ("hashicorp/aws",), module: bool = False,
         workspaces: tuple[str, ...] = ("a",)) -> Directory:
    return Directory(path, workspaces, module, tiers, owners, tuple(_use(p) for p in providers))


# --- providers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "local", "expected"), [
    ("hashicorp/aws", None, "hashicorp/aws"),
    ("registry.terraform.io/HashiCorp/AWS", None, "hashicorp/aws"),
    ("app.terraform.io/acme/internal", None, "app.terraform.io/acme/internal"),
    ("aws", None, "hashicorp/aws"),
    ("", "google", "hashicorp/google"),
])
def test_provider_sources_are_normalised(raw: str, local: str | None, expected: str) -> None:
    assert normal_source(raw, local) == expected


def test_required_providers_and_lock_files_are_read_with_lines() -> None:
    text = (b'terraform {\n  required_version = ">= 1.5"\n  required_providers {\n'
            b'    aws = { source = "hashicorp/aws", version = "~> 5.0" }\n    legacy = "1.2"\n'
            b'    odd = { source = "${var.ns}/odd" }\n  }\n}\nresource "x" "y" {\n  required_providers = 1\n}\n')
    assert required_in_file(text, "m.tf") == [ProviderUse("hashicorp/aws", "m.tf:4"),
                                              ProviderUse("hashicorp/legacy", "m.tf:5"),
                                              ProviderUse("hashicorp/odd", "m.tf:6")]
    lock = b'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.1.0"\n}\n\nprovider "x/y" {\n}\n'
    assert locked_in_file(lock, "l") == [ProviderUse("hashicorp/aws", "l:1"), ProviderUse("x/y", "l:5")]


# --- decisions ---------------------------------------------------------------------------------------------------

POLICY_OBJ = Policy(path="p", deny=("hashicorp/null",),
                    tiers=(Tier("dev"), Tier("staging", 7), Tier("prod", 14), Tier("gxp", skip=True)),
                    overrides=(Override(10, workspace="a", open_pull_requests_limit=1),
                               Override(20, directory="modules/m", skip=True)))


@pytest.mark.parametrize(("directory", "reason"), [
    (_dir(tiers=("dev",)), "tag tier:dev"),
    (_dir(tiers=("",)), "no tier: tag; default_tier prod"),
    (_dir(tiers=("qa",)), "tag tier:qa is not a policy tier; default_tier prod"),
    (_dir(tiers=("dev", "staging"), workspaces=("a", "b")), "2 workspaces share the directory; the latest tier among them"),
    (_dir("modules/x", module=True, workspaces=("a", "b", "c")), "module used by 3 workspace(s); upgraded with the "
                                                                  "latest tier among them (dev) so no tier gets a "
                                                                  "provider before its turn"),
])
def test_tier_reasons(directory: Directory, reason: str) -> None:
    assert decide(directory, POLICY_OBJ).tier_reason == reason


@pytest.mark.parametrize(("directory", "tier", "owner", "skipped"), [
    (_dir(tiers=("staging", "dev"), workspaces=("a", "b")), "staging", "payments", None),
    (_dir(tiers=("dev", "prod"), workspaces=("a", "b")), "prod", "payments", None),
    (_dir(tiers=("dev",)), "dev", "payments", None),
    (_dir(tiers=("",)), "prod", "payments", None),
    (_dir(tiers=("qa",)), "prod", "payments", None),
    (_dir(tiers=("gxp",)), "gxp", "payments", "tier gxp is skipped by the policy"),
    (_dir(providers=()), "dev", "payments", "its files require and lock no provider"),
    (_dir(providers=("hashicorp/null",)), "dev", "payments", "left out by the allow/deny lists (hashicorp/null)"),
    (_dir("modules/x", module=True, tiers=("dev", "staging")), "staging", "payments", None),
    (_dir("modules/x", module=True, tiers=("dev", "")), "prod", "payments", None),
    (_dir("modules/x", module=True, tiers=("dev", "gxp")), "gxp", "payments", "tier gxp is skipped"),
    (_dir("modules/x", module=True, owners=("a", "b")), "dev", None, None),
    (_dir("modules/x", module=True, owners=("a", "a", "")), "dev", "a", None),
    (_dir("modules/m", module=True), "dev", "payments", "override for directory modules/m (policy line 20)"),
])
def test_decisions(directory: Directory, tier: str, owner: str | None, skipped: str | None) -> None:
    decision = decide(directory, POLICY_OBJ)
    assert (decision.tier, decision.owner) == (tier, owner)
    if skipped is None:
        assert decision.skipped is None
    else:
        assert decision.skipped is not None and skipped in decision.skipped


def test_workspace_overrides_apply_to_its_root_not_to_modules_it_uses() -> None:
    assert [o.line for o in decide(_dir(workspaces=("a",)), POLICY_OBJ).overrides] == [10]
    assert decide(_dir("modules/y", module=True, workspaces=("a",)), POLICY_OBJ).overrides == ()


def test_allow_list_keeps_only_what_it_names() -> None:
    policy = Policy(path="p", allow=("hashicorp/aws",))
    decision = decide(_dir(providers=("hashicorp/aws", "hashicorp/random")), policy)
    assert decision.providers == ("hashicorp/aws",) and decision.filtered == ("hashicorp/random",)
    entry = build_plan([_dir(providers=("hashicorp/aws", "hashicorp/random"))], policy).entries[0]
    assert entry["allow"] == [{"dependency-name": "hashicorp/aws"}]
    assert list(entry["groups"]) == ["dev-aws"]


def test_directories_with_equal_settings_share_an_entry_and_tiers_never_do() -> None:
    dirs = [_dir("a", tiers=("dev",)), _dir("b", tiers=("dev",)), _dir("c", tiers=("prod",)),
            _dir("d", tiers=("dev",), owners=("other",))]
    plan = build_plan(dirs, Policy(path="p"))
    assert [e.get("directories", e.get("directory")) for e in plan.entries] == ["/d", ["/a", "/b"], "/c"]
    assert plan.entries[2]["cooldown"] == {"default-days": 7}
    assert "cooldown" not in plan.entries[0]
    assert plan.entry_of == {"d": 0, "a": 1, "b": 1, "c": 2}


def test_two_namespaces_of_one_provider_type_get_two_groups_and_a_target_branch_is_written() -> None:
    plan = build_plan([_dir("a", providers=("hashicorp/aws", "acme/aws"))], Policy(path="p", target_branch="main"))
    entry = plan.entries[0]
    assert entry["groups"] == {"dev-aws": {"patterns": ["acme/aws"]},
                               "dev-hashicorp-aws": {"patterns": ["hashicorp/aws"]}}
    assert entry["target-branch"] == "main"
    assert "target-branch" not in build_plan([_dir("a")], Policy(path="p")).entries[0]


def test_entries_of_one_tier_and_owner_are_ordered_by_their_first_directory() -> None:
    policy = Policy(path="p", overrides=(Override(3, workspace="wz", open_pull_requests_limit=1),))
    dirs = [_dir("a", workspaces=("wa",)), _dir("z", workspaces=("wz",)), _dir("m", workspaces=("wm",))]
    plan = build_plan(dirs, policy)
    assert [e.get("directories", e.get("directory")) for e in plan.entries] == [["/a", "/m"], "/z"]
    special = Policy(path="p", overrides=(Override(3, workspace="wm", open_pull_requests_limit=1),))
    plan = build_plan(dirs, special)
    assert [e.get("directories", e.get("directory")) for e in plan.entries] == [["/a", "/z"], "/m"]


def test_override_ignores_and_limits_split_the_entry() -> None:
    policy = Policy(path="p", overrides=(Override(3, workspace="b", open_pull_requests_limit=1,
                                                  ignore=(Ignore("hashicorp/aws", (">= 6",)),)),))
    plan = build_plan([_dir("a", workspaces=("a",)), _dir("b", workspaces=("b",))], policy)
    assert len(plan.entries) == 2
    special = plan.entries[plan.entry_of["b"]]
    assert special["open-pull-requests-limit"] == 1
    assert special["ignore"] == [{"dependency-name": "hashicorp/aws", "versions": [">= 6"]}]
    assert plan.entries[plan.entry_of["a"]]["open-pull-requests-limit"] == 5


@pytest.mark.parametrize(("tier", "source", "taken", "expected"), [
    ("dev", "hashicorp/aws", set(), "dev-aws"),
    ("dev", "acme/aws", {"dev-aws"}, "dev-acme-aws"),
    ("prod", "auth0/auth0", set(), "prod-auth"),
    ("tier2", "hashicorp/google-beta", set(), "tier-google-beta"),
    ("dev", "acme/aws", {"dev-aws", "dev-acme-aws"}, "dev-acme-aws-x"),
    ("dev", "acme/aws", {"dev-aws", "dev-acme-aws", "dev-acme-aws-x"}, "dev-acme-aws-xx"),
    ("dev", "acme/aws", {"dev-aws", "dev-acme-aws", "dev-acme-aws-x", "dev-acme-aws-xx"}, "dev-acme-aws-xxx"),
])
def test_group_names_follow_dependabots_identifier_rule(tier: str, source: str, taken: set[str],
                                                        expected: str) -> None:
    assert group_name(tier, source, taken) == expected


_sources = st.sampled_from(["hashicorp/aws", "hashicorp/google", "acme/aws", "auth0/auth0", "hashicorp/null",
                            "x9/y-1"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["dev", "staging", "prod", "gxp", "", "qa"]),
                          st.sampled_from(["a", "b", ""]), st.lists(_sources, max_size=4), st.booleans()),
                min_size=1, max_size=25))
def test_every_generated_document_passes_the_schema_rules(rows: list[tuple[str, str, list[str], bool]]) -> None:
    dirs = [_dir(f"d{i}", tiers=(tier,), owners=(owner,), providers=tuple(providers), module=module,
                 workspaces=(f"w{i}",)) for i, (tier, owner, providers, module) in enumerate(rows)]
    plan = build_plan(dirs, POLICY_OBJ)
    assert validate(document(plan)) == []
    covered = [d for e in plan.entries for d in e.get("directories", [e.get("directory")])]
    assert sorted(covered) == sorted(f"/{p}" for p, d in plan.decisions.items() if d.skipped is None)


# --- schema rules ------------------------------------------------------------------------------------------------

def _doc(**entry: object) -> dict[str, object]:
    base: dict[str, object] = {"package-ecosystem": "terraform", "directory": "/", "schedule": {"interval": "monthly"}}
    base.update(entry)
    return {"version": 2, "updates": [base]}


@pytest.mark.parametrize(("doc", "message"), [
    (_doc(), None),
    ({"version": 1, "updates": []}, "version must be 2"),
    (_doc(reviewers=["x"]), "unknown key 'reviewers'"),
    (_doc(**{"package-ecosystem": "tf"}), "package-ecosystem 'tf'"),
    (_doc(directories=["/a"]), "exactly one of directory or directories"),
    (_doc(schedule={"interval": "hourly"}), "schedule.interval"),
    (_doc(schedule={"interval": "weekly", "day": "mon"}), "not a weekday"),
    (_doc(schedule={"interval": "daily", "time": "24:00"}), "hh:mm"),
    (_doc(schedule={"interval": "daily", "timezone": "Mars/Olympus"}), "IANA"),
    (_doc(schedule={"interval": "cron"}), "cronjob"),
    (_doc(**{"open-pull-requests-limit": -1}), "integer >= 0"),
    (_doc(labels=["a", "a"]), "labels must be"),
    (_doc(**{"commit-message": {"prefix": "x" * 51}}), "longer than 50"),
    (_doc(groups={"dev-aws2": {"patterns": ["hashicorp/aws"]}}), "identifiers start and end with a letter"),
    (_doc(groups={"dev-aws": {}}), "needs patterns"),
    (_doc(ignore=[{"dependency": "x"}]), "ignore[0] takes only"),
    (_doc(cooldown={"default-days": -2}), "cooldown days"),
    ({"version": 2, "updates": [_doc()["updates"][0], _doc()["updates"][0]]}, "already in updates[0]"),  # type: ignore[index]
])
def test_schema_rules(doc: dict[str, object], message: str | None) -> None:
    errors = validate(doc)
    if message is None:
        assert errors == []
    else:
        assert any(message in e for e in errors), errors


# --- policy files ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "error"), [
    ("version: 2\n", "p.yaml:1: policy: version: 1 is required"),
    ("version: 1\nschedules: {}\n", "unknown key(s) schedules"),
    ("version: 1\nschedule:\n  interval: hourly\n", "p.yaml:3: schedule: interval must be one of"),
    ("version: 1\nschedule: {interval: monthly, day: monday}\n", "day applies to weekly schedules"),
    ("version: 1\nschedule: {interval: daily, time: '6am'}\n", "time must be hh:mm"),
    ("version: 1\nschedule: {interval: daily, timezone: Mars/Base}\n", "not an IANA time zone"),
    ("version: 1\nproviders: {allow: [AWS]}\n", "is not a provider source"),
    ("version: 1\nproviders: {allow: [hashicorp/aws], deny: [hashicorp/aws]}\n", "both allowed and denied"),
    ("version: 1\ntiers: [{name: dev}, {name: dev}]\n", "listed twice"),
    ("version: 1\ntiers: [{name: dev, cooldown_days: -1}]\n", "cooldown_days must be 0 or more"),
    ("version: 1\ntiers: [{name: dev, cooldown_days: yes}]\n", "cooldown_days must be a int"),
    ("version: 1\ndefault_tier: qa\n", "default_tier 'qa' is not one of the tiers"),
    ("version: 1\ncommit_message_prefix: " + "x" * 51 + "\n", "1-50 characters"),
    ("version: 1\nowners: {a: {reviewers: [x]}}\n", "owners.a: unknown key(s) reviewers"),
    ("version: 1\noverrides:\n  - {workspace: a, directory: b}\n", "p.yaml:3: override: give exactly one"),
    ("version: 1\noverrides:\n  - workspace: a\n    ignore: [{dependency: aws}]\n", "provider source like"),
    ("version: 1\nlabels: [a, a]\n", "labels lists a value twice"),
    ("version: 1\n  bad: [\n", "p.yaml:2: not valid YAML"),
])
def test_malformed_policies_name_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_policy(path)
    assert error in str(raised.value).replace(str(tmp_path) + "/", "")


def test_the_fixture_policy_loads() -> None:
    policy = load_policy(write_monorepo_policy())
    assert policy.tier("prod").cooldown_days == 14 and policy.deny == ("hashicorp/null",)
    assert policy.overrides[0].ignore == (Ignore("hashicorp/aws", (">= 6.0",)),)


def write_monorepo_policy() -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "policy.yaml"
    path.write_text(POLICY)
    return path


# --- end to end --------------------------------------------------------------------------------------------------

def _run(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--repo", str(repo), "--roots", str(repo / "workspaces.yaml"), "--policy", "policy.yaml"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_generate_matches_the_golden_file_and_check_follows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write_monorepo(tmp_path)
    code, out = _run(repo, capsys, "dependabot", "generate")
    assert code == 0, out
    text = (repo / ".github/dependabot.yml").read_text()
    header, body = text.split("\n", 1)
    assert header.startswith("# Generated by `tfc dependabot generate` from policy.yaml")
    assert body == GOLDEN.read_text().split("\n", 1)[1]
    assert _run(repo, capsys, "dependabot", "check")[0] == 0
    (repo / "envs/prod/net/main.tf").write_text('terraform {\n  required_providers {\n    google = "~> 5"\n  }\n}\n')
    code, out = _run(repo, capsys, "dependabot", "check")
    assert code == 1
    assert "+          - hashicorp/google" in out and "is stale" in out


def test_explain_says_what_shaped_an_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write_monorepo(tmp_path)
    code, out = _run(repo, capsys, "dependabot", "explain", "envs/prod/app", "--output", "json")
    assert code == 0, out
    facts = json.loads(out)
    assert facts["schema_version"] == 1 and facts["tier"] == "prod" and facts["tier_reason"] == "tag tier:prod"
    assert facts["overrides"] == [{"for": "workspace app-prod", "policy_line": 14}]
    assert facts["via_modules"] == [{"source": "hashicorp/random", "where": "modules/app/main.tf:3"}]
    assert facts["groups"] == ["prod-aws"]
    code, out = _run(repo, capsys, "dependabot", "explain", "modules/app")
    assert code == 0 and "no entry: tier gxp is skipped by the policy" in " ".join(out.split())
    code, out = _run(repo, capsys, "dependabot", "explain", "envs/nowhere")
    assert code == 1


def test_generate_rejects_both_or_neither_input(tmp_path: Path) -> None:
    repo = write_monorepo(tmp_path)
    assert main(["dependabot", "generate", "--repo", str(repo), "--policy", "policy.yaml"]) == 2
    assert main(["dependabot", "generate", "--repo", str(repo), "--policy", "policy.yaml", "--from-tfc",
                 "--roots", str(repo / "workspaces.yaml")]) == 2
