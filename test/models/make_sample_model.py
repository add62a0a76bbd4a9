#!/usr/bin/env python3
"""Writes the sample model that `make demo` compiles: a tiny image classifier.

    image [N, 3, 32, 32]
      -> Conv 3->8, 3x3, pad 1 -> BatchNormalization -> Relu
      -> MaxPool 2x2, stride 2        [N, 8, 16, 16]
      -> Flatten                      [N, 2048]
      -> Gemm (transB) + bias         [N, 10]
      -> Softmax (axis 1)             probs [N, 10]

The batch dimension is symbolic (dim_param 'N'); pin it with
`kiln-compile --input-shape image=1x3x32x32`. Weights come from a seeded
generator, so the file is the same on every run.

Usage: make_sample_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build():
    rng = np.random.default_rng(2026)

    def weight(name, shape, scale=0.1):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32),
                                       name)

    initializers = [
        weight("conv_w", (8, 3, 3, 3)),
        weight("conv_b", (8,)),
        numpy_helper.from_array(np.linspace(0.5, 1.5, 8, dtype=np.float32), "bn_scale"),
        weight("bn_bias", (8,)),
        weight("bn_mean", (8,)),
        numpy_helper.from_array(np.linspace(0.8, 1.2, 8, dtype=np.float32), "bn_var"),
        weight("fc_w", (10, 8 * 16 * 16), scale=0.01),
        weight("fc_b", (10,)),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "conv_w", "conv_b"], ["conv"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["conv", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"],
                         name="bn", epsilon=1e-5),
        helper.make_node("Relu", ["bn"], ["relu"], name="relu"),
        helper.make_node("MaxPool", ["relu"], ["pool"], name="pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Flatten", ["pool"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 32, 32])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 10])],
        initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="kiln make_sample_model.py")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def main(argv):
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} OUT.onnx")
    onnx.save(build(), argv[1])


if __name__ == "__main__":
    main(sys.argv)
