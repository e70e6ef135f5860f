"""bench/mutation.py's mutator: each operator makes exactly the changes documented, and nothing else."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_mutation", ROOT / "bench" / "mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mutation = _load()


def _all(source: str) -> set[str]:
    return {ast.unparse(ast.parse(mutation.mutate(source, m.index))) for m in mutation.mutants(source)}


def _norm(*sources: str) -> set[str]:
    return {ast.unparse(ast.parse(s)) for s in sources}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return a < b", ["return a <= b", "return a >= b"]),
        ("return a >= b", ["return a > b", "return a < b"]),
        ("return a == b", ["return a != b"]),
        ("return a in b", ["return a not in b"]),
        ("return a is not b", ["return a is b"]),
        ("return a and b", ["return a or b"]),
        ("return not a", ["return a"]),
        ("return a + 2", ["return a + 3", "return a + 1"]),
        ("return True", ["return False"]),
        ("return 0.5", ["return 1.5", "return -0.5"]),
    ],
)
def test_each_operator_makes_the_documented_mutants(body: str, expected: list[str]) -> None:
    """Every site yields its variants, plus deleting the statement (replaced by ``pass``)."""
    source = f"def f(a, b):\n    {body}\n"
    wanted = _norm(*(f"def f(a, b):\n    {e}\n" for e in expected), "def f(a, b):\n    pass\n")
    assert _all(source) == wanted


def test_docstrings_decorators_annotations_and_fstrings_are_left_alone() -> None:
    """Only decisions are mutated: not the docstring, the decorator's arguments, annotations or message text."""
    source = (
        "@functools.lru_cache(maxsize=3)\n"
        "def f(a: Literal[1]) -> Literal[True]:\n"
        '    """Doc."""\n'
        '    raise ValueError(f"{a + 1} too big")\n'
    )
    assert _all(source) == _norm(source.replace('    raise ValueError(f"{a + 1} too big")', "    pass"))


def test_statements_in_nested_blocks_can_be_deleted() -> None:
    """if/else, loops and try blocks lose one statement at a time; a pragma line is skipped."""
    source = (
        "def f(a):\n"
        "    if a:\n"
        "        g()\n"
        "    else:\n"
        "        h()  # pragma: no mutate\n"
        "    try:\n"
        "        i()\n"
        "    except E:\n"
        "        j()\n"
    )
    changes = [m.change for m in mutation.mutants(source)]
    assert sorted(changes) == sorted(
        ["delete `if a:`", "delete `try:`", "delete `g()`", "delete `i()`", "delete `j()`"]
    )


def test_every_mutant_of_the_real_modules_compiles_and_differs() -> None:
    """For each default module: every mutant is valid Python and not the original program."""
    for path, _ in mutation.MODULES.values():
        source = (ROOT / path).read_text(encoding="utf-8")
        original = ast.unparse(ast.parse(source))
        listed = mutation.mutants(source)
        assert listed, path
        for mutant in listed[:: max(1, len(listed) // 15)]:
            mutated = mutation.mutate(source, mutant.index)
            compile(mutated, path, "exec")
            assert mutated != original, (path, mutant)


def test_targets_by_name_path_and_explicit_tests() -> None:
    """Short names use MODULES; a path finds tests in tests/<package> that import it; '=...' names them."""
    known = mutation.resolve_target("wildcard")
    assert known.path == "tfc/review/wildcard.py" and known.tests[0] == "tests/review/test_wildcard.py"
    assert not any(t.endswith("_e2e.py") for t in known.tests)
    by_path = mutation.resolve_target("notifier/backoff.py=tests/notifier/test_rules.py")
    assert (by_path.name, by_path.tests) == ("backoff", ("tests/notifier/test_rules.py",))
    dotted = mutation.resolve_target("reporting.counting")
    assert dotted.path == "reporting/counting.py" and dotted.tests
    with pytest.raises(SystemExit, match="no module"):
        mutation.resolve_target("nowhere/missing.py")
