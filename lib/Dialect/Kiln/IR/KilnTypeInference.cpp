//===- KilnTypeInference.cpp - helpers shared by result-type inference ---===//

#include "KilnTypeInference.h"

#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::detail {

bool areCompatibleReturnTypes(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [lhs, rhs] : llvm::zip(inferred, actual)) {
    auto l = dyn_cast<RankedTensorType>(lhs);
    auto r = dyn_cast<RankedTensorType>(rhs);
    if (!l || !r) {
      if (lhs != rhs)
        return false;
      continue;
    }
    if (l.getElementType() != r.getElementType() || l.getRank() != r.getRank())
      return false;
    for (auto [a, b] : llvm::zip(l.getShape(), r.getShape()))
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
        return false;
  }
  return true;
}

RankedTensorType tensorType(Value value) {
  return dyn_cast<RankedTensorType>(value.getType());
}

std::optional<SmallVector<int64_t>> getPartialInts(Value value) {
  if (std::optional<SmallVector<int64_t>> values = getConstantInts(value))
    return values;
  RankedTensorType type = tensorType(value);
  if (!type || type.getRank() > 1 || !isa<IntegerType>(type.getElementType()))
    return std::nullopt;
  Operation *def = value.getDefiningOp();
  if (auto shape = dyn_cast_or_null<ShapeOp>(def)) {
    ArrayRef<int64_t> dims = shape.getInput().getType().getShape();
    if (shape.getEnd() > (int64_t)dims.size() ||
        shape.getStart() > shape.getEnd())
      return std::nullopt;
    return SmallVector<int64_t>(
        dims.slice(shape.getStart(), shape.getEnd() - shape.getStart()));
  }
  if (auto concat = dyn_cast_or_null<ConcatOp>(def)) {
    SmallVector<int64_t> entries;
    for (Value piece : concat.getInputs()) {
      std::optional<SmallVector<int64_t>> part = getPartialInts(piece);
      if (!part)
        return std::nullopt;
      llvm::append_range(entries, *part);
    }
    return entries;
  }
  // A reshaped or cast single value keeps what is known of it.
  if (isa_and_nonnull<UnsqueezeOp, ReshapeOp, CastOp>(def) &&
      getStaticLength(value) == std::optional<int64_t>(1)) {
    std::optional<SmallVector<int64_t>> inner =
        getPartialInts(def->getOperand(0));
    if (inner && inner->size() == 1 && !isa<CastOp>(def))
      return inner;
  }
  std::optional<int64_t> length = getStaticLength(value);
  if (!length)
    return std::nullopt;
  return SmallVector<int64_t>(*length, ShapedType::kDynamic);
}

std::optional<int64_t> getStaticLength(Value value) {
  RankedTensorType type = tensorType(value);
  if (!type || type.getRank() > 1)
    return std::nullopt;
  if (type.getRank() == 0)
    return 1;
  if (type.isDynamicDim(0))
    return std::nullopt;
  return type.getDimSize(0);
}

LogicalResult broadcastShapes(std::optional<Location> loc,
                              ArrayRef<ArrayRef<int64_t>> shapes,
                              SmallVectorImpl<int64_t> &result) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  result.assign(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == 1)
        continue;
      if (out == 1) {
        out = dim;
        continue;
      }
      if (ShapedType::isDynamic(dim))
        continue;
      if (ShapedType::isDynamic(out)) {
        out = dim;
        continue;
      }
      if (out != dim)
        return inferenceError(loc,
                              "operands are not broadcast-compatible: "
                              "dimension ",
                              offset + i, " is ", out, " in one and ", dim,
                              " in another");
    }
  }
  return success();
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode) {
  if (ShapedType::isDynamic(input))
    return ShapedType::kDynamic;
  // span = input + pads - ((kernel - 1) * dilation + 1); sizes past int64
  // (only a corrupt model asks for them) leave the extent unknown.
  int64_t effectiveKernel, start, padded, span;
  if (llvm::SubOverflow(kernel, int64_t(1), effectiveKernel) ||
      llvm::MulOverflow(effectiveKernel, dilation, effectiveKernel) ||
      llvm::AddOverflow(effectiveKernel, int64_t(1), effectiveKernel) ||
      llvm::AddOverflow(input, padBegin, start) ||
      llvm::AddOverflow(start, padEnd, padded) ||
      llvm::SubOverflow(padded, effectiveKernel, span))
    return ShapedType::kDynamic;
  if (span < 0 || stride <= 0)
    return 0;
  int64_t out =
      (ceilMode ? span / stride + (span % stride != 0) : span / stride) + 1;
  // A window that would start inside the end padding is dropped.
  int64_t lastStart;
  if (ceilMode &&
      (llvm::MulOverflow(out - 1, stride, lastStart) || lastStart >= start))
    --out;
  return out;
}

LogicalResult checkArraySize(std::optional<Location> loc, StringRef name,
                             ArrayRef<int64_t> values, int64_t expected) {
  if (static_cast<int64_t>(values.size()) != expected)
    return inferenceError(loc, "'", name, "' has ", values.size(),
                          " entries, expected ", expected);
  return success();
}

RankedTensorType i64Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, IntegerType::get(ctx, 64));
}

int64_t mulDims(int64_t a, int64_t b) {
  int64_t product;
  // A product past int64 (only a corrupt model asks for one) stays unknown
  // rather than wrapping around.
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ||
      llvm::MulOverflow(a, b, product))
    return ShapedType::kDynamic;
  return product;
}

int64_t numElements(ShapedType type) {
  int64_t count = 1;
  for (int64_t dim : type.getShape())
    count = mulDims(count, dim);
  return count;
}

} // namespace kiln::detail
