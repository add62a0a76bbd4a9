#!/usr/bin/env python3
"""Conformance: run kiln on the ONNX backend test cases and check the results.

Two modes. End to end (with --kiln-run, what `make test` runs): for every
case folder `test_*/model.onnx` of each suite, compile the model to an
artifact with its input shapes pinned from the first data set

    KILN_COMPILE model.onnx -o model.kiln --input-shape NAME=DIMS ...

run every `test_data_set_*` with `KILN_RUN model.kiln input_*.pb
--output-dir DIR`, and compare each output with `output_*.pb` as the ONNX
backend runner does (same shape and dtype; rtol 1e-3, atol 1e-7; NaNs
match). A failure names its stage: `compile:`, `run:` or `mismatch:`. This
mode needs numpy and onnx (the project's venv). Import only (without
--kiln-run): `KILN_COMPILE model.onnx --emit=kiln -o /dev/null` must exit 0;
this mode uses only the standard library.

Split mode, for a machine without the compiler (the GPU check,
scripts/gpu-check): `--compile-only --artifacts-dir DIR` compiles every case
here into DIR/<suite>/<case>/model.kiln and copies its test_data_set_*
folders next to it (bfloat16 inputs already relabelled), so DIR needs no
ONNX file; a compile failure is recorded in DIR/<suite>/<case>/case.json
with its reason. `--precompiled DIR --kiln-run PATH` then runs and compares
those cases there, without kiln-compile (a recorded compile failure is a
failure of its case); `--kiln-run-arg` passes extra arguments to kiln-run,
e.g. --kiln-run-arg=--device=cuda. `--results-json FILE` writes every
case's result (any mode).

Results are compared against a per-suite expected-failures file
`<expected-failures-dir>/<suite>.txt`, one entry per line:

    test_case_name  # one-line reason why it fails today

Blank lines and lines starting with '#' are ignored; every entry needs a reason.
Unexpected results (exit code 1 unless --update):
  - a failure not listed in the file              -> UNEXPECTED FAIL
  - a crash (killed by a signal), listed or not   -> UNEXPECTED FAIL (crashes never OK)
  - a listed case that now passes                 -> UNEXPECTED PASS
  - a listed case that is not in the suite        -> STALE

Usage:
  run_conformance.py --kiln-compile build/bin/kiln-compile \\
      [--kiln-run build/bin/kiln-run] \\
      --suite node=/usr/share/libonnx-testdata/data/node \\
      --suite simple=/usr/share/libonnx-testdata/data/simple \\
      --expected-failures-dir test/conformance/xfail \\
      [--jobs N] [--timeout SECS] [--filter REGEX] [--update] [--verbose]
  run_conformance.py --kiln-compile build/bin/kiln-compile --compile-only \
      --artifacts-dir DIR --suite ... [--kiln-arg=--target=cuda:sm_90]
  run_conformance.py --precompiled DIR --kiln-run build/bin/kiln-run \
      [--kiln-run-arg=--device=cuda] --expected-failures-dir test/conformance/xfail

--update rewrites the expected-failures files to match the current results
(existing reasons are kept; new crashes are not added) and exits 0.
--filter restricts the run (and --update) to case names matching REGEX.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import select
import shutil
import signal
import tempfile
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HEADER = """\
# Expected failures of the '{suite}' suite, checked by
# test/conformance/run_conformance.py (regenerate with --update).
# Format: one entry per line, `case_name  # one-line reason` (reason required).
# Blank lines and lines starting with '#' are ignored. Crashes are never allowed.
"""


@dataclass
class Result:
    suite: str
    case: str
    ok: bool
    crash: bool = False
    reason: str = ""
    stderr: str = ""


class MalformedFile(Exception):
    pass


def parse_expected(path):
    """Returns {case: reason} from an expected-failures file (empty if missing)."""
    entries = {}
    if not path.exists():
        return entries
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, reason = line.partition("#")
        name, reason = name.strip(), reason.strip()
        where = f"{path}:{lineno}"
        if not sep or not reason:
            raise MalformedFile(f"{where}: entry '{name}' has no '# reason'")
        if not name or len(name.split()) != 1:
            raise MalformedFile(f"{where}: expected `case_name  # reason`, got: {line}")
        if name in entries:
            raise MalformedFile(f"{where}: duplicate entry '{name}'")
        entries[name] = reason
    return entries


def failure_reason(stderr, model, case, returncode):
    lines = [l.strip().replace(str(model), case).replace("model.onnx", case)
             for l in stderr.splitlines() if l.strip()]
    reason = next((l for l in lines if "error:" in l), lines[-1] if lines else "")
    reason = reason or f"exit code {returncode}"
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = f"signal {-returncode}"
        reason = f"crash ({sig})" + (f": {reason}" if lines else "")
    return reason


def run_case(kiln, suite, case_dir, timeout, extra_args=()):
    model = case_dir.resolve() / "model.onnx"
    cmd = [kiln, str(model), "--emit=kiln", "-o", os.devnull, *extra_args]
    # A new session lets us kill the whole process group on timeout.
    proc = subprocess.Popen(cmd, cwd=case_dir.parent, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        return Result(suite, case_dir.name, False, reason=f"timeout after {timeout:g}s",
                      stderr=err.decode(errors="replace"))
    err = err.decode(errors="replace")
    if proc.returncode == 0:
        return Result(suite, case_dir.name, True, stderr=err)
    return Result(suite, case_dir.name, False, crash=proc.returncode < 0, stderr=err,
                  reason=failure_reason(err, model, case_dir.name, proc.returncode))


def read_pb(path):
    import onnx
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return tensor


def by_index(paths):
    """input_*.pb / output_*.pb in numeric order (input_10 after input_9)."""
    return sorted(paths, key=lambda p: int(p.stem.split("_")[1]))


def prepare_case(suite, case_dir):
    """Reads a case's model and first data set: (data_sets, graph_inputs,
    --input-shape arguments), or a failed Result."""
    import onnx

    case = case_dir.name
    model_path = case_dir.resolve() / "model.onnx"
    data_sets = sorted(d for d in case_dir.glob("test_data_set_*") if d.is_dir())
    if not data_sets:
        return Result(suite, case, False, reason="no test data set")
    try:
        graph = onnx.load(str(model_path), load_external_data=False).graph
    except Exception as e:  # noqa: BLE001 - a model onnx cannot read
        return Result(suite, case, False, reason=f"import: onnx cannot load the model: {e}")
    initializers = {t.name for t in graph.initializer}
    graph_inputs = [i for i in graph.input if i.name not in initializers]
    input_names = [i.name for i in graph_inputs]
    shapes = []
    for name, path in zip(input_names, by_index(data_sets[0].glob("input_*.pb"))):
        dims = list(read_pb(path).dims)
        shapes.append(f"--input-shape={name}=" + ("x".join(map(str, dims)) if dims else "scalar"))
    return data_sets, graph_inputs, shapes


def compile_case(kiln, suite, case_dir, timeout, extra_args, artifact):
    """Compiles the case to `artifact` with its input shapes pinned from its
    first data set: (data_sets, graph_inputs), or a failed Result whose
    reason starts with its stage."""
    prepared = prepare_case(suite, case_dir)
    if isinstance(prepared, Result):
        return prepared
    data_sets, graph_inputs, shapes = prepared
    case, model_path = case_dir.name, case_dir.resolve() / "model.onnx"
    rc, err = _run([kiln, str(model_path), "-o", str(artifact), *shapes, *extra_args],
                   case_dir.parent, timeout)
    if rc is None or rc != 0:
        return Result(suite, case, False, crash=rc is not None and rc < 0, stderr=err,
                      reason="compile: " + (f"timeout after {timeout:g}s" if rc is None
                                            else failure_reason(err, model_path, case, rc)))
    return data_sets, graph_inputs


def run_end_to_end(kiln, kiln_run, suite, case_dir, timeout, extra_args, workdir,
                   run_args=()):
    """Compiles the case to an artifact (input shapes pinned from its first
    data set), runs every data set with kiln-run and compares the outputs
    with the expected ones (rtol 1e-3, atol 1e-7, as the ONNX backend
    runner). Failures name their stage: import/codegen, run, or mismatch."""
    out_dir = Path(workdir) / suite / case_dir.name
    out_dir.mkdir(parents=True, exist_ok=True)
    artifact = out_dir / "model.kiln"
    compiled = compile_case(kiln, suite, case_dir, timeout, extra_args, artifact)
    if isinstance(compiled, Result):
        return compiled
    data_sets, graph_inputs = compiled
    return run_data_sets(kiln_run, run_args, suite, case_dir.name, artifact, data_sets,
                         graph_inputs, out_dir, case_dir.parent, timeout)


def run_data_sets(kiln_run, run_args, suite, case, artifact, data_sets, graph_inputs,
                  out_dir, cwd, timeout, batch=None):
    """Runs every data set through kiln-run and compares each output with its
    output_*.pb. graph_inputs (the model's inputs) is None for precompiled
    cases, whose input files were already relabelled when they were packed."""
    from onnx import numpy_helper

    for data_set in data_sets:
        inputs = by_index(data_set.glob("input_*.pb"))
        if graph_inputs is not None:
            inputs = [as_declared(path, value, out_dir / data_set.name)
                      for path, value in zip(inputs, graph_inputs)]
        expected = by_index(data_set.glob("output_*.pb"))
        results = out_dir / data_set.name
        results.mkdir(parents=True, exist_ok=True)
        for old in results.glob("output_*.pb"):
            old.unlink()
        # TensorProto outputs: .npy has no bfloat16.
        args = [Path(cwd, artifact).resolve(), *(Path(cwd, i).resolve() for i in inputs),
                "--output-dir", results.resolve(), "--output-format=pb", "--quiet",
                *run_args]
        rc, err = (batch.run(args, timeout) if batch else
                   _run([kiln_run, *map(str, args)], cwd, timeout))
        if rc is None or rc != 0:
            return Result(suite, case, False, crash=rc is not None and rc < 0, stderr=err,
                          reason="run: " + (f"timeout after {timeout:g}s" if rc is None
                                            else failure_reason(err, artifact, case, rc)))
        for i, path in enumerate(expected):
            want = numpy_helper.to_array(read_pb(path))
            got_path = results / f"output_{i}.pb"
            if not got_path.exists():
                return Result(suite, case, False, reason=f"run: no output {i}")
            got = numpy_helper.to_array(read_pb(got_path))
            problem = compare(got, want)
            if problem:
                return Result(suite, case, False,
                              reason=f"mismatch: output {i} ({data_set.name}): {problem}")
    return Result(suite, case, True)


CASE_INFO = "case.json"  # marks a case folder of an --artifacts-dir


def compile_only(kiln, suite, case_dir, timeout, extra_args, artifacts_dir):
    """--compile-only: compiles the case into ARTIFACTS/<suite>/<case>/model.kiln
    and copies its data sets next to it, inputs as kiln-run must read them
    (the machine that runs them may have no onnx able to relabel them).
    case.json records whether it compiled and why not."""
    dest = Path(artifacts_dir) / suite / case_dir.name
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    compiled = compile_case(kiln, suite, case_dir, timeout, extra_args, dest / "model.kiln")
    if isinstance(compiled, Result):
        result = compiled
    else:
        data_sets, graph_inputs = compiled
        for data_set in data_sets:
            target = dest / data_set.name
            target.mkdir()
            inputs = by_index(data_set.glob("input_*.pb"))
            for path, value in zip(inputs, graph_inputs):
                fixed = as_declared(path, value, target)  # writes a relabelled copy there
                if fixed == path:
                    shutil.copyfile(path, target / path.name)
            for path in data_set.glob("output_*.pb"):
                shutil.copyfile(path, target / path.name)
        result = Result(suite, case_dir.name, True)
    info = {"suite": suite, "case": case_dir.name, "compiled": result.ok,
            "crash": result.crash, "reason": result.reason,
            "stderr": result.stderr[-2000:]}
    (dest / CASE_INFO).write_text(json.dumps(info, indent=1) + "\n")
    return result


def run_precompiled(kiln_run, run_args, suite, case_dir, timeout, workdir, batch=None):
    """--precompiled: runs and compares a case that --compile-only packed. A
    case that did not compile fails with its recorded reason."""
    info = json.loads((case_dir / CASE_INFO).read_text())
    if not info["compiled"]:
        return Result(suite, case_dir.name, False, crash=info["crash"],
                      reason=info["reason"], stderr=info.get("stderr", ""))
    out_dir = Path(workdir) / suite / case_dir.name
    out_dir.mkdir(parents=True, exist_ok=True)
    data_sets = sorted(d for d in case_dir.glob("test_data_set_*") if d.is_dir())
    return run_data_sets(kiln_run, run_args, suite, case_dir.name,
                         case_dir.resolve() / "model.kiln", data_sets, None, out_dir,
                         case_dir, timeout, batch)


def as_declared(path, graph_input, work):
    """The input file as kiln-run should read it. ONNX 1.12's test data stores
    bfloat16 inputs as uint16 tensors of the same bits; such a file is
    relabelled bfloat16 (a copy in `work`). Other files are used as they are."""
    import onnx
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    declared = graph_input.type.tensor_type.elem_type
    if not (declared == onnx.TensorProto.BFLOAT16
            and tensor.data_type == onnx.TensorProto.UINT16):
        return path
    tensor.data_type = onnx.TensorProto.BFLOAT16
    work.mkdir(parents=True, exist_ok=True)
    fixed = work / path.name
    fixed.write_bytes(tensor.SerializeToString())
    return fixed


def compare(got, want):
    """None when `got` matches `want` as the ONNX backend runner checks."""
    import numpy as np
    if got.shape != want.shape:
        return f"shape {list(got.shape)} instead of {list(want.shape)}"
    if got.dtype != want.dtype:
        return f"dtype {got.dtype} instead of {want.dtype}"
    # ml_dtypes' types (bfloat16, the 8- and 4-bit floats, the sub-byte
    # integers) are compared as the float32 or int32 values they hold.
    name = want.dtype.name
    if name == "bfloat16" or name.startswith("float8") or name.startswith("float4"):
        got, want = got.astype(np.float32), want.astype(np.float32)
    elif name in ("int4", "uint4", "int2", "uint2"):
        got, want = got.astype(np.int32), want.astype(np.int32)
    if want.dtype.kind in "fc":
        bad = ~np.isclose(got, want, rtol=1e-3, atol=1e-7, equal_nan=True)
    else:
        bad = got != want
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"{int(bad.sum())} of {want.size} elements differ, first at {list(index)}: "
                f"{got[index]!r} instead of {want[index]!r}")
    return None


class BatchRunner:
    """Runs kiln-run commands through one `kiln-run --batch` process per
    thread: on a GPU, starting a process (and a CUDA context) per case costs
    more than most cases. A worker that dies (a crash) is started again."""

    # The line that ends each run, on the worker's standard error.
    END = re.compile(rb"(?m)^kiln-run-batch: exit (-?\d+)\n")

    def __init__(self, kiln_run):
        self.kiln_run = kiln_run
        self.local = threading.local()

    def _worker(self):
        proc = getattr(self.local, "proc", None)
        if proc is None or proc.poll() is not None:
            # Unbuffered: select() on the pipe then sees every byte.
            proc = subprocess.Popen([self.kiln_run, "--batch"], stdin=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    bufsize=0, start_new_session=True)
            self.local.proc = proc
        return proc

    def _stop(self, proc):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        self.local.proc = None

    def run(self, args, timeout):
        """(exit status, negative for a signal, or None on timeout; stderr).
        `args` are kiln-run's arguments with absolute paths."""
        proc = self._worker()
        try:
            proc.stdin.write(("\t".join(map(str, args)) + "\n").encode())
            proc.stdin.flush()
        except BrokenPipeError:
            self._stop(proc)
            return -1, "kiln-run --batch exited before the run"
        deadline = time.monotonic() + timeout
        text = b""
        fd = proc.stderr.fileno()
        while True:
            end = self.END.search(text)
            if end:
                return int(end.group(1)), text[:end.start()].decode(errors="replace")
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self._stop(proc)
                return None, text.decode(errors="replace")
            chunk = os.read(fd, 65536)
            if not chunk:
                rc = proc.wait()
                self.local.proc = None
                return (rc if rc < 0 else -1), text.decode(errors="replace")
            text += chunk


def _run(cmd, cwd, timeout):
    """(returncode or None on timeout, stderr)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        return None, err.decode(errors="replace")
    return proc.returncode, err.decode(errors="replace")


def group_key(result):
    """Failure reason with case-specific names folded, for the top-reasons table."""
    text = result.reason.replace(result.case, "...")
    return re.sub(r"'[^']*'|\"[^\"]*\"", "'...'", text)


def xfail_reason(result):
    """Reason text stored in the expected-failures file: one line, <= 120 chars."""
    text = result.reason.split("error:", 1)[-1].strip()
    text = " ".join(text.removeprefix(result.case + ":").split())
    return text if len(text) <= 120 else text[:117] + "..."


def write_expected(path, suite, entries):
    body = "".join(f"{case}  # {entries[case]}\n" for case in sorted(entries))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(suite=suite) + ("\n" + body if body else ""))


def summary_line(name, passed, total, xfail, unexpected):
    pct = 100.0 * passed / total if total else 0.0
    return (f"{MODE} {name}: {passed}/{total} passed ({pct:.1f}%), "
            f"{xfail} expected failures, {unexpected} unexpected")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln-compile", help="path to kiln-compile (required unless "
                   "--precompiled)")
    p.add_argument("--suite", action="append", default=[], metavar="NAME=DIR",
                   help="a suite directory of test_*/model.onnx cases (repeatable; "
                        "with --precompiled: NAME alone selects a packed suite)")
    p.add_argument("--expected-failures-dir", type=Path,
                   help="where <suite>.txt lists live (required unless --compile-only)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--timeout", type=float, default=60.0, help="per-case seconds")
    p.add_argument("--update", action="store_true",
                   help="rewrite the expected-failures files from the results")
    p.add_argument("--filter", type=re.compile, help="only cases matching REGEX")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--kiln-run", help="path to kiln-run: compile every case to an "
                   "artifact, run it and compare its outputs (end-to-end mode; needs "
                   "numpy and onnx)")
    p.add_argument("--work-dir", default=None,
                   help="where end-to-end artifacts and outputs go (default: a temp dir)")
    p.add_argument("--kiln-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for kiln-compile (repeatable), e.g. "
                        "--kiln-arg=--verify-declared-types")
    p.add_argument("--kiln-run-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for kiln-run (repeatable), e.g. "
                        "--kiln-run-arg=--device=cuda")
    p.add_argument("--compile-only", action="store_true",
                   help="compile every case into --artifacts-dir with its data sets "
                        "(for --precompiled on another machine); runs nothing")
    p.add_argument("--artifacts-dir", type=Path, help="where --compile-only writes")
    p.add_argument("--precompiled", type=Path, metavar="DIR",
                   help="run and compare the cases --compile-only wrote to DIR, "
                        "without kiln-compile (needs --kiln-run)")
    p.add_argument("--kiln-run-batch", action="store_true",
                   help="with --precompiled: run the cases through one `kiln-run --batch` "
                        "process per job instead of a process per case")
    p.add_argument("--results-json", type=Path, metavar="FILE",
                   help="also write every case's result to FILE")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECS",
                   help="cases not started after SECS fail as 'not run: time limit'")
    args = p.parse_args(argv)
    if args.precompiled:
        return parse_precompiled_args(p, args)
    if not args.kiln_compile:
        p.error("--kiln-compile is required (unless --precompiled)")
    if not args.suite:
        p.error("at least one --suite is required")
    if args.compile_only:
        if not args.artifacts_dir:
            p.error("--compile-only needs --artifacts-dir")
        if args.kiln_run:
            p.error("--compile-only runs nothing: drop --kiln-run")
    elif not args.expected_failures_dir:
        p.error("--expected-failures-dir is required (unless --compile-only)")
    suites = {}
    for spec in args.suite:
        name, sep, directory = spec.partition("=")
        if not sep or not name or not Path(directory).is_dir():
            p.error(f"--suite {spec}: expected NAME=DIR with an existing DIR")
        if name in suites:
            p.error(f"--suite {name} given twice")
        suites[name] = Path(directory)
    args.suites = suites
    if not os.access(args.kiln_compile, os.X_OK):
        p.error(f"--kiln-compile {args.kiln_compile} is not an executable")
    args.kiln_compile = os.path.abspath(args.kiln_compile)  # cases run in other cwds
    if args.kiln_run:
        if not os.access(args.kiln_run, os.X_OK):
            p.error(f"--kiln-run {args.kiln_run} is not an executable")
        args.kiln_run = os.path.abspath(args.kiln_run)
    return args


def parse_precompiled_args(p, args):
    """--precompiled DIR: the suites are DIR's (index.json keeps their order),
    or those named by --suite NAME."""
    if args.compile_only or args.kiln_compile:
        p.error("--precompiled runs packed artifacts: no --compile-only or --kiln-compile")
    if not args.kiln_run or not os.access(args.kiln_run, os.X_OK):
        p.error("--precompiled needs --kiln-run with an executable")
    if not args.expected_failures_dir:
        p.error("--expected-failures-dir is required")
    args.kiln_run = os.path.abspath(args.kiln_run)
    index = args.precompiled / "index.json"
    if not index.is_file():
        p.error(f"--precompiled {args.precompiled}: no index.json (not a --compile-only dir)")
    packed = json.loads(index.read_text())["suites"]
    names = [spec.partition("=")[0] for spec in args.suite] or packed
    unknown = [n for n in names if n not in packed]
    if unknown:
        p.error(f"--suite {', '.join(unknown)}: not in {args.precompiled}")
    args.suites = {n: args.precompiled / n for n in names}
    return args


MODE = "import"


def main(argv=None):
    global MODE
    args = parse_args(argv)
    if args.compile_only:
        return main_compile_only(args)
    MODE = ("precompiled" if args.precompiled else
            "end-to-end" if args.kiln_run else "import")
    try:
        expected = {s: parse_expected(args.expected_failures_dir / f"{s}.txt")
                    for s in args.suites}
    except MalformedFile as e:
        print(f"error: malformed expected-failures file: {e}", file=sys.stderr)
        return 2

    def selected(case):
        return not args.filter or args.filter.search(case)

    marker = CASE_INFO if args.precompiled else "model.onnx"
    cases = []  # (suite, case_dir), sorted by suite order then name
    for suite, directory in args.suites.items():
        for d in sorted(directory.glob("test_*"), key=lambda d: d.name):
            if (d / marker).is_file() and selected(d.name):
                cases.append((suite, d))

    results = collections.defaultdict(list)
    workdir = args.work_dir or tempfile.mkdtemp(prefix="kiln-conformance-")
    if args.precompiled:
        batch = BatchRunner(args.kiln_run) if args.kiln_run_batch else None

        def run(c):
            try:
                return run_precompiled(args.kiln_run, args.kiln_run_arg, c[0], c[1],
                                       args.timeout, workdir, batch)
            finally:
                if not args.work_dir:
                    shutil.rmtree(Path(workdir) / c[0] / c[1].name, ignore_errors=True)
    elif args.kiln_run:
        def run(c):
            try:
                return run_end_to_end(args.kiln_compile, args.kiln_run, c[0], c[1],
                                      args.timeout, args.kiln_arg, workdir,
                                      args.kiln_run_arg)
            finally:
                if not args.work_dir:
                    shutil.rmtree(Path(workdir) / c[0] / c[1].name, ignore_errors=True)
    else:
        def run(c):
            return run_case(args.kiln_compile, c[0], c[1], args.timeout, args.kiln_arg)
    run = with_time_limit(run, args.time_limit)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = pool.map(run, cases)
        for r in futures:  # in submission order, so --verbose output is stable
            results[r.suite].append(r)
            if args.verbose:
                listed = r.case in expected[r.suite]
                tag = ("PASS" if r.ok else "CRASH" if r.crash
                       else "XFAIL" if listed else "FAIL")
                print(f"{tag:5} {r.suite}/{r.case}" + (f": {r.reason}" if r.reason else ""),
                      flush=True)

    unexpected_lines, summaries, reasons = [], [], collections.Counter()
    reason_suites = collections.defaultdict(collections.Counter)
    totals = [0, 0, 0, 0]  # passed, total, xfail, unexpected
    for suite, directory in args.suites.items():
        listed = expected[suite]
        xfile = args.expected_failures_dir / f"{suite}.txt"
        passed = xfail = unexpected = 0
        for r in results[suite]:
            if r.ok:
                passed += 1
                if r.case in listed:
                    unexpected += 1
                    unexpected_lines.append(
                        f"UNEXPECTED PASS {suite}/{r.case} (remove it from {xfile})")
                continue
            reasons[group_key(r)] += 1
            reason_suites[group_key(r)][suite] += 1
            if r.case in listed and not r.crash:
                xfail += 1
            else:
                unexpected += 1
                unexpected_lines.append(f"UNEXPECTED FAIL {suite}/{r.case}: {r.reason}")
                if args.verbose and r.stderr.strip():
                    unexpected_lines.extend("    " + l for l in r.stderr.rstrip().splitlines())
        existing = {d.name for d in directory.glob("test_*") if (d / marker).is_file()}
        for case in sorted(listed):
            # A pack may hold a subset of a suite (gpu-check pack --quick).
            if case not in existing and selected(case) and not args.precompiled:
                unexpected += 1
                unexpected_lines.append(f"STALE {suite}/{case}")
        summaries.append(summary_line(suite, passed, len(results[suite]), xfail, unexpected))
        for i, v in enumerate((passed, len(results[suite]), xfail, unexpected)):
            totals[i] += v

        if args.update:
            # Entries outside --filter are left untouched.
            new = {c: why for c, why in listed.items() if not selected(c)}
            for r in results[suite]:
                if not r.ok and (r.case in listed or not r.crash):
                    new[r.case] = listed.get(r.case) or xfail_reason(r)
            write_expected(xfile, suite, new)

    for line in unexpected_lines:
        print(line)
    if reasons:
        print(f"top failure reasons ({sum(reasons.values())} failures):")
        for text, count in reasons.most_common(15):
            where = ", ".join(f"{s} {n}" for s, n in reason_suites[text].most_common())
            print(f"  {count:5}  {text}  [{where}]")
    for line in summaries:
        print(line)
    if len(summaries) > 1:
        print(summary_line("total", *totals))
    if args.update:
        print(f"updated expected-failures files in {args.expected_failures_dir}")
    if not args.work_dir:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.results_json:
        write_results_json(args.results_json, results, expected)
    print(f"{MODE} conformance: {totals[0]} passed, {totals[3]} failed")
    return 0 if args.update or totals[3] == 0 else 1


def with_time_limit(run, limit):
    """run, except that cases not started `limit` seconds from now fail
    without running, so that a capped run still reports every case."""
    if limit is None:
        return run
    deadline = time.monotonic() + limit

    def limited(c):
        if time.monotonic() > deadline:
            return Result(c[0], c[1].name, False, reason=f"not run: time limit ({limit:g}s)")
        return run(c)
    return limited


def write_results_json(path, results, expected):
    rows = [{"suite": r.suite, "case": r.case, "ok": r.ok, "crash": r.crash,
             "reason": r.reason, "expected_failure": r.case in expected.get(r.suite, {})}
            for suite in results for r in results[suite]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=0) + "\n")


def main_compile_only(args):
    """--compile-only: fills --artifacts-dir; prints how many cases compiled
    per suite. Exits 0 whatever compiled: the run that counts is the one on
    the machine that runs the artifacts."""
    global MODE
    MODE = "compile-only"
    args.artifacts_dir.mkdir(parents=True, exist_ok=True)
    cases = [(suite, d) for suite, directory in args.suites.items()
             for d in sorted(directory.glob("test_*"), key=lambda d: d.name)
             if (d / "model.onnx").is_file() and (not args.filter or args.filter.search(d.name))]

    def run(c):
        try:
            return compile_only(args.kiln_compile, c[0], c[1], args.timeout, args.kiln_arg,
                                args.artifacts_dir)
        except OSError as e:  # e.g. kiln-compile replaced by a rebuild: one failed case
            return Result(c[0], c[1].name, False, reason=f"compile: {e}")
    run = with_time_limit(run, args.time_limit)
    results = collections.defaultdict(list)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for r in pool.map(run, cases):
            results[r.suite].append(r)
            if args.verbose:
                print(f"{'OK' if r.ok else 'FAIL':5} {r.suite}/{r.case}"
                      + (f": {r.reason}" if r.reason else ""), flush=True)
    index = {"suites": list(args.suites), "kiln_args": args.kiln_arg,
             "filter": args.filter.pattern if args.filter else None}
    (args.artifacts_dir / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    if args.results_json:
        write_results_json(args.results_json, results, {})
    done = 0
    for suite in args.suites:
        n = sum(r.ok for r in results[suite])
        done += n
        print(f"compile-only {suite}: {n}/{len(results[suite])} compiled")
    print(f"compile-only conformance: {done} compiled, "
          f"{sum(map(len, results.values())) - done} failed to compile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
