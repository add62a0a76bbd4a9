//===- GroupLoopFusion.cpp - One thread loop for a kernel group -----------===//

#include "GroupLoopFusion.h"

#include "AccumulatorPromotion.h"
#include "BufferRoots.h"
#include "KernelGroups.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace kiln;
using kiln::cpu::getRootBuffer;

/// In `block`, replaces each load of an element stored earlier in the block
/// (nothing that may write the buffer in between) by the stored value, and
/// erases stores that a later store to the same element overwrites unread.
static void forwardStores(Block &block) {
  // Stores whose element may be loaded again (`available`), and those
  // whose element nothing read from memory since (`unread`).
  SmallVector<memref::StoreOp> available, unread;
  auto forget = [](SmallVector<memref::StoreOp> &list, Value root) {
    llvm::erase_if(list, [&](memref::StoreOp s) {
      return getRootBuffer(s.getMemRef()) == root;
    });
  };
  auto sameElement = [](memref::StoreOp store, Value memref,
                        ValueRange indices) {
    return store.getMemRef() == memref &&
           llvm::equal(store.getIndices(), indices);
  };
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (isMemoryEffectFree(&op))
      continue;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      auto it = llvm::find_if(llvm::reverse(available), [&](memref::StoreOp s) {
        return sameElement(s, load.getMemRef(), load.getIndices());
      });
      if (it != llvm::reverse(available).end()) {
        load.replaceAllUsesWith(it->getValueToStore());
        load.erase();
        continue;
      }
      forget(unread, getRootBuffer(load.getMemRef()));
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      for (memref::StoreOp earlier : llvm::make_early_inc_range(unread))
        if (sameElement(earlier, store.getMemRef(), store.getIndices())) {
          llvm::erase(available, earlier);
          llvm::erase(unread, earlier);
          earlier.erase();
        }
      // Another element of the buffer may be the same one at run time.
      Value root = getRootBuffer(store.getMemRef());
      forget(available, root);
      forget(unread, root);
      available.push_back(store);
      unread.push_back(store);
      continue;
    }
    llvm::SmallPtrSet<Value, 4> touched;
    if (!cpu::collectTouchedBuffers(&op, touched)) {
      available.clear();
      unread.clear();
      continue;
    }
    for (Value root : touched) {
      forget(available, root);
      forget(unread, root);
    }
  }
}

/// Fuses `loops` into the last of them; each runs over the group's
/// outputs, in the same order (KernelGroups.h).
static LogicalResult
fuseLoops(ArrayRef<scf::ParallelOp> loops,
          llvm::function_ref<InFlightDiagnostic(const llvm::Twine &)> bug) {
  scf::ParallelOp target = loops.back();
  auto sameBound = [](Value x, Value y) {
    std::optional<int64_t> cx = getConstantIntValue(x),
                           cy = getConstantIntValue(y);
    return x == y || !cx || !cy || *cx == *cy;
  };
  for (scf::ParallelOp loop : loops.drop_back()) {
    if (loop.getNumLoops() != target.getNumLoops())
      return bug("its ops' loops do not line up");
    for (auto [x, y] : llvm::zip(loop.getOperands(), target.getOperands()))
      if (!sameBound(x, y))
        return bug("its ops' loops do not line up");
  }
  // The earlier loops' bodies go first in the last one's: what they use is
  // defined before them, so before it too.
  Operation *front = &target.getBody()->front();
  for (scf::ParallelOp loop : loops.drop_back()) {
    IRMapping mapping;
    mapping.map(loop.getInductionVars(), target.getInductionVars());
    OpBuilder b(front);
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, mapping);
    loop.erase();
  }
  return success();
}

LogicalResult kiln::cuda::fuseGroupLoops(func::FuncOp fn) {
  if (!fn->hasAttr(cpu::kKernelGroupAttr))
    return success();
  Block &body = fn.getBody().front();
  SmallVector<scf::ParallelOp> loops;
  SmallVector<memref::AllocOp> privateBuffers;
  for (Operation &op : body) {
    if (auto loop = dyn_cast<scf::ParallelOp>(op);
        loop && loop.getNumResults() == 0)
      loops.push_back(loop);
    if (auto alloc = dyn_cast<memref::AllocOp>(op))
      privateBuffers.push_back(alloc);
  }
  auto bug = [&](const llvm::Twine &what) {
    return fn.emitError("kiln CUDA codegen: kernel group ")
           << fn.getName() << ": " << what << " (a kiln bug)";
  };
  // Without loops (a single output: their one iteration folded away) the
  // ops run one after the other in the body.
  Block *fused = &body;
  if (!loops.empty()) {
    if (failed(fuseLoops(loops, bug)))
      return failure();
    fused = loops.back().getBody();
  }
  promoteAccumulators(fused->getParentOp());
  forwardStores(*fused);

  for (memref::AllocOp alloc : privateBuffers) {
    SmallVector<Operation *> users(alloc->getUsers());
    if (!llvm::all_of(users,
                      [](Operation *u) { return isa<memref::StoreOp>(u); }))
      return bug("its private buffer is still read");
    for (Operation *user : users)
      user->erase();
    alloc.erase();
  }
  return success();
}