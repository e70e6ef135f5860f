"""Settings precedence: flags, then environment, then terraform's credentials file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tfc.errors import ConfigError
from tfc.settings import (
    Secret,
    SettingsFlags,
    env_token_variable,
    host_from_env_token_variable,
    resolve_settings,
)

SAMPLE_CREDENTIALS = Path(__file__).resolve().parents[1] / "fixtures" / "tfc-samples" / "credentials.tfrc.json"


def _write_credentials(home: Path, mapping: dict[str, str]) -> Path:
    path = home / ".terraform.d" / "credentials.tfrc.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"credentials": {h: {"token": t} for h, t in mapping.items()}}))
    return path


@pytest.mark.parametrize(
    ("flags", "environ", "file_tokens", "expected_token", "expected_address"),
    [
        (
            SettingsFlags(token="flag"),
            {"TFE_TOKEN": "env"},
            {"app.terraform.io": "file"},
            "flag",
            "https://app.terraform.io",
        ),
        (
            SettingsFlags(),
            {"TFE_TOKEN": "env", "TF_TOKEN_app_terraform_io": "tf"},
            {},
            "env",
            "https://app.terraform.io",
        ),
        (
            SettingsFlags(),
            {"TF_TOKEN_app_terraform_io": "tf"},
            {"app.terraform.io": "file"},
            "tf",
            "https://app.terraform.io",
        ),
        (SettingsFlags(), {}, {"app.terraform.io": "file"}, "file", "https://app.terraform.io"),
        (
            SettingsFlags(),
            {"TFE_HOSTNAME": "tfe-prod.example.com", "TF_TOKEN_tfe__prod_example_com": "tf"},
            {},
            "tf",
            "https://tfe-prod.example.com",
        ),
        (
            SettingsFlags(hostname="tfe.internal"),
            {"TFE_HOSTNAME": "other"},
            {"tfe.internal": "file", "other": "x"},
            "file",
            "https://tfe.internal",
        ),
        (SettingsFlags(), {"TFE_ADDRESS": "http://localhost:8080", "TFE_TOKEN": "t"}, {}, "t", "http://localhost:8080"),
    ],
)
def test_precedence_table(
    fake_home: Path,
    flags: SettingsFlags,
    environ: dict[str, str],
    file_tokens: dict[str, str],
    expected_token: str,
    expected_address: str,
) -> None:
    """Flags win over environment, environment over the credentials file; the host picks the entry."""
    if file_tokens:
        _write_credentials(fake_home, file_tokens)
    settings = resolve_settings(flags, {"HOME": str(fake_home), **environ})
    assert settings.token.reveal() == expected_token
    assert settings.address == expected_address


@pytest.mark.parametrize(
    ("variable", "host"),
    [
        ("TF_TOKEN_app_terraform_io", "app.terraform.io"),
        ("TF_TOKEN_tfe__prod_example_com", "tfe-prod.example.com"),
        ("TF_TOKEN_xn____caf__dma_fr", "xn--caf-dma.fr"),
        ("TFE_TOKEN", None),
    ],
)
def test_tf_token_host_encoding(variable: str, host: str | None) -> None:
    """terraform's TF_TOKEN_ encoding: `__` is `-`, then `_` is `.`, and back."""
    assert host_from_env_token_variable(variable) == host
    if host:
        assert env_token_variable(host) == variable


def test_the_documented_credentials_file_is_read(fake_home: Path) -> None:
    """The sample written by `terraform login` yields the token for its host."""
    target = fake_home / ".terraform.d" / "credentials.tfrc.json"
    target.parent.mkdir(parents=True)
    shutil.copy(SAMPLE_CREDENTIALS, target)
    sample = json.loads(SAMPLE_CREDENTIALS.read_text())
    host, entry = next(iter(sample["credentials"].items()))
    settings = resolve_settings(SettingsFlags(hostname=host), {"HOME": str(fake_home)})
    assert settings.token.reveal() == entry["token"]


def test_missing_token_says_how_to_set_one(fake_home: Path) -> None:
    """No token anywhere is a ConfigError naming the variables and terraform login."""
    with pytest.raises(ConfigError, match=r"TFE_TOKEN.*TF_TOKEN_app_terraform_io.*terraform login"):
        resolve_settings(SettingsFlags(), {"HOME": str(fake_home)})


def test_broken_credentials_file_names_file_and_line(fake_home: Path) -> None:
    """A corrupt credentials file is an error with its path and line."""
    path = fake_home / ".terraform.d" / "credentials.tfrc.json"
    path.parent.mkdir(parents=True)
    path.write_text('{\n  "credentials": {\n    oops\n')
    with pytest.raises(ConfigError, match=r"credentials.tfrc.json:3: not valid JSON"):
        resolve_settings(SettingsFlags(), {"HOME": str(fake_home)})


def test_missing_organization_is_a_clear_error(fake_home: Path) -> None:
    """Commands that need an organization say how to give one."""
    settings = resolve_settings(SettingsFlags(token="t"), {"HOME": str(fake_home)})
    with pytest.raises(ConfigError, match=r"--organization.*TFE_ORGANIZATION"):
        settings.require_organization()


def test_secret_never_shows_itself() -> None:
    """str, repr and f-strings of a Secret and of Settings hide the token."""
    secret = Secret("s3cr3t-value")
    settings = resolve_settings(SettingsFlags(token="s3cr3t-value"), {"HOME": "/nonexistent"})
    for text in (str(secret), repr(secret), f"{secret}", repr(settings), str(settings)):
        assert "s3cr3t-value" not in text
