#!/usr/bin/env python3
"""Writes small ONNX models whose products and convolutions have static
shapes that the CUDA target's shared-memory tiles cover unevenly.

    make_contraction_models.py DIR

Every model has one input `x` and constant weights (seeded), so that
compare_with_onnxruntime.py can check it against onnxruntime:

  matmul_uneven   (37x53) @ (53x29): partial tiles along M and N, a short
                  last step along K
  matmul_batched  (3x40x24) @ (3x24x36): the batch is a grid dimension
  gemm_transposed Gemm with transB and a bias: B is read along K
  conv_strided    3x3 convolution, stride 2, padding 1, 20 -> 24 channels
  conv_grouped    3x3 convolution in 2 groups of 16 channels: the group is a
                  grid dimension
  conv_dilated    3x3 convolution, dilation 2, no padding, 17 -> 18 channels
  conv_pointwise  1x1 convolution of a batch of 2, 24 -> 40 channels
  matmul_integer  MatMulInteger of uint8 by int8 into int32: the body
                  widens before it multiplies
  matmul_half     (24x40) @ (40x36) in float16: 2-byte elements in shared
                  memory
  matmul_wide     9 products (256x32) @ (32x256): enough blocks for 64-row
                  tiles, whose copy of A reads 16 bytes at a time
  matmul_large    33 products (256x16) @ (16x512): enough blocks for
                  128x128 tiles (--cuda-max-register-tile=8)
  matmul_of_merged_heads  a transpose reshaped into a product's rows
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def weight(name, shape, dtype=np.float32):
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        array = RNG.integers(max(info.min, -100), min(info.max, 100), shape)
    else:
        array = RNG.standard_normal(shape)
    return numpy_helper.from_array(array.astype(dtype), name)


def save(directory, name, nodes, x_shape, y_shape, initializers,
         x_type=TensorProto.FLOAT, y_type=TensorProto.FLOAT, opset=17):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", x_type, x_shape)],
        [helper.make_tensor_value_info("y", y_type, y_shape)], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(directory, name + ".onnx"))


def conv(directory, name, x_shape, w_shape, y_shape, **attributes):
    save(directory, name,
         [helper.make_node("Conv", ["x", "w", "b"], ["y"], **attributes)],
         x_shape, y_shape, [weight("w", w_shape), weight("b", [w_shape[0]])])


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    save(directory, "matmul_uneven", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [37, 53], [37, 29], [weight("w", [53, 29])])
    save(directory, "matmul_batched", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [3, 40, 24], [3, 40, 36], [weight("w", [3, 24, 36])])
    save(directory, "gemm_transposed",
         [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)],
         [33, 48], [33, 50], [weight("w", [50, 48]), weight("b", [50])])
    conv(directory, "conv_strided", [1, 20, 15, 15], [24, 20, 3, 3], [1, 24, 8, 8],
         strides=[2, 2], pads=[1, 1, 1, 1])
    conv(directory, "conv_grouped", [1, 32, 10, 10], [32, 16, 3, 3], [1, 32, 10, 10],
         group=2, pads=[1, 1, 1, 1])
    conv(directory, "conv_dilated", [1, 17, 12, 12], [18, 17, 3, 3], [1, 18, 8, 8],
         dilations=[2, 2])
    conv(directory, "conv_pointwise", [2, 24, 9, 9], [40, 24, 1, 1], [2, 40, 9, 9])
    save(directory, "matmul_integer",
         [helper.make_node("MatMulInteger", ["x", "w"], ["y"])],
         [20, 40], [20, 24], [weight("w", [40, 24], np.int8)],
         x_type=TensorProto.UINT8, y_type=TensorProto.INT32)
    save(directory, "matmul_half", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [24, 40], [24, 36], [weight("w", [40, 36], np.float16)],
         x_type=TensorProto.FLOAT16, y_type=TensorProto.FLOAT16)
    save(directory, "matmul_wide", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [9, 256, 32], [9, 256, 256], [weight("w", [9, 32, 256])])
    save(directory, "matmul_large", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [33, 256, 16], [33, 256, 512], [weight("w", [33, 16, 512])])
    save(directory, "matmul_large_half", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [33, 256, 16], [33, 256, 512], [weight("w", [33, 16, 512], np.float16)],
         x_type=TensorProto.FLOAT16, y_type=TensorProto.FLOAT16)
    # Kernel groups: a convolution whose epilogue adds its own input (a
    # residual) before the ReLU; a product whose result the epilogue (ReLU)
    # and a concatenation both read, so that it is stored too; a reduction
    # with an elementwise consumer.
    save(directory, "group_residual",
         [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
          helper.make_node("Add", ["c", "x"], ["s"]),
          helper.make_node("Relu", ["s"], ["y"])],
         [2, 16, 9, 9], [2, 16, 9, 9], [weight("w", [16, 16, 3, 3]), weight("b", [16])])
    save(directory, "group_shared_result",
         [helper.make_node("MatMul", ["x", "w"], ["t"]),
          helper.make_node("Relu", ["t"], ["r"]),
          helper.make_node("Concat", ["r", "t"], ["y"], axis=1)],
         [40, 32], [40, 96], [weight("w", [32, 48])])
    # A product of two transposes of its input (attention's Q and K^T): the
    # transposes fold into the product's indexing.
    save(directory, "matmul_of_transposes",
         [helper.make_node("Transpose", ["x"], ["q"], perm=[0, 2, 1, 3]),
          helper.make_node("Transpose", ["x"], ["k"], perm=[0, 2, 3, 1]),
          helper.make_node("MatMul", ["q", "k"], ["y"])],
         [2, 32, 4, 16], [2, 4, 32, 32], [])
    # Heads merged back into the hidden dimension before a projection
    # (attention's output): the transpose, read through the reshape, folds
    # into the product, whose reduction is split into heads and features.
    save(directory, "matmul_of_merged_heads",
         [helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 1, 3]),
          helper.make_node("Reshape", ["t", "shape"], ["merged"]),
          helper.make_node("MatMul", ["merged", "w"], ["y"])],
         [2, 4, 32, 16], [2, 32, 48],
         [numpy_helper.from_array(np.array([2, 32, 64], np.int64), "shape"),
          weight("w", [64, 48])])
    # Reductions with few outputs: long rows, a whole tensor to a scalar,
    # integers, a maximum over a middle axis.
    save(directory, "reduce_rows",
         [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
         [12, 700], [12], [numpy_helper.from_array(np.array([1], np.int64), "axes")],
         opset=18)
    save(directory, "reduce_all",
         [helper.make_node("ReduceMax", ["x"], ["y"], keepdims=0)],
         [40, 50], [], [])
    save(directory, "reduce_integer",
         [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=1)],
         [8, 300], [8, 1], [numpy_helper.from_array(np.array([1], np.int64), "axes")],
         x_type=TensorProto.INT32, y_type=TensorProto.INT32, opset=18)
    save(directory, "reduce_middle",
         [helper.make_node("ReduceMax", ["x"], ["y"], axes=[1], keepdims=0)],
         [3, 97, 5], [3, 5], [])
    save(directory, "group_reduction",
         [helper.make_node("ReduceSumSquare", ["x"], ["s"], axes=[2], keepdims=0),
          helper.make_node("Sqrt", ["s"], ["y"])],
         [6, 20, 33], [6, 20], [])


if __name__ == "__main__":
    main()
