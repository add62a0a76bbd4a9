//===- KilnReductionOps.td - reductions --------------------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNREDUCTIONOPS_TD
#define KILN_DIALECT_KILN_IR_KILNREDUCTIONOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

/// Reductions take their axes either as an attribute (sorted, unique,
/// non-negative: the importer's form whenever the axes are known) or, when
/// the model computes them at run time, as a 1-D integer operand with ONNX's
/// meaning (negative values count from the end). An empty `axes` attribute
/// means "every dimension".
class Kiln_ReduceOp<string mnemonic, string summaryText>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let description = "Reduces over `axes`: " # summaryText # ". With `keepdims` "
    # "the reduced dimensions stay as size 1.";
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_Tensor>:$dynamic_axes,
                   OptionalAttr<Kiln_I64Array>:$axes, BoolAttr:$keepdims);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "sum">;
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "arithmetic mean">;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "maximum">;
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min", "minimum">;
def Kiln_ReduceProdOp : Kiln_ReduceOp<"reduce_prod", "product">;
def Kiln_ReduceL1Op : Kiln_ReduceOp<"reduce_l1", "sum of absolute values">;
def Kiln_ReduceL2Op : Kiln_ReduceOp<"reduce_l2", "square root of the sum of squares">;
def Kiln_ReduceLogSumOp : Kiln_ReduceOp<"reduce_log_sum", "log of the sum">;
def Kiln_ReduceLogSumExpOp : Kiln_ReduceOp<"reduce_log_sum_exp", "log of the sum of exponentials">;
def Kiln_ReduceSumSquareOp : Kiln_ReduceOp<"reduce_sum_square", "sum of squares">;

class Kiln_ArgReduceOp<string mnemonic, string summaryText>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let description = "Index (i64) of the " # summaryText # " along `axis`; ties "
    # "resolve to the first index, or the last with `select_last_index`.";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Axis:$axis, BoolAttr:$keepdims,
                   BoolAttr:$select_last_index);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ArgMaxOp : Kiln_ArgReduceOp<"argmax", "maximum">;
def Kiln_ArgMinOp : Kiln_ArgReduceOp<"argmin", "minimum">;

/// Scans take their axis as an attribute when it is known, else as a 0-d
/// or 1-element integer operand with ONNX's meaning.
class Kiln_ScanOp<string mnemonic, string summaryText> : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_Tensor>:$dynamic_axis,
                   OptionalAttr<Kiln_Axis>:$axis, BoolAttr:$exclusive,
                   BoolAttr:$reverse);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

def Kiln_CumSumOp : Kiln_ScanOp<"cumsum", "running sum along one axis">;
def Kiln_CumProdOp : Kiln_ScanOp<"cumprod", "running product along one axis">;

def Kiln_TopKOp : Kiln_InferredOp<"top_k"> {
  let summary = "the k largest (or smallest) elements along an axis and their indices";
  let description = [{
    `k` is a 1-element integer tensor. The indices result is i64.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$k, Kiln_Axis:$axis,
                   BoolAttr:$largest, BoolAttr:$sorted);
  let results = (outs Kiln_Tensor:$values, Kiln_Tensor:$indices);
}

#endif // KILN_DIALECT_KILN_IR_KILNREDUCTIONOPS_TD
