//===- KilnFolders.cpp - folds and canonicalizations ----------------------===//
//
// Folding serves two users: the importer, which builds ops with
// createOrFold so that shape arithmetic (Shape -> Gather -> Concat ->
// Reshape) collapses to constants while the graph is built, and the
// canonicalizer, which removes no-ops from imported graphs.
//
//===----------------------------------------------------------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

/// Constant folding materializes every element: keep it to the small tensors
/// that shape computations produce, never to weights.
static constexpr int64_t kMaxFoldedElements = 1 << 16;

static bool isFoldableSize(ShapedType type) {
  int64_t count = numElements(type); // kDynamic (negative) on overflow
  return count >= 0 && count <= kMaxFoldedElements;
}

//===----------------------------------------------------------------------===//
// No-ops
//===----------------------------------------------------------------------===//

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }
OpFoldResult DropoutOp::fold(FoldAdaptor) { return getInput(); }
OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Elementwise arithmetic on constants
//===----------------------------------------------------------------------===//

/// The flat index into an operand of shape `operandShape` for the flat index
/// `index` into the broadcast `resultShape`.
static int64_t broadcastIndex(int64_t index, ArrayRef<int64_t> resultShape,
                              ArrayRef<int64_t> operandShape) {
  int64_t operandIndex = 0, stride = 1;
  int64_t offset = resultShape.size() - operandShape.size();
  for (int64_t d = resultShape.size() - 1; d >= 0; --d) {
    int64_t coord = index % resultShape[d];
    index /= resultShape[d];
    if (d < offset)
      continue;
    int64_t dim = operandShape[d - offset];
    if (dim != 1)
      operandIndex += coord * stride;
    stride *= dim;
  }
  return operandIndex;
}

/// Folds a broadcasting binary op on two constant integer or float operands.
template <typename IntFn, typename FloatFn>
static Attribute foldBinary(Attribute lhsAttr, Attribute rhsAttr,
                            Type resultType, IntFn intFn, FloatFn floatFn) {
  auto lhs = dyn_cast_or_null<DenseElementsAttr>(lhsAttr);
  auto rhs = dyn_cast_or_null<DenseElementsAttr>(rhsAttr);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!lhs || !rhs || !type || !isFoldableSize(type))
    return {};
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> lshape = lhs.getType().getShape(),
                    rshape = rhs.getType().getShape();
  int64_t count = type.getNumElements();
  if (auto intType = dyn_cast<IntegerType>(type.getElementType())) {
    if (intType.getWidth() == 1)
      return {};
    auto l = llvm::to_vector(lhs.getValues<APInt>());
    auto r = llvm::to_vector(rhs.getValues<APInt>());
    SmallVector<APInt> out;
    for (int64_t i = 0; i < count; ++i) {
      std::optional<APInt> v = intFn(l[broadcastIndex(i, shape, lshape)],
                                     r[broadcastIndex(i, shape, rshape)]);
      if (!v)
        return {};
      out.push_back(*v);
    }
    return DenseElementsAttr::get(type, out);
  }
  if (isa<FloatType>(type.getElementType())) {
    auto l = llvm::to_vector(lhs.getValues<APFloat>());
    auto r = llvm::to_vector(rhs.getValues<APFloat>());
    SmallVector<APFloat> out;
    for (int64_t i = 0; i < count; ++i)
      out.push_back(floatFn(l[broadcastIndex(i, shape, lshape)],
                            r[broadcastIndex(i, shape, rshape)]));
    return DenseElementsAttr::get(type, out);
  }
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      },
      [](const APFloat &a, const APFloat &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      },
      [](const APFloat &a, const APFloat &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      },
      [](const APFloat &a, const APFloat &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        return isUnsigned ? a.udiv(b) : a.sdiv(b);
      },
      [](const APFloat &a, const APFloat &b) { return a / b; });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return (isUnsigned ? a.ult(b) : a.slt(b)) ? a : b;
      },
      [](const APFloat &a, const APFloat &b) { return minimum(a, b); });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return (isUnsigned ? a.ugt(b) : a.sgt(b)) ? a : b;
      },
      [](const APFloat &a, const APFloat &b) { return maximum(a, b); });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!input || !isFoldableSize(getType()))
    return {};
  if (isa<IntegerType>(getType().getElementType()) &&
      !getType().getElementType().isInteger(1))
    return input.mapValues(getType().getElementType(),
                           [](const APInt &v) { return -v; });
  if (isa<FloatType>(getType().getElementType()))
    return input.mapValues(getType().getElementType(), [](const APFloat &v) {
      APFloat negated = v;
      negated.changeSign();
      return negated.bitcastToAPInt();
    });
  return {};
}

/// Folds an integer comparison of two constants into booleans.
template <typename Predicate>
static Attribute foldCompare(Attribute lhsAttr, Attribute rhsAttr,
                             Type resultType, Predicate predicate) {
  auto lhs = dyn_cast_or_null<DenseIntElementsAttr>(lhsAttr);
  auto rhs = dyn_cast_or_null<DenseIntElementsAttr>(rhsAttr);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!lhs || !rhs || !type || !isFoldableSize(type))
    return {};
  bool isUnsigned = lhs.getElementType().isUnsignedInteger();
  auto l = llvm::to_vector(lhs.getValues<APInt>());
  auto r = llvm::to_vector(rhs.getValues<APInt>());
  SmallVector<bool> out;
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    out.push_back(predicate(
        l[broadcastIndex(i, type.getShape(), lhs.getType().getShape())],
        r[broadcastIndex(i, type.getShape(), rhs.getType().getShape())],
        isUnsigned));
  return DenseElementsAttr::get(type, out);
}

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APInt &a, const APInt &b, bool) { return a == b; });
}

OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool isUnsigned) {
                       return isUnsigned ? a.ult(b) : a.slt(b);
                     });
}

OpFoldResult LessEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool isUnsigned) {
                       return isUnsigned ? a.ule(b) : a.sle(b);
                     });
}

OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool isUnsigned) {
                       return isUnsigned ? a.ugt(b) : a.sgt(b);
                     });
}

OpFoldResult GreaterEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool isUnsigned) {
                       return isUnsigned ? a.uge(b) : a.sge(b);
                     });
}

// The logic ops are defined on booleans, which foldCompare reads as 1-bit
// integers.
OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool) {
                       return !a.isZero() && !b.isZero();
                     });
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool) {
                       return !a.isZero() || !b.isZero();
                     });
}

OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](const APInt &a, const APInt &b, bool) {
                       return a.isZero() != b.isZero();
                     });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  if (!input || !getType().getElementType().isInteger(1) ||
      !isFoldableSize(getType()))
    return {};
  return input.mapValues(getType().getElementType(),
                         [](const APInt &v) { return ~v; });
}

/// Integer remainders only (shape arithmetic); a zero divisor does not fold.
OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  bool fmod = getFmod();
  if (isa<FloatType>(getType().getElementType()))
    return {};
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [isUnsigned, fmod](const APInt &a,
                         const APInt &b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.urem(b);
        APInt rem = a.srem(b);
        // Python's remainder takes the divisor's sign, fmod the dividend's.
        if (!fmod && !rem.isZero() && rem.isNegative() != b.isNegative())
          rem += b;
        return rem;
      },
      [](const APFloat &a, const APFloat &) { return a; });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto condition =
      dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getCondition());
  auto x = dyn_cast_or_null<DenseElementsAttr>(adaptor.getX());
  auto y = dyn_cast_or_null<DenseElementsAttr>(adaptor.getY());
  if (!condition || !x || !y || !isFoldableSize(getType()))
    return {};
  ArrayRef<int64_t> shape = getType().getShape();
  auto c = llvm::to_vector(condition.getValues<bool>());
  auto xs = llvm::to_vector(x.getValues<Attribute>());
  auto ys = llvm::to_vector(y.getValues<Attribute>());
  SmallVector<Attribute> out;
  for (int64_t i = 0; i < getType().getNumElements(); ++i)
    out.push_back(c[broadcastIndex(i, shape, condition.getType().getShape())]
                      ? xs[broadcastIndex(i, shape, x.getType().getShape())]
                      : ys[broadcastIndex(i, shape, y.getType().getShape())]);
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  auto toInt = dyn_cast<IntegerType>(getType().getElementType());
  if (!input || !toInt || !isFoldableSize(getType()) || toInt.getWidth() == 1)
    return {};
  // Integer-to-integer casts of shape values, the case shape arithmetic needs.
  // Booleans and unsigned integers widen with zeros, signed ones with signs.
  bool isUnsigned = input.getElementType().isUnsignedInteger() ||
                    input.getElementType().isInteger(1);
  SmallVector<APInt> out;
  for (const APInt &v : input.getValues<APInt>())
    out.push_back(isUnsigned ? v.zextOrTrunc(toInt.getWidth())
                             : v.sextOrTrunc(toInt.getWidth()));
  return DenseElementsAttr::get(getType(), out);
}

//===----------------------------------------------------------------------===//
// Shape queries
//===----------------------------------------------------------------------===//

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> dims = getInput().getType().getShape();
  if (getEnd() > (int64_t)dims.size() || getStart() > getEnd())
    return {};
  dims = dims.slice(getStart(), getEnd() - getStart());
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return {};
  return DenseIntElementsAttr::get(getType(), dims);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  int64_t count = numElements(getInput().getType());
  if (ShapedType::isDynamic(count))
    return {};
  return DenseIntElementsAttr::get(getType(), {count});
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// A constant reshaped to a static result type.
static OpFoldResult reshapeConstant(Attribute input, RankedTensorType type) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  if (!dense || !type.hasStaticShape())
    return {};
  return dense.reshape(type);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  return reshapeConstant(adaptor.getInput(), getType());
}

namespace {
/// reshape(reshape(x)) -> reshape(x): only the last shape matters, as long
/// as it does not copy dimensions (0 entries) from the intermediate.
struct CollapseReshapeChain : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<ReshapeOp>();
    if (!producer)
      return rewriter.notifyMatchFailure(op, "input is not a reshape");
    std::optional<SmallVector<int64_t>> shape = getConstantInts(op.getShape());
    if (!shape)
      return rewriter.notifyMatchFailure(op, "shape is not constant");
    if (!op.getAllowzero() && llvm::is_contained(*shape, 0))
      return rewriter.notifyMatchFailure(
          op, "shape copies intermediate dimensions");
    rewriter.modifyOpInPlace(
        op, [&] { op.getInputMutable().assign(producer.getInput()); });
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<CollapseReshapeChain>(context);
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getAxes() && getAxes()->empty())
    return getInput();
  return reshapeConstant(adaptor.getInput(), getType());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return reshapeConstant(adaptor.getInput(), getType());
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if ((int64_t)i != p)
      return {};
  return getInput();
}

namespace {
/// transpose(transpose(x, p1), p2) -> transpose(x, p1[p2]); an identity
/// result then folds away, removing inverse pairs.
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<TransposeOp>();
    if (!producer)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(producer.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(),
                                             producer.getInput(), perm);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ComposeTransposes>(context);
}

//===----------------------------------------------------------------------===//
// Shape-vector construction: Concat, Gather, ConstantOfShape, Range
//===----------------------------------------------------------------------===//

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  if (getType().getRank() != 1 || !isFoldableSize(getType()))
    return {};
  SmallVector<Attribute> values;
  for (Attribute operand : adaptor.getInputs()) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(operand);
    if (!dense)
      return {};
    llvm::append_range(values, dense.getValues<Attribute>());
  }
  return DenseElementsAttr::get(getType(), values);
}

/// The entries of a 1-D vector known at compile time: a dense constant, or
/// the static part of a `kiln.shape` (whose other entries are nullopt).
static std::optional<SmallVector<std::optional<Attribute>>>
getKnownEntries(Value vector, Attribute constant) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(constant)) {
    if (dense.getType().getRank() != 1)
      return std::nullopt;
    SmallVector<std::optional<Attribute>> entries;
    for (Attribute v : dense.getValues<Attribute>())
      entries.push_back(v);
    return entries;
  }
  auto shape = vector.getDefiningOp<ShapeOp>();
  if (!shape)
    return std::nullopt;
  auto type = shape.getType();
  SmallVector<std::optional<Attribute>> entries;
  ArrayRef<int64_t> dims = shape.getInput().getType().getShape();
  for (int64_t d = shape.getStart(); d < shape.getEnd(); ++d) {
    if (d >= (int64_t)dims.size() || ShapedType::isDynamic(dims[d]))
      entries.push_back(std::nullopt);
    else
      entries.push_back(IntegerAttr::get(type.getElementType(), dims[d]));
  }
  return entries;
}

/// Folds to a constant when every picked entry is known.
static OpFoldResult foldPicked(ArrayRef<std::optional<Attribute>> entries,
                               ArrayRef<int64_t> picks, RankedTensorType type) {
  SmallVector<Attribute> out;
  for (int64_t index : picks) {
    if (!entries[index])
      return {};
    out.push_back(*entries[index]);
  }
  return DenseElementsAttr::get(type, out);
}

/// Gathers from a constant vector, or picks static dimensions out of a
/// partially dynamic `kiln.shape` (the batch is dynamic but the channel
/// count is not, say).
OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  if (!isFoldableSize(getType()))
    return {};
  auto entries = getKnownEntries(getData(), adaptor.getData());
  std::optional<SmallVector<int64_t>> indices = getConstantInts(getIndices());
  if (!entries || !indices)
    return {};
  int64_t size = entries->size();
  SmallVector<int64_t> picks;
  for (int64_t index : *indices) {
    if (index < -size || index >= size)
      return {};
    picks.push_back(index < 0 ? index + size : index);
  }
  return foldPicked(*entries, picks, getType());
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  if (!getType().hasStaticShape())
    return {};
  auto value = dyn_cast<DenseElementsAttr>(getValue());
  if (!value)
    return {};
  return DenseElementsAttr::get(getType(), value.getValues<Attribute>()[0]);
}

OpFoldResult RangeOp::fold(FoldAdaptor) {
  if (!isFoldableSize(getType()))
    return {};
  int64_t length = getType().getDimSize(0);
  if (auto intType = dyn_cast<IntegerType>(getType().getElementType())) {
    auto start = getConstantInts(getStart()),
         delta = getConstantInts(getDelta());
    if (!start || !delta)
      return {};
    SmallVector<APInt> out;
    for (int64_t i = 0; i < length; ++i)
      out.push_back(APInt(intType.getWidth(), (*start)[0] + i * (*delta)[0],
                          /*isSigned=*/true));
    return DenseElementsAttr::get(getType(), out);
  }
  auto floatType = dyn_cast<FloatType>(getType().getElementType());
  auto start = getConstantFloats(getStart()),
       delta = getConstantFloats(getDelta());
  if (!floatType || !start || !delta)
    return {};
  SmallVector<APFloat> out;
  for (int64_t i = 0; i < length; ++i) {
    APFloat v((*start)[0] + i * (*delta)[0]);
    bool lost;
    v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lost);
    out.push_back(v);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (!isFoldableSize(getType()) || getType().getRank() != 1)
    return {};
  auto entries = getKnownEntries(getInput(), adaptor.getInput());
  auto starts = getConstantInts(getStarts()),
       steps = getConstantInts(getSteps());
  if (!entries || !starts || !steps || starts->size() != 1 ||
      steps->size() != 1)
    return {};
  // No range to clamp the start into below.
  if (entries->empty())
    return {};
  // The result type already holds the clamped extent; walk from the start.
  int64_t size = entries->size(), step = (*steps)[0], start = (*starts)[0];
  if (start < 0)
    start += size;
  start = step > 0 ? std::clamp<int64_t>(start, 0, size)
                   : std::clamp<int64_t>(start, 0, size - 1);
  SmallVector<int64_t> picks;
  for (int64_t i = 0; i < getType().getDimSize(0); ++i)
    picks.push_back(start + i * step);
  return foldPicked(*entries, picks, getType());
}
