"""Mutation testing of the decision modules: how many small wrong changes do their own tests catch?

    .venv/bin/python bench/mutation.py                       # every module in MODULES
    .venv/bin/python bench/mutation.py grouping wildcard     # by short name
    .venv/bin/python bench/mutation.py backup/overwrite.py=tests/backup   # any module, with its tests
    .venv/bin/python bench/mutation.py --list                # modules and the test files each one runs

Each mutant is one change made on the AST: a comparison flipped (``<`` to ``<=`` and to ``>=``, ``==`` to
``!=``, ``in`` to ``not in``, ``is`` to ``is not``), ``and``/``or`` swapped, a ``not`` dropped, a number moved by
±1, ``True``/``False`` swapped, or a statement in a function body replaced by ``pass``. Every mutant runs
``pytest -x -q -p no:randomly`` in a private copy of the repository (``--jobs`` copies in parallel, each with a
timeout) on the tests, among the module's test files, that execute a line it changes (found by one traced run of
the unmodified module; a module-level line runs them all); it is *killed* when they fail or time out, *survives*
when they pass, and is *uncovered* when no test executes its line.
A line ending in ``# pragma: no mutate`` is skipped: say on that line why its mutants are equivalent.

Prints, per module, the mutants made, killed, survived and the score, then every survivor as
``path:line  change  | original line``. ``--json FILE`` writes the same as one document. Exit code 0.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRAGMA = "# pragma: no mutate"

# Short name -> (module file, test folder). The test files run for a module are those in its folder that import
# it (or, when none does, every file in it), end-to-end and contract files (``*_e2e.py``, ``*_contract.py``: slow,
# run by the full suite) left out, ``test_<module>.py`` first so most mutants die in the first file; ``--list``
# shows them. Add a module here, or name it on the command line as path[=tests].
MODULES: dict[str, tuple[str, str]] = {
    "grouping": ("tfc/review/grouping.py", "tests/review"),
    "diff": ("tfc/review/diff.py", "tests/review"),
    "wildcard": ("tfc/review/wildcard.py", "tests/review"),
    "execute": ("tfc/review/execute.py", "tests/review"),
    "decision": ("tfc/review/decision.py", "tests/review"),
    "resolve": ("dependency_map/resolve.py", "tests/dependency_map"),
    "schedule": ("notifier/schedule.py", "tests/notifier"),
    "recipients": ("notifier/recipients.py", "tests/notifier"),
    "backoff": ("notifier/backoff.py", "tests/notifier"),
    "counting": ("reporting/counting.py", "tests/reporting"),
    "series": ("reporting/series.py", "tests/reporting"),
    "backup-rules": ("backup/rules.py", "tests/backup"),
    "exhaustion": ("monitor/exhaustion.py", "tests/monitor"),
    "scaling": ("monitor/scaling.py", "tests/monitor"),
    "queue": ("monitor/queue.py", "tests/monitor"),
    "plantime": ("monitor/plantime.py", "tests/monitor"),
    "rollout": ("tfc/rollout/decide.py", "tests/rollout"),
    "dependabot-plan": ("tfc/dependabot/plan.py", "tests/dependabot"),
    "dependabot-policy": ("tfc/dependabot/policy.py", "tests/dependabot"),
}
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", "*.egg-info"
)
SLOW_TEST_SUFFIXES = ("_e2e", "_contract")
PYTEST_EXIT_NO_TESTS = 5
PYTEST_EXIT_USAGE = 4

_FLIPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_OP_TEXT: dict[type[ast.AST], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Target:
    name: str
    path: str  # relative to the repository root
    tests: tuple[str, ...]  # test files (or folders) relative to the root


@dataclass(frozen=True)
class Mutant:
    index: int  # position in the module's deterministic list of mutants
    line: int  # in the module as written
    change: str
    span: tuple[int, int] = (0, 0)  # first and last line it changes in the unparsed module the tests run


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | survived | timeout | error
    seconds: float


@dataclass
class Report:
    module: str
    path: str
    tests: list[str]
    baseline_seconds: float
    mutants: int = 0
    killed: int = 0
    timeouts: int = 0
    errors: int = 0
    survivors: list[dict[str, object]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return 100.0 * (self.killed + self.timeouts) / self.mutants if self.mutants else 100.0


# -- mutants -----------------------------------------------------------------------------------------------------


def _sites(tree: ast.Module, lines: list[str]) -> Iterator[tuple[ast.AST, int, str, ast.AST]]:
    """Every (node, variant, description, node whose lines it changes) mutation site, in a deterministic order."""

    def marked(line: int) -> bool:
        return bool(line) and lines[line - 1].rstrip().endswith(PRAGMA)

    skipped: set[int] = set()
    for node in ast.walk(tree):
        for decorator in getattr(node, "decorator_list", []):
            skipped.update(id(n) for n in ast.walk(decorator))
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if annotation is not None:
                skipped.update(id(n) for n in ast.walk(annotation))
        if isinstance(node, ast.JoinedStr):  # message text, not decisions
            skipped.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if id(node) in skipped or marked(line):
            continue
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                for variant, flip in enumerate(_FLIPS[type(op)]):
                    yield node, position * 10 + variant, f"`{_OP_TEXT[type(op)]}` -> `{_OP_TEXT[flip]}`", node
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield node, 0, f"`{_OP_TEXT[type(node.op)]}` -> `{_OP_TEXT[other]}`", node
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, 0, "drop `not`", node
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield node, 0, f"`{node.value}` -> `{not node.value}`", node
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            yield node, 0, f"`{node.value!r}` -> `{node.value + 1!r}`", node
            yield node, 1, f"`{node.value!r}` -> `{node.value - 1!r}`", node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for position, statement in enumerate(node.body):
                if _deletable(statement, position) and not marked(statement.lineno):
                    first = ast.unparse(statement).splitlines()[0][:60]
                    yield node, position, f"delete `{first}`", statement
        elif isinstance(node, ast.If | ast.For | ast.While | ast.With | ast.Try):
            for block_index, block in enumerate(_blocks(node)):
                for position, statement in enumerate(block):
                    if _deletable(statement, position) and not marked(statement.lineno):
                        first = ast.unparse(statement).splitlines()[0][:60]
                        yield node, block_index * 1000 + position, f"delete `{first}`", statement


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    blocks = [getattr(node, "body", []), getattr(node, "orelse", [])]
    if isinstance(node, ast.Try):
        blocks += [handler.body for handler in node.handlers] + [node.finalbody]
    return blocks


def _deletable(statement: ast.stmt, position: int) -> bool:
    if position == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return False  # a docstring
    return not isinstance(
        statement, ast.Pass | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom
    ) and not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))


def _apply(node: ast.AST, variant: int) -> None:
    if isinstance(node, ast.Compare):
        position, flip = divmod(variant, 10)
        node.ops[position] = _FLIPS[type(node.ops[position])][flip]()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        node.value = not node.value
    elif isinstance(node, ast.Constant):
        node.value = node.value + (1 if variant == 0 else -1)
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        node.body[variant] = ast.Pass()
    else:
        block_index, position = divmod(variant, 1000)
        _blocks(node)[block_index][position] = ast.Pass()


class _DropNot(ast.NodeTransformer):
    def __init__(self, target: ast.AST) -> None:
        self.target = target

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        return node.operand if node is self.target else node


def mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    lines = source.splitlines()
    # The tests run the unparsed module: the same tree walked in the same order, on other line numbers.
    original, again = list(ast.walk(tree)), list(ast.walk(ast.parse(ast.unparse(tree))))
    same = len(original) == len(again) and all(type(a) is type(b) for a, b in zip(original, again, strict=True))
    unparsed = {id(a): b for a, b in zip(original, again, strict=True)} if same else {}
    listed = []
    for index, (_, _, change, where) in enumerate(_sites(tree, lines)):
        twin = unparsed.get(id(where))  # None: unknown lines, so every test runs
        span = (getattr(twin, "lineno", 0), getattr(twin, "end_lineno", 0) or getattr(twin, "lineno", 0))
        listed.append(Mutant(index, getattr(where, "lineno", 0), change, span))
    return listed


def mutate(source: str, index: int) -> str:
    """The module's source with mutant ``index`` applied (unparsed from the AST: comments are gone)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for position, (node, variant, _, _) in enumerate(_sites(tree, lines)):
        if position == index:
            if isinstance(node, ast.UnaryOp):
                tree = _DropNot(node).visit(tree)
            else:
                _apply(node, variant)
            return ast.unparse(ast.fix_missing_locations(tree))
    raise IndexError(index)


# -- running -----------------------------------------------------------------------------------------------------


def _imports(test_source: str, dotted: str) -> bool:
    parent, _, leaf = dotted.rpartition(".")
    if re.search(rf"\b{re.escape(dotted)}\b", test_source):
        return True
    for match in re.finditer(rf"from\s+{re.escape(parent)}\s+import\s+(\([^)]*\)|[^\n]*)", test_source):
        if re.search(rf"\b{re.escape(leaf)}\b", match.group(1)):
            return True
    return False


def resolve_target(spec: str) -> Target:
    """``grouping`` (a name in MODULES), ``pkg/mod.py`` or ``pkg.mod``, optionally ``=tests/a.py,tests/b``."""
    name, _, tests = spec.partition("=")
    if name in MODULES:
        path, folder = MODULES[name]
    else:
        path = name if name.endswith(".py") else name.replace(".", "/") + ".py"
        folder = f"tests/{Path(path).parts[0]}"
    if not (ROOT / path).is_file():
        raise SystemExit(f"mutation: no module {path} (from {spec!r}); known names: {', '.join(MODULES)}")
    if tests:
        chosen = tuple(t for t in tests.split(",") if t)
    else:
        dotted = path.removesuffix(".py").replace("/", ".")
        files = sorted((ROOT / folder).glob("test_*.py")) if (ROOT / folder).is_dir() else []
        files = [f for f in files if not f.stem.endswith(SLOW_TEST_SUFFIXES)]
        files.sort(key=lambda f: f.stem != f"test_{Path(path).stem}")  # stable: the rest stay alphabetical
        chosen = tuple(str(f.relative_to(ROOT)) for f in files if _imports(f.read_text(encoding="utf-8"), dotted))
        chosen = chosen or tuple(str(f.relative_to(ROOT)) for f in files)
    if not chosen:
        raise SystemExit(f"mutation: no tests for {path}; name them as {name}=tests/...")
    return Target(Path(path).stem if name not in MODULES else name, path, chosen)


_running: set[subprocess.Popen[bytes]] = set()
_stopping = threading.Event()


def _stop_running(signum: int, frame: object) -> None:
    """On SIGTERM/SIGINT stop the pytest process groups too (they run in their own sessions), then exit."""
    _stopping.set()
    for process in list(_running):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit(128 + signum)


def _pytest(
    workdir: Path, tests: tuple[str, ...], timeout: float, trace: tuple[str, str] | None = None
) -> tuple[str, float]:
    env = {**os.environ, "PYTHONPATH": str(workdir), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *tests]
    if trace is None:
        command.insert(3, "-x")
    else:
        env |= {"MUTATION_TRACE_FILE": trace[0], "MUTATION_TRACE_OUT": trace[1]}
        command[3:3] = ["-p", "bench._mutation_trace"]
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    _running.add(process)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return "timeout", time.monotonic() - started
    finally:
        _running.discard(process)
    elapsed = time.monotonic() - started
    if code == 0:
        return "survived", elapsed
    if code in (PYTEST_EXIT_USAGE, PYTEST_EXIT_NO_TESTS):
        return "error", elapsed
    return "killed", elapsed


def _check_imports_copy(workdir: Path, target: Target) -> None:
    dotted = target.path.removesuffix(".py").replace("/", ".")
    env = {**os.environ, "PYTHONPATH": str(workdir), "PYTHONDONTWRITEBYTECODE": "1"}
    found = subprocess.run(
        [sys.executable, "-c", f"import {dotted} as m; print(m.__file__)"],
        cwd=workdir, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(workdir.resolve()):
        raise SystemExit(f"mutation: {dotted} imports from {found}, not from the copy {workdir}")


def run_target(target: Target, copies: queue.Queue[Path], jobs: int, factor: float, minimum: float) -> Report:
    source = (ROOT / target.path).read_text(encoding="utf-8")
    listed = mutants(source)
    workdir = copies.get()
    try:
        _check_imports_copy(workdir, target)
        (workdir / target.path).write_text(ast.unparse(ast.parse(source)), encoding="utf-8")
        trace_out = workdir / ".mutation-trace.json"
        status, baseline = _pytest(
            workdir, target.tests, timeout=1200, trace=(str((workdir / target.path).resolve()), str(trace_out))
        )
        (workdir / target.path).write_text(source, encoding="utf-8")
        covered = {test: set(lines) for test, lines in json.loads(trace_out.read_text(encoding="utf-8")).items()}
    finally:
        copies.put(workdir)
    if status != "survived":
        raise SystemExit(f"mutation: the tests of {target.path} do not pass unmutated ({status}): {target.tests}")
    at_import = covered.pop("", set())  # module-level lines: every test may depend on them
    timeout = max(minimum, baseline * factor)
    report = Report(target.name, target.path, list(target.tests), round(baseline, 1), mutants=len(listed))
    print(f"{target.path}: {len(listed)} mutants, tests {' '.join(target.tests)} "
          f"({baseline:.1f}s unmutated, timeout {timeout:.0f}s)", flush=True)

    def tests_for(mutant: Mutant) -> tuple[str, ...]:
        """Only the tests that run a line the mutant changes (all of them for module-level or unknown lines)."""
        first, last = mutant.span
        changed = set(range(first, last + 1))
        if not first or changed & at_import:
            return target.tests
        return tuple(test for test, lines in covered.items() if lines & changed)

    def run_one(mutant: Mutant) -> Outcome:
        if _stopping.is_set():
            return Outcome(mutant, "error", 0.0)
        tests = tests_for(mutant)
        if not tests:
            return Outcome(mutant, "uncovered", 0.0)
        mutated = mutate(source, mutant.index)
        workdir = copies.get()
        try:
            (workdir / target.path).write_text(mutated, encoding="utf-8")
            status, seconds = _pytest(workdir, tests, timeout)
            if status == "error" and tests != target.tests:  # a node id pytest could not take: run the files
                status, seconds = _pytest(workdir, target.tests, timeout)
        finally:
            (workdir / target.path).write_text(source, encoding="utf-8")
            copies.put(workdir)
        return Outcome(mutant, status, seconds)

    lines = source.splitlines()
    with ThreadPoolExecutor(jobs) as pool:
        for done, outcome in enumerate(pool.map(run_one, listed), start=1):
            report.killed += outcome.status == "killed"
            report.timeouts += outcome.status == "timeout"
            report.errors += outcome.status == "error"
            if outcome.status in ("survived", "uncovered", "error"):
                mutant = outcome.mutant
                report.survivors.append(
                    {"line": mutant.line, "change": mutant.change, "status": outcome.status,
                     "source": lines[mutant.line - 1].strip() if mutant.line else ""}
                )
            if done % 25 == 0:
                print(f"  {done}/{len(listed)}", flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="names from MODULES, or path/to/module.py[=tests/x.py,...]")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--timeout-factor", type=float, default=4.0, help="timeout = factor x unmutated run")
    parser.add_argument("--min-timeout", type=float, default=20.0, help="seconds (default 20)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--list", action="store_true", help="show the modules and their test files, then exit")
    args = parser.parse_args(argv)
    targets = [resolve_target(spec) for spec in (args.modules or list(MODULES))]
    if args.list:
        for target in targets:
            count = len(mutants((ROOT / target.path).read_text(encoding="utf-8")))
            print(f"{target.name:12} {target.path:32} {count:4} mutants  tests: {' '.join(target.tests)}")
        return 0
    started = time.monotonic()
    reports: list[Report] = []
    signal.signal(signal.SIGTERM, _stop_running)
    signal.signal(signal.SIGINT, _stop_running)
    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
        copies: queue.Queue[Path] = queue.Queue()
        for number in range(args.jobs):
            workdir = Path(scratch) / f"copy{number}"
            shutil.copytree(ROOT, workdir, ignore=COPY_IGNORE)
            copies.put(workdir)
        for target in targets:
            report = run_target(target, copies, args.jobs, args.timeout_factor, args.min_timeout)
            reports.append(report)
            print(f"  {report.path}: {report.killed + report.timeouts}/{report.mutants} caught, "
                  f"score {report.score:.1f}%", flush=True)
            if args.json:  # after every module, so a long run that is stopped keeps what it measured
                _write_json(args.json, reports)
    print()
    print(f"{'module':34} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} {'score':>7}")
    for report in reports:
        survived = len(report.survivors)
        print(f"{report.path:34} {report.mutants:7} {report.killed:7} {report.timeouts:7} {survived:8} "
              f"{report.score:6.1f}%")
    total = sum(r.mutants for r in reports)
    caught = sum(r.killed + r.timeouts for r in reports)
    print(f"{'total':34} {total:7} {caught:7} {'':7} {total - caught:8} {100 * caught / max(total, 1):6.1f}%")
    print(f"wall time {time.monotonic() - started:.0f}s with {args.jobs} jobs")
    for report in reports:
        for survivor in report.survivors:
            status = "" if survivor["status"] == "survived" else f" [{survivor['status']}]"
            print(f"survivor {report.path}:{survivor['line']}  {survivor['change']}{status}  | {survivor['source']}")
    return 0


def _write_json(path: Path, reports: list[Report]) -> None:
    document = {"modules": [{**asdict(r), "score": round(r.score, 1)} for r in reports]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
