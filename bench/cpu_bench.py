#!/usr/bin/env python3
"""CPU latency of kiln against onnxruntime, IREE (llvm-cpu) and TVM (Relax).

    bench/.venv-peers/bin/python bench/cpu_bench.py [--models resnet50,mobilenetv2,bert]
        [--size small|full] [--threads 2] [--runs 20] [--warmup 3]
        [--systems kiln,onnxruntime,iree,tvm] [--out DIR]

Run bench/setup-peers first: it makes bench/.venv-peers, whose python runs
this script. For each model, the script writes it with
test/models/make_zoo.py (or takes it from --model-dir), pins its symbolic
dimensions (batch 1, sequence 128), makes deterministic inputs, then, for
each system: compiles it (timed), runs it once and compares the outputs with
onnxruntime's (relative L2 error), and times warm-up plus --runs runs with
--threads threads. Every system runs in a process of its own, so that a crash
or a hang is one failed row, not the end of the run.

Writes OUT/results.md (the table, also printed) and OUT/results.json
(everything, with the machine, the date and every version); OUT defaults to
bench/results/<date>/. Models and compiled artifacts go to bench/.cache/.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MAKE_ZOO = os.path.join(REPO, "test", "models", "make_zoo.py")

SYSTEMS = ["kiln", "onnxruntime", "iree", "tvm"]

# Benchmark name -> (zoo model, sizes of its symbolic dimensions).
MODELS = {
    "resnet50": ("resnet50_opset17", {}),
    "mobilenetv2": ("mobilenetv2_opset11", {"batch": 1}),
    "bert": ("bert_opset14", {"batch": 1, "sequence": 128}),
}
DEFAULT_DIMS = {"batch": 1, "sequence": 128}


# --------------------------------------------------------------------------
# Helpers shared by the driver and the workers.


def one_line(text, limit=300):
    """The line of a tool's output or an exception that says what went wrong."""
    lines = [l.strip() for l in str(text).splitlines() if l.strip()]
    if not lines:
        return "(no message)"
    pick = None
    for l in lines:
        low = l.lower()
        if "error" in low and not low.startswith("traceback"):
            pick = l
            break
    pick = pick or lines[-1]
    pick = re.sub(r"(?:/[^\s/:'\"]+)+/([^\s/:'\"]+)", r"\1", pick)  # paths: basenames
    return pick if len(pick) <= limit else pick[: limit - 3] + "..."


def run_tool(cmd, log, **kwargs):
    """Runs a command, appending its output to log; raises with one line on failure."""
    log.write("$ " + " ".join(shlex.quote(str(c)) for c in cmd) + "\n")
    log.flush()
    p = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace", **kwargs)
    out = p.stdout
    log.write(out[-200000:] + ("\n" if out and not out.endswith("\n") else ""))
    log.flush()
    if p.returncode != 0:
        raise RuntimeError(f"{os.path.basename(str(cmd[0]))} exited {p.returncode}: "
                           f"{one_line(out)}")
    return out


def stats_ms(samples_s):
    import numpy as np
    a = np.asarray(samples_s, dtype=np.float64) * 1e3
    return {
        "runs": int(a.size),
        "median_ms": float(np.median(a)),
        "min_ms": float(a.min()),
        "max_ms": float(a.max()),
        "p10_ms": float(np.percentile(a, 10)),
        "p90_ms": float(np.percentile(a, 90)),
        "mean_ms": float(a.mean()),
        "stddev_ms": float(a.std()),
    }


def caps(first_run_s, runs, warmup, max_time):
    """Runs and warm-up runs for a system whose first run (the one whose
    outputs are checked) took first_run_s: a slow one gets fewer."""
    min_runs = 1 if first_run_s > max_time else 3
    runs = max(min(runs, min_runs), min(runs, int(max_time / max(first_run_s, 1e-9))))
    warmup = 0 if first_run_s > max_time / 4 else warmup
    return runs, warmup, min_runs


def measure(fn, runs, warmup, max_time, first_run_s):
    """Warm-up, then up to `runs` timed calls of fn; stops early (after at
    least 3, or 1 for a run longer than max_time) once the timed runs took
    max_time seconds."""
    runs, warmup, min_runs = caps(first_run_s, runs, warmup, max_time)
    for _ in range(warmup):
        fn()
    samples = []
    t0 = time.perf_counter()
    while len(samples) < runs:
        s = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - s)
        if time.perf_counter() - t0 > max_time and len(samples) >= min_runs:
            break
    result = stats_ms(samples)
    result["warmup"] = warmup
    return result


def first_run(fn):
    t0 = time.perf_counter()
    outputs = fn()
    return {"outputs": outputs, "first_run_s": time.perf_counter() - t0}


# --------------------------------------------------------------------------
# Workers: one process per (model, system). Each writes result.json in its
# work directory: status, compile_s, latency, outputs, reason.


def worker_onnxruntime(spec, log):
    import numpy as np
    import onnxruntime as ort
    inputs = {k: np.load(v) for k, v in spec["inputs"].items()}
    so = ort.SessionOptions()
    so.intra_op_num_threads = spec["threads"]
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    t0 = time.perf_counter()
    sess = ort.InferenceSession(spec["pinned"], so, providers=["CPUExecutionProvider"])
    compile_s = time.perf_counter() - t0
    yield {"compile_s": compile_s, "detail": {"session_create_s": compile_s}}
    run = lambda: sess.run(None, inputs)
    first = first_run(run)
    yield first
    if spec["runs"] > 0:
        yield {"latency": measure(run, spec["runs"], spec["warmup"], spec["max_time"],
                                  first["first_run_s"])}


def worker_iree(spec, log):
    import numpy as np
    import iree.runtime as rt
    bindir = os.path.dirname(sys.executable)
    work = spec["work"]
    mlir = os.path.join(work, "model.mlir")
    vmfb = os.path.join(work, "model.vmfb")
    compile_flags = ["--iree-hal-target-device=local",
                     "--iree-hal-local-target-device-backends=llvm-cpu",
                     "--iree-llvmcpu-target-cpu=host"]

    def build(extra_import):
        t0 = time.perf_counter()
        run_tool([os.path.join(bindir, "iree-import-onnx"), spec["pinned"], *extra_import,
                  "-o", mlir], log)
        t1 = time.perf_counter()
        try:
            run_tool([os.path.join(bindir, "iree-compile"), mlir, *compile_flags, "-o", vmfb],
                     log)
        finally:
            os.remove(mlir)  # the weights, as text: large
        return t1 - t0, time.perf_counter() - t1

    detail = {}
    try:
        detail["import_s"], detail["iree_compile_s"] = build([])
    except RuntimeError as e:
        # Older opsets: torch-mlir's ONNX import lacks some op versions (e.g.
        # BatchNormalization-9); IREE's own remedy is to upgrade the model.
        if spec["opset"] >= 17:
            raise
        yield {"note": f"imported with --opset-version 17 (plain import: {one_line(e, 120)})"}
        detail["import_s"], detail["iree_compile_s"] = build(["--opset-version", "17"])
        detail["opset_upgraded_to"] = 17
    yield {"compile_s": detail["import_s"] + detail["iree_compile_s"], "detail": detail}

    rt.flags.parse_flags(f"--task_topology_max_group_count={spec['threads']}")
    config = rt.Config("local-task")
    module = rt.VmModule.mmap(config.vm_instance, vmfb)
    ctx = rt.SystemContext(vm_modules=[module], config=config)
    names = [n for n in module.function_names if not n.startswith("__") and "$" not in n]
    fname = spec["graph_name"] if spec["graph_name"] in names else names[0]
    fn = ctx.modules[module.name][fname]
    args = [np.load(spec["inputs"][n]) for n in spec["input_order"]]

    def run():
        r = fn(*args)
        return [x.to_host() for x in (r if isinstance(r, (tuple, list)) else [r])]
    first = first_run(run)
    yield first
    yield {"latency": measure(run, spec["runs"], spec["warmup"], spec["max_time"],
                              first["first_run_s"])}


def worker_tvm(spec, log):
    import numpy as np
    import onnx
    import tvm
    import tvm.target.codegen
    from tvm import relax
    from tvm.relax.frontend.onnx import from_onnx
    mcpu = tvm.target.codegen.llvm_get_system_cpu()
    target = tvm.target.Target({"kind": "llvm", "mcpu": mcpu, "num-cores": spec["threads"]})
    log.write(f"TVM_NUM_THREADS={os.environ.get('TVM_NUM_THREADS')} target={target}\n")
    shape_dict = {k: list(v) for k, v in spec["shapes"].items()}
    detail = {"target": str(target)}
    t0 = time.perf_counter()
    try:
        mod = from_onnx(onnx.load(spec["pinned"]), shape_dict=shape_dict,
                        dtype_dict=spec["dtypes"])
    except Exception as e:
        # The Relax frontend loses static shapes in Shape->Gather->Concat
        # chains (BERT). Remedy: onnxruntime's basic graph optimization
        # (constant folding; standard ONNX ops only) folds them first.
        yield {"note": "from_onnx on onnxruntime's ORT_ENABLE_BASIC graph (plain: "
                       f"{type(e).__name__}: {one_line(e, 120)})"}
        log.write(f"plain from_onnx failed: {e}\n")
        t0 = time.perf_counter()
        folded = basic_optimized(spec)
        detail["ort_basic_s"] = time.perf_counter() - t0
        mod = from_onnx(onnx.load(folded), shape_dict=shape_dict, dtype_dict=spec["dtypes"])
    t1 = time.perf_counter()
    detail["from_onnx_s"] = t1 - t0
    ex = tvm.compile(mod, target=target)  # the default Relax pipeline for llvm, untuned
    t2 = time.perf_counter()
    detail["build_s"] = t2 - t1
    yield {"compile_s": t2 - t0 + detail.get("ort_basic_s", 0.0), "detail": detail}

    dev = tvm.cpu()
    vm = relax.VirtualMachine(ex, dev)
    args = [tvm.runtime.tensor(np.load(spec["inputs"][n]), dev) for n in spec["input_order"]]
    main = vm["main"]

    def flatten(r):
        if hasattr(r, "numpy"):
            return [r.numpy()]
        out = []
        for x in r:
            out.extend(flatten(x))
        return out
    first = first_run(lambda: flatten(main(*args)))
    yield first
    yield {"latency": measure(lambda: main(*args), spec["runs"], spec["warmup"],
                              spec["max_time"], first["first_run_s"])}


def basic_optimized(spec):
    """The pinned model after onnxruntime's ORT_ENABLE_BASIC graph rewrites."""
    import onnxruntime as ort
    path = os.path.join(spec["work"], "model.basic.onnx")
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    so.optimized_model_filepath = path
    so.add_session_config_entry("session.optimized_model_external_initializers_file_name",
                                "model.basic.onnx.data")
    so.add_session_config_entry(
        "session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    ort.InferenceSession(spec["pinned"], so, providers=["CPUExecutionProvider"])
    return path


def worker_kiln(spec, log):
    bindir = spec["kiln_bin"]
    tools = {t: os.path.join(bindir, t) for t in ("kiln-compile", "kiln-run", "kiln-bench")}
    if not os.path.exists(tools["kiln-compile"]):
        raise RuntimeError(f"{tools['kiln-compile']} not found (build kiln first)")
    work = spec["work"]
    artifact = os.path.join(work, "model.kiln")
    cmd = [tools["kiln-compile"], spec["model"], "-o", artifact]
    for name in spec["input_order"]:
        cmd.append("--input-shape=" + name + "=" + "x".join(str(d) for d in spec["shapes"][name]))
    t0 = time.perf_counter()
    run_tool(cmd, log)
    yield {"compile_s": time.perf_counter() - t0, "detail": {}}

    feeds = []
    for name in spec["input_order"]:
        feeds += ["--input", f"{name}={spec['inputs'][name]}"]
    threads = ["--threads", str(spec["threads"])]
    one_run_s = None
    if os.path.exists(tools["kiln-run"]):
        outdir = os.path.join(work, "outputs")
        t0 = time.perf_counter()
        run_tool([tools["kiln-run"], artifact, *feeds, "--output-dir", outdir, *threads,
                  "--quiet"], log)
        one_run_s = time.perf_counter() - t0  # loading included: an upper bound
        import numpy as np
        outs, i = [], 0
        while os.path.exists(os.path.join(outdir, f"output_{i}.npy")):
            outs.append(np.load(os.path.join(outdir, f"output_{i}.npy")))
            i += 1
        yield {"outputs": outs, "first_run_s": one_run_s}
    else:
        yield {"note": "no kiln-run: outputs not checked"}
    if not os.path.exists(tools["kiln-bench"]):
        raise RuntimeError(f"{tools['kiln-bench']} not found (build kiln first)")
    # The same caps as measure(), from the time of kiln-run (loading included).
    runs, warmup = spec["runs"], spec["warmup"]
    if one_run_s:
        runs, warmup, _ = caps(one_run_s, runs, warmup, spec["max_time"])
    out = run_tool([tools["kiln-bench"], artifact, *feeds, *threads, "--runs", str(runs),
                    "--warmup", str(warmup), "--json"], log)
    line = [l for l in out.splitlines() if l.strip().startswith("{")][-1]
    j = json.loads(line)
    lat = {k: j.get(k) for k in ("median_ms", "min_ms", "max_ms", "p90_ms", "mean_ms",
                                 "stddev_ms")}
    lat.update(runs=j.get("runs", runs), warmup=j.get("warmup", warmup),
               p10_ms=j.get("p10_ms"),
               kiln_bench=j)
    yield {"latency": lat}


WORKERS = {"onnxruntime": worker_onnxruntime, "iree": worker_iree, "tvm": worker_tvm,
           "kiln": worker_kiln}


def worker_main(spec_path):
    import numpy as np
    with open(spec_path) as f:
        spec = json.load(f)
    result = {"status": "ok", "stage": "compile"}
    log = open(os.path.join(spec["work"], "log.txt"), "a")
    try:
        for step in WORKERS[spec["system"]](spec, log):
            if "compile_s" in step:
                result["compile_s"] = step["compile_s"]
                result["compile_detail"] = step["detail"]
                result["stage"] = "run"
            if "outputs" in step:
                paths = []
                for i, o in enumerate(step["outputs"]):
                    p = os.path.join(spec["work"], f"out_{i}.npy")
                    np.save(p, np.asarray(o))
                    paths.append(p)
                result["outputs"] = paths
                result["first_run_s"] = step.get("first_run_s")
                result["stage"] = "bench"
            if "note" in step:
                result["note"] = "; ".join(filter(None, [result.get("note"), step["note"]]))
            if "latency" in step:
                result["latency"] = step["latency"]
                result["latency"]["capped"] = step["latency"]["runs"] < spec["runs"]
    except Exception as e:  # reported as a failed row, with one line
        import traceback
        log.write(traceback.format_exc())
        result["status"] = "failed"
        result["reason"] = f"{result['stage']}: {type(e).__name__}: {one_line(e)}"
    log.close()
    with open(os.path.join(spec["work"], "result.json"), "w") as f:
        json.dump(result, f, indent=1)


# --------------------------------------------------------------------------
# The driver.


def machine_info(threads):
    info = {"cpu_model": None, "cores": os.cpu_count(), "threads": threads,
            "platform": platform.platform(), "python": platform.python_version()}
    try:
        flags = set()
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and not info["cpu_model"]:
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
        info["isa"] = sorted(flags & {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16",
                                      "amx_tile", "amx_bf16"})
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["mem_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    return info


def versions(kiln_bin):
    from importlib import metadata
    v = {}
    for pkg in ("onnxruntime", "iree-base-compiler", "iree-base-runtime", "apache-tvm",
                "onnx", "numpy"):
        try:
            v[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            v[pkg] = None
    kiln = {}
    try:
        kiln["git"] = subprocess.run(
            ["git", "-C", REPO, "describe", "--always", "--dirty"], capture_output=True,
            text=True, timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    for tool in ("kiln-run",):
        path = os.path.join(kiln_bin, tool)
        if os.path.exists(path):
            try:
                out = subprocess.run([path, "--version"], capture_output=True, text=True,
                                     timeout=30)
                if out.returncode == 0:
                    kiln[tool] = " ".join((out.stdout or out.stderr).split())[:200]
            except (OSError, subprocess.SubprocessError):
                pass
    v["kiln"] = kiln
    return v


def prepare_model(bench_name, args, log):
    """Writes the model (unless there), a copy with its symbolic dimensions
    pinned (NAME.pinned.onnx next to it) and its inputs (.npy); returns what
    the workers need to know about them."""
    import numpy as np
    import onnx

    if bench_name.endswith(".onnx") and os.path.exists(bench_name):
        path, dims = os.path.abspath(bench_name), dict(DEFAULT_DIMS)
    else:
        zoo, dims = MODELS.get(bench_name, (bench_name, DEFAULT_DIMS))
        dims = dict(dims)
        path = os.path.join(args.model_dir, zoo + ".onnx")
        if not os.path.exists(path):
            os.makedirs(args.model_dir, exist_ok=True)
            run_tool([sys.executable, MAKE_ZOO, args.model_dir, "--size", args.size,
                      "--only", zoo], log)
    dims.update(args.dim)

    model = onnx.load(path, load_external_data=False)
    inits = {t.name: t for t in model.graph.initializer}
    shapes, dtypes, order = {}, {}, []

    def pin(value_infos, strict):
        for vi in value_infos:
            for d in vi.type.tensor_type.shape.dim:
                if d.HasField("dim_param") or not d.HasField("dim_value"):
                    sym = d.dim_param
                    if sym in dims:
                        d.Clear()
                        d.dim_value = dims[sym]
                    elif strict:
                        raise RuntimeError(f"input {vi.name}: symbolic dimension '{sym}' has "
                                           f"no size; give --dim {sym}=N")

    graph_inputs = [i for i in model.graph.input if i.name not in inits]
    pin(graph_inputs, True)
    pin(model.graph.output, False)
    pin(model.graph.value_info, False)
    for i in graph_inputs:
        order.append(i.name)
        shapes[i.name] = [d.dim_value for d in i.type.tensor_type.shape.dim]
        dtypes[i.name] = onnx.helper.tensor_dtype_to_np_dtype(i.type.tensor_type.elem_type).name
    pinned = os.path.join(os.path.dirname(path),
                          os.path.basename(path)[:-5] + ".pinned.onnx")
    onnx.save(model, pinned)  # next to the original: external data still resolves

    # Deterministic inputs: floats N(0, 1); integer ids below the row count of
    # the table they index (a Gather on an initializer), masks all ones.
    gather_rows = {}
    for node in model.graph.node:
        if node.op_type == "Gather" and node.input[0] in inits and len(node.input) > 1:
            gather_rows[node.input[1]] = inits[node.input[0]].dims[0]
    rng = np.random.default_rng(20240601)
    inputs_dir = os.path.join(args.work, bench_name_dir(bench_name), "inputs")
    os.makedirs(inputs_dir, exist_ok=True)
    inputs = {}
    for name in order:
        dt = np.dtype(dtypes[name])
        shape = shapes[name]
        if dt.kind == "f":
            x = rng.standard_normal(shape).astype(dt)
        elif dt.kind == "b":
            x = np.ones(shape, dt)
        elif "mask" in name.lower():
            x = np.ones(shape, dt)
        else:
            x = rng.integers(0, min(gather_rows.get(name, 2), 2**31 - 1), size=shape).astype(dt)
        p = os.path.join(inputs_dir, name.replace("/", "_") + ".npy")
        np.save(p, x)
        inputs[name] = p
    return {"model": path, "pinned": pinned, "shapes": shapes, "dtypes": dtypes,
            "input_order": order, "inputs": inputs, "graph_name": model.graph.name,
            "opset": max([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
                         or [0]),
            "dims": dims}


def bench_name_dir(name):
    return os.path.basename(name)[:-5] if name.endswith(".onnx") else name


def run_worker(system, model_name, prep, args, runs):
    work = os.path.join(args.work, bench_name_dir(model_name), system)
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):
        if f in ("result.json", "log.txt") or f.startswith("out_"):
            os.remove(os.path.join(work, f))
    spec = dict(prep, system=system, work=work, threads=args.threads, runs=runs,
                warmup=args.warmup, max_time=args.max_time, kiln_bin=args.kiln_bin)
    spec_path = os.path.join(work, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=1)
    env = dict(os.environ)
    n = str(args.threads)
    env.update(TVM_NUM_THREADS=n, OMP_NUM_THREADS=n, KILN_NUM_THREADS=n)
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", spec_path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         start_new_session=True, text=True, errors="replace")
    try:
        out, _ = p.communicate(timeout=args.timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the worker and the compilers it started
        out, _ = p.communicate()
        timed_out = True
    wall = time.perf_counter() - t0
    with open(os.path.join(work, "log.txt"), "a") as log:
        log.write(out[-200000:])
    result_path = os.path.join(work, "result.json")
    if os.path.exists(result_path):
        with open(result_path) as f:
            result = json.load(f)
    else:
        result = {"status": "failed"}
    if timed_out:
        result.update(status="failed", reason=f"timed out after {args.timeout:.0f} s")
    elif "reason" not in result and result["status"] != "ok":
        how = f"signal {-p.returncode}" if p.returncode < 0 else f"exit {p.returncode}"
        result["reason"] = f"worker died ({how}): {one_line(out)}"
    result["wall_s"] = wall
    result["log"] = os.path.relpath(os.path.join(work, "log.txt"), REPO)
    return result


def compare(outputs, reference):
    """Relative L2 error of each output against the reference, and the largest."""
    import numpy as np
    if reference is None:
        return None, "no onnxruntime outputs to compare with"
    if outputs is None:
        return None, None  # the worker's note says why
    if len(outputs) != len(reference):
        return None, f"{len(outputs)} outputs, onnxruntime has {len(reference)}"
    errs = []
    for i, (p, q) in enumerate(zip(outputs, reference)):
        a = np.load(p).astype(np.float64)
        b = np.load(q).astype(np.float64)
        if a.shape != b.shape:
            if a.size == b.size:
                a = a.reshape(b.shape)
            else:
                return None, f"output {i}: shape {list(a.shape)}, onnxruntime {list(b.shape)}"
        errs.append(float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30)))
    return errs, None


def fmt(x, digits=2):
    if x is None:
        return "—"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def table(rows, info):
    head = (f"CPU: {info['machine']['cpu_model']}, {info['machine']['cores']} cores, "
            f"threads {info['threads']}, size {info['size']}, {info['date']}\n\n")
    lines = ["| model | system | compile s | median ms | min–max ms | vs ORT | rel L2 vs ORT | note |",
             "|---|---|--:|--:|--:|--:|--:|---|"]
    for r in rows:
        lat = r.get("latency") or {}
        spread = (f"{fmt(lat.get('min_ms'))}–{fmt(lat.get('max_ms'))}"
                  if lat.get("min_ms") is not None else "—")
        ratio = f"{r['ratio_vs_ort']:.2f}x" if r.get("ratio_vs_ort") else "—"
        rel = f"{r['rel_l2']:.1e}" if r.get("rel_l2") is not None else "—"
        notes = []
        if r["status"] != "ok":
            notes.append("FAILED: " + r.get("reason", "?"))
        if r.get("compare_note"):
            notes.append(r["compare_note"])
        if r.get("note"):
            notes.append(r["note"])
        if lat.get("capped"):
            notes.append(f"{lat['runs']} runs (time cap)")
        note = "; ".join(notes).replace("|", "\\|")
        lines.append(f"| {r['model']} | {r['system']} | {fmt(r.get('compile_s'), 1)} | "
                     f"{fmt(lat.get('median_ms'))} | {spread} | {ratio} | {rel} | {note} |")
    foot = ("\nvs ORT: median latency / onnxruntime's (below 1: faster). rel L2: "
            "||y - y_ort|| / ||y_ort||, the largest over the outputs.\n")
    return head + "\n".join(lines) + "\n" + foot


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "--worker":
        return worker_main(argv[1])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="resnet50,mobilenetv2,bert",
                   help="comma-separated: resnet50, mobilenetv2, bert, any make_zoo.py "
                        "name, or a path to an .onnx file (default: %(default)s)")
    p.add_argument("--size", choices=["small", "full"], default="full",
                   help="make_zoo.py size (default: full)")
    p.add_argument("--systems", default=",".join(SYSTEMS),
                   help="comma-separated subset of " + ",".join(SYSTEMS))
    p.add_argument("--threads", type=int, default=2, help="threads of every system (default 2)")
    p.add_argument("--runs", type=int, default=20, help="timed runs (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    p.add_argument("--max-time", type=float, default=60.0,
                   help="seconds of timed runs per model and system; past it, runs stop "
                        "after at least 3 (default 60)")
    p.add_argument("--timeout", type=float, default=3600.0,
                   help="seconds for one system on one model, compile included (default 3600)")
    p.add_argument("--dim", action="append", default=[], metavar="SYM=N",
                   help="size of a symbolic dimension (default batch=1, sequence=128)")
    p.add_argument("--out", help="results folder (default bench/results/<date>)")
    p.add_argument("--model-dir", help="where the .onnx models are taken from, or written "
                                       "to when missing (default bench/.cache/models/<size>)")
    p.add_argument("--kiln-bin", default=os.path.join(REPO, "build", "bin"),
                   help="folder of kiln-compile, kiln-run, kiln-bench (default build/bin)")
    args = p.parse_args(argv)

    dims = {}
    for d in args.dim:
        k, _, v = d.partition("=")
        if not v.isdigit():
            p.error(f"--dim expects SYM=N, got '{d}'")
        dims[k] = int(v)
    args.dim = dims
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    for s in systems:
        if s not in SYSTEMS:
            p.error(f"unknown system '{s}' (choose from {', '.join(SYSTEMS)})")
    systems = [s for s in SYSTEMS if s in systems]
    # onnxruntime first: it is the reference for the others.
    order = ["onnxruntime"] + [s for s in systems if s != "onnxruntime"]
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    if args.threads < 1:
        p.error("--threads must be at least 1")

    try:
        import numpy  # noqa: F401
        import onnx  # noqa: F401
    except ImportError:
        sys.exit("cpu_bench.py: run it with bench/.venv-peers/bin/python "
                 "(make it with bench/setup-peers)")

    now = datetime.datetime.now()
    out_dir = os.path.abspath(args.out or os.path.join(HERE, "results", now.strftime("%Y-%m-%d")))
    cache = os.path.join(HERE, ".cache")
    args.model_dir = os.path.abspath(args.model_dir or os.path.join(cache, "models", args.size))
    args.work = os.path.join(cache, "work", args.size)
    args.kiln_bin = os.path.abspath(args.kiln_bin)
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)

    info = {
        "date": now.isoformat(timespec="seconds"),
        "threads": args.threads, "size": args.size, "runs": args.runs, "warmup": args.warmup,
        "max_time_s": args.max_time, "systems": systems, "models": models,
        "machine": machine_info(args.threads),
        "loadavg_start": list(os.getloadavg()),
        "versions": versions(args.kiln_bin),
        "settings": {
            "onnxruntime": "CPUExecutionProvider, intra_op_num_threads=N, inter_op_num_threads=1, "
                           "sequential, ORT_ENABLE_ALL",
            "iree": "iree-import-onnx, iree-compile --iree-hal-target-device=local "
                    "--iree-hal-local-target-device-backends=llvm-cpu "
                    "--iree-llvmcpu-target-cpu=host; local-task, "
                    "--task_topology_max_group_count=N",
            "tvm": "relax.frontend.onnx.from_onnx, tvm.compile default pipeline (untuned), "
                   "target llvm -mcpu=<host>, TVM_NUM_THREADS=N",
            "kiln": "kiln-compile --input-shape ..., kiln-run (outputs), "
                    "kiln-bench --threads N --json",
        },
    }
    print(f"cpu_bench: {len(models)} model(s) x {len(systems)} system(s), threads "
          f"{args.threads}, size {args.size}; results in {out_dir}", flush=True)

    rows = []
    prep_log = open(os.path.join(args.work, "prepare.log"), "a")
    t_all = time.perf_counter()
    for m in models:
        try:
            prep = prepare_model(m, args, prep_log)
        except Exception as e:
            for s in systems:
                rows.append({"model": m, "system": s, "status": "failed",
                             "reason": f"model: {type(e).__name__}: {one_line(e)}"})
            print(f"{m}: model failed: {one_line(e)}", flush=True)
            continue
        ref = None
        ort_ms = None
        for s in order:
            timed = s in systems
            print(f"{m} / {s}{'' if timed else ' (reference)'} ...", end=" ", flush=True)
            r = run_worker(s, m, prep, args, args.runs if timed else 0)
            r.update(model=m, system=s)
            if s == "onnxruntime":
                ref = r.get("outputs")
                if r["status"] == "ok" and r.get("latency"):
                    ort_ms = r["latency"]["median_ms"]
            if r["status"] == "ok":
                if s == "onnxruntime":
                    r["rel_l2"], r["rel_l2_per_output"] = 0.0, None
                else:
                    errs, why = compare(r.get("outputs"), ref)
                    r["rel_l2_per_output"] = errs
                    r["rel_l2"] = max(errs) if errs else None
                    if why:
                        r["compare_note"] = why
            lat = r.get("latency") or {}
            if lat.get("median_ms") and ort_ms:
                r["ratio_vs_ort"] = lat["median_ms"] / ort_ms
            print(f"{r['status']}, compile {fmt(r.get('compile_s'), 1)} s, median "
                  f"{fmt(lat.get('median_ms'))} ms, wall {r['wall_s']:.0f} s"
                  + (f" ({r['reason']})" if r["status"] != "ok" else ""), flush=True)
            r["prep"] = {k: prep[k] for k in ("model", "shapes", "dtypes", "dims")}
            if timed:
                rows.append(r)
    prep_log.close()
    info["total_wall_s"] = time.perf_counter() - t_all
    info["loadavg_end"] = list(os.getloadavg())
    info["results"] = rows

    md = table(rows, info)
    print()
    print(md)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(info, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
