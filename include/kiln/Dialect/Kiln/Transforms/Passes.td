//===- Passes.td - kiln graph-level passes -----------------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_TRANSFORMS_PASSES_TD
#define KILN_DIALECT_KILN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnFoldBatchNorm : Pass<"kiln-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference-mode batch normalization into the convolution "
                "or Gemm before it";
  let description = [{
    A `kiln.batch_norm` whose input is the only use of a `kiln.conv`, a
    `kiln.conv_transpose` or a `kiln.gemm` with constant weights is folded
    into that op: the weight of each output channel is scaled by
    `scale / sqrt(variance + epsilon)` and the bias becomes
    `(bias_old - mean) * scale / sqrt(variance + epsilon) + bias`.

    Before:
    ```mlir
    %c = kiln.conv %x, %w, %b {...} : (...) -> tensor<1x16x8x8xf32>
    %y = kiln.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0e-05 : f32} : (...)
    ```
    After:
    ```mlir
    %y = kiln.conv %x, %w_folded, %b_folded {...} : (...) -> tensor<1x16x8x8xf32>
    ```
    Only f32 constants are folded; anything else is left alone.
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnInferShapes : Pass<"kiln-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine result types to what inference derives from the operands";
  let description = [{
    Re-runs result-type inference on every kiln op, in order, and replaces a
    result type by the inferred one where that is more static (a reshape
    whose shape operand folded to a constant, say). The function's result
    types are refined to match its return; a function that has callers keeps
    its signature and casts the refined values back with `tensor.cast`.

    Before:
    ```mlir
    %s = kiln.constant dense<[2, 6]> : tensor<2xi64>
    %r = kiln.reshape %x, %s {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    ```
    After:
    ```mlir
    %r = kiln.reshape %x, %s {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x6xf32>
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // KILN_DIALECT_KILN_TRANSFORMS_PASSES_TD
