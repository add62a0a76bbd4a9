"""Tensor files for the kiln-run and kiln-bench lit tests (a helper, not a test).

The model is the runtime unit tests' (test/Unit/Runtime/TestArtifacts.h):
out = x @ w + y with x: float32[batch, 3], y: float32[batch, 4], w: float32[3, 4]
(kiln-make-test-artifact writes w.npy next to the model).

  tensors.py inputs DIR             x/y as .npy and .pb, and bad inputs
  tensors.py check DIR OUTPUT       OUTPUT (.npy or .pb) == x @ w + y
  tensors.py check-bench JSON RUNS  kiln-bench --json output is sane
  tensors.py close GOT WANT         two tensor files agree (dtype, shape,
                                    values to float32 rounding)
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def save_pb(array, name, path):
    onnx.save_tensor(numpy_helper.from_array(array, name), path)


def load(path):
    if path.endswith(".pb"):
        return numpy_helper.to_array(onnx.load_tensor(path))
    return np.load(path)


def inputs(out):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    y = rng.standard_normal((2, 4)).astype(np.float32)
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "y.npy"), y)
    save_pb(x, "x", os.path.join(out, "x.pb"))
    save_pb(y, "y", os.path.join(out, "y.pb"))
    # x again, its values in float_data rather than raw_data.
    typed = onnx.helper.make_tensor("x", onnx.TensorProto.FLOAT, x.shape,
                                    x.flatten().tolist())
    onnx.save_tensor(typed, os.path.join(out, "x_typed.pb"))
    # A batch of 3 for y, which disagrees with x's batch of 2.
    np.save(os.path.join(out, "y_batch3.npy"), np.zeros((3, 4), np.float32))
    # Wrong dtype, shape and rank for x.
    np.save(os.path.join(out, "x_f64.npy"), x.astype(np.float64))
    np.save(os.path.join(out, "x_wide.npy"), np.zeros((2, 5), np.float32))
    np.save(os.path.join(out, "x_rank1.npy"), np.zeros((6,), np.float32))
    # Files kiln cannot read.
    np.save(os.path.join(out, "x_fortran.npy"), np.asfortranarray(x))
    np.save(os.path.join(out, "x_bigendian.npy"), x.astype(">f4"))
    with open(os.path.join(out, "x.npy"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "x_truncated.npy"), "wb") as f:
        f.write(data[:-5])
    external = numpy_helper.from_array(x, "x")
    external.ClearField("raw_data")
    external.data_location = onnx.TensorProto.EXTERNAL
    entry = external.external_data.add()
    entry.key, entry.value = "location", "x.bin"
    with open(os.path.join(out, "x_external.pb"), "wb") as f:
        f.write(external.SerializeToString())


def check(out, output):
    x, y, w = (np.load(os.path.join(out, n)) for n in ("x.npy", "y.npy", "w.npy"))
    got = load(output)
    want = x @ w + y
    if got.dtype != want.dtype or got.shape != want.shape:
        sys.exit(f"{output}: {got.dtype}{list(got.shape)}, expected "
                 f"{want.dtype}{list(want.shape)}")
    if not np.allclose(got, want, rtol=1e-5, atol=1e-6):
        sys.exit(f"{output}: {got} != {want}")
    if output.endswith(".pb"):
        print("name:", onnx.load_tensor(output).name)
    print("ok", got.dtype, list(got.shape))


def check_bench(path, runs):
    with open(path) as f:
        result = json.load(f)
    for key in ("median_ms", "min_ms", "max_ms", "mean_ms", "p90_ms"):
        value = result[key]
        if not isinstance(value, (int, float)) or not value > 0:
            sys.exit(f"{key} is {value!r}, not a positive number")
    if not result["min_ms"] <= result["median_ms"] <= result["max_ms"]:
        sys.exit(f"min/median/max out of order: {result}")
    if result["runs"] != int(runs):
        sys.exit(f"runs is {result['runs']}, expected {runs}")
    if not isinstance(result["threads"], int) or result["threads"] < 1:
        sys.exit(f"threads is {result['threads']!r}")
    print("model:", os.path.basename(result["model"]))
    print("threads:", result["threads"])
    for entry in result["inputs"]:
        print("input:", entry["name"], entry["dtype"], entry["shape"], entry["source"])
    print("ok")


def close(got_path, want_path):
    got, want = load(got_path), load(want_path)
    if got.dtype != want.dtype or got.shape != want.shape:
        sys.exit(f"{got_path}: {got.dtype}{list(got.shape)}, expected "
                 f"{want.dtype}{list(want.shape)}")
    if not np.allclose(got, want, rtol=1e-4, atol=1e-5):
        sys.exit(f"{got_path}: {got} != {want}")
    print("close", got.dtype, list(got.shape))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"inputs": inputs, "check": check, "check-bench": check_bench,
     "close": close}[command](*args)
