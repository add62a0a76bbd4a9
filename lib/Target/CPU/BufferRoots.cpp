//===- BufferRoots.cpp - The buffers behind memref views ------------------===//

#include "BufferRoots.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

Value kiln::cpu::getRootBuffer(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  return memref;
}

bool kiln::cpu::collectTouchedBuffers(Operation *op,
                                      llvm::SmallPtrSetImpl<Value> &roots) {
  bool known = true;
  op->walk([&](Operation *inner) {
    bool viaMemref = false;
    for (Value operand : inner->getOperands())
      if (isa<BaseMemRefType>(operand.getType())) {
        roots.insert(getRootBuffer(operand));
        viaMemref = true;
      }
    if (!viaMemref && !isMemoryEffectFree(inner) &&
        !inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      known = false;
  });
  return known;
}
