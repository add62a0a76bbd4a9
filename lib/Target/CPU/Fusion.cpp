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
        // element is computed once.
        return consumer &&
               consumer.getMatchingIndexingMap(operand).isPermutation();
      });
  return applyPatternsGreedily(module, std::move(patterns));
}
