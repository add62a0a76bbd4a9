//===- InitialValues.cpp - Accumulator initial values at other shapes -----===//

#include "InitialValues.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

Value kiln::cpu::rebuildInitialValue(OpBuilder &b, Location loc, Value init,
                                     ArrayRef<int64_t> shape) {
  Type elem = getElementTypeOrSelf(init.getType());
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, elem);
    return linalg::FillOp::create(b, loc, fill.value(), empty).getResult(0);
  }
  auto broadcast = init.getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast || shape.size() < 2)
    return {};
  auto vectorType = cast<ShapedType>(broadcast.getInput().getType());
  auto initType = cast<ShapedType>(init.getType());
  // Only a vector laid along the channel dimension.
  if (vectorType.getRank() != 1 || initType.getRank() < 2 ||
      llvm::is_contained(broadcast.getDimensions(), 1) ||
      static_cast<int64_t>(broadcast.getDimensions().size()) !=
          initType.getRank() - 1)
    return {};
  SmallVector<int64_t> dimensions = {0};
  for (int64_t d = 2; d < static_cast<int64_t>(shape.size()); ++d)
    dimensions.push_back(d);
  Value empty = tensor::EmptyOp::create(b, loc, shape, elem);
  return linalg::BroadcastOp::create(b, loc, broadcast.getInput(), empty,
                                     dimensions)
      ->getResult(0);
}
