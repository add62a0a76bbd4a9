//===- KernelGroupOps.cpp - The ops of a kernel function ------------------===//

#include "KernelGroupOps.h"

#include "KernelGroups.h"
#include "ThreadMapping.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"

using namespace mlir;
using namespace kiln::cuda;

std::optional<KernelOps> kiln::cuda::matchKernelOps(func::FuncOp fn) {
  KernelOps ops;
  SmallVector<linalg::LinalgOp> linalgOps;
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      linalgOps.push_back(linalgOp);
    else if (auto alloc = dyn_cast<memref::AllocOp>(op);
             alloc && !ops.privateOutput)
      ops.privateOutput = alloc;
    else if (!isReadOnly(&op))
      return std::nullopt;
  }
  auto lead = llvm::find_if(linalgOps, [](linalg::LinalgOp op) {
    return op.getNumReductionLoops() > 0;
  });
  if (lead == linalgOps.end() ||
      (linalgOps.size() > 1 && !fn->hasAttr(cpu::kKernelGroupAttr)) ||
      lead - linalgOps.begin() > 1 || linalgOps.end() - lead > 2 ||
      !lead->hasPureBufferSemantics() || lead->getNumDpsInits() != 1)
    return std::nullopt;
  ops.lead = *lead;
  if (lead != linalgOps.begin())
    ops.initializer = linalgOps.front();
  if (lead + 1 != linalgOps.end())
    ops.epilogue = linalgOps.back();
  if (ops.privateOutput &&
      ops.privateOutput.getResult() != ops.lead.getDpsInitOperand(0)->get())
    return std::nullopt;
  return ops;
}

bool KernelOps::contains(Operation *op) {
  return op == lead || op == initializer || op == epilogue ||
         op == privateOutput;
}

Value kiln::cuda::cloneBodyAt(OpBuilder &b, Location loc, linalg::LinalgOp op,
                              const IRMapping &mapping, ValueRange position,
                              OpOperand *given, Value value, Operation *skip,
                              Value result) {
  IRMapping at = mapping;
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(input);
    if (input == given) {
      at.map(arg, value);
    } else if (!isa<MemRefType>(input->get().getType())) {
      at.map(arg, mapping.lookupOrDefault(input->get()));
    } else {
      AffineMap map = op.getMatchingIndexingMap(input);
      SmallVector<Value> indices;
      for (unsigned r = 0; r < map.getNumResults(); ++r)
        indices.push_back(affine::AffineApplyOp::create(
            b, loc, map.getSubMap({r}), position));
      at.map(arg, memref::LoadOp::create(b, loc, mapping.lookup(input->get()),
                                         indices));
    }
  }
  for (Operation &inner : op.getBlock()->without_terminator()) {
    if (&inner == skip)
      continue;
    if (auto index = dyn_cast<linalg::IndexOp>(inner))
      at.map(index.getResult(), position[index.getDim()]);
    else
      b.clone(inner, at);
  }
  return at.lookupOrDefault(
      result ? result : op.getBlock()->getTerminator()->getOperand(0));
}

Value KernelOps::initialValue(OpBuilder &b, Location loc,
                              const IRMapping &mapping, ValueRange position) {
  if (initializer)
    return cloneBodyAt(b, loc, initializer, mapping, position);
  return memref::LoadOp::create(
      b, loc, mapping.lookup(lead.getDpsInitOperand(0)->get()), position);
}

void KernelOps::storeResult(OpBuilder &b, Location loc,
                            const IRMapping &mapping, ValueRange position,
                            Value result) {
  Value out = lead.getDpsInitOperand(0)->get();
  if (!epilogue) {
    memref::StoreOp::create(b, loc, result, mapping.lookup(out), position);
    return;
  }
  // The epilogue reads the result at its own position (KernelGroups.h).
  OpOperand *read = llvm::find_if(epilogue->getOpOperands(), [&](OpOperand &o) {
    return epilogue.isDpsInput(&o) && o.get() == out;
  });
  Value epilogueOut = epilogue.getDpsInitOperand(0)->get();
  if (!privateOutput && epilogueOut != out)
    memref::StoreOp::create(b, loc, result, mapping.lookup(out), position);
  memref::StoreOp::create(
      b, loc, cloneBodyAt(b, loc, epilogue, mapping, position, read, result),
      mapping.lookup(epilogueOut), position);
}

void kiln::cuda::delinearizeLoops(OpBuilder &b, Location loc, Value flat,
                                  ArrayRef<unsigned> loops, ValueRange extents,
                                  MutableArrayRef<Value> position) {
  for (int64_t i = loops.size() - 1; i >= 0; --i) {
    Value extent = extents[loops[i]];
    position[loops[i]] =
        i == 0 ? flat : arith::RemUIOp::create(b, loc, flat, extent);
    if (i > 0)
      flat = arith::DivUIOp::create(b, loc, flat, extent);
  }
}
