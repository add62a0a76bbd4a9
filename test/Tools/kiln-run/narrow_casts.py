"""Casts to and from the 8- and 4-bit floats and the sub-byte integers,
checked against onnx's reference evaluator.

  narrow_casts.py make DIR    writes DIR/casts.onnx and its inputs DIR/in_*.pb
  narrow_casts.py check DIR   compares DIR/out/output_*.pb with the reference

The float input covers ties, subnormals, the edges of every format's range,
infinities, NaN and log-uniform random magnitudes; the narrow inputs hold
every code of their type.
"""
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

FLOAT8 = ["FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ"]
# (input name, ONNX type, numpy dtype, number of codes)
CODED_INPUTS = [
    ("e4m3fn", "FLOAT8E4M3FN", ml_dtypes.float8_e4m3fn, 256),
    ("e5m2", "FLOAT8E5M2", ml_dtypes.float8_e5m2, 256),
    ("e4m3fnuz", "FLOAT8E4M3FNUZ", ml_dtypes.float8_e4m3fnuz, 256),
    ("e8m0", "FLOAT8E8M0", ml_dtypes.float8_e8m0fnu, 256),
    ("e2m1", "FLOAT4E2M1", ml_dtypes.float4_e2m1fn, 16),
    ("i4", "INT4", ml_dtypes.int4, 16),
    ("u2", "UINT2", ml_dtypes.uint2, 4),
]


def float_input():
    rng = np.random.default_rng(7)
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 3.4e38]
    # Ties and near-ties on fine grids (covers every format's subnormals).
    for step in (2.0**-20, 2.0**-12, 2.0**-8, 2.0**-4, 0.25):
        k = np.arange(-600, 600)
        values += list(k * step) + list((k + 0.5) * step)
    for largest in (448.0, 240.0, 57344.0, 6.0, 2.0**127):
        values += [largest, -largest, largest * 1.03, largest * 1.07, largest * 2]
    magnitudes = 2.0 ** rng.uniform(-30, 30, 4000)
    values += list(magnitudes * rng.choice([-1.0, 1.0], magnitudes.size))
    with np.errstate(over="ignore"):  # 2^128 is meant to become infinity
        return np.array(values, dtype=np.float32)


def make(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    x = float_input()
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [x.size])]
    nodes, outputs = [], []

    def cast(src, to, **attrs):
        name = f"y{len(outputs)}"
        nodes.append(helper.make_node("Cast", [src], [name], to=getattr(TensorProto, to), **attrs))
        outputs.append(helper.make_tensor_value_info(name, getattr(TensorProto, to), None))

    for to in FLOAT8:
        cast("x", to)
        cast("x", to, saturate=0)
    for to in ("FLOAT4E2M1", "FLOAT8E8M0", "INT4", "UINT4", "INT2", "UINT2"):
        cast("x", to)
    cast("x", "FLOAT8E8M0", saturate=0)
    for name, onnx_type, dtype, codes in CODED_INPUTS:
        inputs.append(helper.make_tensor_value_info(name, getattr(TensorProto, onnx_type), [codes]))
        cast(name, "FLOAT")
        cast(name, "FLOAT16")
    cast("e4m3fn", "FLOAT8E5M2")  # mini-float to mini-float
    cast("i4", "INT8")
    model = helper.make_model(helper.make_graph(nodes, "narrow_casts", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", 25)])
    # Let onnx infer the output shapes.
    model = onnx.shape_inference.infer_shapes(model)
    onnx.save(model, out / "casts.onnx")
    feeds = {"x": x}
    for name, _, dtype, codes in CODED_INPUTS:
        feeds[name] = np.arange(codes, dtype=np.uint8).view(dtype)
    for i, inp in enumerate(inputs):
        tensor = numpy_helper.from_array(feeds[inp.name], inp.name)
        (out / f"in_{i}.pb").write_bytes(tensor.SerializeToString())


def check(out):
    out = Path(out)
    model = onnx.load(out / "casts.onnx")
    feeds = {}
    for i, inp in enumerate(model.graph.input):
        tensor = onnx.TensorProto()
        tensor.ParseFromString((out / f"in_{i}.pb").read_bytes())
        feeds[inp.name] = numpy_helper.to_array(tensor)
    expected = ReferenceEvaluator(model).run(None, feeds)
    failures = 0
    for i, (node, want) in enumerate(zip(model.graph.node, expected)):
        tensor = onnx.TensorProto()
        tensor.ParseFromString((out / "out" / f"output_{i}.pb").read_bytes())
        got = numpy_helper.to_array(tensor)
        assert got.dtype == want.dtype, (node.output[0], got.dtype, want.dtype)
        if want.dtype.itemsize == 1:
            # The same codes, or NaN for NaN.
            same = got.view(np.uint8) == want.view(np.uint8)
            if want.dtype.kind not in "iu" and "int" not in want.dtype.name:
                same |= np.isnan(got.astype(np.float32)) & np.isnan(want.astype(np.float32))
        else:
            a, b = got.astype(np.float64), want.astype(np.float64)
            same = (a == b) & (np.signbit(a) == np.signbit(b)) | (np.isnan(a) & np.isnan(b))
        bad = np.flatnonzero(~same)
        if bad.size:
            failures += 1
            src = feeds[node.input[0]]
            j = bad[0]
            print(f"{node.output[0]} ({node.input[0]} -> {want.dtype}, "
                  f"{[(a.name, a.i) for a in node.attribute]}): {bad.size} of {want.size} "
                  f"differ; first: input {src[j]!r} gave {got[j]!r}, expected {want[j]!r}")
    if failures:
        sys.exit(1)
    print(f"{len(expected)} casts match the reference")


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
