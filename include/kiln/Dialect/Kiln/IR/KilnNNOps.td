//===- KilnNNOps.td - neural-network kiln operations -------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNNNOPS_TD
#define KILN_DIALECT_KILN_IR_KILNNNOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

//===----------------------------------------------------------------------===//
// Contractions.
//===----------------------------------------------------------------------===//

def Kiln_MatMulOp : Kiln_InferredOp<"matmul"> {
  let summary = "batched matrix product with broadcast batch dimensions";
  let description = [{
    Both operands have rank 2 or more: the last two dimensions are the
    matrices, the leading ones are batch dimensions that broadcast by the
    numpy rules. (ONNX's 1-D operands are made 2-D by the importer.)

    ```mlir
    %0 = kiln.matmul %a, %b : (tensor<8x1x4x16xf32>, tensor<3x16x32xf32>) -> tensor<8x3x4x32xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_GemmOp : Kiln_InferredOp<"gemm"> {
  let summary = "alpha * op(a) * op(b) + beta * c on matrices";
  let description = [{
    `a` and `b` are 2-D; `trans_a`/`trans_b` transpose them first. The
    optional `c` broadcasts to the [M, N] result.
  }];
  let arguments = (ins Kiln_Tensor:$a, Kiln_Tensor:$b, Optional<Kiln_Tensor>:$c,
                   F32Attr:$alpha, F32Attr:$beta, BoolAttr:$trans_a,
                   BoolAttr:$trans_b);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ConvOp : Kiln_InferredOp<"conv"> {
  let summary = "grouped, dilated, strided N-d convolution (NCHW layout)";
  let description = [{
    Input [N, C, D1...Dk], weight [M, C / group, K1...Kk], optional bias
    [M]. `pads` holds the k begin paddings followed by the k end paddings;
    ONNX's `auto_pad` has been resolved into it.

    ```mlir
    %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
           pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
         : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$weight,
                   Optional<Kiln_Tensor>:$bias, Kiln_I64Array:$strides,
                   Kiln_I64Array:$dilations, Kiln_I64Array:$pads,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ConvTransposeOp : Kiln_InferredOp<"conv_transpose"> {
  let summary = "transposed (fractionally strided) N-d convolution";
  let description = [{
    Input [N, C, D1...Dk], weight [C, M / group, K1...Kk], optional bias
    [M]. Each output extent is
    `stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1 - pad_begin - pad_end`;
    ONNX's `auto_pad` and `output_shape` have been resolved into `pads`.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$weight,
                   Optional<Kiln_Tensor>:$bias, Kiln_I64Array:$strides,
                   Kiln_I64Array:$dilations, Kiln_I64Array:$pads,
                   Kiln_I64Array:$output_padding,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Kiln_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Normalizations.
//===----------------------------------------------------------------------===//

def Kiln_BatchNormOp : Kiln_InferredOp<"batch_norm"> {
  let summary = "inference-mode batch normalization over channel dimension 1";
  let description = [{
    `(x - mean) / sqrt(variance + epsilon) * scale + bias`, with the four
    per-channel vectors of length C broadcast along dimension 1.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Tensor:$bias,
                   Kiln_Tensor:$mean, Kiln_Tensor:$variance, F32Attr:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_InstanceNormOp : Kiln_InferredOp<"instance_norm"> {
  let summary = "normalize each (sample, channel) over its spatial dimensions";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Tensor:$bias,
                   F32Attr:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_GroupNormOp : Kiln_InferredOp<"group_norm"> {
  let summary = "normalize channel groups, then a per-channel scale and bias";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Tensor:$bias,
                   ConfinedAttr<I64Attr, [IntPositive]>:$num_groups,
                   F32Attr:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_LayerNormOp : Kiln_InferredOp<"layer_norm"> {
  let summary = "normalize over the dimensions from `axis` on";
  let description = [{
    Mean and variance are taken over dimensions `axis` to the last; `scale`
    and the optional `bias` broadcast to those dimensions.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale,
                   Optional<Kiln_Tensor>:$bias, Kiln_Axis:$axis, F32Attr:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_RMSNormOp : Kiln_InferredOp<"rms_norm"> {
  let summary = "x / sqrt(mean(x^2) + epsilon) * scale over dimensions from `axis` on";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Axis:$axis,
                   F32Attr:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_LRNOp : Kiln_InferredOp<"lrn"> {
  let summary = "local response normalization across channels";
  let arguments = (ins Kiln_Tensor:$input, ConfinedAttr<I64Attr, [IntPositive]>:$size,
                   F32Attr:$alpha, F32Attr:$beta, F32Attr:$bias);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_LpNormalizationOp : Kiln_InferredOp<"lp_normalization"> {
  let summary = "divide by the L1 or L2 norm along one axis";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Axis:$axis,
                   ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<2>]>:$p);
  let results = (outs Kiln_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

class Kiln_PoolOp<string mnemonic, string summaryText, dag extraAttrs>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let description = [{
    Windows over the spatial dimensions of [N, C, D1...Dk]. `pads` holds
    the k begin paddings followed by the k end paddings. With `ceil_mode`,
    output extents round up, and a window that would start in the end
    padding is dropped.
  }];
  let arguments = !con((ins Kiln_Tensor:$input, Kiln_I64Array:$kernel_shape,
                        Kiln_I64Array:$strides, Kiln_I64Array:$dilations,
                        Kiln_I64Array:$pads, BoolAttr:$ceil_mode), extraAttrs);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_MaxPoolOp : Kiln_PoolOp<"max_pool", "maximum over each window", (ins)>;
def Kiln_AvgPoolOp : Kiln_PoolOp<"avg_pool", "average over each window",
                                 (ins BoolAttr:$count_include_pad)>;
def Kiln_LpPoolOp : Kiln_PoolOp<"lp_pool", "Lp norm over each window",
                                (ins ConfinedAttr<I64Attr, [IntPositive]>:$p)>;

class Kiln_GlobalPoolOp<string mnemonic, string summaryText>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let description = "Reduces every spatial dimension of [N, C, D1...Dk] to 1.";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_GlobalAvgPoolOp : Kiln_GlobalPoolOp<"global_avg_pool", "average over all spatial positions">;
def Kiln_GlobalMaxPoolOp : Kiln_GlobalPoolOp<"global_max_pool", "maximum over all spatial positions">;

//===----------------------------------------------------------------------===//
// Softmax family. The axis is one dimension: ONNX's opset<13 flatten-to-2-D
// semantics are rewritten by the importer into reshape + softmax.
//===----------------------------------------------------------------------===//

class Kiln_AxisUnaryOp<string mnemonic, string summaryText>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let arguments = (ins Kiln_Tensor:$input, Kiln_Axis:$axis);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_SoftmaxOp : Kiln_AxisUnaryOp<"softmax", "exp(x) / sum(exp(x)) along axis">;
def Kiln_LogSoftmaxOp : Kiln_AxisUnaryOp<"log_softmax", "log of softmax along axis">;
def Kiln_HardmaxOp : Kiln_AxisUnaryOp<"hardmax", "1 at the first maximum along axis, 0 elsewhere">;

#endif // KILN_DIALECT_KILN_IR_KILNNNOPS_TD
