"""Where the toolkit talks to and with which token, resolved once from flags, environment and terraform's files.

Precedence: explicit flags, then ``TFE_TOKEN`` / ``TF_TOKEN_<host>`` / ``TFE_HOSTNAME`` / ``TFE_ADDRESS`` /
``TFE_ORGANIZATION``, then the credentials file that ``terraform login`` writes (``credentials.tfrc.json``).
Library code never reads ``os.environ``: the environment is passed in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tfc.errors import ConfigError

DEFAULT_HOSTNAME = "app.terraform.io"


class Secret:
    """A value that never shows itself in ``str``, ``repr`` or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    address: str  # scheme://host[:port], no trailing slash
    token: Secret = field(repr=False)
    organization: str | None = None
    rate_limit_per_second: float = 30.0
    max_concurrency: int = 8

    @property
    def hostname(self) -> str:
        return urlsplit(self.address).netloc

    def require_organization(self) -> str:
        if not self.organization:
            raise ConfigError(
                "no organization given: pass --organization ORG or set TFE_ORGANIZATION"
            )
        return self.organization


@dataclass(frozen=True, slots=True)
class SettingsFlags:
    """What the user passed on the command line; ``None`` means "not given"."""

    token: str | None = field(default=None, repr=False)
    hostname: str | None = None
    organization: str | None = None
    rate_limit_per_second: float | None = None
    max_concurrency: int | None = None


def default_credentials_path(environ: Mapping[str, str]) -> Path:
    """``credentials.tfrc.json`` in terraform's config dir (``$HOME/.terraform.d`` on Unix)."""
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".terraform.d" / "credentials.tfrc.json"


def env_token_variable(hostname: str) -> str:
    """The ``TF_TOKEN_`` variable terraform reads for ``hostname`` (``-`` becomes ``__``, ``.`` becomes ``_``)."""
    return "TF_TOKEN_" + hostname.replace("-", "__").replace(".", "_")


def host_from_env_token_variable(name: str) -> str | None:
    """Inverse of :func:`env_token_variable` following terraform: ``__`` is ``-`` first, then ``_`` is ``.``."""
    if not name.startswith("TF_TOKEN_"):
        return None
    suffix = name.removeprefix("TF_TOKEN_")
    return suffix.replace("__", "-").replace("_", ".").lower() or None


def _token_from_env(hostname: str, environ: Mapping[str, str]) -> str | None:
    wanted = hostname.lower()
    for name, value in environ.items():
        if value and host_from_env_token_variable(name) == wanted:
            return value
    return None


def _token_from_credentials(hostname: str, path: Path) -> str | None:
    """The token ``terraform login`` stored for ``hostname``; a file that is unreadable, not JSON, or whose entry
    for this host is malformed is a ConfigError naming the file and the field (never the token)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the credentials file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the credentials file is not UTF-8 text (byte {exc.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(document, dict):
        raise ConfigError(f'{path}: expected a JSON object with "credentials", found {type(document).__name__}')
    credentials = document.get("credentials")
    if credentials is None:
        return None
    if not isinstance(credentials, dict):
        raise ConfigError(f'{path}: "credentials" must be an object of hostname -> {{"token": "..."}}')
    for host, entry in credentials.items():
        if str(host).lower() != hostname.lower():
            continue
        field = f'credentials["{host}"]'
        if not isinstance(entry, dict):
            raise ConfigError(f'{path}: {field} must be an object with a "token"')
        token = entry.get("token")
        if not isinstance(token, str) or not token.strip():
            raise ConfigError(f"{path}: {field}.token must be a non-empty string")
        return token.strip()
    return None


def _address(flags: SettingsFlags, environ: Mapping[str, str]) -> str:
    if flags.hostname:
        raw = flags.hostname
    elif environ.get("TFE_ADDRESS"):
        raw = environ["TFE_ADDRESS"]
    else:
        raw = environ.get("TFE_HOSTNAME") or DEFAULT_HOSTNAME
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"not a valid TFC address: {raw!r} (expected a hostname such as app.terraform.io)")
    return f"{parts.scheme}://{parts.netloc}"


def resolve_settings(
    flags: SettingsFlags,
    environ: Mapping[str, str],
    credentials_path: Path | None = None,
) -> Settings:
    """Resolve settings; a missing token is a :class:`ConfigError` that says how to set one."""
    address = _address(flags, environ)
    hostname = urlsplit(address).hostname or ""
    token = flags.token or environ.get("TFE_TOKEN") or _token_from_env(hostname, environ)
    path = credentials_path if credentials_path is not None else default_credentials_path(environ)
    if not token and path.is_file():
        token = _token_from_credentials(hostname, path)
    if not token:
        raise ConfigError(
            f"no API token for {hostname}: set TFE_TOKEN or {env_token_variable(hostname)}, "
            f"run `terraform login {hostname}`, or try the built-in sandbox with `tfc --sandbox demo ...`"
        )
    return Settings(
        address=address,
        token=Secret(token),
        organization=flags.organization or environ.get("TFE_ORGANIZATION") or None,
        rate_limit_per_second=flags.rate_limit_per_second or 30.0,
        max_concurrency=flags.max_concurrency or 8,
    )


def current_environ() -> Mapping[str, str]:
    """The process environment; called only at the CLI and Lambda edges."""
    return os.environ
