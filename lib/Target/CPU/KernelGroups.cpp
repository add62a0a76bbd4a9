//===- KernelGroups.cpp - A contraction with its initializer and epilogue -===//

#include "KernelGroups.h"
#include "BufferRoots.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace kiln::cpu;

bool kiln::cpu::isKernelGroup(Operation *op) {
  return isa<scf::ExecuteRegionOp>(op) && op->hasAttr(kKernelGroupAttr);
}

/// Whether `op` computes its output from an initial value that it
/// accumulates into (a matrix product, a convolution, a reduction).
static bool isReduction(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() > 0 &&
         linalgOp.getNumDpsInits() == 1;
}

void kiln::cpu::cloneSharedInitializers(func::FuncOp main) {
  SmallVector<Operation *> shared;
  for (Operation &op : main.getBody().front())
    if (isa<linalg::FillOp, linalg::BroadcastOp>(op) &&
        !op.getResult(0).hasOneUse())
      shared.push_back(&op);
  OpBuilder b(main.getContext());
  for (Operation *init : shared) {
    auto dps = cast<DestinationStyleOpInterface>(init);
    auto empty =
        dps.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>();
    if (!empty)
      continue;
    for (OpOperand &use :
         llvm::make_early_inc_range(init->getResult(0).getUses())) {
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      if (!user || !user.isDpsInit(&use) || !isReduction(user))
        continue;
      b.setInsertionPoint(user);
      IRMapping mapping;
      mapping.map(empty.getResult(), b.clone(*empty)->getResult(0));
      use.set(b.clone(*init, mapping)->getResult(0));
    }
    if (init->use_empty())
      init->erase();
  }
}

/// Whether `op` (or an op nested in it) names a view of `root`.
static bool touches(Operation *op, Value root) {
  llvm::SmallPtrSet<Value, 4> roots;
  collectTouchedBuffers(op, roots);
  return roots.contains(root);
}

/// Whether `op` (or an op nested in it) may write one of `roots`; an
/// effect on an unknown buffer may write any.
static bool mayWrite(Operation *op, const llvm::SmallPtrSet<Value, 4> &roots) {
  WalkResult found = op->walk([&](Operation *inner) {
    if (isMemoryEffectFree(inner))
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
    if (!effects)
      return inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>()
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const MemoryEffects::EffectInstance &effect : list) {
      if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
        continue;
      Value value = effect.getValue();
      if (!value || roots.contains(getRootBuffer(value)))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found.wasInterrupted();
}

/// Whether every loop of `op` is parallel, its one output indexed by the
/// identity and its body not reading that output (an elementwise op that
/// can run at any one position of its output alone).
static bool isElementwiseWrite(linalg::LinalgOp op) {
  if (!op || !op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops())
    return false;
  OpOperand *out = op.getDpsInitOperand(0);
  return op.getMatchingIndexingMap(out).isIdentity() &&
         op.getMatchingBlockArgument(out).use_empty();
}

namespace {

/// A contraction and what joins its group.
struct Group {
  linalg::LinalgOp contraction;
  Value output, root;
  linalg::LinalgOp initializer, epilogue;
  memref::AllocOp privateAlloc;
};

} // namespace

bool kiln::cpu::outputIndexesParallelLoops(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1)
    return false;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  return map.isProjectedPermutation() &&
         map.getNumResults() == op.getNumParallelLoops() &&
         llvm::all_of(map.getResults(), [&](AffineExpr result) {
           return op.getIteratorTypesArray()[cast<AffineDimExpr>(result)
                                                 .getPosition()] ==
                  utils::IteratorType::parallel;
         });
}

/// Whether `op` can lead a group: a reduction over a buffer whose output
/// indexes each of its parallel loops once (the GPU mappings then iterate
/// its outputs in their order, as its initializer and epilogue do).
static bool canLeadGroup(linalg::LinalgOp op) {
  return op.hasPureBufferSemantics() && isReduction(op) &&
         outputIndexesParallelLoops(op);
}

/// The nearest op after (`forward`) or before the contraction that touches
/// its output, or null; `passed` gets the ops in between that touch memory.
static Operation *findNextToucher(Group &group, bool forward,
                                  SmallVectorImpl<Operation *> &passed) {
  Operation *op = group.contraction;
  while ((op = forward ? op->getNextNode() : op->getPrevNode())) {
    // Nothing before the output's allocation touches it.
    if (op == group.root.getDefiningOp())
      return nullptr;
    if (isMemoryEffectFree(op))
      continue;
    if (touches(op, group.root))
      return op;
    passed.push_back(op);
  }
  return nullptr;
}

/// The op of `group`'s initializer, when the op before the contraction
/// that touches its output is one.
static linalg::LinalgOp findInitializer(Group &group) {
  SmallVector<Operation *> passed;
  auto init = dyn_cast_or_null<linalg::LinalgOp>(
      findNextToucher(group, /*forward=*/false, passed));
  if (!init ||
      !isa<linalg::FillOp, linalg::BroadcastOp, linalg::GenericOp>(
          init.getOperation()) ||
      !isElementwiseWrite(init) ||
      init.getDpsInitOperand(0)->get() != group.output)
    return {};
  llvm::SmallPtrSet<Value, 4> reads;
  for (OpOperand *input : init.getDpsInputOperands())
    if (isa<BaseMemRefType>(input->get().getType()))
      reads.insert(getRootBuffer(input->get()));
  if (reads.contains(group.root))
    return {};
  // It moves down to the contraction: nothing passed may change its inputs.
  for (Operation *other : passed)
    if (mayWrite(other, reads))
      return {};
  return init;
}

/// The op of `group`'s epilogue, when the op after the contraction that
/// touches its output is one.
static linalg::LinalgOp findEpilogue(Group &group) {
  SmallVector<Operation *> passed;
  auto epilogue = dyn_cast_or_null<linalg::GenericOp>(
      findNextToucher(group, /*forward=*/true, passed));
  if (!epilogue || !isElementwiseWrite(epilogue))
    return {};
  int reads = 0;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    Value value = input->get();
    if (!isa<BaseMemRefType>(value.getType()) ||
        getRootBuffer(value) != group.root)
      continue;
    if (value != group.output ||
        !epilogue.getMatchingIndexingMap(input).isIdentity())
      return {};
    ++reads;
  }
  Value out = epilogue.getDpsInitOperand(0)->get();
  if (reads != 1 || (getRootBuffer(out) == group.root && out != group.output))
    return {};
  // The contraction (with its initializer) moves down to the epilogue:
  // nothing passed may change what they read.
  llvm::SmallPtrSet<Value, 4> moved;
  collectTouchedBuffers(group.contraction, moved);
  if (group.initializer)
    collectTouchedBuffers(group.initializer, moved);
  moved.erase(group.root);
  for (Operation *other : passed)
    if (mayWrite(other, moved))
      return {};
  // And the epilogue writes nothing they read: its threads would overwrite
  // what other threads still read.
  if (moved.contains(getRootBuffer(out)))
    return {};
  return epilogue;
}

/// The allocation of the group's output when only the group uses it.
static memref::AllocOp findPrivateAlloc(Group &group) {
  auto alloc = group.output.getDefiningOp<memref::AllocOp>();
  if (!alloc || !group.epilogue ||
      group.epilogue.getDpsInitOperand(0)->get() == group.output)
    return {};
  for (Operation *user : group.output.getUsers())
    if (user != group.contraction && user != group.initializer &&
        user != group.epilogue && !isa<memref::DeallocOp>(user))
      return {};
  return alloc;
}

void kiln::cpu::groupContractionKernels(func::FuncOp main) {
  SmallVector<linalg::LinalgOp> contractions;
  for (Operation &op : main.getBody().front())
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
        linalgOp && canLeadGroup(linalgOp))
      contractions.push_back(linalgOp);
  OpBuilder b(main.getContext());
  for (linalg::LinalgOp contraction : contractions) {
    Group group;
    group.contraction = contraction;
    group.output = contraction.getDpsInitOperand(0)->get();
    group.root = getRootBuffer(group.output);
    group.initializer = findInitializer(group);
    group.epilogue = findEpilogue(group);
    if (!group.initializer && !group.epilogue)
      continue;
    group.privateAlloc = findPrivateAlloc(group);

    Operation *last = group.epilogue ? group.epilogue : contraction;
    b.setInsertionPoint(last);
    auto region =
        scf::ExecuteRegionOp::create(b, contraction.getLoc(), TypeRange{});
    region->setAttr(kKernelGroupAttr, b.getUnitAttr());
    Block *body = b.createBlock(&region.getRegion());
    b.setInsertionPointToEnd(body);
    auto yield = scf::YieldOp::create(b, contraction.getLoc());
    if (group.privateAlloc) {
      for (Operation *user :
           llvm::make_early_inc_range(group.output.getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      group.privateAlloc->moveBefore(yield);
    }
    for (Operation *op :
         {group.initializer.getOperation(), contraction.getOperation(),
          group.epilogue.getOperation()})
      if (op)
        op->moveBefore(yield);
  }
}
