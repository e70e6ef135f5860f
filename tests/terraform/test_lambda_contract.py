"""The settings each Terraform job module gives its function are exactly what that job's handler reads.

Terraform side: every ``module`` block built on ``../lambda-job`` in terraform/modules/*/main.tf, its ``job``, its
``environment`` keys and its ``secret_arns`` keys (which reach the function as NAME_SECRET_ARN). Handler side: the
handler's whole first-party import closure, read from source: ``env["X"]`` (required), ``env.get("X")`` (optional)
and the names given to ``with_secrets`` (resolved from NAME_SECRET_ARN).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import hcl2
import pytest

from tfc.packaging.build import source_root
from tfc.packaging.imports import import_closure
from tfc.packaging.jobs import JOBS

MODULES = Path(__file__).resolve().parents[2] / "terraform" / "modules"
ENV_NAMES = {"env", "environ", "environment", "settings_env"}
SECRETS = {"TFE_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "WEBHOOK_TOKEN"}
TEST_ONLY = {"AWS_ENDPOINT_URL", "SLACK_API_URL"}  # local endpoints for tests; production uses the defaults
_NAME = re.compile(r"\b([A-Z][A-Z0-9_]{2,})\s*=")


@dataclass
class ModuleSettings:
    path: str
    job: str
    environment: set[str]
    secrets: set[str]


@dataclass
class HandlerReads:
    required: set[str] = field(default_factory=set)
    optional: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)

    @property
    def all(self) -> set[str]:
        return self.required | self.optional


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return {str(k).strip('"') for k in value if not str(k).startswith("__")}
    return set(_NAME.findall(str(value)))


def _with_locals(value: object, local_values: dict[str, object]) -> set[str]:
    """Keys of a map expression, following ``local.NAME`` references into the module's locals."""
    keys = _keys(value)
    for name in re.findall(r"local\.([A-Za-z_][A-Za-z0-9_]*)", str(value)):
        keys |= _keys(local_values.get(name, {}))
    return keys


def terraform_jobs() -> list[ModuleSettings]:
    found = []
    for main in sorted(MODULES.glob("*/main.tf")):
        with main.open() as handle:
            document = hcl2.load(handle)
        local_values = {k: v for block in document.get("locals", []) for k, v in block.items()}
        for block in document.get("module", []):
            for name, body in block.items():
                if body.get("source", "").strip('"') != "../lambda-job":
                    continue
                found.append(ModuleSettings(f"{main.parent.name}:{name.strip(chr(34))}", body["job"].strip('"'),
                                            _with_locals(body.get("environment", {}), local_values),
                                            _with_locals(body.get("secret_arns", {}), local_values)))
    return found


def _strings(node: ast.AST, constants: dict[str, set[str]]) -> set[str]:
    if isinstance(node, ast.Name):
        return constants.get(node.id, set())
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def handler_reads(module: str) -> HandlerReads:
    """What the job's code reads; ``required`` only counts the job's own package (the shared client's settings
    index the environment behind a ``.get`` guard)."""
    reads = HandlerReads()
    own = source_root() / module.split(".", 1)[0]
    for path in import_closure(source_root(), module).files:
        tree = ast.parse(path.read_text())
        constants = {t.id: _strings(node.value, {}) for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in ENV_NAMES
                    and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                (reads.required if path.is_relative_to(own) else reads.optional).add(node.slice.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if (node.func.attr == "get" and isinstance(owner, ast.Name) and owner.id in ENV_NAMES and node.args
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    reads.optional.add(node.args[0].value)
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "with_secrets"
                    and len(node.args) >= 2):
                reads.secrets |= _strings(node.args[1], constants)
    reads.optional -= reads.required
    return reads


HANDLERS = {job.name: job.module for job in JOBS}
MODULE_JOBS = terraform_jobs()


def test_every_job_has_a_terraform_module() -> None:
    assert {m.job for m in MODULE_JOBS} == set(HANDLERS)


@pytest.mark.parametrize("settings", MODULE_JOBS, ids=lambda m: m.path)
def test_module_settings_match_what_the_handler_reads(settings: ModuleSettings) -> None:
    reads = handler_reads(HANDLERS[settings.job])
    given = settings.environment | settings.secrets
    assert not given - reads.all - reads.secrets, "set by Terraform, never read by the handler"
    assert not reads.required - given - TEST_ONLY, "required by the handler, not set by Terraform"
    assert settings.secrets <= reads.secrets, "given as NAME_SECRET_ARN, but the handler does not resolve it"
    assert not settings.environment & SECRETS, "a secret in plain environment (visible in state and the console)"
