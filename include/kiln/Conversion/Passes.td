//===- Passes.td - kiln conversion passes ------------------*- tablegen -*-===//

#ifndef KILN_CONVERSION_PASSES_TD
#define KILN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnConvertToLinalg : Pass<"kiln-convert-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower the kiln graph dialect to linalg, tensor, arith and math "
                "on tensors";
  let description = [{
    Rewrites every kiln op into upstream ops on tensors: named linalg ops
    where one exists (`linalg.matmul`, `linalg.batch_matmul`,
    `linalg.conv_2d_nchw_fchw`, `linalg.pooling_nchw_max`,
    `linalg.transpose`, `linalg.softmax`, ...), `linalg.generic` elsewhere
    (elementwise ops with numpy broadcasting, reductions), and `tensor` ops
    for data movement. Broadcast operands read size-1 dimensions through a
    constant-0 indexing map instead of materializing the broadcast.

    Every kiln op must lower: one that cannot (an op with no lowering yet,
    or operands the lowering does not handle, such as ambiguous dynamic
    broadcasts) fails the pass with an error naming it.

    Before:
    ```mlir
    %0 = kiln.add %x, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
    %1 = kiln.relu %0 : tensor<2x3xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<2x3xf32>
    %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%x, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      %s = arith.addf %in, %in_0 : f32
      linalg.yield %s : f32
    } -> tensor<2x3xf32>
    %1 = linalg.generic ... {
      %m = arith.maximumf %in, %cst : f32
      linalg.yield %m : f32
    } -> tensor<2x3xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
