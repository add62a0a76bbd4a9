//===- KilnRandomOps.td - random number generation --------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNRANDOMOPS_TD
#define KILN_DIALECT_KILN_IR_KILNRANDOMOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

/// Random ops are not Pure: two draws with the same operands differ, so
/// they must not be merged or folded. `seed` is absent when the model asks
/// for a nondeterministic stream.
class Kiln_RandomOp<string mnemonic, string summaryText, dag params>
    : Kiln_Op<mnemonic, [InferTypeOpAdaptorWithIsCompatible]> {
  let summary = summaryText;
  let extraClassDefinition = kilnCompatibleReturnTypes;
  let arguments = !con((ins Kiln_Tensor:$shape, TypeAttr:$dtype), params,
                       (ins OptionalAttr<F32Attr>:$seed));
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_RandomUniformOp : Kiln_RandomOp<"random_uniform",
    "samples from U(low, high) in a tensor of the given shape",
    (ins F32Attr:$low, F32Attr:$high)>;
def Kiln_RandomNormalOp : Kiln_RandomOp<"random_normal",
    "samples from N(mean, scale^2) in a tensor of the given shape",
    (ins F32Attr:$mean, F32Attr:$scale)>;

def Kiln_BernoulliOp : Kiln_Op<"bernoulli", [InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "1 with the probability given by each input element, else 0";
  let extraClassDefinition = kilnCompatibleReturnTypes;
  let arguments = (ins Kiln_Tensor:$input, TypeAttr:$dtype, OptionalAttr<F32Attr>:$seed);
  let results = (outs Kiln_Tensor:$output);
}

#endif // KILN_DIALECT_KILN_IR_KILNRANDOMOPS_TD
