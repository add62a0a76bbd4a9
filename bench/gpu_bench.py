#!/usr/bin/env python3
"""GPU latency of kiln against PyTorch (eager, torch.compile, + CUDA graphs).

    python3 bench/gpu_bench.py --big DIR --manifest FILE --kiln-bench PATH
        [--device cuda] [--time-budget SECONDS] --out DIR [--table FILE] [--json FILE]

Runs ON THE GPU MACHINE, as step (f) of scripts/gpu-check device, over the
unpacked big/ folder of a pack (ResNet-50 and BERT-base seq 128 artifacts at
batch 1 and 32, compiled here without their weights). See bench/README.md.

kiln: `kiln-bench ART --device=cuda --synthetic-weights --device-resident
--json` (inputs and outputs stay on the device; the plan replayed as a CUDA
graph, kiln's default), and at batch 1 once more with --no-cuda-graph; each
compile variant in the pack (pack_models.py --variant) with graph replay,
in a second table against the pack's own artifacts. A short probe run
sizes the timed runs: at least 30, about 5 s of them.

Peers, measured in the same run: torchvision resnet50(weights=None) and
transformers BertModel(BertConfig()) (seq 128), eval and no_grad, fp32 (TF32
off in cuBLAS and cuDNN, so that fp32 means fp32, as in kiln) and fp16, batch
1 and 32, each eager, torch.compile() and torch.compile(mode="reduce-overhead")
(CUDA graphs). Timing: warm-up, then CUDA events around each call, median
of 50. torch.compile takes ~30 s a configuration there, so they run in this
order until --time-budget is spent, and what does not fit is SKIPPED (said so
in the table): batch 1 with reduce-overhead (fp16, fp32), then every eager
one, then the rest. All peers run in one worker process that this script
kills when the budget is spent.

Writes OUT/results.json (everything, with the card, driver, date, versions)
and OUT/results.md (model, batch, precision, kiln graph, kiln no-graph, eager,
compile, compile+graphs, kiln/compile+graphs).
"""

import argparse
import datetime
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

MODELS = ["resnet50", "bert"]
BATCHES = [1, 32]
SEQ = 128
MODES = ["eager", "compile", "compile+graphs"]
TORCH_MODE = {"compile": None, "compile+graphs": "reduce-overhead"}
TIMED_RUNS = 50
COMPILE_ESTIMATE_S = 40  # until one is measured in this run


def peer_configs():
    """Every peer measurement, in the order the time budget serves them."""
    def cfg(model, batch, precision, mode):
        return {"model": model, "batch": batch, "precision": precision, "mode": mode}
    first = [cfg(m, 1, p, "compile+graphs") for m in MODELS for p in ("fp16", "fp32")]
    eager = [cfg(m, b, p, "eager") for b in BATCHES for m in MODELS for p in ("fp16", "fp32")]
    rest = ([cfg(m, 32, p, "compile+graphs") for m in MODELS for p in ("fp16", "fp32")]
            + [cfg(m, b, p, "compile") for b in BATCHES for m in MODELS
               for p in ("fp16", "fp32")])
    return first + eager + rest


# ---------------------------------------------------------------------------
# The worker: a process of its own, so that the driver can stop it anywhere.

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def worker(configs, deadline):
    try:
        import torch
        import torchvision
        import transformers
    except Exception as e:  # noqa: BLE001 - reported as the reason for every peer
        emit({"event": "fatal", "reason": f"cannot import torch/torchvision/transformers: {e}"})
        return 0
    if not torch.cuda.is_available():
        emit({"event": "fatal", "reason": "torch sees no CUDA device"})
        return 0
    emit({"event": "info", "card": torch.cuda.get_device_name(), "torch": torch.__version__,
          "torch_cuda": torch.version.cuda, "torchvision": torchvision.__version__,
          "transformers": transformers.__version__})
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    models = {}
    estimate = COMPILE_ESTIMATE_S

    def model_for(name, precision):
        key = (name, precision)
        if key not in models:
            torch.manual_seed(0)
            if name == "resnet50":
                m = torchvision.models.resnet50(weights=None)
            else:
                m = transformers.BertModel(transformers.BertConfig())
            dtype = torch.float16 if precision == "fp16" else torch.float32
            models[key] = m.eval().to("cuda", dtype)
        return models[key]

    def inputs_for(name, batch, precision):
        g = torch.Generator(device="cuda").manual_seed(batch)
        if name == "resnet50":
            dtype = torch.float16 if precision == "fp16" else torch.float32
            return (torch.randn(batch, 3, 224, 224, device="cuda", generator=g, dtype=dtype),), {}
        ids = torch.randint(0, 30000, (batch, SEQ), device="cuda", generator=g)
        return (), {"input_ids": ids, "attention_mask": torch.ones_like(ids)}

    for cfg in configs:
        left = deadline - time.time()
        compiles = cfg["mode"] != "eager"
        need = estimate if compiles else 10
        if left < need:
            emit({"event": "result", **cfg, "status": "SKIPPED",
                  "reason": f"time budget (~{need:.0f}s needed, {max(left, 0):.0f}s left)"})
            continue
        try:
            model = model_for(cfg["model"], cfg["precision"])
            args, kwargs = inputs_for(cfg["model"], cfg["batch"], cfg["precision"])
            if compiles:
                torch._dynamo.reset()  # no recompiles with dynamic shapes across configs
                fn = torch.compile(model, mode=TORCH_MODE[cfg["mode"]])
            else:
                fn = model
            graphs = cfg["mode"] == "compile+graphs"

            def call():
                if graphs:
                    torch.compiler.cudagraph_mark_step_begin()
                return fn(*args, **kwargs)

            with torch.no_grad():
                t0 = time.time()
                call()  # compiles
                torch.cuda.synchronize()
                first_s = time.time() - t0
                for _ in range(5):  # reduce-overhead records its graph in these
                    call()
                torch.cuda.synchronize()
                pairs = []
                for _ in range(TIMED_RUNS):
                    start = torch.cuda.Event(enable_timing=True)
                    end = torch.cuda.Event(enable_timing=True)
                    start.record()
                    call()
                    end.record()
                    pairs.append((start, end))
                torch.cuda.synchronize()
            times = [s.elapsed_time(e) for s, e in pairs]
            if compiles:
                estimate = max(10.0, first_s * 1.3)
            emit({"event": "result", **cfg, "status": "PASS", "median_ms": statistics.median(times),
                  "min_ms": min(times), "max_ms": max(times), "runs": len(times),
                  "first_call_s": round(first_s, 1)})
        except Exception as e:  # noqa: BLE001 - one failed configuration, then the next
            msg = " ".join(str(e).split())[:300]
            emit({"event": "result", **cfg, "status": "FAIL", "reason": f"{type(e).__name__}: {msg}"})
            try:
                torch._dynamo.reset()
                torch.cuda.empty_cache()
            except Exception:  # noqa: BLE001
                pass
    return 0


def run_peers(args, deadline, log):
    """Runs the worker until it is done or the deadline; returns (info, results)."""
    configs = peer_configs()
    results = {key(c): {**c, "status": "SKIPPED", "reason": "time budget (worker stopped)"}
               for c in configs}
    info = {}
    if args.device != "cuda":
        for r in results.values():
            r["reason"] = f"peers run only with --device=cuda (--device={args.device})"
        return info, results
    cmd = [sys.executable, os.path.abspath(__file__), "--torch-worker", json.dumps(configs),
           "--deadline", str(deadline)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout] + [lines.put(None)],
                     daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline + 5 - time.time()))
        except queue.Empty:
            break  # the budget is spent: whatever has not reported is skipped
        if line is None:
            break
        log.write(line)
        log.flush()
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event["event"] == "info":
            info = event
        elif event["event"] == "fatal":
            for r in results.values():
                r.update(status="SKIPPED", reason=event["reason"])
        elif event["event"] == "result":
            results[key(event)] = {k: v for k, v in event.items() if k != "event"}
            print(f"  torch {event['model']} b{event['batch']} {event['precision']} "
                  f"{event['mode']}: " + (f"{event['median_ms']:.3f} ms"
                                          if event["status"] == "PASS"
                                          else f"{event['status']} {event['reason']}"),
                  flush=True)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    return info, results


def key(c):
    return (c["model"], c["batch"], c["precision"], c["mode"])


# ---------------------------------------------------------------------------
# kiln

def kiln_bench(args, artifact, extra, timeout, log):
    cmd = [args.kiln_bench, str(artifact), "--json", *extra]
    log.write("$ " + " ".join(cmd) + "\n")
    log.flush()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout:g}s"
    log.write(p.stdout + "\n")
    if p.returncode != 0:
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        return None, f"exit {p.returncode}: " + (lines[-1][:200] if lines else "")
    try:
        return json.loads(p.stdout[p.stdout.index("{"):]), None
    except ValueError:
        return None, "no JSON in kiln-bench's output"


def has_flag(tool, flag):
    p = subprocess.run([tool, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace")
    return flag in p.stdout


def run_kiln(args, index, log):
    """kiln rows: {(model, batch, 'graph'|'no-graph'): result}."""
    rows = {}
    cuda = args.device == "cuda"
    base = []
    # With --device=cuda every flag is passed (a missing one fails loudly); the
    # CPU dry run passes only those the tool knows.
    for flag, wanted in (("--device", f"--device={args.device}"),
                         ("--synthetic-weights", "--synthetic-weights"),
                         ("--device-resident", "--device-resident")):
        if flag == "--synthetic-weights" and index.get("weights") != "synthetic":
            continue
        if flag == "--device-resident" and not cuda:  # a CUDA-only flag
            continue
        if cuda or has_flag(args.kiln_bench, flag):
            base.append(wanted)
    for model in MODELS:
        entry = index.get("models", {}).get(model)
        for batch in BATCHES:
            # (row name, artifact set): the pack's own artifacts with graph
            # replay (and without, at batch 1), then each compile variant's
            # (pack_models.py --variant) with graph replay.
            modes = [("graph", entry)] + ([("no-graph", entry)] if batch == 1 else [])
            modes += [(f"graph [{name}]", artifacts)
                      for name, artifacts in (entry or {}).get("variants", {}).items()]
            for variant, artifacts in modes:
                k = (model, batch, variant)
                if entry is None or str(batch) not in artifacts.get("artifacts", {}):
                    why = ("not in the pack" if entry is None else
                           artifacts.get("compile_errors", {}).get(str(batch), "no artifact"))
                    rows[k] = {"status": "SKIPPED" if entry is None else "FAIL",
                               "reason": f"no artifact: {why}"}
                    continue
                if variant == "no-graph" and not cuda:
                    rows[k] = {"status": "SKIPPED", "reason": "CUDA graphs exist only on CUDA"}
                    continue
                artifact = args.big / artifacts["artifacts"][str(batch)]
                params = artifacts.get("params", {}).get(str(batch))
                link = Path(str(artifact) + ".params")
                if params and not link.exists():  # the CPU dry run's real weights
                    link.symlink_to(params)
                flags = base + (["--no-cuda-graph"] if variant == "no-graph" else [])
                if not cuda:
                    # The CPU dry run checks the plumbing, not the speed: one
                    # short call, and no batch that would take minutes.
                    b1 = rows.get((model, 1, variant), {})
                    if batch > 1 and b1.get("median_ms", 0) * batch > 20000:
                        rows[k] = {"status": "SKIPPED", "reason": "CPU dry run: too slow here"}
                        continue
                    result, err = kiln_bench(args, artifact, flags + ["--runs", "2", "--warmup",
                                                                      "1"], 600, log)
                    rows[k] = ({"status": "FAIL", "reason": err} if err else
                               {"status": "PASS", "note": "CPU dry run: 2 runs", **result})
                    print(f"  kiln {model} b{batch} {variant}: "
                          + (f"FAIL {err}" if err else f"{result['median_ms']:.3f} ms"),
                          flush=True)
                    continue
                probe, err = kiln_bench(args, artifact, flags + ["--runs", "3", "--warmup", "1"],
                                        60, log)
                if err:
                    rows[k] = {"status": "FAIL", "reason": err}
                    print(f"  kiln {model} b{batch} {variant}: FAIL {err}", flush=True)
                    continue
                est = max(probe["median_ms"], 1e-3)
                runs = int(min(100, max(30, 5000 / est)))
                note = ""
                if runs * est > 30000:  # a very slow artifact: fewer than 30 runs, said so
                    runs = max(3, int(30000 / est))
                    note = f"only {runs} runs ({est:.0f} ms each)"
                result, err = kiln_bench(args, artifact, flags + ["--runs", str(runs),
                                                                  "--warmup",
                                                                  str(min(5, runs))],
                                         60 + runs * est / 1000 * 2, log)
                if err:
                    rows[k] = {"status": "FAIL", "reason": err}
                else:
                    rows[k] = {"status": "PASS", "note": note, "flags": flags, **result}
                print(f"  kiln {model} b{batch} {variant}: "
                      + (f"{result['median_ms']:.3f} ms" if not err else f"FAIL {err}"),
                      flush=True)
    return rows


# ---------------------------------------------------------------------------
# The report

def fmt(r):
    if r is None:
        return "-"
    if r.get("status") == "PASS":
        return f"{r['median_ms']:.3f}"
    return "skip" if r.get("status") == "SKIPPED" else "FAIL"


def table(kiln, peers):
    head = ("| model | batch | precision | kiln graph | kiln no-graph | eager | compile | "
            "compile+graphs | kiln/compile+graphs |")
    lines = ["median ms per inference (CUDA events for torch; kiln-bench for kiln)", "",
             head, "|" + " --- |" * 9]
    for model in MODELS:
        for batch in BATCHES:
            for precision in ("fp32", "fp16"):
                kg = kiln.get((model, batch, "graph")) if precision == "fp32" else None
                kn = kiln.get((model, batch, "no-graph")) if precision == "fp32" else None
                p = {m: peers.get((model, batch, precision, m)) for m in MODES}
                ratio = "-"
                cg = p["compile+graphs"]
                if kg and kg.get("status") == "PASS" and cg and cg.get("status") == "PASS":
                    ratio = f"{kg['median_ms'] / cg['median_ms']:.2f}x"
                lines.append(f"| {model} | {batch} | {precision} | {fmt(kg)} | {fmt(kn)} | "
                             + " | ".join(fmt(p[m]) for m in MODES) + f" | {ratio} |")
    variant_rows = [(k, r) for k, r in kiln.items() if k[2].startswith("graph [")]
    if variant_rows:
        lines += ["", "kiln compile variants (fp32, graph replay) against the pack's own "
                  "artifacts, measured in the same run", "",
                  "| model | batch | variant | variant ms | own ms | variant/own |",
                  "|" + " --- |" * 6]
        for (model, batch, variant), r in variant_rows:
            own = kiln.get((model, batch, "graph"))
            ratio = "-"
            if r.get("status") == "PASS" and own and own.get("status") == "PASS":
                ratio = f"{r['median_ms'] / own['median_ms']:.2f}x"
            lines.append(f"| {model} | {batch} | {variant[len('graph ['):-1]} | {fmt(r)} | "
                         f"{fmt(own)} | {ratio} |")
    notes = sorted({f"{r['status']}: {r['reason']}" for r in list(kiln.values())
                    + list(peers.values()) if r.get("status") != "PASS"})
    if notes:
        lines += ["", "not measured:"] + [f"- {n}" for n in notes[:12]]
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--torch-worker", help=argparse.SUPPRESS)
    p.add_argument("--deadline", type=float, help=argparse.SUPPRESS)
    p.add_argument("--big", type=Path)
    p.add_argument("--manifest", type=Path)
    p.add_argument("--kiln-bench")
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--time-budget", type=float, default=150,
                   help="seconds for everything; the peers get what kiln leaves")
    p.add_argument("--out", type=Path)
    p.add_argument("--table", type=Path, help="also write the markdown table here")
    p.add_argument("--json", type=Path, help="step verdict for scripts/gpu-check")
    args = p.parse_args()
    if args.torch_worker:
        return worker(json.loads(args.torch_worker), args.deadline)
    if not (args.big and args.kiln_bench and args.out):
        p.error("--big, --kiln-bench and --out are required")
    deadline = time.time() + args.time_budget
    index = json.loads((args.big / "index.json").read_text())
    manifest = json.loads(args.manifest.read_text()) if args.manifest else {}
    args.out.mkdir(parents=True, exist_ok=True)
    log_path = Path(os.environ.get("GPU_CHECK_WORK", args.out)) / "logs" / "bench-detail.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a") as log:
        kiln = run_kiln(args, index, log) if not index.get("skipped") else {
            (m, b, v): {"status": "SKIPPED", "reason": index["skipped"]}
            for m in MODELS for b in BATCHES for v in ("graph", "no-graph")}
        info, peers = run_peers(args, deadline, log)
    driver = ""
    try:
        driver = subprocess.run(["nvidia-smi", "--query-gpu=driver_version",
                                 "--format=csv,noheader"], stdout=subprocess.PIPE, text=True,
                                timeout=20).stdout.strip()
    except Exception:  # noqa: BLE001 - no nvidia-smi in a CPU dry run
        pass
    md = table(kiln, peers)
    result = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "device": args.device, "card": info.get("card", args.device), "driver": driver,
        "versions": {k: v for k, v in info.items() if k not in ("event", "card")},
        "kiln_commit": manifest.get("commit"), "kiln_target": manifest.get("target"),
        "method": {"kiln": "kiln-bench --json, median over >= 30 runs after 5 warm-up",
                   "torch": f"CUDA events around each call, median of {TIMED_RUNS} after "
                            "1 compiling + 5 warm-up calls; fp32 with TF32 off"},
        "kiln": [{"model": k[0], "batch": k[1], "variant": k[2], **v} for k, v in kiln.items()],
        "peers": list(peers.values()),
    }
    (args.out / "results.json").write_text(json.dumps(result, indent=1) + "\n")
    header = (f"# kiln vs PyTorch on {result['card']} (driver {driver or '?'}), "
              f"{result['date']}\n\n")
    (args.out / "results.md").write_text(header + md)
    if args.table:
        args.table.write_text(md)
    print(md)
    kiln_ok = sum(r["status"] == "PASS" for r in kiln.values())
    kiln_bad = [k for k, r in kiln.items() if r["status"] == "FAIL"]
    peer_ok = sum(r["status"] == "PASS" for r in peers.values())
    reason = (f"kiln {kiln_ok}/{len(kiln)} measured, torch {peer_ok}/{len(peers)} measured")
    status = "FAIL" if kiln_bad else "PASS" if kiln_ok else "SKIPPED"
    if kiln_bad:
        first = kiln[kiln_bad[0]]
        reason += f"; kiln {' '.join(map(str, kiln_bad[0]))}: {first['reason'][:100]}"
    if args.json:
        args.json.write_text(json.dumps({"status": status, "reason": reason}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
