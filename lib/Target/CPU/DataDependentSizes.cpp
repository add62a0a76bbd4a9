//===- DataDependentSizes.cpp - Sizes computed from input values ----------===//

#include "DataDependentSizes.h"

#include "SizeAnalysis.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace kiln::cpu;

/// Whether `value` is computed from the main function's inputs (their
/// elements and dimensions) by region-free arithmetic alone.
static bool isComputableFromInputs(Value value, func::FuncOp main,
                                   unsigned numInputs,
                                   DenseMap<Value, bool> &memo) {
  if (auto it = memo.find(value); it != memo.end())
    return it->second;
  bool ok = false;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    ok = arg.getOwner()->getParentOp() == main.getOperation() &&
         arg.getArgNumber() < numInputs;
  } else {
    Operation *def = value.getDefiningOp();
    memo[value] = false; // No cycles in SSA, but be safe.
    ok = def->getNumRegions() == 0 &&
         (isa<tensor::ExtractOp, tensor::DimOp, affine::AffineApplyOp>(def) ||
          def->getDialect()->getNamespace() == "arith") &&
         llvm::all_of(def->getOperands(), [&](Value operand) {
           return isComputableFromInputs(operand, main, numInputs, memo);
         });
  }
  memo[value] = ok;
  return ok;
}

void kiln::cpu::tagDataDependentSizes(func::FuncOp main, CPUProgram &program) {
  SizeAnalysis::ArgumentDim inputDim =
      [&](BlockArgument arg, unsigned dim) -> std::optional<SymbolicSize> {
    if (arg.getOwner()->getParentOp() != main.getOperation() ||
        arg.getArgNumber() >= program.inputs.size())
      return std::nullopt;
    return program.inputs[arg.getArgNumber()].dims[dim];
  };
  SizeAnalysis sizes(inputDim);
  DenseMap<Value, bool> memo;
  auto tag = [&](Value size) {
    if (sizes.sizeOf(size) || !size.getDefiningOp() ||
        !isComputableFromInputs(size, main, program.inputs.size(), memo))
      return;
    uint32_t symbol = program.getOrAddSymbol(
        "computed" + std::to_string(program.computedSymbols.size()));
    program.computedSymbols.push_back(symbol);
    size.getDefiningOp()->setAttr(
        kComputedSymbolAttr,
        IntegerAttr::get(IntegerType::get(main.getContext(), 32), symbol));
    // The cache still holds the untagged answer.
    sizes = SizeAnalysis(inputDim);
  };
  main.walk([&](Operation *op) {
    if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
      for (Value size : empty.getDynamicSizes())
        tag(size);
    } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      for (OpFoldResult size : expand.getMixedOutputShape())
        if (auto value = dyn_cast<Value>(size))
          tag(value);
    }
  });
}
