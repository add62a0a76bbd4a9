//===- AccumulatorPromotion.cpp - Reductions accumulate in registers ------===//

#include "AccumulatorPromotion.h"
#include "BufferRoots.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using kiln::cpu::getRootBuffer;

/// Whether `op`, inside the loop, may touch the bytes of `root`.
static bool mayTouch(Operation *op, Value root) {
  for (Value operand : op->getOperands())
    if (isa<BaseMemRefType>(operand.getType()) &&
        getRootBuffer(operand) == root)
      return true;
  return false;
}

/// The load of the element `store` writes, when the pair can move out of
/// `loop`.
static memref::LoadOp findPromotableLoad(scf::ForOp loop,
                                         memref::StoreOp store) {
  Value memref = store.getMemRef();
  if (!loop.isDefinedOutsideOfLoop(memref) ||
      !llvm::all_of(store.getIndices(), [&](Value index) {
        return loop.isDefinedOutsideOfLoop(index);
      }))
    return {};
  Value root = getRootBuffer(memref);
  memref::LoadOp load;
  bool alone = true;
  loop.getBody()->walk([&](Operation *op) {
    if (op == store.getOperation() || !mayTouch(op, root))
      return;
    auto candidate = dyn_cast<memref::LoadOp>(op);
    if (!load && candidate && candidate->getBlock() == store->getBlock() &&
        candidate.getMemRef() == memref &&
        candidate.getIndices() == store.getIndices() &&
        candidate->isBeforeInBlock(store)) {
      load = candidate;
      return;
    }
    alone = false;
  });
  return alone ? load : memref::LoadOp();
}

/// Promotes one pair of `loop`; false when it has none.
static bool promoteOne(RewriterBase &rewriter, scf::ForOp loop) {
  for (auto store : loop.getBody()->getOps<memref::StoreOp>()) {
    memref::LoadOp load = findPromotableLoad(loop, store);
    if (!load)
      continue;
    rewriter.setInsertionPoint(loop);
    Value initial = memref::LoadOp::create(rewriter, load.getLoc(),
                                           load.getMemRef(), load.getIndices());
    Value stored = store.getValueToStore();
    FailureOr<LoopLikeOpInterface> grown = loop.replaceWithAdditionalYields(
        rewriter, initial, /*replaceInitOperandUsesInLoop=*/false,
        [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
          return SmallVector<Value>{stored};
        });
    if (failed(grown))
      return false;
    auto newLoop = cast<scf::ForOp>(grown->getOperation());
    rewriter.replaceOp(load, newLoop.getRegionIterArgs().back());
    rewriter.setInsertionPointAfter(newLoop);
    memref::StoreOp::create(rewriter, store.getLoc(),
                            newLoop.getResults().back(), store.getMemRef(),
                            store.getIndices());
    rewriter.eraseOp(store);
    return true;
  }
  return false;
}

void kiln::cuda::promoteAccumulators(Operation *root) {
  IRRewriter rewriter(root->getContext());
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<scf::ForOp> loops;
    root->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      if (promoteOne(rewriter, loop)) {
        changed = true;
        break;
      }
  }
}
