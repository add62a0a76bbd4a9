"""Writes a model whose output shape depends on an input's values: a
ReduceSum over axes given at run time (keepdims=0), and its inputs.

  make_runtime_axes_model.py DIR
writes DIR/reduce.onnx, DIR/x.npy (2x3x4 float32), DIR/axes_<a>.npy for the
axes tensors [0], [-1] and [5] (out of range), and DIR/expected_<a>.npy,
numpy's sums for the valid ones.
"""
import sys
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper, save

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
graph = helper.make_graph(
    [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)], "reduce",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
     helper.make_tensor_value_info("axes", TensorProto.INT64, [1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]),
     out / "reduce.onnx")
x = np.random.default_rng(3).standard_normal((2, 3, 4)).astype(np.float32)
np.save(out / "x.npy", x)
for name, axis in (("0", 0), ("last", -1), ("bad", 5)):
    np.save(out / f"axes_{name}.npy", np.array([axis], dtype=np.int64))
    if name != "bad":
        np.save(out / f"expected_{name}.npy", x.sum(axis=axis))
