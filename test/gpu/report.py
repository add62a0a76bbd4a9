#!/usr/bin/env python3
"""Bookkeeping of scripts/gpu-check: the pack's manifest and the device's table.

    report.py manifest --pack DIR --conformance-results FILE --xfail DIR
                       --suite NAME=DIR ... [--filter REGEX] [--info KEY=VALUE ...]
    report.py unit --gtest-json FILE --rc N --filter F --json OUT
    report.py conformance --results FILE --manifest FILE --xfail DIR
                          --regressions OUT.txt --json OUT
    report.py summary --work DIR --manifest FILE --out DIR

manifest (HERE, at pack time) records, per conformance suite, how many cases
pass on the CPU: the cases of the suite (those --filter keeps) minus those
listed in test/conformance/xfail/<suite>.txt, the checked-in CPU result.
conformance (THERE) compares the GPU's passes with those counts and lists
every case that passes on the CPU but not on the GPU, with the GPU's reason.
summary prints the final table: one row per step (PASS/FAIL/SKIPPED with its
reason), then the per-suite conformance counts; it is the last thing
scripts/gpu-check prints, because the remote call shows only the end of the
output. It also writes OUT/summary.txt and OUT/results.json.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

STEPS = ["unpack", "nvidia-smi", "unit-tests", "conformance", "zoo", "big-models",
         "benchmarks", "profiles"]


def parse_xfail(path):
    """The case names of an expected-failures file (see run_conformance.py)."""
    names = set()
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                names.add(line.partition("#")[0].strip())
    return names


def cmd_manifest(args):
    pattern = re.compile(args.filter) if args.filter else None
    suites = {}
    for spec in args.suite:
        name, _, directory = spec.partition("=")
        cases = sorted(d.name for d in Path(directory).glob("test_*")
                       if (d / "model.onnx").is_file()
                       and (pattern is None or pattern.search(d.name)))
        listed = parse_xfail(args.xfail / f"{name}.txt")
        suites[name] = {"cases": len(cases),
                        "cpu_pass": sum(1 for c in cases if c not in listed)}
    compiled = {}
    if args.conformance_results and args.conformance_results.exists():
        for row in json.loads(args.conformance_results.read_text()):
            c = compiled.setdefault(row["suite"], [0, 0])
            c[0] += row["ok"]
            c[1] += 1
    for name, (ok, total) in compiled.items():
        suites.setdefault(name, {})["compiled_here"] = ok
    info = dict(kv.partition("=")[::2] for kv in args.info)
    manifest = {"created": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                "conformance": {"suites": suites, "filter": args.filter}, **info}
    for part in ("zoo", "big"):
        summary = args.pack / f"{part}-summary.json"
        if summary.exists():
            manifest[part] = json.loads(summary.read_text())
            summary.unlink()
    (args.pack / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    for name, s in suites.items():
        print(f"  conformance {name}: {s.get('compiled_here', 0)}/{s['cases']} compiled, "
              f"{s['cpu_pass']} pass on the CPU")
    return 0


def write_json(path, status, reason, **extra):
    Path(path).write_text(json.dumps({"status": status, "reason": reason, **extra},
                                     indent=1) + "\n")


def cmd_unit(args):
    if not args.gtest_json.exists():
        write_json(args.json, "FAIL", f"no GoogleTest report (exit {args.rc})")
        return 0
    report = json.loads(args.gtest_json.read_text())
    tests = [t for suite in report.get("testsuites", []) for t in suite.get("testsuite", [])]
    failed = [f"{t['classname']}.{t['name']}" for t in tests if t.get("failures")]
    skipped = [t for t in tests if t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN"]
    passed = len(tests) - len(failed) - len(skipped)
    if not tests:
        write_json(args.json, "SKIPPED", f"no test matches --gtest_filter={args.filter}")
    elif failed or args.rc not in (0,):
        write_json(args.json, "FAIL", f"{passed} passed, {len(failed)} failed, "
                   f"{len(skipped)} skipped (exit {args.rc}); failed: {', '.join(failed[:5])}")
    elif not passed:
        write_json(args.json, "SKIPPED", f"all {len(skipped)} matching tests skipped "
                   "(no device?)")
    else:
        write_json(args.json, "PASS", f"{passed} passed, {len(skipped)} skipped")
    return 0


def cmd_conformance(args):
    manifest = json.loads(args.manifest.read_text())
    cpu = manifest["conformance"]["suites"]
    rows = json.loads(args.results.read_text()) if args.results.exists() else []
    if not rows:
        write_json(args.json, "FAIL", "the runner reported no case")
        return 0
    per_suite, regressions, not_run, xfail = {}, [], [], {}
    for r in rows:
        s = per_suite.setdefault(r["suite"], {"gpu_pass": 0, "cases": 0, "regressions": 0,
                                              "gains": 0, "not_run": 0})
        s["cases"] += 1
        s["gpu_pass"] += r["ok"]
        if r["suite"] not in xfail:
            xfail[r["suite"]] = parse_xfail(args.xfail / f"{r['suite']}.txt")
        listed = r["case"] in xfail[r["suite"]]
        if r["reason"].startswith("not run:"):  # the time cap: neither pass nor fail
            s["not_run"] += 1
            not_run.append(f"{r['suite']}/{r['case']}: {r['reason']}")
        elif not r["ok"] and not listed:
            s["regressions"] += 1
            regressions.append(f"{r['suite']}/{r['case']}: "
                               + ("CRASH " if r["crash"] else "") + r["reason"])
        if r["ok"] and listed:
            s["gains"] += 1
    for name, s in per_suite.items():
        s["cpu_pass"] = cpu.get(name, {}).get("cpu_pass")
    args.regressions.write_text(
        "# Cases that pass on the CPU (not in test/conformance/xfail) but not on the GPU,\n"
        "# with the GPU run's reason (compile: ... happened at pack time).\n"
        + "".join(line + "\n" for line in regressions)
        + ("# Not run (the step's time cap came first):\n" if not_run else "")
        + "".join(line + "\n" for line in not_run))
    gpu = sum(s["gpu_pass"] for s in per_suite.values())
    ref = sum(s["cpu_pass"] or 0 for s in per_suite.values())
    reason = f"{gpu}/{ref} of the CPU's passes, {len(regressions)} regressions"
    if not_run:
        reason += f", {len(not_run)} cases not run (time cap)"
    write_json(args.json, "PASS" if not regressions and not not_run else "FAIL", reason,
               suites=per_suite)
    return 0


def cell(text, width):
    text = str(text)
    return text if len(text) <= width else text[:width - 3] + "..."


def cmd_summary(args):
    manifest = json.loads(args.manifest.read_text()) if args.manifest.exists() else {}
    steps = {}
    tsv = args.work / "steps.tsv"
    if tsv.exists():
        for line in tsv.read_text().splitlines():
            name, status, seconds, reason = (line.split("\t") + ["", "", ""])[:4]
            steps[name] = {"status": status, "seconds": seconds, "reason": reason}
    for name, step in steps.items():
        detail = args.work / f"{name}.json"
        if detail.exists():  # the step's own verdict beats its exit code
            data = json.loads(detail.read_text())
            if step["status"] != "TIMEOUT":
                step["status"] = data["status"]
                step["reason"] = data["reason"]
            else:
                step["status"] = "FAIL"
                step["reason"] = f"{step['reason']}; so far: {data['reason']}"
            step["detail"] = data
        elif step["status"] == "TIMEOUT":
            step["status"] = "FAIL"
    lines = [f"kiln GPU check: {manifest.get('target', '?')} pack of "
             f"{manifest.get('created', '?')} (commit {manifest.get('commit', '?')}), "
             f"device {args.device_name or '?'}", ""]
    lines.append(f"{'step':12} {'result':8} {'s':>5}  reason")
    for name in STEPS:
        s = steps.get(name, {"status": "SKIPPED", "seconds": "", "reason": "not reached"})
        lines.append(f"{name:12} {s['status']:8} {s['seconds']:>5}  {cell(s['reason'], 140)}")
    conf = steps.get("conformance", {}).get("detail", {}).get("suites")
    if conf:
        lines += ["", f"{'suite':18} {'GPU pass':>8} {'CPU pass':>8} {'ratio':>7} "
                  f"{'regress':>7} {'gains':>5} {'not run':>7}"]
        for name, s in conf.items():
            ratio = f"{s['gpu_pass'] / s['cpu_pass']:.3f}" if s["cpu_pass"] else "-"
            lines.append(f"{name:18} {s['gpu_pass']:>8} {s['cpu_pass'] or '-':>8} {ratio:>7} "
                         f"{s['regressions']:>7} {s['gains']:>5} {s['not_run']:>7}")
    bench_md = args.work / "bench-table.md"
    if bench_md.exists():
        lines += ["", bench_md.read_text().rstrip()]
    overall = [steps.get(n, {}).get("status", "SKIPPED") for n in STEPS]
    verdict = ("FAIL" if "FAIL" in overall else "PASS" if all(s == "PASS" for s in overall)
               else "PASS with skips")
    lines += ["", f"GPU CHECK: {verdict} ("
              + ", ".join(f"{overall.count(s)} {s}" for s in ("PASS", "FAIL", "SKIPPED")) + ")"]
    text = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.txt").write_text(text)
    (args.out / "results.json").write_text(json.dumps(
        {"verdict": verdict, "steps": steps, "manifest": manifest}, indent=1) + "\n")
    sys.stdout.write(text)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("manifest")
    m.add_argument("--pack", type=Path, required=True)
    m.add_argument("--conformance-results", type=Path)
    m.add_argument("--xfail", type=Path, required=True)
    m.add_argument("--suite", action="append", default=[])
    m.add_argument("--filter")
    m.add_argument("--info", action="append", default=[], metavar="KEY=VALUE")
    u = sub.add_parser("unit")
    u.add_argument("--gtest-json", type=Path, required=True)
    u.add_argument("--rc", type=int, required=True)
    u.add_argument("--filter", required=True)
    u.add_argument("--json", type=Path, required=True)
    c = sub.add_parser("conformance")
    c.add_argument("--results", type=Path, required=True)
    c.add_argument("--manifest", type=Path, required=True)
    c.add_argument("--xfail", type=Path, required=True)
    c.add_argument("--regressions", type=Path, required=True)
    c.add_argument("--json", type=Path, required=True)
    s = sub.add_parser("summary")
    s.add_argument("--work", type=Path, required=True)
    s.add_argument("--manifest", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--device-name", default="")
    args = p.parse_args()
    return {"manifest": cmd_manifest, "unit": cmd_unit, "conformance": cmd_conformance,
            "summary": cmd_summary}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
