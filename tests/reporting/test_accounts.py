"""The account map: its three layouts, Excel's byte-order mark, and every refusal naming file:line."""

from __future__ import annotations

import pytest

from reporting.accounts import AccountMap, parse_account_map
from tfc.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "workspaces", "names"),
    [
        ("net,111\napp,222\n", {"net": "111", "app": "222"}, {}),
        ("workspace,account\nnet,111\n", {"net": "111"}, {}),
        ("Workspace , Account\r\nnet , 111\r\n", {"net": "111"}, {}),
        ("workspace,account,name\nnet,111,payments-prod\napp,111,payments-prod\n", {"net": "111", "app": "111"},
         {"111": "payments-prod"}),
        ("account,name\n111,payments-prod\n222,\"search, staging\"\n", {}, {"111": "payments-prod",
                                                                          "222": "search, staging"}),
        ("net,111,payments\n", {"net": "111"}, {"111": "payments"}),  # three fields without a header
        ("# accounts\n\nnet,111\n  \n# end\n", {"net": "111"}, {}),
        ("net,111\nnet,111\n", {"net": "111"}, {}),  # the same row twice is harmless
        ("", {}, {}),
    ],
)
def test_layouts(text: str, workspaces: dict[str, str], names: dict[str, str]) -> None:
    parsed = parse_account_map(text.encode(), "accounts.csv")
    assert (parsed.workspaces, parsed.names, parsed.source) == (workspaces, names, "accounts.csv")


def test_a_byte_order_mark_is_not_part_of_the_header() -> None:
    parsed = parse_account_map("\ufeffworkspace,account\nnet,111\n".encode(), "accounts.csv")
    assert parsed.workspaces == {"net": "111"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"net,111\napp,22\xe92\n", "accounts.csv:2: not UTF-8 (byte 0xe9 at column 7)"),
        (b"\xff\xfenet,111\n", "accounts.csv:1: not UTF-8 (byte 0xff at column 1)"),
        (b"net,111\napp\n", "accounts.csv:2: expected 2 fields (workspace,account), found 1"),
        (b"workspace,account\nnet,111,x\n", "accounts.csv:2: expected 2 fields (workspace,account), found 3"),
        (b"account,name\n111\n", "accounts.csv:2: expected 2 fields (account,name), found 1"),
        (b"a,b,c,d\n", "accounts.csv:1: expected 2 fields (workspace,account), found 4"),
        (b"net,\n", "accounts.csv:1: empty account"),
        (b" ,111\n", "accounts.csv:1: empty workspace"),
        (b"account,name\n111,  \n", "accounts.csv:2: empty name"),
        (b"net,11\x1b[31m1\n", "accounts.csv:1: the account contains a control character"),
        (b"net," + b"x" * 201 + b"\n", "accounts.csv:1: the account is longer than 200 characters"),
        (b'net,"111\n', "accounts.csv:1: not valid CSV"),
        (b"net,111\napp,2\nnet,333\n", "accounts.csv:3: workspace 'net' is mapped to '333' here and to '111' on line 1"),
        (b"account,name\n1,a\n1,b\n", "accounts.csv:3: account '1' is mapped to 'b' here and to 'a' on line 2"),
    ],
)
def test_refusals_name_the_file_and_line(data: bytes, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_account_map(data, "accounts.csv")
    assert str(caught.value).startswith(message)


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    with pytest.raises(ConfigError, match="larger than 5 MB"):
        parse_account_map(b"a,b\n" * (2 * 1024 * 1024), "big.csv")


def test_unknown_workspaces_are_named_sorted() -> None:
    mapping = AccountMap({"net": "1", "zeta": "2", "alpha": "3"})
    assert mapping.unknown_workspaces(["net", "other"]) == ["alpha", "zeta"]
    assert mapping.unknown_workspaces(["net", "zeta", "alpha"]) == []
