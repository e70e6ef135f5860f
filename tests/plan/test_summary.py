"""Grouping, outcomes and the Markdown PR summary: errors first, masked, within GitHub's limit."""

from __future__ import annotations

import pytest

from tests.review.plans import plan_document, resource_change
from tfc.models import Workspace
from tfc.plan.summary import COMMENT_LIMIT, Outcome, PlanResult, outcome, render_markdown, summarise, to_json
from tfc.review.changes import plan_changes
from tfc.review.wildcard import parse_wildcard


def result(name: str, *changes: dict[str, object], account: str = "111122223333", error: str | None = None,
           errored: bool = False, stands_for: int = 0) -> PlanResult:
    workspace = Workspace(id=f"ws-{name}", name=name, tag_names=("type:app", f"account:{account}"))
    document = plan_document(*changes, errored=errored)  # type: ignore[arg-type]
    return PlanResult(workspace, f"run-{name}", "errored" if error or errored else "planned_and_finished",
                      None if error else plan_changes(document, plan_id=f"plan-{name}"), error,
                      stands_for=stands_for, agent_seconds=60.0)


def bucket(name: str, account: str = "111122223333") -> dict[str, object]:
    return resource_change("aws_s3_bucket.logs", ["update"], {"arn": f"arn:aws:s3:::{account}-{name}"},
                           {"arn": f"arn:aws:s3:::{account}-{name}-v2"})


@pytest.mark.parametrize(("changes", "rules", "expected"), [
    ([resource_change("aws_s3_bucket.a", ["update"], {"x": 1}, {"x": 2})], [], Outcome.OK),
    ([resource_change("aws_s3_bucket.a", ["delete"], {"x": 1}, None)], [], Outcome.NEEDS_PERSON),
    ([resource_change("aws_s3_bucket.a", ["delete", "create"], {"x": 1}, {"x": 2})], [], Outcome.NEEDS_PERSON),
    ([resource_change("aws_s3_bucket.a", ["create", "delete"], {"x": 1}, {"x": 2})], [], Outcome.NEEDS_PERSON),
    ([resource_change("aws_s3_bucket.a", ["delete"], {"x": 1}, None)], ["delete:aws_s3_bucket.*"], Outcome.OK),
    ([resource_change("aws_s3_bucket.a", ["delete"], {"x": 1}, None)], ["replace:aws_s3_bucket.*"],
     Outcome.NEEDS_PERSON),
    ([resource_change("aws_s3_bucket.a", ["delete", "create"], {"x": 1}, {"x": 2})], ["replace:aws_s3_bucket.a"],
     Outcome.OK),
    ([resource_change("aws_s3_bucket.a", ["delete"], {"x": 1}, None)], ["delete:aws_s3_bucket.b"],
     Outcome.NEEDS_PERSON),
])
def test_outcome_cases(changes: list[dict[str, object]], rules: list[str], expected: Outcome) -> None:
    assert outcome(result("a", *changes), [parse_wildcard(r) for r in rules]) is expected


def test_errors_and_unread_plans_are_errors() -> None:
    assert outcome(result("a", errored=True), []) is Outcome.ERROR
    assert outcome(result("a", error="timed out after 30m"), []) is Outcome.ERROR


def test_grouping_uses_the_review_signature_own_identifiers_only() -> None:
    results = [result("app-a", bucket("app-a"), stands_for=3), result("app-b", bucket("app-b"), stands_for=2),
               result("app-c", bucket("app-c", account="999988887777"), account="444455556666")]
    summary = summarise(results, [], affected=8)
    assert [[r.workspace.name for r in g.results] for g in summary.groups] == [["app-a", "app-b"], ["app-c"]]
    assert summary.groups[0].stands_for == 5
    assert not summary.needs_person


def test_markdown_shows_errors_first_then_needs_person_groups_and_masks_sensitive_values() -> None:
    secret = "s3cr3t-value-123"
    sensitive = resource_change("aws_db_instance.main", ["update"], {"password": "old"}, {"password": secret},
                                after_sensitive={"password": True}, before_sensitive={"password": True})
    results = [result("ok-a", bucket("ok-a")), result("zz-broken", error="plan errored: Error: boom | <b>x</b>"),
               result("del-a", resource_change("aws_s3_bucket.old", ["delete"], {"x": 1}, None)),
               result("pw-a", sensitive)]
    summary = summarise(results, [], affected=4)
    text = render_markdown(summary)
    assert summary.needs_person
    assert text.index("plan(s) failed") < text.index("Group 1") < text.index("Group 2")
    assert text.index("zz-broken") < text.index("del-a") < text.index("ok-a")
    assert "needs a person" in text.split("Group 2")[0]
    assert secret not in text and "(sensitive value)" in text
    assert "<b>" not in text and "boom \\| &lt;b&gt;" in text
    data = to_json(summary)
    assert [e["workspace"] for e in data["errors"]] == ["zz-broken"]  # type: ignore[index]
    assert secret not in str(data)
    assert data["agent_minutes"] == 4.0 and data["planned"] == 4


def test_markdown_stays_within_the_limit_for_1000_workspaces_and_never_cuts_a_table() -> None:
    results = []
    for i in range(1000):
        changes = [resource_change(f"aws_s3_bucket.b{i}_{j}", ["update"], {"tags": {"n": "x" * 50}},
                                   {"tags": {"n": f"{i}-{j}" * 20}}) for j in range(45 if i < 50 else 2)]
        results.append(result(f"ws-{i:04d}", *changes) if i % 10 else result(f"ws-{i:04d}", error="Error: x" * 30))
    text = render_markdown(summarise(results, [], affected=1000))
    assert len(text) <= COMMENT_LIMIT
    assert "more section(s) covering" in text
    assert "… and 60 more rows" in text  # 100 errors, 40 shown, the rest counted after the table
    assert "… and 5 more rows" in text  # 45 actions, 40 shown
    lines = text.splitlines()
    for number, line in enumerate(lines):  # every table starts with its header and separator, rows whole
        if line.startswith("|---"):
            assert lines[number - 1].startswith("| ")
        if line.startswith("| "):
            assert line.endswith(" |")
    assert text.index("100 plan(s) failed") < text.index("Group 1")


def test_small_limits_leave_whole_sections_out_with_counts() -> None:
    results = [result(f"w{i}", resource_change(f"aws_s3_bucket.b{i}", ["update"], {"x": 1}, {"x": 2}))
               for i in range(5)]
    text = render_markdown(summarise(results, [], affected=5), limit=1500)
    assert len(text) <= 1500
    shown = text.count("### Group")
    assert 0 < shown < 5 and f"… and {5 - shown} more section(s) covering {5 - shown} planned" in text


def test_unplanned_workspaces_are_named_and_counted() -> None:
    text = render_markdown(summarise([], [], affected=25, unplanned=[f"u{i:02d}" for i in range(25)]))
    assert "25 workspace(s): u00, u01" in text and "u19 … and 5 more" in text and "u20" not in text
