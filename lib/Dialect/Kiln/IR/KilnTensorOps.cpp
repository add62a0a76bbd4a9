//===- KilnTensorOps.cpp - data movement and shape operations -------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

static SmallVector<int64_t> dynamicShape(int64_t rank) {
  return SmallVector<int64_t>(std::max<int64_t>(rank, 0), kDynamic);
}

/// The static length of a 1-D shape-like operand, or an error.
static FailureOr<int64_t> requireStaticLength(std::optional<Location> loc,
                                              Value value, StringRef name) {
  RankedTensorType type = tensorType(value);
  if (type.getRank() != 1 || !isa<IntegerType>(type.getElementType()))
    return inferenceError(loc, "'", name,
                          "' must be a 1-D integer tensor, got ", type);
  if (type.isDynamicDim(0))
    return inferenceError(loc, "'", name, "' must have a static length");
  if (type.getDimSize(0) > kMaxShapeLength)
    return inferenceError(loc, "'", name, "' has ", type.getDimSize(0),
                          " entries, more than the ", kMaxShapeLength,
                          " kiln supports");
  return type.getDimSize(0);
}

//===----------------------------------------------------------------------===//
// Constants and shape queries
//===----------------------------------------------------------------------===//

LogicalResult
ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                             ValueRange operands, DictionaryAttr attributes,
                             OpaqueProperties properties, RegionRange regions,
                             SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  auto type = dyn_cast_or_null<RankedTensorType>(
      adaptor.getValue() ? adaptor.getValue().getType() : Type());
  if (!type)
    return inferenceError(loc, "value must be a ranked tensor attribute");
  inferred.push_back(type);
  return success();
}

LogicalResult ShapeOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getStart() > getEnd() || getEnd() > rank)
    return emitOpError("needs 0 <= start <= end <= rank (")
           << rank << "), got start " << getStart() << " and end " << getEnd();
  return success();
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  int64_t length = std::max<int64_t>(adaptor.getEnd() - adaptor.getStart(), 0);
  inferred.push_back(i64Tensor(ctx, {length}));
  return success();
}

LogicalResult SizeOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location>, Adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  inferred.push_back(i64Tensor(ctx, {}));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  FailureOr<int64_t> rank =
      requireStaticLength(loc, adaptor.getShape(), "shape");
  if (failed(rank))
    return failure();
  // Entries computed at run time stay dynamic; the others are resolved.
  std::optional<SmallVector<int64_t>> dims = getPartialInts(adaptor.getShape());
  if (!dims) {
    inferred.push_back(input.clone(dynamicShape(*rank)));
    return success();
  }
  SmallVector<int64_t> shape;
  int64_t inferIndex = -1, known = 1;
  for (auto [i, dim] : llvm::enumerate(*dims)) {
    if (ShapedType::isDynamic(dim)) {
      shape.push_back(kDynamic);
      known = kDynamic;
      continue;
    }
    if (dim == 0 && !adaptor.getAllowzero()) {
      if ((int64_t)i >= input.getRank())
        return inferenceError(loc, "shape entry ", i,
                              " is 0 (copy) but the input has rank ",
                              input.getRank());
      dim = input.getDimSize(i);
    } else if (dim == -1) {
      if (inferIndex >= 0)
        return inferenceError(loc, "shape has more than one -1 entry");
      inferIndex = i;
    } else if (dim < 0) {
      return inferenceError(loc, "shape entry ", i, " is negative (", dim, ")");
    }
    shape.push_back(dim);
    if (dim != -1) {
      int64_t product = mulDims(known, dim);
      if (ShapedType::isDynamic(product) && !ShapedType::isDynamic(known) &&
          !ShapedType::isDynamic(dim))
        return inferenceError(loc, "the shape has more than 2^63 elements");
      known = product;
    }
  }
  int64_t total = numElements(input);
  if (inferIndex >= 0) {
    shape[inferIndex] = kDynamic;
    if (!ShapedType::isDynamic(total) && !ShapedType::isDynamic(known) &&
        known != 0) {
      if (total % known != 0)
        return inferenceError(loc, "cannot reshape ", total, " elements into ",
                              "a shape with ", known, " elements and one -1");
      shape[inferIndex] = total / known;
    }
  } else if (!ShapedType::isDynamic(total) && !ShapedType::isDynamic(known) &&
             total != known) {
    return inferenceError(loc, "cannot reshape ", total, " elements into ",
                          known);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis > input.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          input.getRank());
  int64_t outer = 1, inner = 1;
  for (auto [i, dim] : llvm::enumerate(input.getShape()))
    ((int64_t)i < axis ? outer : inner) =
        mulDims((int64_t)i < axis ? outer : inner, dim);
  inferred.push_back(input.clone({outer, inner}));
  return success();
}

template <typename Op> static LogicalResult verifyAxesForm(Op op) {
  if (op.getAxes().has_value() == static_cast<bool>(op.getDynamicAxes()))
    return op.emitOpError(
        "needs exactly one of an 'axes' attribute and an axes operand");
  return success();
}

LogicalResult SqueezeOp::verify() { return verifyAxesForm(*this); }
LogicalResult UnsqueezeOp::verify() { return verifyAxesForm(*this); }

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (std::optional<ArrayRef<int64_t>> axes = adaptor.getAxes()) {
    SmallVector<int64_t> shape;
    for (auto [i, dim] : llvm::enumerate(input.getShape())) {
      if (!llvm::is_contained(*axes, (int64_t)i)) {
        shape.push_back(dim);
        continue;
      }
      if (!ShapedType::isDynamic(dim) && dim != 1)
        return inferenceError(loc, "cannot squeeze dimension ", i, " of size ",
                              dim);
    }
    for (int64_t axis : *axes)
      if (axis < 0 || axis >= input.getRank())
        return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                              input.getRank());
    inferred.push_back(input.clone(shape));
    return success();
  }
  FailureOr<int64_t> count =
      requireStaticLength(loc, adaptor.getDynamicAxes(), "axes");
  if (failed(count))
    return failure();
  if (*count > input.getRank())
    return inferenceError(loc, "squeezes ", *count, " axes of a rank ",
                          input.getRank(), " tensor");
  inferred.push_back(input.clone(dynamicShape(input.getRank() - *count)));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (std::optional<ArrayRef<int64_t>> axes = adaptor.getAxes()) {
    int64_t rank = input.getRank() + axes->size();
    SmallVector<bool> inserted(rank, false);
    for (int64_t axis : *axes) {
      if (axis < 0 || axis >= rank || inserted[axis])
        return inferenceError(loc, "axes must be unique and in [0, ", rank,
                              ")");
      inserted[axis] = true;
    }
    SmallVector<int64_t> shape;
    auto next = input.getShape().begin();
    for (int64_t i = 0; i < rank; ++i)
      shape.push_back(inserted[i] ? 1 : *next++);
    inferred.push_back(input.clone(shape));
    return success();
  }
  FailureOr<int64_t> count =
      requireStaticLength(loc, adaptor.getDynamicAxes(), "axes");
  if (failed(count))
    return failure();
  inferred.push_back(input.clone(dynamicShape(input.getRank() + *count)));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (failed(checkArraySize(loc, "perm", perm, input.getRank())))
    return failure();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || seen[p])
      return inferenceError(loc, "perm must be a permutation of [0, ",
                            input.getRank(), ")");
    seen[p] = true;
    shape.push_back(input.getDimSize(p));
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  if (adaptor.getInputs().empty())
    return inferenceError(loc, "needs at least one input");
  RankedTensorType first = tensorType(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxis();
  if (axis >= first.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          first.getRank());
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value input : adaptor.getInputs()) {
    RankedTensorType type = tensorType(input);
    if (type.getRank() != first.getRank() ||
        type.getElementType() != first.getElementType())
      return inferenceError(loc,
                            "inputs must share rank and element type, got ",
                            first, " and ", type);
    for (int64_t i = 0; i < type.getRank(); ++i) {
      int64_t dim = type.getDimSize(i);
      if (i == axis) {
        if (ShapedType::isDynamic(dim) || ShapedType::isDynamic(shape[i]))
          shape[i] = kDynamic;
        else if (llvm::AddOverflow(shape[i], dim, shape[i]))
          return inferenceError(loc, "the concatenated extent overflows int64");
      } else if (ShapedType::isDynamic(shape[i])) {
        shape[i] = dim;
      } else if (!ShapedType::isDynamic(dim) && dim != shape[i]) {
        return inferenceError(loc, "inputs differ in dimension ", i, ": ",
                              shape[i], " and ", dim);
      }
    }
  }
  inferred.push_back(first.clone(shape));
  return success();
}

LogicalResult SplitOp::verify() {
  RankedTensorType input = getInput().getType();
  int64_t axis = getAxis();
  if (axis >= input.getRank())
    return emitOpError("axis ")
           << axis << " is out of range for rank " << input.getRank();
  std::optional<int64_t> count = getStaticLength(getSizes());
  if (count && *count != (int64_t)getNumResults())
    return emitOpError("has ")
           << getNumResults() << " results but " << *count << " sizes";
  std::optional<SmallVector<int64_t>> sizes = getConstantInts(getSizes());
  int64_t total = 0;
  for (auto [i, result] : llvm::enumerate(getOutputs())) {
    auto type = cast<RankedTensorType>(result.getType());
    if (type.getRank() != input.getRank() ||
        type.getElementType() != input.getElementType())
      return emitOpError("result ") << i
                                    << " must have the input's rank and "
                                       "element type";
    for (int64_t d = 0; d < input.getRank(); ++d)
      if (d != axis && !ShapedType::isDynamic(type.getDimSize(d)) &&
          !input.isDynamicDim(d) && type.getDimSize(d) != input.getDimSize(d))
        return emitOpError("result ") << i
                                      << " differs from the input in "
                                         "dimension "
                                      << d;
    if (sizes) {
      int64_t size = (*sizes)[i];
      if (size < 0 || llvm::AddOverflow(total, size, total))
        return emitOpError("sizes must be non-negative and add up to at "
                           "most 2^63 - 1");
      if (!type.isDynamicDim(axis) && type.getDimSize(axis) != size)
        return emitOpError("result ")
               << i << " has size " << type.getDimSize(axis)
               << " along the axis, expected " << size;
    }
  }
  if (sizes && !input.isDynamicDim(axis) && total != input.getDimSize(axis))
    return emitOpError("sizes add up to ")
           << total << ", not the axis extent " << input.getDimSize(axis);
  return success();
}

//===----------------------------------------------------------------------===//
// Slicing and indexing
//===----------------------------------------------------------------------===//

/// Result extent of one sliced dimension under ONNX's clamping rules.
static int64_t slicedExtent(int64_t dim, int64_t start, int64_t end,
                            int64_t step) {
  if (dim == 0)
    return 0;
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  // The extents are computed so that no step (INT64_MIN and INT64_MAX
  // included) overflows.
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return end > start ? (end - start - 1) / step + 1 : 0;
  }
  start = std::clamp<int64_t>(start, 0, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  // Division truncates toward zero: (start - end - 1) / step is minus the
  // number of whole steps after the first element.
  return start > end ? 1 - (start - end - 1) / step : 0;
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  std::optional<int64_t> length;
  // Named arrays: a range-for keeps only the zip alive, not the
  // initializer lists that braced ValueRange/ArrayRef temporaries point at.
  Value operands[] = {adaptor.getStarts(), adaptor.getEnds(), adaptor.getAxes(),
                      adaptor.getSteps()};
  StringRef names[] = {"starts", "ends", "axes", "steps"};
  for (auto [value, name] : llvm::zip(operands, names)) {
    FailureOr<int64_t> n = requireStaticLength(loc, value, name);
    if (failed(n))
      return failure();
    if (length && *length != *n)
      return inferenceError(
          loc, "starts, ends, axes and steps must have equal lengths");
    length = *n;
  }
  std::optional<SmallVector<int64_t>> axes = getConstantInts(adaptor.getAxes());
  if (!axes) {
    inferred.push_back(input.clone(dynamicShape(input.getRank())));
    return success();
  }
  std::optional<SmallVector<int64_t>> starts =
      getConstantInts(adaptor.getStarts());
  std::optional<SmallVector<int64_t>> ends = getConstantInts(adaptor.getEnds());
  std::optional<SmallVector<int64_t>> steps =
      getConstantInts(adaptor.getSteps());
  SmallVector<int64_t> shape(input.getShape());
  for (auto [i, rawAxis] : llvm::enumerate(*axes)) {
    std::optional<int64_t> axis = normalizeAxis(rawAxis, input.getRank());
    if (!axis)
      return inferenceError(loc, "axis ", rawAxis, " is out of range for rank ",
                            input.getRank());
    if (steps && (*steps)[i] == 0)
      return inferenceError(loc, "steps must be non-zero");
    if (!starts || !ends || !steps || input.isDynamicDim(*axis)) {
      shape[*axis] = kDynamic;
      continue;
    }
    shape[*axis] = slicedExtent(input.getDimSize(*axis), (*starts)[i],
                                (*ends)[i], (*steps)[i]);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType data = tensorType(adaptor.getData());
  RankedTensorType indices = tensorType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis >= data.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          data.getRank());
  if (!isa<IntegerType>(indices.getElementType()))
    return inferenceError(loc, "indices must be integers");
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  inferred.push_back(data.clone(shape));
  return success();
}

LogicalResult
GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  RankedTensorType data = tensorType(adaptor.getData());
  RankedTensorType indices = tensorType(adaptor.getIndices());
  if (data.getRank() != indices.getRank() ||
      adaptor.getAxis() >= data.getRank())
    return inferenceError(loc,
                          "data and indices must have equal rank above axis");
  inferred.push_back(indices.clone(data.getElementType()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  RankedTensorType data = tensorType(adaptor.getData());
  RankedTensorType indices = tensorType(adaptor.getIndices());
  int64_t batch = adaptor.getBatchDims();
  if (indices.getRank() < 1 || indices.isDynamicDim(indices.getRank() - 1))
    return inferenceError(loc, "the last dimension of indices must be static");
  int64_t depth = indices.getShape().back();
  if (batch >= std::min(data.getRank(), indices.getRank()) ||
      depth > data.getRank() - batch)
    return inferenceError(loc, "batch_dims (", batch, ") plus index depth (",
                          depth, ") exceed the data rank (", data.getRank(),
                          ")");
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(batch + depth));
  inferred.push_back(data.clone(shape));
  return success();
}

static LogicalResult verifyReduction(Operation *op, StringRef reduction) {
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return op->emitOpError(
               "reduction must be none, add, mul, max or min, got '")
           << reduction << "'";
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  if (getIndices().getType().getShape() != getUpdates().getType().getShape() &&
      failed(verifyCompatibleShape(getIndices().getType(),
                                   getUpdates().getType())))
    return emitOpError("indices and updates must have the same shape");
  return verifyReduction(*this, getReduction());
}

LogicalResult
ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  RankedTensorType data = tensorType(adaptor.getData());
  if (adaptor.getAxis() >= data.getRank() ||
      tensorType(adaptor.getIndices()).getRank() != data.getRank())
    return inferenceError(loc,
                          "data and indices must have equal rank above axis");
  inferred.push_back(data);
  return success();
}

LogicalResult ScatterNDOp::verify() {
  return verifyReduction(*this, getReduction());
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  inferred.push_back(tensorType(adaptor.getData()));
  return success();
}

//===----------------------------------------------------------------------===//
// Broadcasting, tiling, padding, resizing
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  FailureOr<int64_t> length =
      requireStaticLength(loc, adaptor.getShape(), "shape");
  if (failed(length))
    return failure();
  std::optional<SmallVector<int64_t>> dims =
      getConstantInts(adaptor.getShape());
  SmallVector<int64_t> shape;
  if (!dims) {
    inferred.push_back(
        input.clone(dynamicShape(std::max<int64_t>(*length, input.getRank()))));
    return success();
  }
  if (failed(broadcastShapes(loc, {input.getShape(), *dims}, shape)))
    return failure();
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult TileOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  FailureOr<int64_t> length =
      requireStaticLength(loc, adaptor.getRepeats(), "repeats");
  if (failed(length))
    return failure();
  if (*length != input.getRank())
    return inferenceError(loc, "repeats has ", *length, " entries for rank ",
                          input.getRank());
  std::optional<SmallVector<int64_t>> repeats =
      getConstantInts(adaptor.getRepeats());
  if (repeats && llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return inferenceError(loc, "repeats must be non-negative");
  SmallVector<int64_t> shape = dynamicShape(input.getRank());
  if (repeats)
    for (int64_t i = 0; i < input.getRank(); ++i)
      shape[i] = mulDims(input.getDimSize(i), (*repeats)[i]);
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult PadOp::verify() {
  if (!llvm::is_contained({"constant", "reflect", "edge", "wrap"}, getMode()))
    return emitOpError("mode must be constant, reflect, edge or wrap, got '")
           << getMode() << "'";
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  FailureOr<int64_t> length =
      requireStaticLength(loc, adaptor.getPads(), "pads");
  if (failed(length))
    return failure();
  int64_t rank = input.getRank();
  if (*length != 2 * rank)
    return inferenceError(loc, "pads has ", *length, " entries, expected ",
                          2 * rank);
  RankedTensorType value = tensorType(adaptor.getValue());
  if (value.getRank() != 0 || value.getElementType() != input.getElementType())
    return inferenceError(loc, "value must be a 0-d tensor of ",
                          input.getElementType());
  std::optional<SmallVector<int64_t>> pads = getConstantInts(adaptor.getPads());
  SmallVector<int64_t> shape = dynamicShape(rank);
  if (pads)
    for (int64_t i = 0; i < rank; ++i) {
      if (input.isDynamicDim(i))
        continue;
      int64_t extent;
      if (llvm::AddOverflow(input.getDimSize(i), (*pads)[i], extent) ||
          llvm::AddOverflow(extent, (*pads)[rank + i], extent) || extent < 0)
        return inferenceError(loc, "pads make dimension ", i,
                              " negative or too large");
      shape[i] = extent;
    }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult ResizeOp::verify() {
  if (static_cast<bool>(getScales()) == static_cast<bool>(getSizes()))
    return emitOpError("needs exactly one of scales and sizes");
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, getMode()))
    return emitOpError("mode must be nearest, linear or cubic, got '")
           << getMode() << "'";
  return success();
}

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t rank = input.getRank();
  SmallVector<int64_t> shape = dynamicShape(rank);
  if (Value sizes = adaptor.getSizes()) {
    if (getStaticLength(sizes) != std::optional<int64_t>(rank))
      return inferenceError(loc, "sizes must have one entry per dimension");
    if (std::optional<SmallVector<int64_t>> values = getConstantInts(sizes)) {
      if (llvm::any_of(*values, [](int64_t v) { return v < 0; }))
        return inferenceError(loc, "sizes must be non-negative");
      shape.assign(values->begin(), values->end());
    }
  } else if (Value scales = adaptor.getScales()) {
    if (getStaticLength(scales) != std::optional<int64_t>(rank))
      return inferenceError(loc, "scales must have one entry per dimension");
    if (std::optional<SmallVector<double>> values = getConstantFloats(scales))
      for (int64_t i = 0; i < rank; ++i) {
        // Also rejects NaN, which would make the cast below undefined.
        if (!((*values)[i] > 0))
          return inferenceError(loc, "scales must be positive");
        if (input.isDynamicDim(i))
          continue;
        double extent = std::floor(input.getDimSize(i) * (*values)[i]);
        if (!(extent < 0x1p62))
          return inferenceError(loc, "scale ", (*values)[i],
                                " makes dimension ", i, " too large");
        shape[i] = static_cast<int64_t>(extent);
      }
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult
DepthToSpaceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (input.getRank() != 4)
    return inferenceError(loc, "input must be 4-D");
  if (b <= 0 || b > (int64_t(1) << 31))
    return inferenceError(loc, "blocksize ", b, " must be in [1, 2^31]");
  int64_t c = input.getDimSize(1);
  if (!ShapedType::isDynamic(c) && c % (b * b) != 0)
    return inferenceError(loc, "channels (", c,
                          ") must be a multiple of blocksize^2");
  inferred.push_back(input.clone(
      {input.getDimSize(0), ShapedType::isDynamic(c) ? kDynamic : c / (b * b),
       mulDims(input.getDimSize(2), b), mulDims(input.getDimSize(3), b)}));
  return success();
}

LogicalResult
SpaceToDepthOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (input.getRank() != 4)
    return inferenceError(loc, "input must be 4-D");
  if (b <= 0 || b > (int64_t(1) << 31))
    return inferenceError(loc, "blocksize ", b, " must be in [1, 2^31]");
  SmallVector<int64_t> shape = {input.getDimSize(0),
                                mulDims(input.getDimSize(1), b * b)};
  for (int64_t i = 2; i < 4; ++i) {
    int64_t d = input.getDimSize(i);
    if (!ShapedType::isDynamic(d) && d % b != 0)
      return inferenceError(loc, "spatial size ", d,
                            " is not a multiple of blocksize ", b);
    shape.push_back(ShapedType::isDynamic(d) ? kDynamic : d / b);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Generators
//===----------------------------------------------------------------------===//

LogicalResult
ConstantOfShapeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  FailureOr<int64_t> rank =
      requireStaticLength(loc, adaptor.getShape(), "shape");
  if (failed(rank))
    return failure();
  ElementsAttr value = adaptor.getValue();
  if (!value || value.getNumElements() != 1)
    return inferenceError(loc, "value must hold exactly one element");
  SmallVector<int64_t> shape = dynamicShape(*rank);
  if (std::optional<SmallVector<int64_t>> dims =
          getConstantInts(adaptor.getShape())) {
    if (llvm::any_of(*dims, [](int64_t d) { return d < 0; }))
      return inferenceError(loc, "shape entries must be non-negative");
    shape.assign(dims->begin(), dims->end());
  }
  inferred.push_back(RankedTensorType::get(shape, value.getElementType()));
  return success();
}

LogicalResult RangeOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  Type element = tensorType(adaptor.getStart()).getElementType();
  for (Value v : adaptor.getOperands()) {
    RankedTensorType type = tensorType(v);
    // ONNX asks for scalars; exporters also pass one-element vectors.
    if (type.getRank() > 1 || getStaticLength(v) != std::optional<int64_t>(1) ||
        type.getElementType() != element)
      return inferenceError(
          loc, "start, limit and delta must be 0-d tensors of one type");
  }
  int64_t length = kDynamic;
  if (isa<IntegerType>(element)) {
    auto start = getConstantInts(adaptor.getStart());
    auto limit = getConstantInts(adaptor.getLimit());
    auto delta = getConstantInts(adaptor.getDelta());
    int64_t span;
    // ceil((limit - start) / delta), without overflowing int64 on the way.
    if (start && limit && delta && (*delta)[0] != 0 &&
        !llvm::SubOverflow((*limit)[0], (*start)[0], span) &&
        !(span == std::numeric_limits<int64_t>::min() && (*delta)[0] == -1)) {
      int64_t d = (*delta)[0], steps = span / d;
      if (span % d != 0 && (span < 0) == (d < 0))
        ++steps;
      length = std::max<int64_t>(0, steps);
    }
  } else {
    auto start = getConstantFloats(adaptor.getStart());
    auto limit = getConstantFloats(adaptor.getLimit());
    auto delta = getConstantFloats(adaptor.getDelta());
    if (start && limit && delta && (*delta)[0] != 0) {
      double steps = std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0]);
      // NaN or a length past int64 would make the cast undefined.
      if (std::isnan(steps) || steps >= 0x1p62)
        return inferenceError(loc, "the range has no representable length");
      length = steps > 0 ? static_cast<int64_t>(steps) : 0;
    }
  }
  inferred.push_back(RankedTensorType::get({length}, element));
  return success();
}

LogicalResult TriluOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() < 2)
    return inferenceError(loc, "input must have rank 2 or more");
  if (getStaticLength(adaptor.getK()) != std::optional<int64_t>(1))
    return inferenceError(loc, "k must hold exactly one value");
  inferred.push_back(input);
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType indices = tensorType(adaptor.getIndices());
  RankedTensorType values = tensorType(adaptor.getValues());
  if (getStaticLength(adaptor.getValues()) != std::optional<int64_t>(2) ||
      values.getRank() != 1)
    return inferenceError(loc, "values must be 1-D with 2 entries [off, on]");
  int64_t axis = adaptor.getAxis();
  if (axis > indices.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range");
  int64_t depth = kDynamic;
  if (auto d = getConstantInts(adaptor.getDepth()); d && d->size() == 1)
    depth = (*d)[0];
  else if (auto f = getConstantFloats(adaptor.getDepth());
           f && f->size() == 1) {
    // NaN or a depth past int64 would make the cast undefined.
    if (!(std::abs((*f)[0]) < 0x1p62))
      return inferenceError(loc, "depth ", (*f)[0], " is out of range");
    depth = static_cast<int64_t>((*f)[0]);
  }
  if (!ShapedType::isDynamic(depth) && depth < 0)
    return inferenceError(loc, "depth must be non-negative, got ", depth);
  SmallVector<int64_t> shape(indices.getShape());
  shape.insert(shape.begin() + axis, depth);
  inferred.push_back(RankedTensorType::get(shape, values.getElementType()));
  return success();
}

LogicalResult NonZeroOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location>,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  inferred.push_back(
      i64Tensor(ctx, {tensorType(adaptor.getInput()).getRank(), kDynamic}));
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef equation = adaptor.getEquation();
  auto [lhs, output] = equation.split("->");
  if (!equation.contains("->"))
    return inferenceError(loc, "equation '", equation,
                          "' needs an explicit '->'");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != adaptor.getInputs().size())
    return inferenceError(loc, "equation has ", terms.size(),
                          " inputs, op has ", adaptor.getInputs().size());
  llvm::DenseMap<char, int64_t> sizes;
  SmallVector<int64_t> ellipsis;
  Type element;
  for (auto [term, value] : llvm::zip(terms, adaptor.getInputs())) {
    RankedTensorType type = tensorType(value);
    element = type.getElementType();
    term = term.trim();
    size_t dots = term.find("...");
    int64_t named = term.size() - (dots == StringRef::npos ? 0 : 3);
    int64_t ellipsisRank = type.getRank() - named;
    if (ellipsisRank < 0 || (dots == StringRef::npos && ellipsisRank != 0))
      return inferenceError(loc, "term '", term, "' does not match rank ",
                            type.getRank());
    SmallVector<int64_t> ownEllipsis;
    int64_t dim = 0;
    for (size_t i = 0; i < term.size(); ++i) {
      if (i == dots) {
        for (int64_t e = 0; e < ellipsisRank; ++e)
          ownEllipsis.push_back(type.getDimSize(dim++));
        i += 2;
        continue;
      }
      char c = term[i];
      if (!llvm::isAlpha(c))
        return inferenceError(loc, "bad character '", StringRef(&c, 1),
                              "' in equation");
      int64_t size = type.getDimSize(dim++);
      auto [it, inserted] = sizes.try_emplace(c, size);
      if (!inserted && ShapedType::isDynamic(it->second))
        it->second = size;
      else if (!inserted && size != 1 && it->second != 1 &&
               !ShapedType::isDynamic(size) && it->second != size)
        return inferenceError(loc, "label '", StringRef(&c, 1), "' has sizes ",
                              it->second, " and ", size);
      else if (!inserted && it->second == 1)
        it->second = size;
    }
    SmallVector<int64_t> merged;
    if (failed(broadcastShapes(loc, {ellipsis, ownEllipsis}, merged)))
      return failure();
    ellipsis = merged;
  }
  SmallVector<int64_t> shape;
  output = output.trim();
  for (size_t i = 0; i < output.size(); ++i) {
    if (output.substr(i).starts_with("...")) {
      llvm::append_range(shape, ellipsis);
      i += 2;
      continue;
    }
    auto it = sizes.find(output[i]);
    if (it == sizes.end())
      return inferenceError(loc, "output label '", output.substr(i, 1),
                            "' does not appear in any input");
    shape.push_back(it->second);
  }
  inferred.push_back(RankedTensorType::get(shape, element));
  return success();
}

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

LogicalResult GridSampleOp::verify() {
  if (!llvm::is_contained({"linear", "nearest", "cubic"}, getMode()))
    return emitOpError("mode must be linear, nearest or cubic, got '")
           << getMode() << "'";
  if (!llvm::is_contained({"zeros", "border", "reflection"}, getPaddingMode()))
    return emitOpError(
               "padding_mode must be zeros, border or reflection, got '")
           << getPaddingMode() << "'";
  return success();
}

LogicalResult GridSampleOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  RankedTensorType grid = tensorType(adaptor.getGrid());
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1 || grid.getRank() != input.getRank())
    return inferenceError(
        loc,
        "input must be [N, C, D...] and grid [N, O..., k] of the same rank");
  int64_t k = grid.getShape().back();
  if (!ShapedType::isDynamic(k) && k != spatial)
    return inferenceError(loc, "grid's last dimension (", k,
                          ") must equal the ", spatial, " spatial dimensions");
  SmallVector<int64_t> shape = {input.getDimSize(0), input.getDimSize(1)};
  llvm::append_range(shape, grid.getShape().drop_front().drop_back());
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Data-dependent selections and small generators
//===----------------------------------------------------------------------===//

LogicalResult UniqueOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  std::optional<uint64_t> axis = adaptor.getAxis();
  RankedTensorType values;
  int64_t inverseLength = numElements(input);
  if (axis) {
    if ((int64_t)*axis >= input.getRank())
      return inferenceError(loc, "axis ", *axis, " is out of range for rank ",
                            input.getRank());
    SmallVector<int64_t> shape(input.getShape());
    shape[*axis] = kDynamic;
    values = input.clone(shape);
    inverseLength = input.getDimSize(*axis);
  } else {
    values = input.clone({kDynamic});
  }
  inferred.push_back(values);
  inferred.push_back(i64Tensor(ctx, {kDynamic}));
  inferred.push_back(i64Tensor(ctx, {inverseLength}));
  inferred.push_back(i64Tensor(ctx, {kDynamic}));
  return success();
}

LogicalResult CompressOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (tensorType(adaptor.getCondition()).getRank() != 1)
    return inferenceError(loc, "condition must be 1-D");
  if (std::optional<uint64_t> axis = adaptor.getAxis()) {
    if ((int64_t)*axis >= input.getRank())
      return inferenceError(loc, "axis ", *axis, " is out of range for rank ",
                            input.getRank());
    SmallVector<int64_t> shape(input.getShape());
    shape[*axis] = kDynamic;
    inferred.push_back(input.clone(shape));
  } else {
    inferred.push_back(input.clone({kDynamic}));
  }
  return success();
}

LogicalResult EyeLikeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() != 2)
    return inferenceError(loc, "input must be 2-D");
  inferred.push_back(input.clone(adaptor.getDtype()));
  return success();
}

LogicalResult BitCastOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  Type to = adaptor.getDtype();
  // Booleans occupy a byte in memory, which is what bit_cast reinterprets.
  auto storageBits = [](Type t) {
    return t.isInteger(1) ? 8u : t.getIntOrFloatBitWidth();
  };
  if (!to.isIntOrFloat() ||
      storageBits(input.getElementType()) != storageBits(to))
    return inferenceError(loc, "bit_cast needs types of the same width, got ",
                          input.getElementType(), " and ", to);
  inferred.push_back(input.clone(to));
  return success();
}

LogicalResult DetOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() < 2)
    return inferenceError(loc, "input must have rank 2 or more");
  int64_t rows = input.getDimSize(input.getRank() - 2),
          cols = input.getShape().back();
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(cols) &&
      rows != cols)
    return inferenceError(loc, "matrices must be square, got ", rows, "x",
                          cols);
  inferred.push_back(input.clone(input.getShape().drop_back(2)));
  return success();
}

LogicalResult TfIdfVectorizerOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() != 1 && input.getRank() != 2)
    return inferenceError(loc, "input must be [C] or [N, C]");
  if (!llvm::is_contained({"TF", "IDF", "TFIDF"}, adaptor.getMode()))
    return inferenceError(loc, "mode must be TF, IDF or TFIDF");
  ArrayRef<int64_t> indexes = adaptor.getNgramIndexes();
  if (llvm::any_of(indexes, [](int64_t i) {
        return i < 0 || i == std::numeric_limits<int64_t>::max();
      }))
    return inferenceError(loc, "ngram_indexes must be non-negative and "
                               "below 2^63 - 1");
  int64_t width = indexes.empty() ? 0 : *llvm::max_element(indexes) + 1;
  SmallVector<int64_t> shape;
  if (input.getRank() == 2)
    shape.push_back(input.getDimSize(0));
  shape.push_back(width);
  inferred.push_back(RankedTensorType::get(shape, Float32Type::get(ctx)));
  return success();
}
