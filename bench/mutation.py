"""Mutation testing of the pure decision modules: small changes to the code that a good test suite must catch.

Each mutant changes one thing — a comparison flipped (``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``, ``in`` ↔
``not in``, ``is`` ↔ ``is not``), ``and`` ↔ ``or``, a ``not`` dropped, an integer constant ±1, ``+`` ↔ ``-``,
``min`` ↔ ``max``, a statement deleted — and the module's own tests run against it in a copy of the repository.
A mutant the tests fail on is *caught*; one they pass on *survives* and is listed with its line, for a person to
judge (an equivalent mutant, or a missing test).

    .venv/bin/python bench/mutation.py                         # the default targets below
    .venv/bin/python bench/mutation.py monitor/scaling.py=tests/monitor/test_scaling.py
"""

from __future__ import annotations

import argparse
import ast
import copy
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "monitor/exhaustion.py": "tests/monitor/test_exhaustion.py",
    "monitor/scaling.py": "tests/monitor/test_scaling.py",
    "monitor/queue.py": "tests/monitor/test_queue_and_plans.py",
    "monitor/plantime.py": "tests/monitor/test_queue_and_plans.py",
}
COPIED = ("pyproject.toml", "tfc", "notifier", "monitor", "reporting", "dependency_map", "tests")
SWAP_COMPARE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


def mutants(tree: ast.Module) -> Iterator[tuple[str, int, ast.Module]]:
    """(description, line, mutated tree) for every mutation point, in source order."""
    points = [node for node in ast.walk(tree) if hasattr(node, "lineno")]
    for index, node in enumerate(points):
        for description, change in _changes(node):
            mutated = copy.deepcopy(tree)
            target = [n for n in ast.walk(mutated) if hasattr(n, "lineno")][index]
            if change(target, mutated):
                yield description, node.lineno, mutated


def _changes(node: ast.AST) -> Iterator[tuple[str, Any]]:
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in SWAP_COMPARE:
                new = SWAP_COMPARE[type(op)]

                def swap(n: ast.Compare, _: ast.Module, i: int = i, new: type[ast.cmpop] = new) -> bool:
                    n.ops[i] = new()
                    return True

                yield f"{type(op).__name__} -> {new.__name__}", swap
    if isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And

        def flip(n: ast.BoolOp, _: ast.Module, other: type[ast.boolop] = other) -> bool:
            n.op = other()
            return True

        yield f"{type(node.op).__name__} -> {other.__name__}", flip
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "drop not", lambda n, tree: _replace(tree, n, n.operand)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        for delta in (1, -1):
            def bump(n: ast.Constant, _: ast.Module, delta: int = delta) -> bool:
                n.value += delta
                return True

            yield f"{node.value} -> {node.value + delta}", bump
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        other_op = ast.Sub if isinstance(node.op, ast.Add) else ast.Add

        def arith(n: ast.BinOp, _: ast.Module, other_op: type[ast.operator] = other_op) -> bool:
            n.op = other_op()
            return True

        yield f"{type(node.op).__name__} -> {other_op.__name__}", arith
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
        other_name = "max" if node.func.id == "min" else "min"

        def minmax(n: ast.Call, _: ast.Module, other_name: str = other_name) -> bool:
            n.func = ast.Name(other_name, ast.Load())
            return True

        yield f"{node.func.id} -> {other_name}", minmax
    if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Import
                                                     | ast.ImportFrom | ast.Expr):
        yield "delete statement", lambda n, tree: _replace(tree, n, ast.Pass())


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> bool:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return True
            if isinstance(value, list) and any(v is old for v in value):
                value[next(i for i, v in enumerate(value) if v is old)] = new
                return True
    return False


def run_tests(workdir: Path, tests: str) -> bool:
    """True when the tests pass (the mutant survives)."""
    done = subprocess.run([sys.executable, "-m", "pytest", tests, "-x", "-q", "-p", "no:cacheprovider",
                           "-p", "no:randomly", "--no-header"], cwd=workdir, capture_output=True, timeout=600)
    return done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="MODULE=TESTS pairs (default: the monitor's decision modules)")
    args = parser.parse_args()
    targets = dict(t.split("=", 1) for t in args.targets) if args.targets else TARGETS
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
            elif source.exists():
                shutil.copy2(source, work / name)
        total_caught = total = 0
        for module, tests in targets.items():
            path = work / module
            original = path.read_text()
            if not run_tests(work, tests):
                print(f"{module}: its tests fail without any mutation; skipped")
                continue
            began, caught, survivors = time.perf_counter(), 0, []
            found = list(mutants(ast.parse(original)))
            try:
                for description, line, tree in found:
                    path.write_text(ast.unparse(ast.fix_missing_locations(tree)))
                    if run_tests(work, tests):
                        survivors.append(f"  line {line}: {description}: {original.splitlines()[line - 1].strip()}")
                    else:
                        caught += 1
            finally:
                path.write_text(original)
            total, total_caught = total + len(found), total_caught + caught
            score = 100 * caught / len(found) if found else 100.0
            print(f"{module}: {caught} of {len(found)} mutants caught ({score:.1f} %) in "
                  f"{time.perf_counter() - began:.0f} s")
            print("\n".join(survivors))
        if total:
            print(f"all: {total_caught} of {total} caught ({100 * total_caught / total:.1f} %)")


if __name__ == "__main__":
    main()
