#!/usr/bin/env python3
"""Builds the small ONNX models that the importer's lit tests feed to kiln-compile.

Usage (from a lit RUN line):

    %python %S/make_model.py NAME %t.onnx

NAME is one of the functions registered with @model below; each one states
what it exercises. The models are built with onnx.helper and, unless they are
broken on purpose, checked with onnx.checker, so that a failing test points at
kiln and not at the model.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MODELS = {}


def model(fn):
    MODELS[fn.__name__] = fn
    return fn


def make(nodes, inputs, outputs, opset, initializers=(), ir_version=None, name="g",
         check=True, extra_opsets=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v)
                                                 for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="kiln-lit")
    # Old opsets go with the IR version of their time.
    m.ir_version = ir_version or (3 if opset < 8 else 8)
    if check:
        onnx.checker.check_model(m)
    return m


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def seeded(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@model
def conv_autopad():
    """Conv with auto_pad SAME_UPPER / SAME_LOWER: 6 wide, kernel 3, stride 2.

    Output extent ceil(6 / 2) = 3 needs (3 - 1) * 2 + 3 - 6 = 1 padding in
    total: SAME_UPPER puts the odd one at the end, SAME_LOWER at the start.
    """
    w = numpy_helper.from_array(seeded((4, 1, 3, 3)), "w")
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["upper"], name="conv_upper",
                         auto_pad="SAME_UPPER", strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["lower"], name="conv_lower",
                         auto_pad="SAME_LOWER", strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["valid"], name="conv_valid",
                         auto_pad="VALID", strides=[2, 2]),
    ]
    return make(nodes, [f32("x", [1, 1, 6, 6])],
                [f32("upper", [1, 4, 3, 3]), f32("lower", [1, 4, 3, 3]),
                 f32("valid", [1, 4, 2, 2])],
                opset=13, initializers=[w])


@model
def add_legacy_broadcast():
    """Opset 6 Add with broadcast=1, axis=1: B [3] lines up with A's dim 1."""
    nodes = [helper.make_node("Add", ["a", "b"], ["y"], name="add", broadcast=1, axis=1)]
    return make(nodes, [f32("a", [2, 3, 4, 5]), f32("b", [3])], [f32("y", [2, 3, 4, 5])],
                opset=6)


def softmax(opset, axis):
    attrs = {} if axis is None else {"axis": axis}
    nodes = [helper.make_node("Softmax", ["x"], ["y"], name="softmax", **attrs)]
    return make(nodes, [f32("x", [2, 3, 4])], [f32("y", [2, 3, 4])], opset=opset)


@model
def softmax_opset11_axis1():
    """Opset 11: softmax over the flattened dims [1, 3), i.e. rows of [2, 12]."""
    return softmax(11, 1)


@model
def softmax_opset11_default():
    """Opset 11 default axis is 1 (flattening), not the last one."""
    return softmax(11, None)


@model
def softmax_opset11_last_axis():
    """Opset 11 with the last axis: flattening there changes nothing."""
    return softmax(11, -1)


@model
def softmax_opset13_axis1():
    """Opset 13: softmax along dim 1 only."""
    return softmax(13, 1)


@model
def softmax_opset13_default():
    """Opset 13 default axis is -1."""
    return softmax(13, None)


@model
def dim_params():
    """Symbolic and unknown dimensions on a graph input."""
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", 8])
    # A dimension with neither dim_value nor dim_param.
    x.type.tensor_type.shape.dim.add()
    nodes = [helper.make_node("Relu", ["image"], ["y"], name="relu")]
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, "H", 8, None])
    return make(nodes, [x], [y], opset=13)


@model
def initializer_as_input():
    """IR version 3 style: the initializer 'w' is also listed as a graph input."""
    w = numpy_helper.from_array(np.array([1.0, 2.0, 3.0], dtype=np.float32), "w")
    nodes = [helper.make_node("Add", ["x", "w"], ["y"], name="add")]
    return make(nodes, [f32("x", [2, 3]), f32("w", [3])], [f32("y", [2, 3])],
                opset=7, initializers=[w], ir_version=3)


@model
def large_initializer():
    """A 16x3x3x3 (432-element) weight: too large to be inlined as text.

    Its values are 0, 0.5, 1, ... so that the blob's first bytes are known:
    0x00000000, 0x0000003F, 0x0000803F (little-endian f32).
    """
    values = (np.arange(16 * 3 * 3 * 3, dtype=np.float32) * 0.5).reshape(16, 3, 3, 3)
    w = numpy_helper.from_array(values, "conv_w")
    small = numpy_helper.from_array(np.array([0.5, -0.5], dtype=np.float32), "small")
    nodes = [
        helper.make_node("Conv", ["x", "conv_w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["v", "small"], ["z"], name="mul"),
    ]
    return make(nodes, [f32("x", [1, 3, 8, 8]), f32("v", [2])],
                [f32("c", [1, 16, 8, 8]), f32("z", [2])], opset=13,
                initializers=[w, small])


@model
def if_constant_condition():
    """An If whose condition is a Constant: only the taken (then) branch is imported."""
    then_graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["t"], name="then_relu")], "then", [],
        [f32("t", [2, 3])])
    else_graph = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["e"], name="else_neg")], "else", [],
        [f32("e", [2, 3])])
    nodes = [
        helper.make_node("Constant", [], ["cond"], name="cond",
                         value=helper.make_tensor("c", TensorProto.BOOL, [], [True])),
        helper.make_node("If", ["cond"], ["y"], name="if", then_branch=then_graph,
                         else_branch=else_graph),
    ]
    return make(nodes, [f32("x", [2, 3])], [f32("y", [2, 3])], opset=13)


@model
def loop():
    """A Loop node named 'Loop_7': control flow kiln does not import yet."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["v_in", "v_in"], ["v_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         f32("v_in", [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), f32("v_out", [2])])
    nodes = [helper.make_node("Loop", ["trip", "cond", "v"], ["v_final"], name="Loop_7",
                              body=body)]
    inputs = [helper.make_tensor_value_info("trip", TensorProto.INT64, []),
              helper.make_tensor_value_info("cond", TensorProto.BOOL, []), f32("v", [2])]
    return make(nodes, inputs, [f32("v_final", [2])], opset=13)


@model
def unknown_domain():
    """A node from a custom domain, as exporters write for their own ops."""
    nodes = [helper.make_node("Frobnicate", ["x"], ["y"], name="frob_1",
                              domain="com.example")]
    return make(nodes, [f32("x", [2])], [f32("y", [2])], opset=13,
                extra_opsets=[("com.example", 1)], check=False)


@model
def unsupported_op():
    """A default-domain op type that no ONNX version defines."""
    nodes = [helper.make_node("NoSuchOp", ["x"], ["y"], name="mystery")]
    return make(nodes, [f32("x", [2])], [f32("y", [2])], opset=13, check=False)


@model
def rnn_bad_direction():
    """An RNN whose direction is not forward, reverse or bidirectional."""
    w = numpy_helper.from_array(seeded((1, 4, 3)), "w")
    r = numpy_helper.from_array(seeded((1, 4, 4), 1), "r")
    nodes = [helper.make_node("RNN", ["x", "w", "r"], ["y"], name="rnn_1",
                              hidden_size=4, direction="sideways")]
    return make(nodes, [f32("x", [5, 2, 3])], [f32("y", None)], opset=14,
                initializers=[w, r], check=False)


@model
def conv_bad_weight():
    """A Conv whose weight has 2 input channels for a 3-channel input."""
    w = numpy_helper.from_array(seeded((4, 2, 3, 3)), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_1")]
    return make(nodes, [f32("x", [1, 3, 8, 8])], [f32("y", None)], opset=13,
                initializers=[w], check=False)


@model
def affine_grid():
    """AffineGrid (opset 20) with a constant size [2, 3, 5, 7]: grids [2, 5, 7, 2]."""
    size = numpy_helper.from_array(np.array([2, 3, 5, 7], dtype=np.int64), "size")
    nodes = [helper.make_node("AffineGrid", ["theta", "size"], ["grid"], name="grid")]
    return make(nodes, [f32("theta", [2, 2, 3])], [f32("grid", [2, 5, 7, 2])], opset=20,
                initializers=[size])


@model
def declared_wrong():
    """A Relu of a [2, 3] tensor whose output the model declares [3, 2]."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return make(nodes, [f32("x", [2, 3])], [f32("y", [3, 2])], opset=13, check=False)


# Inputs that crashed the importer (or hit undefined behaviour) under
# test/fuzz/kiln-import-fuzzer; fuzz-regressions.test checks each now fails
# cleanly or imports right.

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def i64s(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


@model
def slice_extreme_steps():
    """Slice with steps INT64_MAX, INT64_MIN and -3 (ONNX's "to the end"
    idiom): extents 1, 1 and 4, computed without overflowing."""
    inits = [i64s("starts", [0, 9, 9]), i64s("ends", [10, I64_MIN, I64_MIN]),
             i64s("axes", [0, 1, 2]), i64s("steps", [I64_MAX, I64_MIN, -3])]
    nodes = [helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"],
                              name="slice")]
    return make(nodes, [f32("x", [10, 10, 10])], [f32("y", [1, 1, 4])], opset=13,
                initializers=inits)


def blocksize_zero(op):
    nodes = [helper.make_node(op, ["x"], ["y"], name="block", blocksize=0)]
    return make(nodes, [f32("x", [1, 4, 4, 4])], [f32("y", None)], opset=13, check=False)


@model
def space_to_depth_blocksize_zero():
    """SpaceToDepth with blocksize 0 (was a division by zero)."""
    return blocksize_zero("SpaceToDepth")


@model
def depth_to_space_blocksize_zero():
    """DepthToSpace with blocksize 0 (was a division by zero)."""
    return blocksize_zero("DepthToSpace")


@model
def reshape_overflow():
    """Reshape to [2^62, 97]: the element count overflows int64."""
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")]
    return make(nodes, [f32("x", [2, 3])], [f32("y", None)], opset=13,
                initializers=[i64s("shape", [2**62, 97])], check=False)


@model
def conv_group_zero():
    """Conv with group 0 and dynamic input channels: inference divided by the
    group before the verifier checked it."""
    w = numpy_helper.from_array(seeded((2, 2, 3, 3)), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", group=0)]
    return make(nodes, [f32("x", [1, "C", 5, 5])], [f32("y", None)], opset=13,
                initializers=[w], check=False)


@model
def tile_negative_repeats():
    """Tile with a negative repeat (made a tensor type with a negative size)."""
    nodes = [helper.make_node("Tile", ["x", "repeats"], ["y"], name="tile")]
    return make(nodes, [f32("x", [2, 3])], [f32("y", None)], opset=13,
                initializers=[i64s("repeats", [-1, 2])], check=False)


@model
def resize_nan_scale():
    """Resize with a NaN scale (the size cast was undefined)."""
    scales = numpy_helper.from_array(np.array([1, 1, np.nan, 2], dtype=np.float32),
                                     "scales")
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize")]
    return make(nodes, [f32("x", [1, 1, 4, 4])], [f32("y", None)], opset=13,
                initializers=[scales], check=False)


@model
def range_int64_overflow():
    """Range over all of int64: limit - start overflows, the length stays
    dynamic."""
    inits = [numpy_helper.from_array(np.array(v, dtype=np.int64), n)
             for n, v in (("s", I64_MIN), ("l", I64_MAX), ("d", 1))]
    nodes = [helper.make_node("Range", ["s", "l", "d"], ["y"], name="range")]
    return make(nodes, [], [helper.make_tensor_value_info("y", TensorProto.INT64, None)],
                opset=13, initializers=inits, check=False)


@model
def range_float_huge():
    """A float Range of 1e60 steps: no int64 length."""
    inits = [numpy_helper.from_array(np.array(v, dtype=np.float32), n)
             for n, v in (("s", 0.0), ("l", 1e30), ("d", 1e-30))]
    nodes = [helper.make_node("Range", ["s", "l", "d"], ["y"], name="range")]
    return make(nodes, [], [f32("y", None)], opset=13, initializers=inits, check=False)


@model
def int64_in_int32_data():
    """An INT64 initializer whose values sit in int32_data: each element was
    read as 8 bytes from a 4-byte int32."""
    c = TensorProto(name="c", data_type=TensorProto.INT64, dims=[2], int32_data=[1, 2])
    nodes = [helper.make_node("Identity", ["c"], ["y"], name="id")]
    return make(nodes, [], [helper.make_tensor_value_info("y", TensorProto.INT64, [2])],
                opset=13, initializers=[c], check=False)


@model
def conv_same_zero_stride():
    """Conv with auto_pad SAME_UPPER and strides 0 (a division by zero)."""
    w = numpy_helper.from_array(seeded((1, 1, 3, 3)), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                              auto_pad="SAME_UPPER", strides=[0, 0])]
    return make(nodes, [f32("x", [1, 1, 5, 5])], [f32("y", None)], opset=13,
                initializers=[w], check=False)


@model
def conv_huge_pads():
    """Conv with pads of 2^62: the padded extent overflows int64 and the
    output extent stays unknown."""
    w = numpy_helper.from_array(seeded((1, 1, 3, 3)), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[2**62] * 4)]
    return make(nodes, [f32("x", [1, 1, 5, 5])], [f32("y", None)], opset=13,
                initializers=[w], check=False)


@model
def conv_transpose_short_output_shape():
    """ConvTranspose whose output_shape has one entry for two spatial
    dimensions (read past the end of the list)."""
    w = numpy_helper.from_array(seeded((1, 1, 3, 3)), "w")
    nodes = [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="deconv",
                              output_shape=[5])]
    return make(nodes, [f32("x", [1, 1, 3, 3])], [f32("y", None)], opset=13,
                initializers=[w], check=False)


@model
def onehot_nan_depth():
    """OneHot with a NaN depth (cast to int64)."""
    inits = [numpy_helper.from_array(np.array([np.nan], dtype=np.float32), "depth"),
             numpy_helper.from_array(np.array([0, 1], dtype=np.float32), "values")]
    nodes = [helper.make_node("OneHot", ["i", "depth", "values"], ["y"], name="onehot")]
    return make(nodes, [helper.make_tensor_value_info("i", TensorProto.INT64, [3])],
                [f32("y", None)], opset=11, initializers=inits, check=False)


@model
def pad_negative_extent():
    """Pad that removes more than the dimension holds (made a negative size)."""
    nodes = [helper.make_node("Pad", ["x", "pads"], ["y"], name="pad")]
    return make(nodes, [f32("x", [2, 3])], [f32("y", None)], opset=13,
                initializers=[i64s("pads", [-2, 0, -1, 0])], check=False)


@model
def split_huge_num_outputs():
    """Split (opset 18) with num_outputs 2^40 for a node with 2 outputs: the
    importer built 2^40 sizes."""
    nodes = [helper.make_node("Split", ["x"], ["a", "b"], name="split", num_outputs=2**40)]
    return make(nodes, [f32("x", [6])], [f32("a", None), f32("b", None)], opset=18,
                check=False)


@model
def split_negative_sizes():
    """Split into sizes [-1, 4] of a [3] tensor (made tensor<-1xf32>)."""
    nodes = [helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split")]
    return make(nodes, [f32("x", [3])], [f32("a", None), f32("b", None)], opset=13,
                initializers=[i64s("sizes", [-1, 4])], check=False)


@model
def lstm_huge_hidden_size():
    """LSTM with hidden_size 2^62: 4 * hidden_size overflowed int64."""
    nodes = [helper.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm",
                              hidden_size=2**62)]
    return make(nodes, [f32("x", [2, 1, 3]), f32("w", [1, "G", 3]), f32("r", [1, "G", "H"])],
                [f32("y", None)], opset=14, check=False)


@model
def conv_rank1():
    """Conv of a 1-D input with a 1-D weight: the kernel was taken as the
    weight's dimensions after the first two."""
    w = numpy_helper.from_array(seeded((3,)), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")]
    return make(nodes, [f32("x", [3])], [f32("y", None)], opset=13, initializers=[w],
                check=False)


@model
def maxunpool_negative_output():
    """MaxUnpool whose default output shape, (2 - 1) * 1 + 2 - 3 - 3, is
    negative (made tensor<1x1x-3x-3xf32>)."""
    nodes = [helper.make_node("MaxUnpool", ["x", "i"], ["y"], name="unpool",
                              kernel_shape=[2, 2], pads=[3, 3, 3, 3])]
    return make(nodes, [f32("x", [1, 1, 2, 2]),
                        helper.make_tensor_value_info("i", TensorProto.INT64, [1, 1, 2, 2])],
                [f32("y", None)], opset=11, check=False)


@model
def maxunpool_short_strides():
    """MaxUnpool with one stride for two spatial dimensions (read past the
    end of the list)."""
    nodes = [helper.make_node("MaxUnpool", ["x", "i"], ["y"], name="unpool",
                              kernel_shape=[2, 2], strides=[2])]
    return make(nodes, [f32("x", [1, 1, 2, 2]),
                        helper.make_tensor_value_info("i", TensorProto.INT64, [1, 1, 2, 2])],
                [f32("y", None)], opset=11, check=False)


def nll_ignore_index(target_type, ignore_index):
    nodes = [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="nll",
                              ignore_index=ignore_index)]
    return make(nodes, [f32("x", [2, 3]), helper.make_tensor_value_info("t", target_type, [2])],
                [f32("y", None)], opset=13, check=False)


@model
def nll_ignore_index_max():
    """NegativeLogLikelihoodLoss with ignore_index INT64_MAX (its cast back
    from double to int64 was undefined)."""
    return nll_ignore_index(TensorProto.INT64, I64_MAX)


@model
def nll_ignore_index_wide():
    """ignore_index 2^40 with an int32 target: no entry can match it (it was
    truncated to 0, ignoring class 0)."""
    return nll_ignore_index(TensorProto.INT32, 2**40)


@model
def dequantize_huge_block():
    """Blocked DequantizeLinear with block_size INT64_MAX: one block along
    axis 0 (computing the block count overflowed)."""
    scale = numpy_helper.from_array(np.ones((1, 2), dtype=np.float32), "scale")
    nodes = [helper.make_node("DequantizeLinear", ["x", "scale"], ["y"], name="dq",
                              axis=0, block_size=I64_MAX)]
    return make(nodes, [helper.make_tensor_value_info("x", TensorProto.INT8, [4, 2])],
                [f32("y", None)], opset=21, initializers=[scale], check=False)


@model
def attention_past_key_2d():
    """Attention (opset 23) with a 2-D past_key: its dimension 2 was read
    before anything checked its rank."""
    nodes = [helper.make_node("Attention", ["q", "k", "v", "", "past_key"], ["y"],
                              name="attention")]
    return make(nodes, [f32("q", [1, 1, 2, 4]), f32("k", [1, 1, 2, 4]), f32("v", [1, 1, 2, 4]),
                        f32("past_key", [2, 4])],
                [f32("y", None)], opset=23, check=False)


@model
def concat_overflow():
    """Concat of two [2^62] tensors: the extent 2^63 overflowed int64."""
    nodes = [helper.make_node("Concat", ["a", "b"], ["y"], name="concat", axis=0)]
    return make(nodes, [f32("a", [2**62]), f32("b", [2**62])], [f32("y", None)], opset=13,
                check=False)


@model
def maxpool_huge_dilation():
    """MaxPool with kernel 3 and dilation 2^62: the window extent overflows
    int64, so the output extent stays unknown."""
    nodes = [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
                              dilations=[2**62, 2**62])]
    return make(nodes, [f32("x", [1, 1, 5, 5])], [f32("y", None)], opset=12, check=False)


@model
def gathernd_huge_depth():
    """GatherND whose indices have a last dimension of 2^63 - 1: batch_dims
    plus that depth overflowed."""
    nodes = [helper.make_node("GatherND", ["x", "i"], ["y"], name="gather")]
    return make(nodes, [f32("x", [2, 3]),
                        helper.make_tensor_value_info("i", TensorProto.INT64, [I64_MAX])],
                [f32("y", None)], opset=13, check=False)


@model
def tfidf_negative_index():
    """TfIdfVectorizer with ngram_indexes [-5]: an output width of -4."""
    nodes = [helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfidf", mode="TF",
                              min_gram_length=1, max_gram_length=1, max_skip_count=0,
                              ngram_counts=[0], ngram_indexes=[-5], pool_int64s=[7])]
    return make(nodes, [helper.make_tensor_value_info("x", TensorProto.INT64, [4])],
                [f32("y", None)], opset=9, check=False)


@model
def reshape_huge_count():
    """Reshape to [-1] of a ConstantOfShape [2^62, 4]: its element count
    wrapped around to 0 (so -1 became 0)."""
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["c"], name="fill"),
             helper.make_node("Reshape", ["c", "flat"], ["y"], name="reshape")]
    return make(nodes, [], [f32("y", None)], opset=13,
                initializers=[i64s("shape", [2**62, 4]), i64s("flat", [-1])], check=False)


@model
def huge_graph_input():
    """A graph input of [2^63 - 1, 6, 24] elements: more than int64 counts."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return make(nodes, [f32("x", [I64_MAX, 6, 24])], [f32("y", None)], opset=13,
                check=False)


@model
def dft_irfft_overflow():
    """Inverse one-sided DFT (opset 20) over 2^62 + 2 frequencies: the
    default length 2 * (n - 1) overflowed."""
    nodes = [helper.make_node("DFT", ["x"], ["y"], name="dft", inverse=1, onesided=1)]
    return make(nodes, [f32("x", [1, 2**62 + 2, 1])], [f32("y", None)], opset=20,
                check=False)


@model
def constant_of_shape_huge_rank():
    """ConstantOfShape of a run-time shape with 2^31 entries: a result of
    rank 2^31, whose shape alone took 16 GB."""
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["y"], name="fill")]
    return make(nodes, [helper.make_tensor_value_info("shape", TensorProto.INT64, [2**31])],
                [f32("y", None)], opset=13, check=False)


def empty_conv_batchnorm(op, weight_shape):
    w = numpy_helper.from_array(np.zeros(weight_shape, dtype=np.float32), "w")
    params = [numpy_helper.from_array(np.zeros([0], dtype=np.float32), name)
              for name in ("scale", "bias", "mean", "var")]
    nodes = [helper.make_node(op, ["x", "w"], ["c"], name="conv"),
             helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"],
                              ["y"], name="bn")]
    return make(nodes, [f32("x", [1, weight_shape[0] if op == "ConvTranspose" else 1, 4, 4])],
                [f32("y", None)], opset=15, initializers=[w] + params, check=False)


@model
def conv_batchnorm_no_channels():
    """A Conv with 0 output channels into a BatchNormalization: folding the
    batch norm divided the weight size by the channel count 0."""
    return empty_conv_batchnorm("Conv", [0, 1, 3, 3])


@model
def conv_transpose_batchnorm_no_channels():
    """The same for a ConvTranspose with 0 output channels."""
    return empty_conv_batchnorm("ConvTranspose", [1, 0, 3, 3])


@model
def slice_empty_reverse():
    """A reversed Slice of the empty shape of a scalar: folding it clamped
    the start into [0, -1]."""
    inits = [i64s("starts", [-1]), i64s("ends", [I64_MIN]), i64s("axes", [0]),
             i64s("steps", [-1])]
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Slice", ["s", "starts", "ends", "axes", "steps"], ["y"],
                              name="slice")]
    return make(nodes, [f32("x", [])],
                [helper.make_tensor_value_info("y", TensorProto.INT64, [0])], opset=13,
                initializers=inits)


@model
def squeeze_too_many_axes():
    """Squeeze of a [2, 3] tensor by 5 run-time axes (the result silently
    became 0-d)."""
    nodes = [helper.make_node("Squeeze", ["x", "axes"], ["y"], name="squeeze")]
    return make(nodes, [f32("x", [2, 3]),
                        helper.make_tensor_value_info("axes", TensorProto.INT64, [5])],
                [f32("y", None)], opset=13, check=False)


@model
def random_negative_shape():
    """RandomNormal with shape [-2] (made tensor<-2xf32>)."""
    nodes = [helper.make_node("RandomNormal", [], ["y"], name="random", shape=[-2])]
    return make(nodes, [], [f32("y", None)], opset=13, check=False)


def attention_softcap(mode):
    nodes = [helper.make_node("Attention", ["q", "k", "v", "mask"], ["y", "", "", "qk"],
                              name="attention", softcap=2.0, qk_matmul_output_mode=mode)]
    return make(nodes, [f32("q", [1, 2, 3, 4]), f32("k", [1, 2, 5, 4]), f32("v", [1, 2, 5, 4]),
                        f32("mask", [3, 5])],
                [f32("y", [1, 2, 3, 4]), f32("qk", [1, 2, 3, 5])], opset=23, ir_version=10)


@model
def attention_softcap_mode1():
    """Attention with softcap and a float mask; qk_matmul_output is the
    softcapped scores before the mask is added."""
    return attention_softcap(1)


@model
def attention_softcap_mode2():
    """... and with qk_matmul_output_mode 2, after the mask is added."""
    return attention_softcap(2)


@model
def batchnorm_training():
    """Training-mode BatchNormalization (opset 15) on [2, 3, 4]: Y and the
    running mean and variance."""
    nodes = [helper.make_node("BatchNormalization", ["x", "s", "b", "mean", "var"],
                              ["y", "running_mean", "running_var"], name="bn",
                              training_mode=1, momentum=0.75, epsilon=0.01)]
    return make(nodes, [f32("x", [2, 3, 4]), f32("s", [3]), f32("b", [3]), f32("mean", [3]),
                        f32("var", [3])],
                [f32("y", [2, 3, 4]), f32("running_mean", [3]), f32("running_var", [3])],
                opset=15)


def write_truncated(path):
    """large_initializer cut in the middle of its weight: protobuf cannot parse it."""
    data = large_initializer().SerializeToString()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])


def write_external(path, location=None):
    """large_initializer with its weight in a file beside the model.

    `location` overrides the file name recorded in the model (to point it
    outside the model's folder, say)."""
    m = large_initializer()
    data_name = os.path.basename(path) + ".data"
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_name, size_threshold=256)
    if location is not None:
        m = onnx.load(path, load_external_data=False)
        for tensor in m.graph.initializer:
            for entry in tensor.external_data:
                if entry.key == "location":
                    entry.value = location
        onnx.save(m, path)


WRITERS = {
    "truncated": write_truncated,
    "external_data": write_external,
    "external_data_outside": lambda path: write_external(path, "../outside.bin"),
    "external_data_missing": lambda path: write_external(path, "missing.bin"),
}


def main(argv):
    if len(argv) != 3 or (argv[1] not in MODELS and argv[1] not in WRITERS):
        names = ", ".join(sorted(list(MODELS) + list(WRITERS)))
        sys.exit(f"usage: {argv[0]} NAME OUT.onnx\nNAME is one of: {names}")
    name, path = argv[1], argv[2]
    if name in WRITERS:
        WRITERS[name](path)
    else:
        onnx.save(MODELS[name](), path)


if __name__ == "__main__":
    main(sys.argv)
