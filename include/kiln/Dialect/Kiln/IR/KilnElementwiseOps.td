//===- KilnElementwiseOps.td - elementwise kiln operations -*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNELEMENTWISEOPS_TD
#define KILN_DIALECT_KILN_IR_KILNELEMENTWISEOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

//===----------------------------------------------------------------------===//
// Unary operations: the result has the operand's type.
//===----------------------------------------------------------------------===//

class Kiln_UnaryOp<string mnemonic, string summaryText, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat([Pure, Elementwise, SameOperandsAndResultType],
                                     traits)> {
  let summary = summaryText;
  let description = "Applies `" # summaryText # "` to every element; the "
                    # "result has the operand's type.";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_AbsOp : Kiln_UnaryOp<"abs", "absolute value">;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "negation"> { let hasFolder = 1; }
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal", "1 / x">;
def Kiln_FloorOp : Kiln_UnaryOp<"floor", "round toward negative infinity">;
def Kiln_CeilOp : Kiln_UnaryOp<"ceil", "round toward positive infinity">;
def Kiln_RoundOp : Kiln_UnaryOp<"round", "round half to even">;
def Kiln_SignOp : Kiln_UnaryOp<"sign", "sign (-1, 0 or 1)">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "square root">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "natural exponential">;
def Kiln_LogOp : Kiln_UnaryOp<"log", "natural logarithm">;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", "Gauss error function">;
def Kiln_SinOp : Kiln_UnaryOp<"sin", "sine">;
def Kiln_CosOp : Kiln_UnaryOp<"cos", "cosine">;
def Kiln_TanOp : Kiln_UnaryOp<"tan", "tangent">;
def Kiln_AsinOp : Kiln_UnaryOp<"asin", "arcsine">;
def Kiln_AcosOp : Kiln_UnaryOp<"acos", "arccosine">;
def Kiln_AtanOp : Kiln_UnaryOp<"atan", "arctangent">;
def Kiln_SinhOp : Kiln_UnaryOp<"sinh", "hyperbolic sine">;
def Kiln_CoshOp : Kiln_UnaryOp<"cosh", "hyperbolic cosine">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "hyperbolic tangent">;
def Kiln_AsinhOp : Kiln_UnaryOp<"asinh", "inverse hyperbolic sine">;
def Kiln_AcoshOp : Kiln_UnaryOp<"acosh", "inverse hyperbolic cosine">;
def Kiln_AtanhOp : Kiln_UnaryOp<"atanh", "inverse hyperbolic tangent">;
def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)">;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Kiln_SoftplusOp : Kiln_UnaryOp<"softplus", "log(1 + exp(x))">;
def Kiln_SoftsignOp : Kiln_UnaryOp<"softsign", "x / (1 + |x|)">;
def Kiln_MishOp : Kiln_UnaryOp<"mish", "x * tanh(softplus(x))">;
def Kiln_HardSwishOp : Kiln_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))">;
def Kiln_NotOp : Kiln_UnaryOp<"not", "logical not of a boolean tensor"> {
  let hasFolder = 1;
}
def Kiln_BitwiseNotOp : Kiln_UnaryOp<"bitwise_not", "bitwise not of an integer tensor">;

def Kiln_IdentityOp : Kiln_UnaryOp<"identity", "the operand itself"> {
  let hasFolder = 1;
}

def Kiln_DropoutOp : Kiln_UnaryOp<"dropout", "dropout in inference mode (the operand itself)"> {
  let description = [{
    Inference-mode dropout: the result is the operand. The ratio is kept for
    tools that report what the model contained; the op folds away.
  }];
  let arguments = (ins Kiln_Tensor:$input, F32Attr:$ratio);
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Activations with parameters.
//===----------------------------------------------------------------------===//

class Kiln_ParamUnaryOp<string mnemonic, string summaryText, dag attrs>
    : Kiln_UnaryOp<mnemonic, summaryText> {
  let arguments = !con((ins Kiln_Tensor:$input), attrs);
}

def Kiln_LeakyReluOp : Kiln_ParamUnaryOp<"leaky_relu", "x >= 0 ? x : alpha * x",
                                         (ins F32Attr:$alpha)>;
def Kiln_EluOp : Kiln_ParamUnaryOp<"elu", "x >= 0 ? x : alpha * (exp(x) - 1)",
                                   (ins F32Attr:$alpha)>;
def Kiln_SeluOp : Kiln_ParamUnaryOp<"selu",
    "gamma * (x > 0 ? x : alpha * (exp(x) - 1))", (ins F32Attr:$alpha, F32Attr:$gamma)>;
def Kiln_CeluOp : Kiln_ParamUnaryOp<"celu",
    "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))", (ins F32Attr:$alpha)>;
def Kiln_HardSigmoidOp : Kiln_ParamUnaryOp<"hard_sigmoid",
    "max(0, min(1, alpha * x + beta))", (ins F32Attr:$alpha, F32Attr:$beta)>;
def Kiln_ThresholdedReluOp : Kiln_ParamUnaryOp<"thresholded_relu",
    "x > alpha ? x : 0", (ins F32Attr:$alpha)>;
def Kiln_ShrinkOp : Kiln_ParamUnaryOp<"shrink",
    "x < -lambd ? x + bias : (x > lambd ? x - bias : 0)",
    (ins F32Attr:$bias, F32Attr:$lambd)>;
def Kiln_SwishOp : Kiln_ParamUnaryOp<"swish", "x * sigmoid(alpha * x)",
                                     (ins F32Attr:$alpha)>;
def Kiln_GeluOp : Kiln_ParamUnaryOp<"gelu",
    "0.5 * x * (1 + erf(x / sqrt(2))), or its tanh approximation",
    (ins BoolAttr:$tanh_approximation)>;

//===----------------------------------------------------------------------===//
// Predicates on floating-point values.
//===----------------------------------------------------------------------===//

def Kiln_IsNaNOp : Kiln_InferredOp<"is_nan", [Elementwise]> {
  let summary = "true where the element is NaN";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_IsInfOp : Kiln_InferredOp<"is_inf", [Elementwise]> {
  let summary = "true where the element is an infinity of a selected sign";
  let arguments = (ins Kiln_Tensor:$input, BoolAttr:$detect_negative,
                   BoolAttr:$detect_positive);
  let results = (outs Kiln_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Binary operations with multidirectional (numpy) broadcasting.
//===----------------------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, string summaryText, list<Trait> traits = []>
    : Kiln_InferredOp<mnemonic, traits> {
  let summary = summaryText;
  let description = "Computes `" # summaryText # "` element by element. The "
    # "operands broadcast against each other by the numpy rules: shapes are "
    # "aligned at their trailing dimensions and a dimension of size 1 "
    # "stretches to the other's size.";
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)";
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "lhs + rhs", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_SubOp : Kiln_BinaryOp<"sub", "lhs - rhs"> { let hasFolder = 1; }
def Kiln_MulOp : Kiln_BinaryOp<"mul", "lhs * rhs", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_DivOp : Kiln_BinaryOp<"div", "lhs / rhs (truncating for integers)"> {
  let hasFolder = 1;
}
def Kiln_PowOp : Kiln_BinaryOp<"pow", "lhs raised to rhs">;
def Kiln_MinOp : Kiln_BinaryOp<"min", "min(lhs, rhs)", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_MaxOp : Kiln_BinaryOp<"max", "max(lhs, rhs)", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_ModOp : Kiln_BinaryOp<"mod",
    "remainder: sign of the divisor, or of the dividend when fmod is set"> {
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs, BoolAttr:$fmod);
  let hasFolder = 1;
}
def Kiln_PReluOp : Kiln_BinaryOp<"prelu", "lhs >= 0 ? lhs : rhs * lhs">;
def Kiln_AndOp : Kiln_BinaryOp<"and", "logical and", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_OrOp : Kiln_BinaryOp<"or", "logical or", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_XorOp : Kiln_BinaryOp<"xor", "logical exclusive or", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_BitwiseAndOp : Kiln_BinaryOp<"bitwise_and", "bitwise and", [Commutative]>;
def Kiln_BitwiseOrOp : Kiln_BinaryOp<"bitwise_or", "bitwise or", [Commutative]>;
def Kiln_BitwiseXorOp : Kiln_BinaryOp<"bitwise_xor", "bitwise exclusive or", [Commutative]>;
def Kiln_BitShiftOp : Kiln_BinaryOp<"bit_shift", "lhs shifted left or right by rhs bits"> {
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs, BoolAttr:$shift_left);
}

/// Comparisons broadcast like the arithmetic ops and produce booleans (i1).
def Kiln_EqualOp : Kiln_BinaryOp<"equal", "lhs == rhs", [Commutative]> {
  let hasFolder = 1;
}
def Kiln_LessOp : Kiln_BinaryOp<"less", "lhs < rhs"> { let hasFolder = 1; }
def Kiln_LessEqualOp : Kiln_BinaryOp<"less_equal", "lhs <= rhs"> {
  let hasFolder = 1;
}
def Kiln_GreaterOp : Kiln_BinaryOp<"greater", "lhs > rhs"> { let hasFolder = 1; }
def Kiln_GreaterEqualOp : Kiln_BinaryOp<"greater_equal", "lhs >= rhs"> {
  let hasFolder = 1;
}

def Kiln_WhereOp : Kiln_InferredOp<"where"> {
  let summary = "select x where the condition holds, y elsewhere";
  let description = "The three operands broadcast against each other by the numpy rules.";
  let arguments = (ins Kiln_Tensor:$condition, Kiln_Tensor:$x, Kiln_Tensor:$y);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_ClipOp : Kiln_InferredOp<"clip"> {
  let summary = "clamp every element into [min, max]";
  let description = [{
    `min` and `max` are 0-d tensors of the input's element type. ONNX's
    absent bounds become the lowest and highest values of the type.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$min, Kiln_Tensor:$max);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_CastOp : Kiln_Op<"cast", [Pure, Elementwise]> {
  let summary = "convert every element to the result's element type";
  let description = [{
    Float to integer conversion truncates toward zero. With `saturate`,
    conversions to 8-bit float types clamp to the finite range.
  }];
  let arguments = (ins Kiln_Tensor:$input, BoolAttr:$saturate);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear quantization.
//===----------------------------------------------------------------------===//

def Kiln_QuantizeLinearOp : Kiln_InferredOp<"quantize_linear"> {
  let summary = "saturate(round(x / scale) + zero_point) in zero_point's type";
  let description = [{
    `scale` and `zero_point` are 0-d (per tensor), 1-D along `axis` (per
    axis), or of the input's rank with `block_size` along `axis` (blocked).
    The result has the input's shape and the zero point's element type.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Tensor:$zero_point,
                   Kiln_Axis:$axis, ConfinedAttr<I64Attr, [IntNonNegative]>:$block_size,
                   BoolAttr:$saturate);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_DequantizeLinearOp : Kiln_InferredOp<"dequantize_linear"> {
  let summary = "(x - zero_point) * scale in scale's type";
  let description = "Scale and zero point are laid out as for `kiln.quantize_linear`.";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Tensor:$zero_point,
                   Kiln_Axis:$axis, ConfinedAttr<I64Attr, [IntNonNegative]>:$block_size);
  let results = (outs Kiln_Tensor:$output);
}

#endif // KILN_DIALECT_KILN_IR_KILNELEMENTWISEOPS_TD
