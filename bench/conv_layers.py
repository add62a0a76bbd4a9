"""Per-layer benchmark: each distinct convolution of ResNet-50 (224x224,
batch 1) as a one-node model (Conv with bias, then Relu), timed in kiln and
in onnxruntime in the same run, with the same thread count.

  bench/.venv-peers/bin/python bench/conv_layers.py [--threads 2] [--runs 50]
      [--layers 2,10,18] [--kiln-bin build/bin] [--out DIR]

Prints one line per layer: kiln's and onnxruntime's median latency, the
GFLOP/s each reaches and the ratio; the last line weights every layer by how
often ResNet-50 uses it. Finds where kiln's convolutions lose time (the
whole-model benchmark is cpu_bench.py). Models and artifacts go to
bench/.cache/conv_layers/.
"""
import argparse
import json
import subprocess
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent

# (input channels, input size, filters, kernel, stride, uses in ResNet-50)
LAYERS = [
    (3, 224, 64, 7, 2, 1),
    (64, 56, 64, 1, 1, 1), (64, 56, 64, 3, 1, 3), (64, 56, 256, 1, 1, 4),
    (256, 56, 64, 1, 1, 2), (256, 56, 128, 1, 1, 1), (128, 56, 128, 3, 2, 1),
    (128, 28, 512, 1, 1, 4), (256, 56, 512, 1, 2, 1), (512, 28, 128, 1, 1, 3),
    (128, 28, 128, 3, 1, 3), (512, 28, 256, 1, 1, 1), (256, 28, 256, 3, 2, 1),
    (256, 14, 1024, 1, 1, 6), (512, 28, 1024, 1, 2, 1),
    (1024, 14, 256, 1, 1, 5), (256, 14, 256, 3, 1, 5),
    (1024, 14, 512, 1, 1, 1), (512, 14, 512, 3, 2, 1),
    (512, 7, 2048, 1, 1, 3), (1024, 14, 2048, 1, 2, 1),
    (2048, 7, 512, 1, 1, 2), (512, 7, 512, 3, 1, 2),
]


def make_layer(path, channels, size, filters, kernel, stride, rng):
    pad = kernel // 2
    out = (size + 2 * pad - kernel) // stride + 1
    weights = (rng.standard_normal((filters, channels, kernel, kernel)) *
               0.05).astype(np.float32)
    bias = rng.standard_normal(filters).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"],
                          kernel_shape=[kernel, kernel],
                          strides=[stride, stride], pads=[pad] * 4),
         helper.make_node("Relu", ["c"], ["y"])], "layer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, channels, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, filters, out, out])],
        [numpy_helper.from_array(weights, "w"),
         numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return 2 * channels * filters * kernel * kernel * out * out


def time_kiln(kiln_bin, model, threads, runs):
    artifact = model.with_suffix(".kiln")
    subprocess.run([str(kiln_bin / "kiln-compile"), str(model), "-o",
                    str(artifact)], check=True)
    result = subprocess.run(
        [str(kiln_bin / "kiln-bench"), str(artifact), "--threads",
         str(threads), "--runs", str(runs), "--json"],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["median_ms"]


def time_onnxruntime(model, shape, threads, runs, rng):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options,
                                   providers=["CPUExecutionProvider"])
    feed = {"x": rng.standard_normal(shape).astype(np.float32)}
    for _ in range(3):
        session.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--layers", default="",
                        help="comma-separated layer numbers (default: all)")
    parser.add_argument("--kiln-bin", type=Path, default=ROOT / "build/bin")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench/.cache/conv_layers")
    args = parser.parse_args()
    chosen = {int(i) for i in args.layers.split(",") if i}
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    kiln_total = ort_total = 0.0
    for index, (c, size, f, k, s, uses) in enumerate(LAYERS):
        if chosen and index not in chosen:
            continue
        model = args.out / f"layer{index}.onnx"
        flops = make_layer(model, c, size, f, k, s, rng)
        kiln_ms = time_kiln(args.kiln_bin, model, args.threads, args.runs)
        ort_ms = time_onnxruntime(model, (1, c, size, size), args.threads,
                                  args.runs, rng)
        kiln_total += uses * kiln_ms
        ort_total += uses * ort_ms
        print(f"{index:2d} C{c:5d} {size:3d}x{size:<3d} F{f:5d} {k}x{k} "
              f"stride {s} (x{uses}): kiln {kiln_ms:7.3f} ms "
              f"({flops / kiln_ms / 1e6:4.0f} GFLOP/s), onnxruntime "
              f"{ort_ms:7.3f} ms ({flops / ort_ms / 1e6:4.0f} GFLOP/s), "
              f"ratio {kiln_ms / ort_ms:.2f}", flush=True)
    print(f"weighted by uses: kiln {kiln_total:.1f} ms, onnxruntime "
          f"{ort_total:.1f} ms, ratio {kiln_total / ort_total:.2f}")


if __name__ == "__main__":
    main()
