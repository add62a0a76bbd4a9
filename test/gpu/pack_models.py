#!/usr/bin/env python3
"""Packs the model checks of scripts/gpu-check: artifacts, inputs, references.

    pack_models.py zoo --kiln-compile K --target T --out DIR --work W [--quick]
    pack_models.py big --kiln-compile K --kiln-run R --target T --models-dir M
                       --out DIR --work W [--quick] [--variant NAME=ARGS]...

Runs HERE, where the compiler, onnx and onnxruntime are; the machine that
runs the artifacts (the GPU machine) needs only numpy and kiln-run. Every
reference comes from onnxruntime (zoo) or from a CPU artifact run here (big
models), never from the artifact under test.

zoo: the small model zoo of test/models/make_zoo.py, as test/models/run-zoo.test
checks it on the CPU (same models, same seeded inputs, same symbolic
batches 1 and 3). Each model is compiled once for --target; when an
artifact with a symbolic batch does not compile, each batch is compiled
pinned instead (noted), so that the rest of the target is still checked.
Writes DIR/zoo/index.json and one folder per model.

big: ResNet-50 (opset 17) and BERT-base (opset 14, sequence 128), full
size. Their weights (100 MB, 440 MB) cannot travel, so the artifacts are
compiled with --external-weights=1024 and the parameter file is dropped:
both sides run with `--synthetic-weights`, which fills each absent
constant from its name, identically on every device. The reference is a
CPU artifact at batch 1 (`--target=cpu --cpu-vectorize=false`: plain loops
and unpacked constants, so the synthetic values are those of the
artifact under test) run here. Each --variant compiles the models once
more with its extra arguments (say tiled=--cuda-tile-contractions): checked
against the same reference and timed beside the pack's own artifacts, in
the same run. A --target=cpu pack (the local dry run)
keeps the real parameter files in W/params and records where they are
("weights": "params"): its vectorized artifacts pack their weights, so
synthetic ones would not match the plain reference's. A CUDA pack without a
kiln-run that knows --synthetic-weights has no big models. Writes
DIR/big/index.json.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "test" / "models"))

# The zoo as run-zoo.test checks it: name -> (pinned input shapes, batches
# for the first symbolic dimension, sizes of the other symbolic dimensions).
CNN = (None, [1, 3], {})
ZOO = {
    "mlp": CNN, "lenet": CNN, "resnet18_opset11": CNN, "resnet18_opset17": CNN,
    "resnet50_opset11": CNN, "resnet50_opset17": CNN, "mobilenetv2_opset11": CNN,
    "mobilenetv2_opset9": CNN, "densenet": CNN, "inception": CNN, "squeezenet": CNN,
    "vgg": CNN,
    "bert_opset11": ({"input_ids": "2x16", "attention_mask": "2x16"}, [None],
                     {"batch": 2, "sequence": 16}),
    "bert_opset14": ({"input_ids": "2x16", "attention_mask": "2x16"}, [None],
                     {"batch": 2, "sequence": 16}),
    "ocr_rec": ({"x": "2x3x32x64"}, [None], {"batch": 2, "width": 64}),
}
QUICK_ZOO = ["mlp", "lenet", "resnet18_opset17", "mobilenetv2_opset11", "bert_opset14"]

# Full-size models: benchmark name -> (zoo file, batches, sequence length).
BIG = {"resnet50": ("resnet50_opset17", [1, 32], None),
       "bert": ("bert_opset14", [1, 32], 128)}
QUICK_BIG = ["resnet50"]
REFERENCE_WARN_S = 180  # the brief's "say so" threshold for a CPU reference run


def run(cmd, log, timeout=None, **kw):
    """Runs cmd, appending it and its output to log; (returncode or None on
    timeout, output)."""
    cmd = [str(c) for c in cmd]
    log.write("$ " + " ".join(cmd) + "\n")
    log.flush()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        log.write(f"(timeout after {timeout}s)\n")
        return None, f"timeout after {timeout}s"
    log.write(p.stdout[-20000:] + "\n")
    return p.returncode, p.stdout


def one_line(output):
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    pick = next((l for l in lines if "error" in l.lower()), lines[-1] if lines else "")
    return pick[:300] or "(no message)"


def tool_has(tool, flag):
    """Whether `tool --help` mentions flag: the CUDA-era flags are being added
    by others, and a pack must say which of them it could use."""
    p = subprocess.run([str(tool), "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace")
    return flag in p.stdout


def save_arrays(folder, prefix, arrays):
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, a in enumerate(arrays):
        path = folder / f"{prefix}_{i}.npy"
        np.save(path, np.ascontiguousarray(a))
        names.append(path.name)
    return names


# ---------------------------------------------------------------------------
# zoo

def pack_zoo(args, log):
    import onnx
    import onnxruntime as ort
    from compare_with_onnxruntime import make_inputs  # the CPU test's inputs

    names = QUICK_ZOO if args.quick else list(ZOO)
    src = args.work / "zoo-onnx"
    rc, out = run([sys.executable, REPO / "test/models/make_zoo.py", src, "--only", *names],
                  log)
    if rc != 0:
        raise SystemExit(f"make_zoo.py failed: {one_line(out)}")
    root = args.out / "zoo"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    entries = []
    for name in names:
        pins, batches, dims = ZOO[name]
        model_path = src / f"{name}.onnx"
        model = onnx.load(str(model_path))
        options = ort.SessionOptions()
        options.log_severity_level = 3  # no warnings about initializers listed as inputs
        session = ort.InferenceSession(str(model_path), options,
                                       providers=["CPUExecutionProvider"])
        folder = root / name
        folder.mkdir()
        target = [f"--target={args.target}", *args.compile_arg]
        pin_args = [f"--input-shape={k}={v}" for k, v in (pins or {}).items()]
        shared = None  # the one artifact for every batch, if it compiles
        rc, out = run([args.kiln_compile, model_path, "-o", folder / "model.kiln", *pin_args,
                       *target], log, timeout=600)
        shared_error = None if rc == 0 else one_line(out)
        if rc == 0:
            shared = "model.kiln"
        for i, batch in enumerate(batches):
            inputs = make_inputs(model, dims, batch, seed=i)
            refs = session.run(None, inputs)
            # The batch the inputs really have (a model may fix it), made
            # unique by the seed when a fixed batch repeats.
            label = f"b{next(iter(inputs.values())).shape[0]}" if batch is not None else "pinned"
            if any(e["label"] == f"{name} {label}" for e in entries):
                label += f"_seed{i}"
            run_dir = folder / label
            in_files = save_arrays(run_dir, "input", inputs.values())
            ref_files = save_arrays(run_dir, "ref", refs)
            entry = {"model": name, "label": f"{name} {label}",
                     "inputs": {k: f"{name}/{label}/{f}" for k, f in zip(inputs, in_files)},
                     "refs": [f"{name}/{label}/{f}" for f in ref_files],
                     "outputs": [o.name for o in session.get_outputs()],
                     "artifact": f"{name}/{shared}" if shared else None,
                     "compile_error": None, "note": ""}
            if shared is None:
                # A symbolic batch may be what the target lacks: pin this batch.
                pinned = f"model_{label}.kiln"
                shapes = [f"--input-shape={k}=" + ("x".join(map(str, v.shape)) or "scalar")
                          for k, v in inputs.items()]
                rc, out = run([args.kiln_compile, model_path, "-o", folder / pinned, *shapes,
                               *target], log, timeout=600)
                if rc == 0:
                    entry["artifact"] = f"{name}/{pinned}"
                    entry["note"] = f"pinned (symbolic failed: {shared_error})"
                else:
                    entry["compile_error"] = one_line(out)
            entries.append(entry)
        bad = [e["label"] for e in entries if e["model"] == name and e["compile_error"]]
        print(f"  zoo {name}: " + ("compiled" if not bad else f"compile failed ({', '.join(bad)})"),
              flush=True)
    (root / "index.json").write_text(json.dumps({"target": args.target, "runs": entries},
                                                indent=1) + "\n")
    return {"models": len(names), "runs": len(entries),
            "compile_failures": sum(1 for e in entries if e["compile_error"])}


# ---------------------------------------------------------------------------
# big models

def symbolic_batch_copy(src, dest, seq):
    """The model with the first dimension of every graph input and output
    made symbolic ('batch') and the sequence pinned, so that one file
    compiles at batch 1 and 32 with --input-shape. Weights stay in the
    original's external data file, linked next to the copy."""
    import onnx
    model = onnx.load(str(src), load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    for value in list(model.graph.input) + list(model.graph.output):
        if value.name in inits:
            continue
        dims = value.type.tensor_type.shape.dim
        dims[0].Clear()
        dims[0].dim_param = "batch"
        if seq is not None and len(dims) > 1 and not dims[1].HasField("dim_value"):
            dims[1].Clear()
            dims[1].dim_value = seq
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(model.SerializeToString())
    for t in model.graph.initializer:
        for e in t.external_data:
            if e.key == "location":
                link = dest.parent / e.value
                if not link.exists():
                    link.symlink_to((src.parent / e.value).resolve())
    return model


def big_inputs(model, batch, seq, seed):
    """Seeded inputs: floats from a normal distribution; int64 token ids in
    [0, 30000) (BERT's vocabulary is 30522), attention masks of ones,
    token types of zeros (kiln's BERT has none)."""
    rng = np.random.default_rng(seed)
    inits = {t.name for t in model.graph.initializer}
    inputs = {}
    for value in model.graph.input:
        if value.name in inits:
            continue
        tt = value.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else batch for d in tt.shape.dim]
        if tt.elem_type == 1:
            inputs[value.name] = rng.standard_normal(shape).astype(np.float32)
        elif "mask" in value.name:
            inputs[value.name] = np.ones(shape, np.int64)
        elif "token_type" in value.name:
            inputs[value.name] = np.zeros(shape, np.int64)
        else:
            inputs[value.name] = rng.integers(0, 30000, shape, dtype=np.int64)
    return inputs


def pack_big(args, log):
    cuda = args.target != "cpu"
    # A --target=cpu pack (the dry run, never carried) keeps the real weights:
    # its artifacts are the default, vectorized ones with packed weights, whose
    # constants differ from the plain reference's, so synthetic weights would
    # differ too; with real ones the dry run compares two CPU code generators.
    synthetic = cuda and tool_has(args.kiln_run, "--synthetic-weights")
    plain_cpu = tool_has(args.kiln_compile, "--cpu-vectorize")
    root = args.out / "big"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    params_root = args.work / "params"
    index = {"target": args.target, "weights": "synthetic" if synthetic else "params",
             "reference_plain_loops": plain_cpu, "models": {}}
    if not synthetic and cuda:
        index["skipped"] = ("kiln-run has no --synthetic-weights yet: the full-size weights "
                            "cannot travel, so there is nothing to run")
        print(f"  big models: SKIPPED ({index['skipped']})", flush=True)
        (root / "index.json").write_text(json.dumps(index, indent=1) + "\n")
        return index
    if not plain_cpu:
        print("  warning: kiln-compile has no --cpu-vectorize yet: the CPU reference is the "
              "default (vectorized) CPU artifact", flush=True)
    for name in (QUICK_BIG if args.quick else list(BIG)):
        zoo_name, batches, seq = BIG[name]
        src = args.models_dir / f"{zoo_name}.onnx"
        entry = {"artifacts": {}, "compile_errors": {}, "params": {}}
        index["models"][name] = entry
        if not src.is_file():
            entry["error"] = f"{src} is missing (bench/cpu_bench.py or make_zoo.py --size full)"
            print(f"  big {name}: {entry['error']}", flush=True)
            continue
        sym = args.work / "big-onnx" / f"{name}.onnx"
        model = symbolic_batch_copy(src, sym, seq)
        folder = root / name
        folder.mkdir()
        inputs = big_inputs(model, 1, seq, seed=0)
        entry["inputs"] = dict(zip(inputs, (f"{name}/{f}" for f in
                                            save_arrays(folder, "input", inputs.values()))))

        def shapes(batch):
            return [f"--input-shape={k}=" + "x".join(map(str, (batch, *v.shape[1:])))
                    for k, v in inputs.items()]

        # The artifacts: the pack's own, then each variant's (its arguments
        # added to --compile-arg), in entry["variants"][NAME].
        entry["variants"] = {}
        for variant, extra in [("", [])] + args.variant:
            into = entry
            if variant:
                into = entry["variants"][variant] = {"artifacts": {}, "compile_errors": {},
                                                     "params": {}, "compile_args": extra}
            for batch in batches:
                suffix = f".{variant}" if variant else ""
                artifact = folder / f"b{batch}{suffix}.kiln"
                label = f"b{batch}" + (f" [{variant}]" if variant else "")
                t0 = time.time()
                rc, out = run([args.kiln_compile, sym, "-o", artifact, f"--target={args.target}",
                               *args.compile_arg, *extra,
                               "--external-weights=1024", *shapes(batch)], log, timeout=1800)
                params = Path(str(artifact) + ".params")
                if rc != 0:
                    into["compile_errors"][str(batch)] = one_line(out)
                    print(f"  big {name} {label}: compile failed: {one_line(out)}", flush=True)
                    continue
                into["artifacts"][str(batch)] = f"{name}/{artifact.name}"
                if params.exists():
                    if synthetic:
                        params.unlink()  # never travels: both sides synthesize
                    else:
                        keep = params_root / name / params.name
                        keep.parent.mkdir(parents=True, exist_ok=True)
                        shutil.move(params, keep)
                        into["params"][str(batch)] = str(keep.resolve())
                print(f"  big {name} {label}: compiled in {time.time() - t0:.0f}s", flush=True)

        # The reference: a CPU artifact at batch 1, run here.
        ref_artifact = args.work / "big-ref" / f"{name}.kiln"
        ref_artifact.parent.mkdir(parents=True, exist_ok=True)
        flags = ["--target=cpu", "--external-weights=1024"]
        if plain_cpu:
            flags.append("--cpu-vectorize=false")
        entry["reference_flags"] = flags
        rc, out = run([args.kiln_compile, sym, "-o", ref_artifact, *flags, *shapes(1)], log,
                      timeout=1800)
        if rc != 0:
            entry["error"] = f"CPU reference did not compile: {one_line(out)}"
            print(f"  big {name}: {entry['error']}", flush=True)
            continue
        if synthetic:
            # Absent weights are what --synthetic-weights fills: the
            # reference must see the same values as the device.
            Path(str(ref_artifact) + ".params").unlink(missing_ok=True)
        ref_dir = args.work / "big-ref" / name
        shutil.rmtree(ref_dir, ignore_errors=True)
        cmd = [args.kiln_run, ref_artifact, "--output-dir", ref_dir, "--quiet",
               *[f"--input={k}={folder / Path(f).name}" for k, f in entry["inputs"].items()]]
        if synthetic:
            cmd.append("--synthetic-weights")
        t0 = time.time()
        rc, out = run(cmd, log, timeout=args.reference_timeout)
        entry["reference_seconds"] = round(time.time() - t0, 1)
        # The reference's own parameter file (up to 440 MB) is not needed again.
        Path(str(ref_artifact) + ".params").unlink(missing_ok=True)
        if rc != 0:
            entry["error"] = f"CPU reference run failed: {one_line(out)}"
            print(f"  big {name}: {entry['error']}", flush=True)
            continue
        refs = [np.load(p) for p in sorted(ref_dir.glob("output_*.npy"),
                                           key=lambda p: int(p.stem.split("_")[1]))]
        if not refs or not all(np.all(np.isfinite(r)) for r in refs):
            entry["error"] = "CPU reference has no outputs or non-finite values"
            continue
        entry["refs"] = [f"{name}/{f}" for f in save_arrays(folder, "ref", refs)]
        entry["outputs"] = [o.name for o in model.graph.output]
        slow = entry["reference_seconds"] > REFERENCE_WARN_S
        print(f"  big {name}: CPU reference ran in {entry['reference_seconds']}s"
              + (f" (over {REFERENCE_WARN_S}s!)" if slow else ""), flush=True)
    (root / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index


def parse_variant(text):
    name, sep, extra = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not NAME=ARGS (NAME of letters, digits, '-' and '_')")
    return name, extra.split()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["zoo", "big"])
    p.add_argument("--kiln-compile", required=True, type=Path)
    p.add_argument("--kiln-run", type=Path)
    p.add_argument("--target", default="cuda:sm_90")
    p.add_argument("--compile-arg", action="append", default=[], metavar="ARG",
                   help="extra kiln-compile argument for the target's artifacts "
                        "(repeatable; not for the CPU reference)")
    p.add_argument("--variant", action="append", default=[], metavar="NAME=ARGS",
                   type=parse_variant,
                   help="big: also compile each model with these extra kiln-compile "
                        "arguments (space-separated), checked and timed beside the "
                        "pack's own artifacts (repeatable)")
    p.add_argument("--models-dir", type=Path, default=REPO / "bench/.cache/models/full")
    p.add_argument("--out", required=True, type=Path, help="the pack's staging folder")
    p.add_argument("--work", required=True, type=Path, help="scratch space")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--reference-timeout", type=float, default=1800)
    p.add_argument("--summary-json", type=Path, help="where to write what was packed")
    args = p.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    with open(args.work / f"pack-{args.what}.log", "a") as log:
        summary = pack_zoo(args, log) if args.what == "zoo" else pack_big(args, log)
    if args.summary_json:
        args.summary_json.write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
