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
