//===- KilnQuantizedOps.td - integer and quantized operations -*- tablegen -*-===//
//
// Contractions on 8-bit integers. Zero points are always operands (the
// importer makes ONNX's absent ones explicit zeros) with their tensor's
// element type; scales are floats of one type. Shapes follow kiln.matmul
// and kiln.conv.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_KILN_IR_KILNQUANTIZEDOPS_TD
#define KILN_DIALECT_KILN_IR_KILNQUANTIZEDOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

def Kiln_MatMulIntegerOp : Kiln_InferredOp<"matmul_integer"> {
  let summary = "(lhs - lhs_zero_point) x (rhs - rhs_zero_point) in i32";
  let description = [{
    The shapes of `lhs` and `rhs` follow `kiln.matmul` (rank 2 or more;
    ONNX's 1-D operands are made 2-D by the importer). Each zero point
    broadcasts to its operand by the numpy rules: 0-d per tensor,
    [..., M, 1] per row of `lhs`, [..., 1, N] or [N] per column of `rhs`.
    The result is i32.

    ```mlir
    %0 = kiln.matmul_integer %a, %b, %azp, %bzp
         : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x2xi32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs,
                   Kiln_Tensor:$lhs_zero_point, Kiln_Tensor:$rhs_zero_point);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_QLinearMatMulOp : Kiln_InferredOp<"qlinear_matmul"> {
  let summary = "matrix product of linearly quantized tensors";
  let description = [{
    `quantize(dequantize(lhs) x dequantize(rhs))` with the given scales and
    zero points, rounding half to even and saturating to the element type
    of `output_zero_point`. Shapes follow `kiln.matmul_integer`; each scale
    has the shape of its zero point, and the output's pair broadcasts to
    the result.
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$lhs_scale,
                   Kiln_Tensor:$lhs_zero_point, Kiln_Tensor:$rhs,
                   Kiln_Tensor:$rhs_scale, Kiln_Tensor:$rhs_zero_point,
                   Kiln_Tensor:$output_scale, Kiln_Tensor:$output_zero_point);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ConvIntegerOp : Kiln_InferredOp<"conv_integer"> {
  let summary = "convolution of zero-point-shifted 8-bit integers in i32";
  let description = [{
    `kiln.conv` of `input - input_zero_point` and
    `weight - weight_zero_point`, accumulated in i32. The input's zero
    point is 0-d; the weight's is 0-d or 1-D per output channel. `pads`
    holds the begin paddings, then the end paddings (ONNX's `auto_pad` is
    resolved); padding is with the input's zero point, so it adds nothing.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$weight,
                   Kiln_Tensor:$input_zero_point, Kiln_Tensor:$weight_zero_point,
                   Kiln_I64Array:$strides, Kiln_I64Array:$dilations,
                   Kiln_I64Array:$pads,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_QLinearConvOp : Kiln_InferredOp<"qlinear_conv"> {
  let summary = "convolution of linearly quantized tensors";
  let description = [{
    `quantize(conv(dequantize(input), dequantize(weight)) + bias)` with
    shapes and attributes as for `kiln.conv_integer`. The input's and the
    output's scale and zero point are 0-d; the weight's are 0-d or 1-D per
    output channel. The optional i32 `bias` [M] is quantized with scale
    `input_scale * weight_scale` and zero point 0. The result has the
    element type of `output_zero_point`.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$input_scale,
                   Kiln_Tensor:$input_zero_point, Kiln_Tensor:$weight,
                   Kiln_Tensor:$weight_scale, Kiln_Tensor:$weight_zero_point,
                   Kiln_Tensor:$output_scale, Kiln_Tensor:$output_zero_point,
                   Optional<Kiln_Tensor>:$bias, Kiln_I64Array:$strides,
                   Kiln_I64Array:$dilations, Kiln_I64Array:$pads,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Kiln_Tensor:$output);
}

#endif // KILN_DIALECT_KILN_IR_KILNQUANTIZEDOPS_TD
