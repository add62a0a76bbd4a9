//===- DataDependentSizes.cpp - Sizes computed from input values ----------===//

#include "DataDependentSizes.h"

#include "SizeAnalysis.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

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
  SmallVector<Value> tagged;
  auto tagAndKeep = [&](Value size) {
    size_t before = program.computedSymbols.size();
    tag(size);
    if (program.computedSymbols.size() != before)
      tagged.push_back(size);
  };
  main.walk([&](Operation *op) {
    if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
      for (Value size : empty.getDynamicSizes())
        tagAndKeep(size);
    } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      for (OpFoldResult size : expand.getMixedOutputShape())
        if (auto value = dyn_cast<Value>(size))
          tagAndKeep(value);
    }
  });
  if (tagged.empty())
    return;

  // The shape function: the tagged values' computations, cloned over the
  // inputs, returned as i64 in symbol order. Built now, it does not depend
  // on which of them the rest of the pipeline keeps in main.
  OpBuilder b(main);
  SmallVector<Type> results(tagged.size(), b.getI64Type());
  auto inputs = llvm::to_vector(
      main.getFunctionType().getInputs().take_front(program.inputs.size()));
  auto shapes = func::FuncOp::create(b, main.getLoc(), kShapeFunctionName,
                                     b.getFunctionType(inputs, results));
  Block *entry = shapes.addEntryBlock();
  IRMapping mapping;
  for (unsigned i = 0; i < inputs.size(); ++i)
    mapping.map(main.getArgument(i), entry->getArgument(i));
  b.setInsertionPointToStart(entry);
  SetVector<Operation *> slice;
  for (Value size : tagged) {
    BackwardSliceOptions options;
    options.omitBlockArguments = true;
    (void)getBackwardSlice(size, &slice, options);
    slice.insert(size.getDefiningOp());
  }
  SmallVector<Operation *> ordered(slice.begin(), slice.end());
  llvm::sort(ordered,
             [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
  for (Operation *op : ordered)
    if (!mapping.contains(op->getResult(0)))
      b.clone(*op, mapping);
  SmallVector<Value> returned;
  for (Value size : tagged) {
    Value v = mapping.lookup(size);
    returned.push_back(
        v.getType().isIndex()
            ? arith::IndexCastOp::create(b, main.getLoc(), b.getI64Type(), v)
                  .getResult()
            : arith::ExtSIOp::create(b, main.getLoc(), b.getI64Type(), v)
                  .getResult());
  }
  func::ReturnOp::create(b, main.getLoc(), returned);
}
