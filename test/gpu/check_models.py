#!/usr/bin/env python3
"""Runs the packed model checks of scripts/gpu-check on the device and compares.

    check_models.py zoo|big --pack DIR --kiln-run PATH [--run-arg=ARG ...]
                    [--time-limit SECS] --json FILE

DIR is the unpacked zoo/ or big/ folder that test/gpu/pack_models.py wrote.
Needs only numpy and kiln-run (the GPU machine has no compiler). Each run
writes its outputs to a fresh folder (a missing output fails, so nothing
stale can pass) and every float output must satisfy
||out - ref|| / ||ref|| < 1e-4 (fp32), with no NaN or infinity; integer
and boolean outputs must be equal.

big also runs the batch-32 artifact on a batch whose first sample is the
batch-1 reference input and whose other samples are that input rolled
along its last axis (made here, so 19 MB of images need not travel):
sample 0 must match the reference, and sample 1 must differ from sample 0
(an artifact that ignored all but one sample would not).

Writes FILE: {"status": PASS|FAIL|SKIPPED, "reason", "rows": [...]}.
"""

import argparse
import concurrent.futures
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TOLERANCE = 1e-4


def rel_l2(got, want):
    want64 = want.astype(np.float64)
    norm = np.linalg.norm(want64)
    return float(np.linalg.norm(got.astype(np.float64) - want64) / (norm or 1.0))


def compare(got, want):
    """(ok, detail) for one output."""
    if got.shape != want.shape:
        return False, f"shape {list(got.shape)} instead of {list(want.shape)}"
    if np.issubdtype(want.dtype, np.floating):
        if not np.all(np.isfinite(got)):
            return False, f"{int(np.sum(~np.isfinite(got)))} non-finite values"
        err = rel_l2(got, want)
        return err < TOLERANCE, f"rel L2 {err:.2e}"
    same = np.array_equal(got, want)
    return same, "equal" if same else f"{int(np.sum(got != want))} values differ"


def kiln_run(kiln, artifact, inputs, out_dir, run_args, timeout):
    """Runs the artifact; (outputs, error)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [str(kiln), str(artifact), "--output-dir", str(out_dir), "--quiet", *run_args,
           *[f"--input={k}={v}" for k, v in inputs.items()]]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"run: timeout after {timeout:g}s"
    if p.returncode != 0:
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        msg = next((l for l in lines if "error" in l.lower()), lines[-1] if lines else "")
        kind = "crash" if p.returncode < 0 else f"exit {p.returncode}"
        return None, f"run ({kind}): {msg.strip()[:300]}"
    files = sorted(out_dir.glob("output_*.npy"), key=lambda f: int(f.stem.split("_")[1]))
    return [np.load(f) for f in files], None


def check_outputs(outputs, refs, names):
    """(ok, detail, largest float error or None)."""
    details, ok, worst = [], True, None
    if len(outputs) != len(refs):
        return False, f"{len(outputs)} outputs instead of {len(refs)}", None
    for name, got, want in zip(names, outputs, refs):
        good, detail = compare(got, want)
        ok &= good
        details.append(f"{name}: {detail}")
        if detail.startswith("rel L2"):
            err = float(detail.split()[-1])
            worst = err if worst is None else max(worst, err)
    return ok, "; ".join(details), worst


def check_zoo(args, work):
    index = json.loads((args.pack / "index.json").read_text())
    deadline = time.monotonic() + args.time_limit

    def one(entry):
        row = {"label": entry["label"], "status": "FAIL", "detail": ""}
        if entry["compile_error"]:
            row["detail"] = f"compile: {entry['compile_error']}"
            return row
        if time.monotonic() > deadline:
            row.update(status="SKIPPED", detail="not run: time limit")
            return row
        inputs = {k: args.pack / v for k, v in entry["inputs"].items()}
        outputs, error = kiln_run(args.kiln_run, args.pack / entry["artifact"], inputs,
                                  work / entry["label"].replace(" ", "_"), args.run_arg,
                                  args.timeout)
        if error:
            row["detail"] = error
            return row
        refs = [np.load(args.pack / r) for r in entry["refs"]]
        ok, row["detail"], row["rel_l2"] = check_outputs(outputs, refs, entry["outputs"])
        row["status"] = "PASS" if ok else "FAIL"
        if entry.get("note"):
            row["detail"] += f" [{entry['note']}]"
        return row

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(one, index["runs"]))
    return rows, None


def check_batch(args, folder, artifact, inputs, n, refs, names, run_args):
    """Runs `artifact` at batch n: (seconds, status, detail, worst rel L2)."""
    # Sample 0 is the reference input; the others are rolled copies.
    feeds = {k: np.concatenate([np.roll(v, i, axis=-1) for i in range(n)])
             for k, v in inputs.items()}
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for i, (k, v) in enumerate(feeds.items()):
        files[k] = folder / f"input_{i}.npy"
        np.save(files[k], v)
    t0 = time.time()
    outputs, error = kiln_run(args.kiln_run, artifact, files, folder / "out", run_args,
                              args.timeout)
    took = time.time() - t0
    if error:
        return took, "FAIL", error, None
    first = [o[:1] for o in outputs]
    ok, detail, worst = check_outputs(first, refs, names)
    if n > 1 and ok:
        if all(np.array_equal(o[0], o[1]) for o in outputs):
            ok, detail = False, detail + "; samples 0 and 1 give identical outputs"
        elif not all(np.all(np.isfinite(o)) for o in outputs
                     if np.issubdtype(o.dtype, np.floating)):
            ok, detail = False, detail + "; non-finite values in samples 1.."
    scope = "sample 0 vs CPU reference" if n > 1 else "vs CPU reference"
    return took, "PASS" if ok else "FAIL", f"{scope}: {detail} ({took:.1f}s with load)", worst


def check_big(args, work):
    index = json.loads((args.pack / "index.json").read_text())
    if index.get("skipped"):
        return [], index["skipped"]
    deadline = time.monotonic() + args.time_limit
    rows = []
    for name, entry in index["models"].items():
        def row(label, status, detail, rel_l2=None):
            rows.append({"label": f"{name} {label}", "status": status, "detail": detail,
                         "rel_l2": rel_l2})
            print(f"{status:7} {name} {label}: {detail}", flush=True)

        if entry.get("error") or "refs" not in entry:
            row("", "FAIL", entry.get("error", "no reference"))
            continue
        run_args = args.run_arg + (["--synthetic-weights"]
                                   if index["weights"] == "synthetic" else [])
        refs = [np.load(args.pack / r) for r in entry["refs"]]
        inputs = {k: np.load(args.pack / v) for k, v in entry["inputs"].items()}
        b1_seconds = None
        # The pack's own artifacts, then each variant's (pack_models.py --variant).
        for variant, artifacts in [("", entry)] + list(entry.get("variants", {}).items()):
            if index["weights"] == "params":  # local dry run: real weights, kept here
                for batch, params in artifacts["params"].items():
                    link = args.pack / (artifacts["artifacts"][batch] + ".params")
                    if not link.exists():
                        link.symlink_to(params)
            for batch in sorted(set(artifacts["artifacts"]) | set(artifacts["compile_errors"]),
                                key=int):
                label = f"b{batch}" + (f" [{variant}]" if variant else "")
                if batch in artifacts["compile_errors"]:
                    row(label, "FAIL", f"compile: {artifacts['compile_errors'][batch]}")
                    continue
                if time.monotonic() > deadline:
                    row(label, "SKIPPED", "not run: time limit")
                    continue
                n = int(batch)
                if args.cpu_dry_run and b1_seconds and b1_seconds * n > 45:
                    # The dry run checks the plumbing; BERT at batch 32 on 2
                    # cores would take minutes.
                    row(label, "SKIPPED", f"CPU dry run: would take ~{b1_seconds * n:.0f}s")
                    continue
                took, status, detail, worst = check_batch(
                    args, work / f"{name}_b{batch}{'_' + variant if variant else ''}",
                    args.pack / artifacts["artifacts"][batch], inputs, n, refs,
                    entry["outputs"], run_args)
                if n == 1:
                    b1_seconds = took
                row(label, status, detail, worst)
    return rows, None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["zoo", "big"])
    p.add_argument("--pack", required=True, type=Path)
    p.add_argument("--kiln-run", required=True, type=Path)
    p.add_argument("--run-arg", action="append", default=[], metavar="ARG")
    p.add_argument("--time-limit", type=float, default=60)
    p.add_argument("--timeout", type=float, default=60, help="per kiln-run, seconds")
    p.add_argument("--jobs", type=int, default=4)
    p.add_argument("--cpu-dry-run", action="store_true",
                   help="skip big batches that would take minutes on a small CPU")
    p.add_argument("--json", required=True, type=Path)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix=f"kiln-{args.what}-"))
    try:
        rows, skipped = (check_zoo if args.what == "zoo" else check_big)(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.what == "zoo":
        for r in rows:
            print(f"{r['status']:7} {r['label']}: {r['detail']}")
    failed = [r for r in rows if r["status"] == "FAIL"]
    passed = sum(r["status"] == "PASS" for r in rows)
    not_run = len(rows) - passed - len(failed)
    if skipped:
        status, reason = "SKIPPED", skipped
    elif not rows:
        status, reason = "SKIPPED", "nothing packed"
    elif not passed and not failed:
        status, reason = "SKIPPED", rows[0]["detail"]
    else:
        status = "PASS" if not failed else "FAIL"
        reason = f"{passed}/{len(rows)} passed" + (f", {not_run} skipped" if not_run else "") + (
            f"; first failure {failed[0]['label']}: {failed[0]['detail'][:120]}" if failed else "")
        if args.what == "big":  # the numbers themselves belong in the table
            reason += "; rel L2 " + ", ".join(
                f"{r['label']} {r['rel_l2']:.1e}" for r in rows if r.get("rel_l2") is not None)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"status": status, "reason": reason, "rows": rows},
                                    indent=1) + "\n")
    print(f"{args.what}: {status} ({reason})")
    return 0 if status != "FAIL" else 1


if __name__ == "__main__":
    sys.exit(main())
