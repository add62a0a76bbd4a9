//===- Fusion.cpp - Fusing elementwise producers into consumers -----------===//

#include "Fusion.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

LogicalResult kiln::cpu::fuseElementwiseOps(ModuleOp module) {
  RewritePatternSet patterns(module.getContext());
  linalg::populateElementwiseOpsFusionPatterns(
      patterns, [](OpOperand *operand) {
        auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
        // Every loop of the consumer indexes the operand: each produced
        // element is computed once. And the consumer is the value's only
        // user: a producer fused into several consumers is computed in
        // each, and along a residual stream (each layer's output feeding
        // the next layer and the skip connection) the copies compound into
        // work quadratic in the depth.
        return consumer && operand->get().hasOneUse() &&
               consumer.getMatchingIndexingMap(operand).isPermutation();
      });
  return applyPatternsGreedily(module, std::move(patterns));
}

void kiln::cpu::foldTransposesIntoConsumers(func::FuncOp main) {
  SmallVector<linalg::TransposeOp> transposes(
      main.getBody().front().getOps<linalg::TransposeOp>());
  for (linalg::TransposeOp transpose : transposes) {
    Value result = transpose.getResult()[0];
    bool allGenericInputs = llvm::all_of(result.getUses(), [](OpOperand &use) {
      auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
      return generic && generic.isDpsInput(&use);
    });
    if (result.use_empty() || !allGenericInputs)
      continue;
    // The transpose's dimension i is its input's dimension permutation[i]:
    // a consumer's index for it indexes that input dimension instead.
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
      auto generic = cast<linalg::GenericOp>(use.getOwner());
      AffineMap map = generic.getMatchingIndexingMap(&use);
      SmallVector<AffineExpr> results(map.getNumResults());
      for (auto [i, p] : llvm::enumerate(permutation))
        results[p] = map.getResult(i);
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      maps[use.getOperandNumber()] = AffineMap::get(
          map.getNumDims(), map.getNumSymbols(), results, map.getContext());
      OpBuilder b(generic);
      generic.setIndexingMapsAttr(b.getAffineMapArrayAttr(maps));
      use.set(transpose.getInput());
    }
    transpose.erase();
  }
}
