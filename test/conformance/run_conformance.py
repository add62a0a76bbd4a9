#!/usr/bin/env python3
"""Import conformance: check that kiln imports and verifies ONNX backend test models.

For every case folder `test_*/model.onnx` in each suite directory, this runs

    KILN_COMPILE <abs>/model.onnx --emit=kiln -o /dev/null

and treats exit code 0 as a pass. Folders without a model.onnx are skipped.
Results are compared against a per-suite expected-failures file
`<expected-failures-dir>/<suite>.txt`, one entry per line:

    test_case_name  # one-line reason why it fails today

Blank lines and lines starting with '#' are ignored; every entry needs a reason.
Unexpected results (exit code 1 unless --update):
  - a failure not listed in the file              -> UNEXPECTED FAIL
  - a crash (killed by a signal), listed or not   -> UNEXPECTED FAIL (crashes never OK)
  - a listed case that now imports                -> UNEXPECTED PASS
  - a listed case that is not in the suite        -> STALE

Usage:
  run_import_conformance.py --kiln-compile build/bin/kiln-compile \\
      --suite node=/usr/share/libonnx-testdata/data/node \\
      --suite simple=/usr/share/libonnx-testdata/data/simple \\
      --expected-failures-dir test/conformance/import-xfail \\
      [--jobs N] [--timeout SECS] [--filter REGEX] [--update] [--verbose]

--update rewrites the expected-failures files to match the current results
(existing reasons are kept; new crashes are not added) and exits 0.
--filter restricts the run (and --update) to case names matching REGEX.
This script uses only the standard library (it must not import onnx).
"""

import argparse
import collections
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HEADER = """\
# Expected import failures for the '{suite}' suite, checked by
# test/conformance/run_import_conformance.py (regenerate with --update).
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
    return (f"import {name}: {passed}/{total} passed ({pct:.1f}%), "
            f"{xfail} expected failures, {unexpected} unexpected")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln-compile", required=True, help="path to kiln-compile")
    p.add_argument("--suite", action="append", required=True, metavar="NAME=DIR",
                   help="a suite directory of test_*/model.onnx cases (repeatable)")
    p.add_argument("--expected-failures-dir", required=True, type=Path)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--timeout", type=float, default=60.0, help="per-case seconds")
    p.add_argument("--update", action="store_true",
                   help="rewrite the expected-failures files from the results")
    p.add_argument("--filter", type=re.compile, help="only cases matching REGEX")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--kiln-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for kiln-compile (repeatable), e.g. "
                        "--kiln-arg=--verify-declared-types")
    args = p.parse_args(argv)
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
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        expected = {s: parse_expected(args.expected_failures_dir / f"{s}.txt")
                    for s in args.suites}
    except MalformedFile as e:
        print(f"error: malformed expected-failures file: {e}", file=sys.stderr)
        return 2

    def selected(case):
        return not args.filter or args.filter.search(case)

    cases = []  # (suite, case_dir), sorted by suite order then name
    for suite, directory in args.suites.items():
        for d in sorted(directory.glob("test_*"), key=lambda d: d.name):
            if (d / "model.onnx").is_file() and selected(d.name):
                cases.append((suite, d))

    results = collections.defaultdict(list)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = pool.map(lambda c: run_case(args.kiln_compile, c[0], c[1], args.timeout,
                                            args.kiln_arg),
                           cases)
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
        existing = {d.name for d in directory.glob("test_*") if (d / "model.onnx").is_file()}
        for case in sorted(listed):
            if case not in existing and selected(case):
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
    print(f"import conformance: {totals[0]} passed, {totals[3]} failed")
    return 0 if args.update or totals[3] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
