#!/usr/bin/env python3
"""Writes a zoo of real-architecture ONNX models for kiln's tests and benchmarks.

    make_zoo.py OUT_DIR [--size small|full] [--only NAME ...] [--list] [--check]

Each model is built with onnx.helper from seeded numpy weights, so that every
run writes the same bytes, and is laid out the way a real exporter writes it:
torch.onnx.export (node names like /layer1/layer1.0/conv1/Conv, Constant
nodes for scalars, Shape->Gather->Unsqueeze->Concat chains for dynamic
reshapes, decomposed LayerNorm and GELU), tf2onnx (NHWC input and a leading
Transpose, unk__ dim_params, MatMul+Add dense layers) or paddle2onnx
(p2o.* names, Reshape shapes with 0 and -1).

--size small (the default) gives the models kiln's lit tests import: the real
graph structure with few channels, few layers and small inputs, each file
well under 2 MB. --size full gives the real sizes (ResNet-50, BERT-base, ...)
for benchmarks; a model over 100 MiB (VGG16, BERT-base; not ResNet-50, at
98 MiB) keeps its weights next to it in OUT_DIR/<name>.onnx.data (ONNX
external data). None is near the 2 GB protobuf limit.

Every model passes onnx.checker.check_model. --check also runs each written
model through onnxruntime on random inputs (dynamic dimensions get the sizes
its builder gives them: batch 2, sequence 16, ...) and prints the output
shapes, checking them against the declared ones.
"""

import argparse
import collections
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# IR version each opset came out with, as the exporter of the day wrote it.
IR_VERSION = {9: 4, 10: 5, 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8}
EXTERNAL_DATA_THRESHOLD = 100 * 1024 * 1024

FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64


class Builder:
    """Collects the nodes, initializers and graph inputs/outputs of one model.

    style 'torch' names nodes /scope/Op and their outputs /scope/Op_output_0
    (torch >= 1.13); 'tf2onnx' names them scope/Op (and scope/Op:0);
    'paddle' names them p2o.Op.N.
    """

    def __init__(self, name, opset, style="torch"):
        self.name = name
        self.opset = opset
        self.style = style
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self.outputs = []
        self.seen = collections.Counter()
        # Sizes for the dynamic input dimensions when --check runs the model,
        # and the exclusive upper bound of integer inputs.
        self.dims = {}
        self.int_high = {}

    # -- naming ------------------------------------------------------------

    def _unique(self, base):
        n = self.seen[base]
        self.seen[base] += 1
        return base if n == 0 else f"{base}_{n}"

    def _names(self, scope, op_type, n_out):
        if self.style == "paddle":
            name = f"p2o.{op_type}.{self.seen[op_type]}"
            self.seen[op_type] += 1
            return name, [f"{name}.tmp_{i}" for i in range(n_out)]
        if self.style == "tf2onnx":
            name = self._unique(f"{scope}/{op_type}" if scope else op_type)
            return name, [f"{name}:{i}" for i in range(n_out)]
        name = self._unique(f"{scope}/{op_type}")
        return name, [f"{name}_output_{i}" for i in range(n_out)]

    # -- graph pieces --------------------------------------------------------

    def op(self, op_type, inputs, scope="", n_out=1, **attrs):
        name, outs = self._names(scope, op_type, n_out)
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, name=name, **attrs))
        return outs[0] if n_out == 1 else outs

    def constant(self, value, dtype, scope=""):
        """A Constant node, as torch writes scalars and small shape vectors."""
        return self.op("Constant", [], scope,
                       value=numpy_helper.from_array(np.asarray(value, dtype=dtype)))

    def ic(self, value, scope=""):
        return self.constant(value, np.int64, scope)

    def fc(self, value, scope=""):
        return self.constant(value, np.float32, scope)

    def param(self, name, array):
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def randn(self, name, shape, std):
        return self.param(name, self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std))

    def uniform(self, name, shape, lo, hi):
        return self.param(name, self.rng.uniform(lo, hi, shape).astype(np.float32))

    def input(self, name, elem_type, shape, **dims):
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, shape))
        self.dims.update(dims)
        return name

    def output(self, value, name, elem_type, shape):
        """Renames the node output `value` to the graph output `name`."""
        for node in self.nodes:
            for i, out in enumerate(node.output):
                if out == value:
                    node.output[i] = name
            for i, inp in enumerate(node.input):
                if inp == value:
                    node.input[i] = name
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, shape))

    # The Builder of the model built last, whose dims --check uses.
    last = None

    def build(self, producer=("pytorch", "2.1.0"), initializers_as_inputs=False):
        Builder.last = self
        inputs = list(self.inputs)
        if initializers_as_inputs:
            for init in self.initializers:
                inputs.append(helper.make_tensor_value_info(init.name, init.data_type,
                                                            list(init.dims)))
        graph = helper.make_graph(self.nodes, self.name.replace("-", "_"), inputs,
                                  self.outputs, initializer=self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)],
                                  producer_name=producer[0], producer_version=producer[1])
        model.ir_version = IR_VERSION[self.opset]
        return model

    # -- ops whose form depends on the opset ---------------------------------

    def unsqueeze(self, x, axes, scope=""):
        if self.opset < 13:
            return self.op("Unsqueeze", [x], scope, axes=axes)
        return self.op("Unsqueeze", [x, self.ic(axes, scope)], scope)

    def split(self, x, split, axis, scope=""):
        if self.opset < 13:
            return self.op("Split", [x], scope, n_out=len(split), axis=axis, split=split)
        return self.op("Split", [x, self.ic(split, scope)], scope, n_out=len(split), axis=axis)

    def clip(self, x, lo, hi, scope=""):
        if self.opset < 11:
            return self.op("Clip", [x], scope, min=lo, max=hi)
        return self.op("Clip", [x, self.fc(lo, scope), self.fc(hi, scope)], scope)

    def reduce_mean(self, x, axes, keepdims, scope=""):
        assert self.opset < 18
        return self.op("ReduceMean", [x], scope, axes=axes, keepdims=keepdims)

    # -- layers --------------------------------------------------------------

    def conv(self, x, scope, wname, cin, cout, k, stride=1, pad=None, group=1, bias=False,
             dilation=1):
        kh, kw = (k, k) if isinstance(k, int) else k
        if pad is None:
            pad = ((kh - 1) // 2 * dilation, (kw - 1) // 2 * dilation)
        ph, pw = (pad, pad) if isinstance(pad, int) else pad
        fan_in = cin // group * kh * kw
        inputs = [x, self.randn(f"{wname}.weight", (cout, cin // group, kh, kw),
                                np.sqrt(2.0 / fan_in))]
        if bias:
            inputs.append(self.randn(f"{wname}.bias", (cout,), 0.01))
        return self.op("Conv", inputs, scope, dilations=[dilation, dilation], group=group,
                       kernel_shape=[kh, kw], pads=[ph, pw, ph, pw], strides=[stride, stride])

    def bn(self, x, scope, wname, c):
        return self.op("BatchNormalization",
                       [x, self.uniform(f"{wname}.weight", (c,), 0.5, 1.0),
                        self.randn(f"{wname}.bias", (c,), 0.05),
                        self.randn(f"{wname}.running_mean", (c,), 0.05),
                        self.uniform(f"{wname}.running_var", (c,), 0.8, 1.5)],
                       scope, epsilon=1e-5, momentum=0.9)

    def relu(self, x, scope):
        return self.op("Relu", [x], scope)

    def maxpool(self, x, scope, k, stride, pad=0, ceil_mode=0):
        # ceil_mode exists from opset 10 on.
        attrs = {"ceil_mode": ceil_mode} if self.opset >= 10 else {}
        assert ceil_mode == 0 or self.opset >= 10
        return self.op("MaxPool", [x], scope, kernel_shape=[k, k], pads=[pad] * 4,
                       strides=[stride, stride], **attrs)

    def avgpool(self, x, scope, k, stride, pad=0, count_include_pad=None):
        attrs = {"ceil_mode": 0} if self.opset >= 10 else {}
        if count_include_pad is not None:
            attrs["count_include_pad"] = count_include_pad
        return self.op("AveragePool", [x], scope, kernel_shape=[k, k],
                       pads=[pad] * 4, strides=[stride, stride], **attrs)

    def gemm(self, x, scope, wname, cin, cout):
        return self.op("Gemm", [x, self.randn(f"{wname}.weight", (cout, cin), np.sqrt(1.0 / cin)),
                                self.randn(f"{wname}.bias", (cout,), 0.01)],
                       scope, alpha=1.0, beta=1.0, transB=1)

    def linear3d(self, x, scope, wname, cin, cout):
        """nn.Linear on a 3-D input: MatMul by the transposed weight, then Add(bias, .)."""
        w = self.randn(self._unique(f"onnx::MatMul_{wname}"), (cin, cout), np.sqrt(1.0 / cin))
        mm = self.op("MatMul", [x, w], scope)
        return self.op("Add", [self.randn(f"{wname}.bias", (cout,), 0.01), mm], scope)

    def layer_norm(self, x, scope, wname, dim, eps):
        gamma = self.uniform(f"{wname}.weight", (dim,), 0.8, 1.2)
        beta = self.randn(f"{wname}.bias", (dim,), 0.02)
        if self.opset >= 17:
            return self.op("LayerNormalization", [x, gamma, beta], scope, axis=-1, epsilon=eps)
        # torch < 17: mean, centre, variance, normalize, scale, shift.
        mean = self.reduce_mean(x, [-1], 1, scope)
        d = self.op("Sub", [x, mean], scope)
        p = self.op("Pow", [d, self.fc(2.0, scope)], scope)
        var = self.reduce_mean(p, [-1], 1, scope)
        a = self.op("Add", [var, self.fc(eps, scope)], scope)
        s = self.op("Sqrt", [a], scope)
        n = self.op("Div", [d, s], scope)
        m = self.op("Mul", [n, gamma], scope)
        return self.op("Add", [m, beta], scope)

    def gelu(self, x, scope):
        """x * 0.5 * (1 + erf(x / sqrt(2))), as torch < 20 writes F.gelu."""
        d = self.op("Div", [x, self.fc(1.4142135381698608, scope)], scope)
        e = self.op("Erf", [d], scope)
        a = self.op("Add", [e, self.fc(1.0, scope)], scope)
        m = self.op("Mul", [x, a], scope)
        return self.op("Mul", [m, self.fc(0.5, scope)], scope)

    def dim(self, x, index, scope):
        """x.size(index) as torch exports it: Shape -> Gather(scalar index)."""
        shape = self.op("Shape", [x], scope)
        return self.op("Gather", [shape, self.ic(index, scope)], scope, axis=0)


MODELS = {}


def register(name, doc):
    def wrap(fn):
        MODELS[name] = (fn, doc)
        return fn
    return wrap


def variant(name, doc, fn, **kwargs):
    MODELS[name] = (lambda size: fn(size, name=name, **kwargs), doc)


# ---------------------------------------------------------------------------
# Small classic models
# ---------------------------------------------------------------------------

@register("mlp", "3-layer perceptron, Gemm(transB)+Relu, opset 13, input [batch, 784]")
def mlp(size):
    hidden = [512, 512] if size == "full" else [64, 32]
    b = Builder("mlp", 13)
    x = b.input("input", FLOAT, ["batch", 784], batch=2)
    cin = 784
    for i, h in enumerate(hidden):
        x = b.relu(b.gemm(x, f"/fc{i + 1}", f"fc{i + 1}", cin, h), f"/relu{i + 1}")
        cin = h
    y = b.gemm(x, f"/fc{len(hidden) + 1}", f"fc{len(hidden) + 1}", cin, 10)
    b.output(y, "output", FLOAT, ["batch", 10])
    return b.build()


@register("lenet", "LeNet-5, Conv/Relu/MaxPool/Flatten/Gemm, opset 9, IR 4 with the "
          "initializers also listed as graph inputs (torch 1.x), input [1, 1, 28, 28]")
def lenet(size):
    c1, c2 = (6, 16) if size == "full" else (4, 8)
    b = Builder("lenet", 9)
    x = b.input("input", FLOAT, [1, 1, 28, 28])
    x = b.relu(b.conv(x, "/conv1", "conv1", 1, c1, 5, pad=2, bias=True), "/relu1")
    x = b.maxpool(x, "/pool1", 2, 2)
    x = b.relu(b.conv(x, "/conv2", "conv2", c1, c2, 5, pad=0, bias=True), "/relu2")
    x = b.maxpool(x, "/pool2", 2, 2)
    x = b.op("Flatten", [x], "/flatten", axis=1)
    x = b.relu(b.gemm(x, "/fc1", "fc1", c2 * 25, 120), "/relu3")
    x = b.relu(b.gemm(x, "/fc2", "fc2", 120, 84), "/relu4")
    y = b.gemm(x, "/fc3", "fc3", 84, 10)
    b.output(y, "output", FLOAT, [1, 10])
    return b.build(producer=("pytorch", "1.2"), initializers_as_inputs=True)


# ---------------------------------------------------------------------------
# ResNet (torchvision layout)
# ---------------------------------------------------------------------------

def resnet(size, name, depth, opset):
    full = size == "full"
    hw = 224 if full else 64
    widths = [64, 128, 256, 512] if full else [8, 16, 32, 64]
    if depth == 18:
        blocks, expansion = [2, 2, 2, 2], 1
    else:
        blocks, expansion = ([3, 4, 6, 3] if full else [2, 2, 2, 2]), 4
    classes = 1000 if full else 10
    b = Builder(name, opset)
    if opset == 11:
        x = b.input("input", FLOAT, ["batch", 3, hw, hw], batch=2)
        batch = "batch"
    else:
        x = b.input("input", FLOAT, [1, 3, hw, hw])
        batch = 1

    stem = widths[0]
    x = b.conv(x, "/conv1", "conv1", 3, stem, 7, stride=2, pad=3)
    x = b.relu(b.bn(x, "/bn1", "bn1", stem), "/relu")
    x = b.maxpool(x, "/maxpool", 3, 2, pad=1)
    cin = stem
    for li, (width, n) in enumerate(zip(widths, blocks)):
        for bi in range(n):
            stride = 2 if bi == 0 and li > 0 else 1
            s = f"/layer{li + 1}/layer{li + 1}.{bi}"
            w = f"layer{li + 1}.{bi}"
            cout = width * expansion
            identity = x
            if depth == 18:
                y = b.conv(x, f"{s}/conv1", f"{w}.conv1", cin, width, 3, stride=stride)
                y = b.relu(b.bn(y, f"{s}/bn1", f"{w}.bn1", width), f"{s}/relu")
                y = b.conv(y, f"{s}/conv2", f"{w}.conv2", width, width, 3)
                y = b.bn(y, f"{s}/bn2", f"{w}.bn2", width)
            else:
                y = b.conv(x, f"{s}/conv1", f"{w}.conv1", cin, width, 1)
                y = b.relu(b.bn(y, f"{s}/bn1", f"{w}.bn1", width), f"{s}/relu")
                y = b.conv(y, f"{s}/conv2", f"{w}.conv2", width, width, 3, stride=stride)
                y = b.relu(b.bn(y, f"{s}/bn2", f"{w}.bn2", width), f"{s}/relu_1")
                y = b.conv(y, f"{s}/conv3", f"{w}.conv3", width, cout, 1)
                y = b.bn(y, f"{s}/bn3", f"{w}.bn3", cout)
            if stride != 1 or cin != cout:
                identity = b.conv(x, f"{s}/downsample/downsample.0", f"{w}.downsample.0",
                                  cin, cout, 1, stride=stride)
                identity = b.bn(identity, f"{s}/downsample/downsample.1",
                                f"{w}.downsample.1", cout)
            x = b.op("Add", [y, identity], s)
            x = b.relu(x, s + "/relu" + ("_1" if depth == 18 else "_2"))
            cin = cout
    x = b.op("GlobalAveragePool", [x], "/avgpool")
    x = b.op("Flatten", [x], "", axis=1)
    y = b.gemm(x, "/fc", "fc", cin, classes)
    b.output(y, "output", FLOAT, [batch, classes])
    return b.build(producer=("pytorch", "1.8.0" if opset == 11 else "2.1.0"))


_RESNET_DOC = ("torchvision ResNet-{d}: Conv+BatchNormalization+Relu, residual Add, MaxPool, "
               "GlobalAveragePool, Flatten, Gemm; opset {o}, input {i}")
for _d in (18, 50):
    variant(f"resnet{_d}_opset11",
            _RESNET_DOC.format(d=_d, o=11, i="[batch, 3, 64, 64] (full: 224)"),
            resnet, depth=_d, opset=11)
    variant(f"resnet{_d}_opset17",
            _RESNET_DOC.format(d=_d, o=17, i="[1, 3, 64, 64] (full: 224)"),
            resnet, depth=_d, opset=17)


# ---------------------------------------------------------------------------
# MobileNetV2 (torchvision layout)
# ---------------------------------------------------------------------------

def mobilenetv2(size, name, opset):
    full = size == "full"
    hw = 224 if full else 64
    if full:
        settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                    [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
        first, last, classes = 32, 1280, 1000
    else:
        settings = [[1, 8, 1, 1], [6, 8, 2, 2], [6, 16, 2, 2], [4, 24, 2, 2], [4, 32, 1, 1]]
        first, last, classes = 8, 64, 10
    b = Builder(name, opset)
    x = b.input("input", FLOAT, ["batch", 3, hw, hw], batch=2)

    def conv_bn(x, idx, cin, cout, k, stride=1, group=1, act=True):
        s, w = f"/features/features.{idx}", f"features.{idx}"
        x = b.conv(x, f"{s}/features.{idx}.0", f"{w}.0", cin, cout, k, stride=stride, group=group)
        x = b.bn(x, f"{s}/features.{idx}.1", f"{w}.1", cout)
        return b.clip(x, 0.0, 6.0, f"{s}/features.{idx}.2") if act else x

    x = conv_bn(x, 0, 3, first, 3, stride=2)
    cin, idx = first, 1
    for t, c, n, s in settings:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            sc, wc = f"/features/features.{idx}/conv", f"features.{idx}.conv"
            y = x
            layer = 0
            if t != 1:
                y = b.conv(y, f"{sc}/conv.0/conv.0.0", f"{wc}.0.0", cin, hidden, 1)
                y = b.bn(y, f"{sc}/conv.0/conv.0.1", f"{wc}.0.1", hidden)
                y = b.clip(y, 0.0, 6.0, f"{sc}/conv.0/conv.0.2")
                layer = 1
            y = b.conv(y, f"{sc}/conv.{layer}/conv.{layer}.0", f"{wc}.{layer}.0", hidden, hidden,
                       3, stride=stride, group=hidden)
            y = b.bn(y, f"{sc}/conv.{layer}/conv.{layer}.1", f"{wc}.{layer}.1", hidden)
            y = b.clip(y, 0.0, 6.0, f"{sc}/conv.{layer}/conv.{layer}.2")
            y = b.conv(y, f"{sc}/conv.{layer + 1}", f"{wc}.{layer + 1}", hidden, c, 1)
            y = b.bn(y, f"{sc}/conv.{layer + 2}", f"{wc}.{layer + 2}", c)
            if stride == 1 and cin == c:
                y = b.op("Add", [x, y], f"/features/features.{idx}")
            x, cin, idx = y, c, idx + 1
    x = conv_bn(x, idx, cin, last, 1)
    if opset >= 11:
        # torchvision >= 0.8: adaptive_avg_pool2d + flatten.
        x = b.op("GlobalAveragePool", [x], "")
        x = b.op("Flatten", [x], "", axis=1)
    else:
        # torchvision 0.3: x.mean([2, 3]).
        x = b.reduce_mean(x, [2, 3], 0, "")
    y = b.gemm(x, "/classifier/classifier.1", "classifier.1", last, classes)
    b.output(y, "output", FLOAT, ["batch", classes])
    return b.build(producer=("pytorch", "1.1" if opset < 11 else "1.8.0"))


variant("mobilenetv2_opset11", "torchvision MobileNetV2: depthwise Conv (group=C), ReLU6 as "
        "opset-11 Clip(x, min, max) with Constant inputs, inverted residual Add; input "
        "[batch, 3, 64, 64] (full: 224)", mobilenetv2, opset=11)
variant("mobilenetv2_opset9", "MobileNetV2 at opset 9: Clip with min/max attributes (opset 6 "
        "form), ReduceMean over H, W instead of GlobalAveragePool+Flatten", mobilenetv2,
        opset=9)


# ---------------------------------------------------------------------------
# DenseNet, Inception, ShuffleNet, SqueezeNet, VGG
# ---------------------------------------------------------------------------

@register("densenet", "torchvision DenseNet-121 layout: pre-activation BN/Relu/Conv dense layers, "
          "Concat of all earlier features, AveragePool transitions; opset 13, input "
          "[batch, 3, 64, 64] (full: 224)")
def densenet(size):
    full = size == "full"
    hw = 224 if full else 64
    growth, bn_size, init = (32, 4, 64) if full else (8, 2, 16)
    config = (6, 12, 24, 16) if full else (3, 3)
    classes = 1000 if full else 10
    b = Builder("densenet", 13)
    x = b.input("input", FLOAT, ["batch", 3, hw, hw], batch=2)
    x = b.conv(x, "/features/conv0", "features.conv0", 3, init, 7, stride=2, pad=3)
    x = b.relu(b.bn(x, "/features/norm0", "features.norm0", init), "/features/relu0")
    x = b.maxpool(x, "/features/pool0", 3, 2, pad=1)
    c = init
    for bi, n in enumerate(config):
        feats = [x]
        for li in range(n):
            s = f"/features/denseblock{bi + 1}/denselayer{li + 1}"
            w = f"features.denseblock{bi + 1}.denselayer{li + 1}"
            cat = feats[0] if len(feats) == 1 else b.op("Concat", feats, s, axis=1)
            cin = c + li * growth
            y = b.relu(b.bn(cat, f"{s}/norm1", f"{w}.norm1", cin), f"{s}/relu1")
            y = b.conv(y, f"{s}/conv1", f"{w}.conv1", cin, bn_size * growth, 1)
            y = b.relu(b.bn(y, f"{s}/norm2", f"{w}.norm2", bn_size * growth), f"{s}/relu2")
            y = b.conv(y, f"{s}/conv2", f"{w}.conv2", bn_size * growth, growth, 3)
            feats.append(y)
        x = b.op("Concat", feats, f"/features/denseblock{bi + 1}", axis=1)
        c = c + n * growth
        if bi != len(config) - 1:
            s, w = f"/features/transition{bi + 1}", f"features.transition{bi + 1}"
            x = b.relu(b.bn(x, f"{s}/norm", f"{w}.norm", c), f"{s}/relu")
            x = b.conv(x, f"{s}/conv", f"{w}.conv", c, c // 2, 1)
            x = b.avgpool(x, f"{s}/pool", 2, 2)
            c //= 2
    x = b.bn(x, "/features/norm5", "features.norm5", c)
    x = b.relu(x, "")
    x = b.op("GlobalAveragePool", [x], "")
    x = b.op("Flatten", [x], "", axis=1)
    y = b.gemm(x, "/classifier", "classifier", c, classes)
    b.output(y, "output", FLOAT, ["batch", classes])
    return b.build(producer=("pytorch", "1.13.1"))


@register("inception", "torchvision Inception-v3 layout (no aux head): stem, InceptionA "
          "(AveragePool k3 s1 pads 1 count_include_pad=1 branch), B (stride-2 reduction), C "
          "(1x7/7x1 asymmetric convs), D, E (branches that split into 1x3 and 3x1), Concat; "
          "opset 12, input [batch, 3, 75, 75] (full: 299, 3+4+2 blocks)")
def inception(size):
    full = size == "full"
    hw = 299 if full else 75
    div = 1 if full else 8
    classes = 1000 if full else 10
    b = Builder("inception", 12)

    def ch(c):
        return max(4, c // div)

    def basic(x, scope, cin, cout, k, stride=1, pad=0):
        w = scope.strip("/").replace("/", ".")
        kh, kw = (k, k) if isinstance(k, int) else k
        ph, pw = (pad, pad) if isinstance(pad, int) else pad
        x = b.conv(x, f"{scope}/conv", f"{w}.conv", ch(cin), ch(cout), (kh, kw), stride=stride,
                   pad=(ph, pw))
        x = b.bn(x, f"{scope}/bn", f"{w}.bn", ch(cout))
        return b.relu(x, scope)

    def block_a(x, s, cin, pool):
        b1 = basic(x, f"{s}/branch1x1", cin, 64, 1)
        b5 = basic(x, f"{s}/branch5x5_1", cin, 48, 1)
        b5 = basic(b5, f"{s}/branch5x5_2", 48, 64, 5, pad=2)
        b3 = basic(x, f"{s}/branch3x3dbl_1", cin, 64, 1)
        b3 = basic(b3, f"{s}/branch3x3dbl_2", 64, 96, 3, pad=1)
        b3 = basic(b3, f"{s}/branch3x3dbl_3", 96, 96, 3, pad=1)
        bp = b.avgpool(x, s, 3, 1, pad=1, count_include_pad=1)
        bp = basic(bp, f"{s}/branch_pool", cin, pool, 1)
        return b.op("Concat", [b1, b5, b3, bp], s, axis=1), ch(64) + ch(64) + ch(96) + ch(pool)

    def block_b(x, s, cin):
        b3 = basic(x, f"{s}/branch3x3", cin, 384, 3, stride=2)
        bd = basic(x, f"{s}/branch3x3dbl_1", cin, 64, 1)
        bd = basic(bd, f"{s}/branch3x3dbl_2", 64, 96, 3, pad=1)
        bd = basic(bd, f"{s}/branch3x3dbl_3", 96, 96, 3, stride=2)
        bp = b.maxpool(x, s, 3, 2)
        return b.op("Concat", [b3, bd, bp], s, axis=1), ch(384) + ch(96) + ch(cin)

    def block_c(x, s, cin, c7):
        b1 = basic(x, f"{s}/branch1x1", cin, 192, 1)
        b7 = basic(x, f"{s}/branch7x7_1", cin, c7, 1)
        b7 = basic(b7, f"{s}/branch7x7_2", c7, c7, (1, 7), pad=(0, 3))
        b7 = basic(b7, f"{s}/branch7x7_3", c7, 192, (7, 1), pad=(3, 0))
        bd = basic(x, f"{s}/branch7x7dbl_1", cin, c7, 1)
        bd = basic(bd, f"{s}/branch7x7dbl_2", c7, c7, (7, 1), pad=(3, 0))
        bd = basic(bd, f"{s}/branch7x7dbl_3", c7, c7, (1, 7), pad=(0, 3))
        bd = basic(bd, f"{s}/branch7x7dbl_4", c7, c7, (7, 1), pad=(3, 0))
        bd = basic(bd, f"{s}/branch7x7dbl_5", c7, 192, (1, 7), pad=(0, 3))
        bp = b.avgpool(x, s, 3, 1, pad=1, count_include_pad=1)
        bp = basic(bp, f"{s}/branch_pool", cin, 192, 1)
        return b.op("Concat", [b1, b7, bd, bp], s, axis=1), 4 * ch(192)

    def block_d(x, s, cin):
        b3 = basic(x, f"{s}/branch3x3_1", cin, 192, 1)
        b3 = basic(b3, f"{s}/branch3x3_2", 192, 320, 3, stride=2)
        b7 = basic(x, f"{s}/branch7x7x3_1", cin, 192, 1)
        b7 = basic(b7, f"{s}/branch7x7x3_2", 192, 192, (1, 7), pad=(0, 3))
        b7 = basic(b7, f"{s}/branch7x7x3_3", 192, 192, (7, 1), pad=(3, 0))
        b7 = basic(b7, f"{s}/branch7x7x3_4", 192, 192, 3, stride=2)
        bp = b.maxpool(x, s, 3, 2)
        return b.op("Concat", [b3, b7, bp], s, axis=1), ch(320) + ch(192) + ch(cin)

    def block_e(x, s, cin):
        b1 = basic(x, f"{s}/branch1x1", cin, 320, 1)
        b3 = basic(x, f"{s}/branch3x3_1", cin, 384, 1)
        b3 = b.op("Concat", [basic(b3, f"{s}/branch3x3_2a", 384, 384, (1, 3), pad=(0, 1)),
                             basic(b3, f"{s}/branch3x3_2b", 384, 384, (3, 1), pad=(1, 0))],
                  s, axis=1)
        bd = basic(x, f"{s}/branch3x3dbl_1", cin, 448, 1)
        bd = basic(bd, f"{s}/branch3x3dbl_2", 448, 384, 3, pad=1)
        bd = b.op("Concat", [basic(bd, f"{s}/branch3x3dbl_3a", 384, 384, (1, 3), pad=(0, 1)),
                             basic(bd, f"{s}/branch3x3dbl_3b", 384, 384, (3, 1), pad=(1, 0))],
                  s, axis=1)
        bp = b.avgpool(x, s, 3, 1, pad=1, count_include_pad=1)
        bp = basic(bp, f"{s}/branch_pool", cin, 192, 1)
        return (b.op("Concat", [b1, b3, bd, bp], s, axis=1),
                ch(320) + 2 * ch(384) + 2 * ch(384) + ch(192))

    x = b.input("input", FLOAT, ["batch", 3, hw, hw], batch=2)
    # The first conv takes the 3 image channels whatever the width divisor.
    x = b.conv(x, "/Conv2d_1a_3x3/conv", "Conv2d_1a_3x3.conv", 3, ch(32), 3, stride=2, pad=0)
    x = b.relu(b.bn(x, "/Conv2d_1a_3x3/bn", "Conv2d_1a_3x3.bn", ch(32)), "/Conv2d_1a_3x3")
    x = basic(x, "/Conv2d_2a_3x3", 32, 32, 3)
    x = basic(x, "/Conv2d_2b_3x3", 32, 64, 3, pad=1)
    x = b.maxpool(x, "/maxpool1", 3, 2)
    x = basic(x, "/Conv2d_3b_1x1", 64, 80, 1)
    x = basic(x, "/Conv2d_4a_3x3", 80, 192, 3)
    x = b.maxpool(x, "/maxpool2", 3, 2)
    c = ch(192)
    a_pools = [32, 64, 64] if full else [32]
    for i, pool in enumerate(a_pools):
        x, c = block_a(x, f"/Mixed_5{'bcd'[i]}", c * div, pool)
    x, c = block_b(x, "/Mixed_6a", c * div)
    for i, c7 in enumerate([128, 160, 160, 192] if full else [128]):
        x, c = block_c(x, f"/Mixed_6{'bcde'[i]}", c * div, c7)
    x, c = block_d(x, "/Mixed_7a", c * div)
    for i in range(2 if full else 1):
        x, c = block_e(x, f"/Mixed_7{'bc'[i]}", c * div)
    x = b.op("GlobalAveragePool", [x], "/avgpool")
    x = b.op("Flatten", [x], "", axis=1)
    y = b.gemm(x, "/fc", "fc", c, classes)
    b.output(y, "output", FLOAT, ["batch", classes])
    return b.build(producer=("pytorch", "1.10.0"))


@register("shufflenet", "torchvision ShuffleNetV2 layout: Split (chunk) of the channels, "
          "depthwise convs, Concat, channel shuffle as Reshape/Transpose/Reshape with shapes "
          "built by Shape->Gather->Div->Unsqueeze->Concat, ReduceMean head; opset 11, input "
          "[batch, 3, 64, 64] (full: 224)")
def shufflenet(size):
    full = size == "full"
    hw = 224 if full else 64
    repeats = [4, 8, 4] if full else [2, 2, 1]
    channels = [24, 116, 232, 464, 1024] if full else [8, 16, 32, 64, 128]
    classes = 1000 if full else 10
    b = Builder("shufflenet", 11)

    def cbr(x, s, w, idx, cin, cout, k, stride=1, group=1, act=True):
        x = b.conv(x, f"{s}/{w.split('.')[-1]}.{idx}", f"{w}.{idx}", cin, cout, k,
                   stride=stride, group=group)
        x = b.bn(x, f"{s}/{w.split('.')[-1]}.{idx + 1}", f"{w}.{idx + 1}", cout)
        return b.relu(x, f"{s}/{w.split('.')[-1]}.{idx + 2}") if act else x

    def shuffle(x, s, groups=2):
        n = b.dim(x, 0, s)
        c = b.dim(x, 1, s)
        h = b.dim(x, 2, s)
        w = b.dim(x, 3, s)
        cpg = b.op("Div", [c, b.ic(groups, s)], s)
        shape = b.op("Concat", [b.unsqueeze(n, [0], s), b.ic([groups], s),
                                b.unsqueeze(cpg, [0], s), b.unsqueeze(h, [0], s),
                                b.unsqueeze(w, [0], s)], s, axis=0)
        x5 = b.op("Reshape", [x, shape], s)
        t = b.op("Transpose", [x5], s, perm=[0, 2, 1, 3, 4])
        shape = b.op("Concat", [b.unsqueeze(n, [0], s), b.ic([-1], s), b.unsqueeze(h, [0], s),
                                b.unsqueeze(w, [0], s)], s, axis=0)
        return b.op("Reshape", [t, shape], s)

    x = b.input("input", FLOAT, ["batch", 3, hw, hw], batch=2)
    x = cbr(x, "/conv1", "conv1", 0, 3, channels[0], 3, stride=2)
    x = b.maxpool(x, "/maxpool", 3, 2, pad=1)
    cin = channels[0]
    for si, (n, cout) in enumerate(zip(repeats, channels[1:4])):
        for i in range(n):
            s, w = f"/stage{si + 2}/stage{si + 2}.{i}", f"stage{si + 2}.{i}"
            half = cout // 2
            if i == 0:
                b1 = cbr(x, f"{s}/branch1", f"{w}.branch1", 0, cin, cin, 3, stride=2, group=cin,
                         act=False)
                b1 = cbr(b1, f"{s}/branch1", f"{w}.branch1", 2, cin, half, 1)
                b2 = cbr(x, f"{s}/branch2", f"{w}.branch2", 0, cin, half, 1)
                b2 = cbr(b2, f"{s}/branch2", f"{w}.branch2", 3, half, half, 3, stride=2,
                         group=half, act=False)
                b2 = cbr(b2, f"{s}/branch2", f"{w}.branch2", 5, half, half, 1)
            else:
                b1, x2 = b.split(x, [half, half], 1, s)
                b2 = cbr(x2, f"{s}/branch2", f"{w}.branch2", 0, half, half, 1)
                b2 = cbr(b2, f"{s}/branch2", f"{w}.branch2", 3, half, half, 3, group=half,
                         act=False)
                b2 = cbr(b2, f"{s}/branch2", f"{w}.branch2", 5, half, half, 1)
            x = shuffle(b.op("Concat", [b1, b2], s, axis=1), s)
            cin = cout
    x = cbr(x, "/conv5", "conv5", 0, cin, channels[4], 1)
    x = b.reduce_mean(x, [2, 3], 0, "")
    y = b.gemm(x, "/fc", "fc", channels[4], classes)
    b.output(y, "output", FLOAT, ["batch", classes])
    return b.build(producer=("pytorch", "1.7.1"))


@register("squeezenet", "torchvision SqueezeNet 1.1: fire modules (squeeze 1x1, expand 1x1 and "
          "3x3, Concat), MaxPool ceil_mode=1, conv classifier, GlobalAveragePool, Flatten; "
          "opset 10, input [batch, 3, 64, 64] (full: 224)")
def squeezenet(size):
    full = size == "full"
    hw = 224 if full else 64
    div = 1 if full else 4
    classes = 1000 if full else 10
    b = Builder("squeezenet", 10)

    def fire(x, idx, cin, sq, e1, e3):
        s, w = f"/features/features.{idx}", f"features.{idx}"
        sq, e1, e3 = sq // div, e1 // div, e3 // div
        y = b.relu(b.conv(x, f"{s}/squeeze", f"{w}.squeeze", cin, sq, 1, bias=True),
                   f"{s}/squeeze_activation")
        a = b.relu(b.conv(y, f"{s}/expand1x1", f"{w}.expand1x1", sq, e1, 1, bias=True),
                   f"{s}/expand1x1_activation")
        c = b.relu(b.conv(y, f"{s}/expand3x3", f"{w}.expand3x3", sq, e3, 3, bias=True),
                   f"{s}/expand3x3_activation")
        return b.op("Concat", [a, c], s, axis=1), e1 + e3

    x = b.input("input", FLOAT, ["batch", 3, hw, hw], batch=2)
    c = 64 // div
    x = b.conv(x, "/features/features.0", "features.0", 3, c, 3, stride=2, pad=0, bias=True)
    x = b.relu(x, "/features/features.1")
    x = b.maxpool(x, "/features/features.2", 3, 2, ceil_mode=1)
    x, c = fire(x, 3, c, 16, 64, 64)
    x, c = fire(x, 4, c, 16, 64, 64)
    x = b.maxpool(x, "/features/features.5", 3, 2, ceil_mode=1)
    x, c = fire(x, 6, c, 32, 128, 128)
    x, c = fire(x, 7, c, 32, 128, 128)
    x = b.maxpool(x, "/features/features.8", 3, 2, ceil_mode=1)
    x, c = fire(x, 9, c, 48, 192, 192)
    x, c = fire(x, 10, c, 48, 192, 192)
    x, c = fire(x, 11, c, 64, 256, 256)
    x, c = fire(x, 12, c, 64, 256, 256)
    x = b.conv(x, "/classifier/classifier.1", "classifier.1", c, classes, 1, bias=True)
    x = b.relu(x, "/classifier/classifier.2")
    x = b.op("GlobalAveragePool", [x], "/classifier/classifier.3")
    y = b.op("Flatten", [x], "", axis=1)
    b.output(y, "output", FLOAT, ["batch", classes])
    return b.build(producer=("pytorch", "1.6.0"))


@register("vgg", "Keras VGG16 through tf2onnx: NHWC input [unk__618, 64, 64, 3] (full: 224) "
          "and a leading Transpose to NCHW, Conv(bias)+Relu, MaxPool, Transpose back to NHWC "
          "and a Reshape [-1, N] flatten, Dense as MatMul+Add, Softmax; opset 13")
def vgg(size):
    full = size == "full"
    hw = 224 if full else 64
    div = 1 if full else 8
    fc = 4096 if full else 64
    classes = 1000 if full else 10
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
           512, 512, 512, "M"]
    b = Builder("vgg16", 13, style="tf2onnx")
    x = b.input("input_1", FLOAT, ["unk__618", hw, hw, 3], unk__618=2)
    x = b.op("Transpose", [x], "vgg16/block1_conv1/BiasAdd__6", perm=[0, 3, 1, 2])
    cin, block, conv = 3, 1, 1
    for v in cfg:
        if v == "M":
            x = b.maxpool(x, f"vgg16/block{block}_pool", 2, 2)
            block, conv = block + 1, 1
            continue
        c = v // div
        s = f"vgg16/block{block}_conv{conv}"
        x = b.relu(b.conv(x, s, s, cin, c, 3, bias=True), s)
        cin, conv = c, conv + 1
    x = b.op("Transpose", [x], "vgg16/block5_pool/MaxPool__30", perm=[0, 2, 3, 1])
    side = hw // 32
    x = b.op("Reshape", [x, b.param("const_fold_opt__40", np.array([-1, side * side * cin],
                                                                   np.int64))],
             "vgg16/flatten/Reshape")
    d = side * side * cin
    for name, dout in (("fc1", fc), ("fc2", fc), ("predictions", classes)):
        w = b.randn(f"vgg16/{name}/MatMul/ReadVariableOp:0", (d, dout), np.sqrt(2.0 / d))
        x = b.op("MatMul", [x, w], f"vgg16/{name}")
        x = b.op("Add", [x, b.randn(f"vgg16/{name}/BiasAdd/ReadVariableOp:0", (dout,), 0.01)],
                 f"vgg16/{name}/BiasAdd")
        x = b.op("Relu", [x], f"vgg16/{name}") if name != "predictions" else x
        d = dout
    y = b.op("Softmax", [x], "vgg16/predictions", axis=-1)
    b.output(y, "predictions", FLOAT, ["unk__619", classes])
    return b.build(producer=("tf2onnx", "1.16.1 15c810"))


# ---------------------------------------------------------------------------
# BERT (HuggingFace BertModel through torch.onnx.export)
# ---------------------------------------------------------------------------

def bert(size, name, opset):
    full = size == "full"
    layers, hidden, heads, vocab, inter, max_pos = ((12, 768, 12, 30522, 3072, 512) if full
                                                    else (2, 64, 4, 1000, 256, 128))
    head_dim = hidden // heads
    eps = 1e-12
    b = Builder(name, opset)
    ids = b.input("input_ids", INT64, ["batch", "sequence"], batch=2, sequence=16)
    mask = b.input("attention_mask", INT64, ["batch", "sequence"])
    b.int_high = {"input_ids": vocab, "attention_mask": 2}

    # extended_attention_mask = (1.0 - mask[:, None, None, :].to(float)) * -10000.0
    m = b.unsqueeze(mask, [1], "")
    m = b.unsqueeze(m, [2], "")
    m = b.op("Cast", [m], "", to=FLOAT)
    m = b.op("Sub", [b.fc(1.0, ""), m], "")
    ext = b.op("Mul", [m, b.fc(-10000.0, "")], "")

    s = "/embeddings"
    seq = b.dim(ids, 1, s)
    batch = b.dim(ids, 0, s)
    # position_ids = torch.arange(seq_length).unsqueeze(0)
    pos = b.op("Range", [b.ic(0, s), seq, b.ic(1, s)], s)
    pos = b.unsqueeze(pos, [0], s)
    # token_type_ids = self.token_type_ids[:, :seq_length].expand(batch, seq_length)
    tt = b.op("Slice", [b.param("embeddings.token_type_ids", np.zeros((1, max_pos), np.int64)),
                        b.ic([0], s), b.unsqueeze(seq, [0], s), b.ic([1], s), b.ic([1], s)], s)
    tt = b.op("Expand", [tt, b.op("Concat", [b.unsqueeze(batch, [0], s),
                                             b.unsqueeze(seq, [0], s)], s, axis=0)], s)
    we = b.op("Gather", [b.randn("embeddings.word_embeddings.weight", (vocab, hidden), 0.02), ids],
              f"{s}/word_embeddings")
    te = b.op("Gather", [b.randn("embeddings.token_type_embeddings.weight", (2, hidden), 0.02),
                         tt], f"{s}/token_type_embeddings")
    e = b.op("Add", [we, te], s)
    pe = b.op("Gather", [b.randn("embeddings.position_embeddings.weight", (max_pos, hidden), 0.02),
                         pos], f"{s}/position_embeddings")
    e = b.op("Add", [e, pe], s)
    h = b.layer_norm(e, f"{s}/LayerNorm", "embeddings.LayerNorm", hidden, eps)

    def split_heads(x, scope, perm):
        # x.view(x.size()[:-1] + (heads, head_dim)).permute(...)
        n = b.unsqueeze(b.dim(x, 0, scope), [0], scope)
        t = b.unsqueeze(b.dim(x, 1, scope), [0], scope)
        shape = b.op("Concat", [n, t, b.ic([heads], scope), b.ic([head_dim], scope)], scope,
                     axis=0)
        return b.op("Transpose", [b.op("Reshape", [x, shape], scope)], scope, perm=perm)

    for i in range(layers):
        ls, lw = f"/encoder/layer.{i}", f"encoder.layer.{i}"
        a = f"{ls}/attention/self"
        q = b.linear3d(h, f"{a}/query", f"{lw}.attention.self.query", hidden, hidden)
        k = b.linear3d(h, f"{a}/key", f"{lw}.attention.self.key", hidden, hidden)
        v = b.linear3d(h, f"{a}/value", f"{lw}.attention.self.value", hidden, hidden)
        q = split_heads(q, a, [0, 2, 1, 3])
        k = split_heads(k, a, [0, 2, 3, 1])
        v = split_heads(v, a, [0, 2, 1, 3])
        scores = b.op("MatMul", [q, k], a)
        scores = b.op("Div", [scores, b.fc(float(np.sqrt(head_dim)), a)], a)
        scores = b.op("Add", [scores, ext], a)
        probs = b.op("Softmax", [scores], a, axis=3 if opset < 13 else -1)
        ctx = b.op("MatMul", [probs, v], a)
        ctx = b.op("Transpose", [ctx], a, perm=[0, 2, 1, 3])
        n = b.unsqueeze(b.dim(ctx, 0, a), [0], a)
        t = b.unsqueeze(b.dim(ctx, 1, a), [0], a)
        ctx = b.op("Reshape", [ctx, b.op("Concat", [n, t, b.ic([hidden], a)], a, axis=0)], a)
        o = f"{ls}/attention/output"
        y = b.linear3d(ctx, f"{o}/dense", f"{lw}.attention.output.dense", hidden, hidden)
        y = b.op("Add", [y, h], o)
        h = b.layer_norm(y, f"{o}/LayerNorm", f"{lw}.attention.output.LayerNorm", hidden, eps)
        y = b.linear3d(h, f"{ls}/intermediate/dense", f"{lw}.intermediate.dense", hidden, inter)
        y = b.gelu(y, f"{ls}/intermediate/intermediate_act_fn")
        o = f"{ls}/output"
        y = b.linear3d(y, f"{o}/dense", f"{lw}.output.dense", inter, hidden)
        y = b.op("Add", [y, h], o)
        h = b.layer_norm(y, f"{o}/LayerNorm", f"{lw}.output.LayerNorm", hidden, eps)

    p = b.op("Gather", [h, b.ic(0, "/pooler")], "/pooler", axis=1)
    p = b.gemm(p, "/pooler/dense", "pooler.dense", hidden, hidden)
    p = b.op("Tanh", [p], "/pooler/activation")
    b.output(h, "last_hidden_state", FLOAT, ["batch", "sequence", hidden])
    b.output(p, "pooler_output", FLOAT, ["batch", hidden])
    return b.build(producer=("pytorch", {11: "1.9.0", 14: "1.13.1", 17: "2.1.0"}[opset]))


_BERT_DOC = ("HuggingFace BertModel ({c}), inputs input_ids/attention_mask int64 "
             "[batch, sequence]: Gather embeddings with Range position ids, {ln}, attention "
             "with Shape->Gather->Unsqueeze->Concat reshapes, Erf GELU, Tanh pooler; opset {o}")
variant("bert_opset11", _BERT_DOC.format(c="2 layers, hidden 64; full: BERT-base",
                                         ln="decomposed LayerNorm", o=11), bert, opset=11)
variant("bert_opset14", _BERT_DOC.format(c="2 layers, hidden 64; full: BERT-base",
                                         ln="decomposed LayerNorm, Unsqueeze axes as input",
                                         o=14), bert, opset=14)
variant("bert_opset17", _BERT_DOC.format(c="2 layers, hidden 64; full: BERT-base",
                                         ln="LayerNormalization", o=17), bert, opset=17)


# ---------------------------------------------------------------------------
# OCR (PaddleOCR-like, through paddle2onnx)
# ---------------------------------------------------------------------------

def _resize(b, x, scale):
    """F.interpolate(scale_factor=scale, mode='nearest') at opset 11."""
    roi = b.constant(np.zeros((0,), np.float32), np.float32)
    scales = b.fc([1.0, 1.0, float(scale), float(scale)])
    return b.op("Resize", [x, roi, scales], "", coordinate_transformation_mode="asymmetric",
                cubic_coeff_a=-0.75, mode="nearest", nearest_mode="floor")


@register("ocr_det", "DBNet text detector: ResNet backbone (basic blocks), FPN with opset-11 "
          "Resize (scales, nearest) + Add, Concat, ConvTranspose x2 upsampling, Sigmoid; "
          "opset 11, input x [batch, 3, height, width]")
def ocr_det(size):
    full = size == "full"
    widths = [64, 128, 256, 512] if full else [8, 16, 32, 64]
    blocks = [2, 2, 2, 2] if full else [1, 1, 1, 1]
    inner = 256 if full else 32
    b = Builder("ocr_det", 11, style="paddle")
    x = b.input("x", FLOAT, ["batch", 3, "height", "width"], batch=1,
                height=640 if full else 64, width=640 if full else 96)

    def cbr(x, w, cin, cout, k, stride=1, act=True):
        x = b.conv(x, "", f"{w}_conv2d", cin, cout, k, stride=stride)
        x = b.bn(x, "", f"{w}_bn", cout)
        return b.relu(x, "") if act else x

    x = cbr(x, "conv1", 3, widths[0], 7, stride=2)
    x = b.maxpool(x, "", 3, 2, pad=1)
    cin, feats = widths[0], []
    for si, (c, n) in enumerate(zip(widths, blocks)):
        for bi in range(n):
            stride = 2 if bi == 0 and si > 0 else 1
            w = f"res{si + 2}{'abcdef'[bi]}"
            y = cbr(x, f"{w}_branch2a", cin, c, 3, stride=stride)
            y = cbr(y, f"{w}_branch2b", c, c, 3, act=False)
            sc = x if stride == 1 and cin == c else cbr(x, f"{w}_branch1", cin, c, 1,
                                                         stride=stride, act=False)
            x = b.relu(b.op("Add", [sc, y], ""), "")
            cin = c
        feats.append(x)
    in2, in3, in4, in5 = (b.conv(f, "", f"neck_in{i + 2}", widths[i], inner, 1)
                          for i, f in enumerate(feats))
    out4 = b.op("Add", [in4, _resize(b, in5, 2)], "")
    out3 = b.op("Add", [in3, _resize(b, out4, 2)], "")
    out2 = b.op("Add", [in2, _resize(b, out3, 2)], "")
    q = inner // 4
    p5 = _resize(b, b.conv(in5, "", "neck_p5", inner, q, 3), 8)
    p4 = _resize(b, b.conv(out4, "", "neck_p4", inner, q, 3), 4)
    p3 = _resize(b, b.conv(out3, "", "neck_p3", inner, q, 3), 2)
    p2 = b.conv(out2, "", "neck_p2", inner, q, 3)
    fuse = b.op("Concat", [p5, p4, p3, p2], "", axis=1)
    y = cbr(fuse, "head_binarize_conv1", inner, q, 3)
    w1 = b.randn("head_binarize_conv2.w_0", (q, q, 2, 2), np.sqrt(2.0 / (q * 4)))
    y = b.op("ConvTranspose", [y, w1, b.randn("head_binarize_conv2.b_0", (q,), 0.01)], "",
             dilations=[1, 1], group=1, kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0])
    y = b.relu(b.bn(y, "", "head_binarize_bn2", q), "")
    w2 = b.randn("head_binarize_conv3.w_0", (q, 1, 2, 2), np.sqrt(2.0 / (q * 4)))
    y = b.op("ConvTranspose", [y, w2, b.randn("head_binarize_conv3.b_0", (1,), 0.01)], "",
             dilations=[1, 1], group=1, kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0])
    y = b.op("Sigmoid", [y], "")
    b.output(y, "sigmoid_0.tmp_0", FLOAT, ["batch", 1, "height", "width"])
    return b.build(producer=("PaddlePaddle", "2.6"))


@register("ocr_rec", "CRNN-style text recognizer without LSTM: conv backbone to height 1, "
          "Reshape [0, C, -1] + Transpose to a sequence, a transformer encoder block (qkv "
          "Reshape [0, -1, 3, heads, d] + Transpose + Gather, decomposed LayerNorm, Erf GELU), "
          "MatMul to classes, LogSoftmax; opset 13, input x [batch, 3, 32, width]")
def ocr_rec(size):
    full = size == "full"
    chans = [64, 128, 256, 256, 512] if full else [8, 16, 32, 32, 64]
    dim, heads, classes = (512, 8, 6625) if full else (64, 4, 97)
    head_dim = dim // heads
    b = Builder("ocr_rec", 13, style="paddle")
    x = b.input("x", FLOAT, ["batch", 3, 32, "width"], batch=2, width=320 if full else 96)

    def cbr(x, w, cin, cout, k=3, pad=None):
        x = b.conv(x, "", f"{w}.conv", cin, cout, k, pad=pad)
        return b.relu(b.bn(x, "", f"{w}.bn", cout), "")

    x = cbr(x, "backbone.conv0", 3, chans[0])
    x = b.maxpool(x, "", 2, 2)                                           # 16 x W/2
    x = cbr(x, "backbone.conv1", chans[0], chans[1])
    x = b.maxpool(x, "", 2, 2)                                           # 8 x W/4
    x = cbr(x, "backbone.conv2", chans[1], chans[2])
    x = cbr(x, "backbone.conv3", chans[2], chans[3])
    x = b.op("MaxPool", [x], "", ceil_mode=0, kernel_shape=[2, 1], pads=[0, 0, 0, 0],
             strides=[2, 1])                                             # 4 x W/4
    x = cbr(x, "backbone.conv4", chans[3], chans[4])
    x = b.op("MaxPool", [x], "", ceil_mode=0, kernel_shape=[2, 1], pads=[0, 0, 0, 0],
             strides=[2, 1])                                             # 2 x W/4
    x = cbr(x, "backbone.conv5", chans[4], dim, k=(2, 1), pad=(0, 0))   # 1 x W/4
    x = b.op("Reshape", [x, b.ic([0, dim, -1])], "")
    x = b.op("Transpose", [x], "", perm=[0, 2, 1])                      # [N, T, C]

    def ln(x, w):
        return b.layer_norm(x, "", w, dim, 1e-6)

    h = ln(x, "neck.norm1")
    qkv = b.linear3d(h, "", "neck.attn.qkv", dim, 3 * dim)
    qkv = b.op("Reshape", [qkv, b.ic([0, -1, 3, heads, head_dim])], "")
    qkv = b.op("Transpose", [qkv], "", perm=[2, 0, 3, 1, 4])
    q, k, v = (b.op("Gather", [qkv, b.ic(i)], "", axis=0) for i in range(3))
    q = b.op("Mul", [q, b.fc(head_dim ** -0.5)], "")
    attn = b.op("MatMul", [q, b.op("Transpose", [k], "", perm=[0, 1, 3, 2])], "")
    attn = b.op("Softmax", [attn], "", axis=-1)
    y = b.op("MatMul", [attn, v], "")
    y = b.op("Transpose", [y], "", perm=[0, 2, 1, 3])
    y = b.op("Reshape", [y, b.ic([0, -1, dim])], "")
    y = b.linear3d(y, "", "neck.attn.proj", dim, dim)
    x = b.op("Add", [x, y], "")
    h = ln(x, "neck.norm2")
    h = b.linear3d(h, "", "neck.mlp.fc1", dim, 2 * dim)
    h = b.gelu(h, "")
    h = b.linear3d(h, "", "neck.mlp.fc2", 2 * dim, dim)
    x = b.op("Add", [x, h], "")
    x = ln(x, "neck.norm")
    logits = b.linear3d(x, "", "head.fc", dim, classes)
    y = b.op("LogSoftmax", [logits], "", axis=-1)
    b.output(y, "softmax_0.tmp_0", FLOAT, ["batch", "time", classes])
    return b.build(producer=("PaddlePaddle", "2.6"))


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def save(model, out_dir, name):
    path = os.path.join(out_dir, f"{name}.onnx")
    data = f"{name}.onnx.data"
    if os.path.exists(os.path.join(out_dir, data)):
        # onnx appends to an existing data file.
        os.remove(os.path.join(out_dir, data))
    if model.ByteSize() > EXTERNAL_DATA_THRESHOLD:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data, size_threshold=1024)
    else:
        onnx.save_model(model, path)
    return path


def random_feeds(model, dims, int_high, rng):
    feeds = {}
    inits = {i.name for i in model.graph.initializer}
    for inp in model.graph.input:
        if inp.name in inits:
            continue
        tt = inp.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else dims[d.dim_param]
                 for d in tt.shape.dim]
        if tt.elem_type == INT64:
            high = int_high.get(inp.name, 2)
            value = rng.integers(0, high, shape, dtype=np.int64)
            if inp.name == "attention_mask":
                value[:, : max(1, shape[1] // 2)] = 1
            feeds[inp.name] = value
        else:
            feeds[inp.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def check(path, dims, int_high):
    import onnxruntime as ort
    model = onnx.load(path, load_external_data=False)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # no warnings about initializers listed as inputs
    sess = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feeds = random_feeds(model, dims, int_high, np.random.default_rng(0))
    outs = sess.run(None, feeds)
    declared = {o.name: o.type.tensor_type.shape.dim for o in model.graph.output}
    for out, value in zip(sess.get_outputs(), outs):
        if not np.all(np.isfinite(value)):
            raise RuntimeError(f"{path}: output {out.name} has non-finite values")
        want = [d.dim_value if d.HasField("dim_value") else dims.get(d.dim_param, -1)
                for d in declared[out.name]]
        if len(want) != value.ndim or any(w not in (-1, v) for w, v in zip(want, value.shape)):
            raise RuntimeError(f"{path}: output {out.name} is {list(value.shape)}, "
                               f"declared {want}")
    ins = ", ".join(f"{k}{list(v.shape)}" for k, v in feeds.items())
    res = ", ".join(f"{o.name}{list(v.shape)}" for o, v in zip(sess.get_outputs(), outs))
    return f"{ins} -> {res}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--only", nargs="+", metavar="NAME", default=None)
    parser.add_argument("--list", action="store_true", help="list the models and exit")
    parser.add_argument("--check", action="store_true",
                        help="run each model through onnxruntime on random inputs")
    args = parser.parse_args(argv)

    if args.list:
        for name, (_, doc) in MODELS.items():
            print(f"{name:22s} {doc}")
        return 0
    if not args.out_dir:
        parser.error("OUT_DIR is required")
    names = args.only or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s): {', '.join(unknown)}; see --list")
    os.makedirs(args.out_dir, exist_ok=True)
    for name in names:
        builder = MODELS[name][0]
        model = builder(args.size)
        onnx.checker.check_model(model, full_check=True)
        path = save(model, args.out_dir, name)
        size_mb = sum(os.path.getsize(os.path.join(args.out_dir, f))
                      for f in (f"{name}.onnx", f"{name}.onnx.data")
                      if os.path.exists(os.path.join(args.out_dir, f))) / 2**20
        line = f"{name}: {size_mb:.2f} MB"
        if args.check:
            line += f"; onnxruntime: {check(path, Builder.last.dims, Builder.last.int_high)}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
