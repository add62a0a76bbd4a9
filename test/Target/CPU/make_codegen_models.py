"""Small models whose CPU kernels the codegen tests inspect with --report.

  make_codegen_models.py DIR
writes DIR/conv3x3.onnx (a 3x3 convolution; _w14 and _w7 on 14- and 7-pixel rows,
_s2_c16 and _s2_c3 with strides 2 and 16 or 3 input channels, _s2_w7
with strides 2 onto 7-pixel rows),
DIR/depthwise14.onnx (a 3x3 depthwise convolution of a 14x14 image; _s2
with strides 2 onto one),
DIR/pointwise14.onnx (a 1x1 convolution of a 14x14 image),
DIR/pointwise14_bias.onnx (the same with a bias and a relu),
DIR/softmax.onnx (a softmax over rows), DIR/dense.onnx (a matrix product with
constant weights), DIR/residual.onnx (two normalizations
along a residual stream, each output used twice), DIR/layer_norm.onnx (a
layer norm as its ONNX ops, statistics kept as columns),
DIR/layer_norm_mul.onnx (the same squaring by Mul), DIR/kept_axis_reduced.onnx
(a sum over an axis that a mean kept), DIR/dense_softmax.onnx (a softmax of
a biased matrix product) and
DIR/attention_scores.onnx (12 products of 64-long rows, a mask added).
"""
import sys
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def model(name, nodes, inputs, outputs, initializers):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              [numpy_helper.from_array(v, k) for k, v in initializers.items()])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
         out / f"{name}.onnx")


def value(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


model("conv3x3", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
      [value("x", [1, 16, 32, 32])], [value("y", [1, 16, 32, 32])],
      {"w": rng.standard_normal((16, 16, 3, 3)).astype(np.float32)})
model("conv3x3_w14", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
      [value("x", [1, 16, 14, 14])], [value("y", [1, 16, 14, 14])],
      {"w": rng.standard_normal((16, 16, 3, 3)).astype(np.float32)})
model("conv3x3_w7", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
      [value("x", [1, 16, 7, 7])], [value("y", [1, 16, 7, 7])],
      {"w": rng.standard_normal((16, 16, 3, 3)).astype(np.float32)})
for channels in (16, 3):
    model(f"conv3x3_s2_c{channels}",
          [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], strides=[2, 2])],
          [value("x", [1, channels, 32, 32])], [value("y", [1, 16, 16, 16])],
          {"w": rng.standard_normal((16, channels, 3, 3)).astype(np.float32)})
model("conv3x3_s2_w7",
      [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], strides=[2, 2])],
      [value("x", [1, 16, 14, 14])], [value("y", [1, 16, 7, 7])],
      {"w": rng.standard_normal((16, 16, 3, 3)).astype(np.float32)})
model("depthwise14",
      [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], group=16)],
      [value("x", [1, 16, 14, 14])], [value("y", [1, 16, 14, 14])],
      {"w": rng.standard_normal((16, 1, 3, 3)).astype(np.float32)})
model("depthwise14_s2",
      [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], group=16, strides=[2, 2])],
      [value("x", [1, 16, 28, 28])], [value("y", [1, 16, 14, 14])],
      {"w": rng.standard_normal((16, 1, 3, 3)).astype(np.float32)})
model("pointwise14", [helper.make_node("Conv", ["x", "w"], ["y"])],
      [value("x", [1, 16, 14, 14])], [value("y", [1, 32, 14, 14])],
      {"w": rng.standard_normal((32, 16, 1, 1)).astype(np.float32)})
model("pointwise14_bias",
      [helper.make_node("Conv", ["x", "w", "b"], ["c"]),
       helper.make_node("Relu", ["c"], ["y"])],
      [value("x", [1, 16, 14, 14])], [value("y", [1, 32, 14, 14])],
      {"w": rng.standard_normal((32, 16, 1, 1)).astype(np.float32),
       "b": rng.standard_normal((32,)).astype(np.float32)})
model("softmax", [helper.make_node("Softmax", ["x"], ["y"], axis=-1)],
      [value("x", [64, 256])], [value("y", [64, 256])], {})
model("dense", [helper.make_node("MatMul", ["x", "w"], ["y"])],
      [value("x", [64, 128])], [value("y", [64, 256])],
      {"w": rng.standard_normal((128, 256)).astype(np.float32)})
# h1 = norm(x) + x; h2 = norm(h1) + h1: each normalized value feeds the
# next normalization and the skip connection.
nodes = []
for i, src in enumerate(["x", "h0"]):
    nodes += [helper.make_node("ReduceMean", [src], [f"m{i}"], axes=[1]),
              helper.make_node("Sub", [src, f"m{i}"], [f"d{i}"]),
              helper.make_node("Add", [f"d{i}", src], [f"h{i}"])]
model("residual", nodes, [value("x", [64, 256])], [value("h1", [64, 256])], {})
# A layer norm as exporters write it: ReduceMean keeping its axis, x - mean
# read by the variance and the normalization, epsilon and the square root on
# the kept column; the square as Pow, or as d * d (one user reading d twice).
def normalized(square):
    return [helper.make_node("ReduceMean", ["x"], ["mean"], axes=[-1]),
            helper.make_node("Sub", ["x", "mean"], ["d"]),
            square,
            helper.make_node("ReduceMean", ["d2"], ["var"], axes=[-1]),
            helper.make_node("Add", ["var", "eps"], ["var_eps"]),
            helper.make_node("Sqrt", ["var_eps"], ["std"]),
            helper.make_node("Div", ["d", "std"], ["n"])]


model("layer_norm",
      normalized(helper.make_node("Pow", ["d", "two"], ["d2"]))
      + [helper.make_node("Mul", ["n", "gamma"], ["scaled"]),
         helper.make_node("Add", ["scaled", "beta"], ["y"])],
      [value("x", [2, 32, 96])], [value("y", [2, 32, 96])],
      {"two": np.array(2, np.float32), "eps": np.array(1e-5, np.float32),
       "gamma": rng.standard_normal(96).astype(np.float32),
       "beta": rng.standard_normal(96).astype(np.float32)})
model("layer_norm_mul", normalized(helper.make_node("Mul", ["d", "d"], ["d2"])),
      [value("x", [2, 32, 96])], [value("n", [2, 32, 96])],
      {"eps": np.array(1e-5, np.float32)})
# A reduction over an axis a first one kept (its only loop over that axis
# is the expansion's).
model("kept_axis_reduced",
      [helper.make_node("ReduceMean", ["x"], ["mean"], axes=[1]),
       helper.make_node("ReduceSum", ["mean", "axes"], ["y"], keepdims=0)],
      [value("x", [4, 8])], [value("y", [4])],
      {"axes": np.array([1], np.int64)})
model("dense_softmax",
      [helper.make_node("MatMul", ["x", "w"], ["xw"]),
       helper.make_node("Add", ["xw", "b"], ["logits"]),
       helper.make_node("Softmax", ["logits"], ["y"], axis=-1)],
      [value("x", [64, 128])], [value("y", [64, 256])],
      {"w": rng.standard_normal((128, 256)).astype(np.float32),
       "b": rng.standard_normal(256).astype(np.float32)})
model("attention_scores",
      [helper.make_node("MatMul", ["x", "k"], ["scores"]),
       helper.make_node("Add", ["scores", "mask"], ["y"])],
      [value("x", [12, 128, 64])], [value("y", [12, 128, 128])],
      {"k": rng.standard_normal((12, 64, 128)).astype(np.float32),
       "mask": rng.standard_normal((1, 1, 128)).astype(np.float32)})
