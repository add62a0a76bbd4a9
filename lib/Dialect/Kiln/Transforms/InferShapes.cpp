//===- InferShapes.cpp - refine result types from inference ---------------===//

#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "kiln/Dialect/Kiln/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "kiln-infer-shapes"

namespace kiln {
#define GEN_PASS_DEF_KILNINFERSHAPES
#include "kiln/Dialect/Kiln/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {
/// True when `candidate` has every static dimension of `current` and more.
bool isMoreStatic(Type candidate, Type current) {
  auto a = dyn_cast<RankedTensorType>(candidate);
  auto b = dyn_cast<RankedTensorType>(current);
  if (!a || !b || a == b || a.getRank() != b.getRank() ||
      a.getElementType() != b.getElementType())
    return false;
  bool gained = false;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape())) {
    if (ShapedType::isDynamic(x) && !ShapedType::isDynamic(y))
      return false;
    gained |= !ShapedType::isDynamic(x) && ShapedType::isDynamic(y);
  }
  return gained;
}

struct KilnInferShapesPass
    : kiln::impl::KilnInferShapesBase<KilnInferShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    func.walk([&](InferTypeOpInterface op) {
      if (!isa<kiln::KilnDialect>(op->getDialect()))
        return;
      SmallVector<Type> inferred;
      if (failed(op.inferReturnTypes(op->getContext(), op->getLoc(),
                                     op->getOperands(), op->getAttrDictionary(),
                                     op->getPropertiesStorage(),
                                     op->getRegions(), inferred)))
        return;
      for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
        if (!isMoreStatic(type, result.getType()))
          continue;
        LLVM_DEBUG(llvm::dbgs() << "refining " << result.getType() << " to "
                                << type << "\n");
        result.setType(type);
      }
    });
    // Keep the signature in step with what the function returns, unless
    // callers see it: then cast back to the declared types at the return.
    Operation *terminator = func.getBody().back().getTerminator();
    Operation *parent = func->getParentOp();
    if (!parent || SymbolTable::symbolKnownUseEmpty(func, parent)) {
      auto resultTypes = llvm::to_vector(terminator->getOperandTypes());
      func.setFunctionType(FunctionType::get(
          func.getContext(), func.getArgumentTypes(), resultTypes));
      return;
    }
    OpBuilder builder(terminator);
    for (auto [operand, declared] :
         llvm::zip(terminator->getOpOperands(), func.getResultTypes()))
      if (operand.get().getType() != declared)
        operand.set(tensor::CastOp::create(builder, terminator->getLoc(),
                                           declared, operand.get()));
  }
};
} // namespace
