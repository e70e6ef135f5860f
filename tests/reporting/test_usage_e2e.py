"""Usage reports end to end on the sandbox: golden CSVs, incremental re-runs, charts, the CLI and the Lambda."""

from __future__ import annotations

import json
import struct
from datetime import UTC, date, datetime
from pathlib import Path

import boto3
import pytest

from reporting.cache import LocalStore
from reporting.charts import chart_data, render
from reporting.csvfiles import csv_documents
from reporting.lambda_handler import handler
from reporting.series import Period
from reporting.usage import run_usage_report
from tests.local_services import SlackServer
from tfc.cli.app import main
from tfc.errors import ConfigError
from tfc.sandbox import Sandbox

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
PERIOD = Period(date(2026, 10, 27), date(2026, 11, 2))
SCENARIO = """\
organization: acme
token: acme-token
workspaces:
  - name: net-prod
    tags: [type:network, "account:111111111111"]
    state_versions:
      - {days_ago: 400, resources: [{type: aws_subnet, name: private, count: 2}]}
      - {days_ago: 5, resources: [{type: aws_subnet, name: private, count: 3},
                                  {type: data.aws_region, name: current, count: 1}]}
      - {days_ago: 2.3, resources: [{type: aws_subnet, name: private, count: 103}]}
      - {days_ago: 2.2, resources: [{type: aws_subnet, name: private, count: 3}]}
    runs:
      - status: planned
        commit: "3333333333333333333333333333333333333333"
        changes:
          - {address: aws_route_table.private, actions: [create], after: {vpc_id: vpc-1}}
  - name: app-dev
    tags: [type:deploy, "account:222222222222"]
    state_versions:
      - {days_ago: 3, resources: [{type: aws_s3_bucket, name: logs, count: 1, provider: aws},
                                  {type: null_resource, name: hook, count: 4, provider: "null"}]}
      - {days_ago: 1, resources_processed: false, resources: [{type: aws_s3_bucket, name: logs, count: 2}]}
  - name: empty
    tags: [type:deploy]
"""
# 2026-10-31: net-prod goes 3 -> 103 -> 3 subnets within the morning: the peak sees it, the end of day does not.
GOLDEN_DAILY = """date,rum_end_of_day,rum_peak
2026-10-27,2,2
2026-10-28,3,3
2026-10-29,3,3
2026-10-30,4,4
2026-10-31,4,104
2026-11-01,5,5
2026-11-02,5,5
"""
GOLDEN_BY_TYPE = """date,resource_type,rum_end_of_day,rum_peak
2026-10-27,aws_subnet,2,2
2026-10-28,aws_subnet,3,3
2026-10-29,aws_subnet,3,3
2026-10-30,aws_s3_bucket,1,1
2026-10-30,aws_subnet,3,3
2026-10-31,aws_s3_bucket,1,1
2026-10-31,aws_subnet,3,103
2026-11-01,aws_s3_bucket,2,2
2026-11-01,aws_subnet,3,3
2026-11-02,aws_s3_bucket,2,2
2026-11-02,aws_subnet,3,3
"""
GOLDEN_LATEST = """workspace,rum,rum_at_start,state_version_id,type,account,account_name
net-prod,3,2,{net},network,111111111111,
app-dev,2,0,{app},deploy,222222222222,
empty,0,0,,deploy,,
"""


@pytest.fixture
def small(tmp_path: Path) -> Sandbox:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    return Sandbox.from_scenario(path, rate_limit=None, clock=lambda: NOW)


def test_golden_csvs_on_a_small_scenario(small: Sandbox, tmp_path: Path) -> None:
    with small.client() as client:
        run = run_usage_report(client, LocalStore(tmp_path / "cache.json"), PERIOD, now=NOW)
        current = {w.name: w.current_state_version_id for w in client.list_workspaces()}
    files = {name: content.decode() for name, content in csv_documents(run.report).items()}
    assert files["rum_daily.csv"] == GOLDEN_DAILY
    assert files["rum_by_type.csv"] == GOLDEN_BY_TYPE
    assert files["workspaces_latest.csv"] == GOLDEN_LATEST.format(net=current["net-prod"], app=current["app-dev"])
    assert files["rum_by_account.csv"].splitlines()[-2:] == ["2026-11-02,111111111111,3,3,",
                                                              "2026-11-02,222222222222,2,2,"]
    assert run.stats.state_files_downloaded == 1  # the version without a summary was counted from its state file
    summary = run.report.summary()
    assert (summary["rum_today"], summary["rum_peak_today"]) == (5, 5)
    # net-prod's 4 versions (the one before the period included) and app-dev's first come with TFC's billable
    # count; app-dev's unprocessed version has none and was counted from its state file.
    assert summary["counts"] == {"state_versions": 6, "from_billable_rum_count": 5, "skipped": []}


def test_incremental_runs_fetch_only_what_changed(small: Sandbox, tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.json")
    with small.client() as client:
        first = run_usage_report(client, store, PERIOD, now=NOW)
        again = run_usage_report(client, store, PERIOD, now=NOW)
        assert first.stats.versions_fetched == 6 and again.stats.versions_fetched == 0
        assert again.stats.requests == 2  # the workspace list, and the workspace that has no state at all
        net = client.get_workspace_by_name("net-prod")
        client.apply_run(net.current_run_id or "")
        after_apply = run_usage_report(client, store, PERIOD, now=NOW)
    assert after_apply.stats.versions_fetched == 1 and after_apply.stats.workspaces_fetched == 1
    assert after_apply.report.today == first.report.today + 1


def test_a_corrupted_cache_is_rebuilt_not_trusted(small: Sandbox, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    with small.client() as client:
        first = run_usage_report(client, LocalStore(cache), PERIOD, now=NOW)
        cache.write_bytes(cache.read_bytes().replace(b'"count"', b'"count"').replace(b"aws_subnet", b"aws_subnot"))
        rebuilt = run_usage_report(client, LocalStore(cache), PERIOD, now=NOW)
    assert rebuilt.stats.versions_fetched == first.stats.versions_fetched
    assert any("checksum mismatch" in note for note in rebuilt.stats.notes)
    assert rebuilt.report.total == first.report.total


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_charts_plot_the_report_series(small: Sandbox, tmp_path: Path) -> None:
    with small.client() as client:
        report = run_usage_report(client, LocalStore(tmp_path / "c.json"), PERIOD, now=NOW).report
    charts = {c.file_name: c for c in chart_data(report)}
    assert set(charts) == {"rum_by_type.png", "rum_by_workspace_type.png", "rum_by_account.png",
                           "rum_total_forecast.png"}
    # fewer than the top-N: nothing folded into other
    assert charts["rum_by_type.png"].stacked == {k: v.end for k, v in report.by_type.items()}
    assert charts["rum_by_workspace_type.png"].stacked == {"network": [2, 3, 3, 3, 3, 3, 3],
                                                           "deploy": [0, 0, 0, 1, 1, 2, 2]}
    total = charts["rum_total_forecast.png"]
    assert total.lines == {"daily peak": [2, 3, 3, 4, 104, 5, 5], "end of day": [2, 3, 3, 4, 4, 5, 5]}
    assert len(total.forecast) == 12
    width, height = _png_size(render(total))
    assert 800 <= width <= 2000 and 400 <= height <= 1000


def test_cli_on_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    code = main(["--sandbox", "demo", "--rate-limit", "10000", "usage", "report", "--days", "90", "--out", str(out),
                 "--output", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rum_today"] > 10_000 and len(summary["forecast"]) == 12
    assert summary["fetch"]["state_files_downloaded"] > 0
    names = {Path(p).name for p in summary["files"]}
    assert {"rum_daily.csv", "rum_by_type.csv", "rum_by_tag_type.csv", "rum_by_account.csv", "workspaces_latest.csv",
            "rum_total_forecast.png", "rum_by_type.png", "index.html"} <= names
    daily = (out / "rum_daily.csv").read_text().splitlines()
    assert len(daily) == 91 and daily[-1].split(",")[1:] == [str(summary["rum_today"]), str(summary["rum_peak_today"])]
    accounts = {line.split(",")[1] for line in (out / "rum_by_account.csv").read_text().splitlines()[1:]}
    assert len(accounts) == 38


def test_lambda_writes_to_s3_and_posts_to_slack(small: Sandbox, moto_endpoint: str,
                                                 slack_server: tuple[SlackServer, str]) -> None:
    slack, slack_url = slack_server
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket="reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with small.serve() as base_url:
        env = {"TFE_ADDRESS": base_url, "TFE_TOKEN": small.token, "TFE_ORGANIZATION": "acme",
               "REPORT_BUCKET": "reports", "REPORT_DAYS": "30", "AWS_ENDPOINT_URL": moto_endpoint,
               "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_CHANNEL": "#finops", "SLACK_API_URL": slack_url}
        result = handler({"source": "aws.events"}, None, environ=env, clock=lambda: NOW)
        again = handler({"source": "aws.events"}, None, environ=env, clock=lambda: NOW)
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket="reports")["Contents"]}
    assert "usage-reports/cache.json" in listed and set(result["keys"]) <= listed
    assert any(k.endswith("rum_total_forecast.png") for k in result["keys"])
    assert again["requests"] < result["requests"]  # the S3 cache made the second run incremental
    (first_post, _) = slack.posted()
    assert first_post["channel"] == "#finops" and "Resources under management" in first_post["text"]
    assert f"usage-reports/{NOW.date().isoformat()}/index.html" in result["keys"]
    # no presigned URL (it would die with the function's temporary credentials): a console link that lasts
    assert "X-Amz-" not in first_post["text"] and "Signature" not in first_post["text"]
    assert ".console.aws.amazon.com/s3/object/reports?prefix=usage-reports%2F" in first_post["text"]
    assert "index.html" in first_post["text"] and "sign-in needed" in first_post["text"]


def test_lambda_takes_the_account_map_from_s3_and_links_a_lasting_page(
    tmp_path: Path, moto_endpoint: str, slack_server: tuple[SlackServer, str]
) -> None:
    path = tmp_path / "scenario.yaml"  # a resource type that would ping the channel if posted verbatim
    path.write_text(SCENARIO.replace("{type: aws_s3_bucket, name: logs, count: 2}",
                                     '{type: "<!channel>&<http://evil.example|x>", name: logs, count: 9}'))
    small = Sandbox.from_scenario(path, rate_limit=None, clock=lambda: NOW)
    slack, slack_url = slack_server
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket="reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="reports", Key="config/accounts.csv",
                  Body="\ufeffaccount,name\n111111111111,Network prod\n".encode())
    with small.serve() as base_url:
        env = {"TFE_ADDRESS": base_url, "TFE_TOKEN": small.token, "TFE_ORGANIZATION": "acme",
               "REPORT_BUCKET": "reports", "REPORT_DAYS": "30", "AWS_ENDPOINT_URL": moto_endpoint,
               "ACCOUNT_MAP": "s3://reports/config/accounts.csv", "RENEWAL_DATE": "2027-03-01",
               "REPORT_LINK_BASE_URL": "https://reports.example.com/",
               "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_CHANNEL": "#finops", "SLACK_API_URL": slack_url}
        result = handler({"source": "aws.events"}, None, environ=env, clock=lambda: NOW)
    page_key = next(k for k in result["keys"] if k.endswith("/index.html"))
    page = s3.get_object(Bucket="reports", Key=page_key)
    assert page["ContentType"] == "text/html; charset=utf-8" and b"Network prod" in page["Body"].read()
    assert result["summary"]["renewal"]["day"] == "2027-03-01"
    (post,) = slack.posted()
    assert f"<https://reports.example.com/{page_key}|index.html> (stays as long as the report is kept)" in post["text"]
    assert "Forecast peak at renewal on 2027-03-01" in post["text"]
    assert "&lt;!channel&gt;&amp;&lt;http://evil.example|x&gt; +9" in post["text"]
    assert "<!channel>" not in post["text"] and "<http://evil" not in post["text"]


def test_lambda_refuses_a_bad_account_map_naming_it(small: Sandbox, moto_endpoint: str, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(b"net-prod,\xff\n")
    env = {"TFE_ADDRESS": "http://127.0.0.1:9", "TFE_TOKEN": "t", "TFE_ORGANIZATION": "acme",
           "REPORT_BUCKET": "reports", "AWS_ENDPOINT_URL": moto_endpoint, "ACCOUNT_MAP": str(accounts)}
    with pytest.raises(ConfigError, match=rf"^{accounts}:1: not UTF-8 \(byte 0xff at column 10\)"):
        handler({"source": "aws.events"}, None, environ=env, clock=lambda: NOW)


def test_lambda_renewal_date_checks() -> None:
    from reporting.lambda_handler import _renewal

    assert _renewal("", date(2026, 11, 2)) is None
    assert _renewal("2026-11-03", date(2026, 11, 2)) == date(2026, 11, 3)
    assert _renewal("2026-11-02", date(2026, 11, 2)) is None  # passed: the report goes on without it
    with pytest.raises(ConfigError, match=r"^RENEWAL_DATE '30/06/2027': not a date \(YYYY-MM-DD\)$"):
        _renewal("30/06/2027", date(2026, 11, 2))
