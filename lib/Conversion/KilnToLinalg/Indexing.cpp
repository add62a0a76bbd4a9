//===- Indexing.cpp - gathers, scatters, scans and index-built tensors ----===//
//
// Data-dependent addressing becomes a linalg.generic whose body reads the
// addressed tensors with tensor.extract: gather_elements and gather_nd
// iterate over their result. Scatters and scans cannot write through an
// index, so they iterate over their result plus one reduction dimension per
// update (or scanned element) in order, and each result element folds in the
// updates that address it: O(result x updates) work, exact ONNX order for
// duplicate indices and reductions, and nothing but linalg on tensors for
// bufferization. Trilu, one_hot, range and constant_of_shape are generics
// over their index space (or a fill).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace kiln;

namespace {

using Iterator = utils::IteratorType;

/// `index` (an integer) as an index, counting from the end when negative:
/// ONNX's reading of negative indices along a dimension of `size`.
Value normalizeIndex(OpBuilder &b, Location loc, Value index, Value size) {
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  return arith::SelectOp::create(b, loc, negative,
                                 arith::AddIOp::create(b, loc, idx, size), idx);
}

Value indexConst(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// The single element of a 0-d or one-element tensor, read inside a body.
Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> zeros(type.getRank(), indexConst(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, zeros);
}

/// Dynamic sizes of `type` read from the same dimensions of `source`.
SmallVector<Value> dynamicSizesLike(OpBuilder &b, Location loc, Value source,
                                    RankedTensorType type) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, source, d));
  return sizes;
}

bool isIndexType(Type type) { return type.isSignlessInteger(); }

/// A tensor type holds elements arith can compute on.
bool isArithType(Type type) {
  return isa<FloatType>(type) || type.isSignlessInteger();
}

/// How a scatter or scan combines an existing element with a new one.
enum class Combine { None, Add, Mul, Max, Min };

std::optional<Combine> parseReduction(StringRef reduction) {
  return llvm::StringSwitch<std::optional<Combine>>(reduction)
      .Case("none", Combine::None)
      .Case("add", Combine::Add)
      .Case("mul", Combine::Mul)
      .Case("max", Combine::Max)
      .Case("min", Combine::Min)
      .Default(std::nullopt);
}

Value combine(OpBuilder &b, Location loc, Combine kind, Value acc, Value x) {
  bool f = isa<FloatType>(x.getType());
  switch (kind) {
  case Combine::None:
    return x;
  case Combine::Add:
    return f ? arith::AddFOp::create(b, loc, acc, x).getResult()
             : arith::AddIOp::create(b, loc, acc, x).getResult();
  case Combine::Mul:
    return f ? arith::MulFOp::create(b, loc, acc, x).getResult()
             : arith::MulIOp::create(b, loc, acc, x).getResult();
  case Combine::Max:
    return f ? arith::MaximumFOp::create(b, loc, acc, x).getResult()
             : arith::MaxSIOp::create(b, loc, acc, x).getResult();
  case Combine::Min:
    return f ? arith::MinimumFOp::create(b, loc, acc, x).getResult()
             : arith::MinSIOp::create(b, loc, acc, x).getResult();
  }
  llvm_unreachable("unknown combine");
}

Value createAnd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (!lhs)
    return rhs;
  return arith::AndIOp::create(b, loc, lhs, rhs);
}

/// out[i...] = data[i_0, ..., indices[i...], ..., i_r-1] along `axis`.
struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (!isIndexType(indicesType.getElementType()))
      return rewriter.notifyMatchFailure(op, "indices are not integers");
    int64_t rank = type.getRank(), axis = op.getAxis();
    auto dataType = cast<RankedTensorType>(data.getType());
    Value axisSize =
        dataType.isDynamicDim(axis)
            ? tensor::DimOp::create(rewriter, loc, data, axis).getResult()
            : indexConst(rewriter, loc, dataType.getDimSize(axis));
    Value init = createEmpty(rewriter, loc, type,
                             dynamicSizesLike(rewriter, loc, indices, type));
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{indices},
            ValueRange{init}, ArrayRef<AffineMap>{identity, identity},
            SmallVector<Iterator>(rank, Iterator::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              SmallVector<Value> coords;
              for (int64_t d = 0; d < rank; ++d)
                coords.push_back(d == axis
                                     ? normalizeIndex(b, l, a[0], axisSize)
                                     : linalg::IndexOp::create(b, l, d));
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[b..., i..., s...] = data[b..., indices[b..., i..., :]..., s...]: a
/// generic over the result that reads the index tuple and then the data.
struct GatherNDLowering : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (!dataType.hasStaticShape() || !indicesType.hasStaticShape() ||
        !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (!isIndexType(indicesType.getElementType()))
      return rewriter.notifyMatchFailure(op, "indices are not integers");
    int64_t q = indicesType.getRank(), batch = op.getBatchDims();
    int64_t m = indicesType.getDimSize(q - 1), rank = type.getRank();
    if (batch + m > dataType.getRank() ||
        rank != q - 1 + dataType.getRank() - batch - m)
      return rewriter.notifyMatchFailure(op, "inconsistent ranks");
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx)},
            SmallVector<Iterator>(rank, Iterator::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> outer, coords;
              for (int64_t d = 0; d < q - 1; ++d)
                outer.push_back(linalg::IndexOp::create(b, l, d));
              for (int64_t d = 0; d < batch; ++d)
                coords.push_back(outer[d]);
              for (int64_t i = 0; i < m; ++i) {
                SmallVector<Value> at(outer);
                at.push_back(indexConst(b, l, i));
                Value index = tensor::ExtractOp::create(b, l, indices, at);
                coords.push_back(normalizeIndex(
                    b, l, index,
                    indexConst(b, l, dataType.getDimSize(batch + i))));
              }
              for (int64_t d = q - 1; d < rank; ++d)
                coords.push_back(linalg::IndexOp::create(b, l, d));
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Builds a scatter as a generic over the result dimensions followed by the
/// `updateDims` reduction dimensions that enumerate the updates in order.
/// `body(b, loc, resultCoords, updateCoords, acc)` returns the element after
/// the update at `updateCoords` was considered; the accumulator starts from
/// `data`'s element at the first update.
Value buildScatterGeneric(
    OpBuilder &rewriter, Location loc, Value data, ArrayRef<int64_t> updateDims,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, ArrayRef<Value>,
                       Value)>
        body) {
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(data.getType());
  int64_t rank = type.getRank(), loops = rank + updateDims.size();
  SmallVector<AffineExpr> resultExprs;
  for (int64_t d = 0; d < rank; ++d)
    resultExprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap resultMap = AffineMap::get(loops, 0, resultExprs, ctx);
  SmallVector<Iterator> iterators(rank, Iterator::parallel);
  iterators.append(updateDims.size(), Iterator::reduction);
  // The reduction dimensions' sizes come from a dummy input, since no
  // operand is indexed by them otherwise: an empty tensor of the update
  // dimensions that the body never reads.
  SmallVector<AffineExpr> updateExprs;
  for (size_t u = 0; u < updateDims.size(); ++u)
    updateExprs.push_back(getAffineDimExpr(rank + u, ctx));
  Value shapeCarrier = createEmpty(
      rewriter, loc, RankedTensorType::get(updateDims, rewriter.getI1Type()));
  return linalg::GenericOp::create(
             rewriter, loc, TypeRange{type}, ValueRange{data, shapeCarrier},
             ValueRange{createEmpty(rewriter, loc, type)},
             ArrayRef<AffineMap>{resultMap,
                                 AffineMap::get(loops, 0, updateExprs, ctx),
                                 resultMap},
             iterators,
             [&](OpBuilder &b, Location l, ValueRange a) {
               SmallVector<Value> resultCoords, updateCoords;
               for (int64_t d = 0; d < rank; ++d)
                 resultCoords.push_back(linalg::IndexOp::create(b, l, d));
               Value first;
               Value zero = indexConst(b, l, 0);
               for (int64_t u = 0; u < static_cast<int64_t>(updateDims.size());
                    ++u) {
                 updateCoords.push_back(
                     linalg::IndexOp::create(b, l, rank + u));
                 first = createAnd(
                     b, l, first,
                     arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                           updateCoords.back(), zero));
               }
               // The output starts undefined: the first update step reads
               // the data element instead.
               Value acc =
                   first ? arith::SelectOp::create(b, l, first, a[0], a[2])
                               .getResult()
                         : a[0];
               linalg::YieldOp::create(
                   b, l,
                   ValueRange{body(b, l, resultCoords, updateCoords, acc)});
             })
      .getResult(0);
}

/// out = data; out[..., indices[i...], ...] (combine)= updates[i...] along
/// the axis, the updates taken in row-major order of `indices`.
struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto type = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    if (!type.hasStaticShape() || !indicesType.hasStaticShape() ||
        cast<RankedTensorType>(updates.getType()).getShape() !=
            indicesType.getShape())
      return rewriter.notifyMatchFailure(op, "dynamic or mismatched shapes");
    if (!isIndexType(indicesType.getElementType()))
      return rewriter.notifyMatchFailure(op, "indices are not integers");
    std::optional<Combine> kind = parseReduction(op.getReduction());
    if (!kind ||
        (*kind != Combine::None && !isArithType(type.getElementType())))
      return rewriter.notifyMatchFailure(op, "unsupported reduction or type");
    if (indicesType.getNumElements() == 0) {
      rewriter.replaceOp(op, data);
      return success();
    }
    int64_t rank = type.getRank(), axis = op.getAxis();
    Value result = buildScatterGeneric(
        rewriter, loc, data, indicesType.getDimSize(axis),
        [&](OpBuilder &b, Location l, ArrayRef<Value> out,
            ArrayRef<Value> update, Value acc) {
          // The update at (out with axis replaced by k), when that lies
          // inside `indices` (smaller than the data off the axis).
          SmallVector<Value> at;
          Value inside;
          for (int64_t d = 0; d < rank; ++d) {
            if (d == axis) {
              at.push_back(update[0]);
              continue;
            }
            int64_t size = indicesType.getDimSize(d);
            if (size == type.getDimSize(d)) {
              at.push_back(out[d]);
              continue;
            }
            Value bound = indexConst(b, l, size);
            inside =
                createAnd(b, l, inside,
                          arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                                out[d], bound));
            // Clamped so that the read stays in bounds; `inside` masks it.
            at.push_back(arith::MinUIOp::create(b, l, out[d],
                                                indexConst(b, l, size - 1)));
          }
          Value index =
              normalizeIndex(b, l, tensor::ExtractOp::create(b, l, indices, at),
                             indexConst(b, l, type.getDimSize(axis)));
          Value hit =
              createAnd(b, l, inside,
                        arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              index, out[axis]));
          Value value = tensor::ExtractOp::create(b, l, updates, at);
          return arith::SelectOp::create(b, l, hit,
                                         combine(b, l, *kind, acc, value), acc)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out = data; out[indices[p..., :], ...] (combine)= updates[p..., ...],
/// the index tuples taken in row-major order.
struct ScatterNDLowering : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto type = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto updatesType = cast<RankedTensorType>(updates.getType());
    if (!type.hasStaticShape() || !indicesType.hasStaticShape() ||
        !updatesType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (!isIndexType(indicesType.getElementType()))
      return rewriter.notifyMatchFailure(op, "indices are not integers");
    std::optional<Combine> kind = parseReduction(op.getReduction());
    if (!kind ||
        (*kind != Combine::None && !isArithType(type.getElementType())))
      return rewriter.notifyMatchFailure(op, "unsupported reduction or type");
    int64_t q = indicesType.getRank(), m = indicesType.getDimSize(q - 1);
    int64_t rank = type.getRank();
    if (m > rank || updatesType.getRank() != q - 1 + rank - m)
      return rewriter.notifyMatchFailure(op, "inconsistent ranks");
    if (indicesType.getNumElements() == 0) {
      rewriter.replaceOp(op, data);
      return success();
    }
    Value result = buildScatterGeneric(
        rewriter, loc, data, indicesType.getShape().drop_back(),
        [&](OpBuilder &b, Location l, ArrayRef<Value> out,
            ArrayRef<Value> update, Value acc) {
          Value hit;
          for (int64_t i = 0; i < m; ++i) {
            SmallVector<Value> at(update);
            at.push_back(indexConst(b, l, i));
            Value index = normalizeIndex(
                b, l, tensor::ExtractOp::create(b, l, indices, at),
                indexConst(b, l, type.getDimSize(i)));
            hit = createAnd(b, l, hit,
                            arith::CmpIOp::create(
                                b, l, arith::CmpIPredicate::eq, index, out[i]));
          }
          SmallVector<Value> at(update);
          at.append(out.begin() + m, out.end());
          Value value = tensor::ExtractOp::create(b, l, updates, at);
          Value combined = combine(b, l, *kind, acc, value);
          return hit ? arith::SelectOp::create(b, l, hit, combined, acc)
                           .getResult()
                     : combined;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Zeroes the elements below (upper) or above (lower) the k-th diagonal of
/// the last two dimensions.
struct TriluLowering : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), k = adaptor.getK();
    auto type = cast<RankedTensorType>(op.getType());
    auto kType = cast<RankedTensorType>(k.getType());
    if (type.getRank() < 2 || !kType.hasStaticShape() ||
        kType.getNumElements() != 1 || !isIndexType(kType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs rank >= 2 and integer k");
    Type elem = type.getElementType();
    if (!isArithType(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    int64_t rank = type.getRank();
    bool upper = op.getUpper();
    auto result = buildBroadcastingGeneric(
        rewriter, op, {input}, type,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value row = linalg::IndexOp::create(b, l, rank - 2);
          Value col = linalg::IndexOp::create(b, l, rank - 1);
          Value diagonal = arith::SubIOp::create(b, l, col, row);
          Value offset = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                    extractScalar(b, l, k));
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
                                             diagonal, offset);
          return arith::SelectOp::create(b, l, keep, a[0],
                                         createScalar(b, l, elem, 0));
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// out[j...] = combine over k of input[j with the axis at k], k running up
/// to (or from) j's position on the axis: an O(n * axis) generic with the
/// scanned position as an innermost reduction dimension. A run-time axis
/// (an operand) is compared against every dimension in the body.
template <typename OpTy, Combine kind>
struct ScanLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!type.hasStaticShape() || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "dynamic or 0-d shape");
    if (!isArithType(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    int64_t rank = type.getRank();
    std::optional<int64_t> staticAxis;
    if (op.getAxis())
      staticAxis = *op.getAxis();
    else if (rank == 1)
      staticAxis = 0; // The only axis a 1-D input has.
    Value dynamicAxis = adaptor.getDynamicAxis();
    if (!staticAxis) {
      auto axisType = cast<RankedTensorType>(dynamicAxis.getType());
      if (!axisType.hasStaticShape() || axisType.getNumElements() != 1 ||
          !isIndexType(axisType.getElementType()))
        return rewriter.notifyMatchFailure(op, "axis is not an integer scalar");
    }
    // The scanned dimension's extent: the axis's, or the largest any axis
    // could have.
    int64_t extent = staticAxis ? type.getDimSize(*staticAxis)
                                : *llvm::max_element(type.getShape());
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, input);
      return success();
    }
    bool exclusive = op.getExclusive(), reverse = op.getReverse();

    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(getAffineDimExpr(d, ctx));
    AffineMap resultMap = AffineMap::get(rank + 1, 0, exprs, ctx);
    AffineMap scanMap =
        AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, ctx));
    SmallVector<Iterator> iterators(rank, Iterator::parallel);
    iterators.push_back(Iterator::reduction);
    Value identity =
        createScalar(rewriter, loc, elem, kind == Combine::Mul ? 1 : 0);
    Value init = createFilled(rewriter, loc, type, identity);
    Value shapeCarrier = createEmpty(
        rewriter, loc, RankedTensorType::get({extent}, rewriter.getI1Type()));
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{shapeCarrier},
            ValueRange{init}, ArrayRef<AffineMap>{scanMap, resultMap},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value k = linalg::IndexOp::create(b, l, rank);
              SmallVector<Value> out, at;
              for (int64_t d = 0; d < rank; ++d)
                out.push_back(linalg::IndexOp::create(b, l, d));
              Value position, inRange;
              if (staticAxis) {
                position = out[*staticAxis];
                at = out;
                at[*staticAxis] = k;
              } else {
                Value axis =
                    normalizeIndex(b, l, extractScalar(b, l, dynamicAxis),
                                   indexConst(b, l, rank));
                // Select the axis's coordinate and size dimension by
                // dimension; the last dimension is the fallback.
                position = out[rank - 1];
                Value size = indexConst(b, l, type.getDimSize(rank - 1));
                at = out;
                for (int64_t d = 0; d < rank; ++d) {
                  Value isAxis =
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            axis, indexConst(b, l, d));
                  if (d < rank - 1) {
                    position =
                        arith::SelectOp::create(b, l, isAxis, out[d], position);
                    size = arith::SelectOp::create(
                        b, l, isAxis, indexConst(b, l, type.getDimSize(d)),
                        size);
                  }
                  at[d] = arith::SelectOp::create(b, l, isAxis, k, out[d]);
                }
                inRange = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                                k, size);
                // Out-of-range reads are clamped; `inRange` masks them.
                for (int64_t d = 0; d < rank; ++d)
                  at[d] = arith::MinUIOp::create(
                      b, l, at[d], indexConst(b, l, type.getDimSize(d) - 1));
              }
              arith::CmpIPredicate predicate =
                  reverse ? (exclusive ? arith::CmpIPredicate::ugt
                                       : arith::CmpIPredicate::uge)
                          : (exclusive ? arith::CmpIPredicate::ult
                                       : arith::CmpIPredicate::ule);
              Value take = createAnd(
                  b, l, inRange,
                  arith::CmpIOp::create(b, l, predicate, k, position));
              Value x = tensor::ExtractOp::create(b, l, input, at);
              Value acc = a[1];
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{arith::SelectOp::create(
                      b, l, take, combine(b, l, kind, acc, x), acc)});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[..., j, ...] = indices[...] (from the end when negative) == j ?
/// values[1] : values[0], j on the new axis; the depth is the result's
/// static size there (a run-time depth makes the size depend on data).
struct OneHotLowering : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value indices = adaptor.getIndices(), values = adaptor.getValues();
    auto type = cast<RankedTensorType>(op.getType());
    auto valuesType = cast<RankedTensorType>(values.getType());
    if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != 2)
      return rewriter.notifyMatchFailure(op, "values is not [off, on]");
    auto indicesType = cast<RankedTensorType>(indices.getType());
    Type indexElem = indicesType.getElementType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "depth known only at run time");
    if (!isArithType(indexElem))
      return rewriter.notifyMatchFailure(op, "unsupported index type");
    int64_t rank = type.getRank(), axis = op.getAxis();
    int64_t depth = type.getDimSize(axis);
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        exprs.push_back(getAffineDimExpr(d, ctx));
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{indices},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{AffineMap::get(rank, 0, exprs, ctx),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)},
            SmallVector<Iterator>(rank, Iterator::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              // Non-integer indices are truncated toward zero.
              Value index = a[0];
              if (isa<FloatType>(indexElem))
                index = arith::FPToSIOp::create(b, l, b.getI64Type(), index);
              index = normalizeIndex(b, l, index, indexConst(b, l, depth));
              Value hit =
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, index,
                                        linalg::IndexOp::create(b, l, axis));
              Value off = tensor::ExtractOp::create(
                  b, l, values, ValueRange{indexConst(b, l, 0)});
              Value on = tensor::ExtractOp::create(
                  b, l, values, ValueRange{indexConst(b, l, 1)});
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{arith::SelectOp::create(b, l, hit, on, off)});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A fill of the static result shape (a run-time shape would make the
/// result's size depend on data).
struct ConstantOfShapeLowering : OpConversionPattern<ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOfShapeOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "shape known only at run time");
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value || value.getNumElements() != 1 ||
        !isArithType(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "value is not a scalar number");
    auto splat = DenseElementsAttr::get(type, value.getValues<Attribute>()[0]);
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, splat);
    return success();
  }
};

/// out[i] = start + i * delta over the static result length.
struct RangeLowering : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "length known only at run time");
    if (!isArithType(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Value start = adaptor.getStart(), delta = adaptor.getDelta();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(1, ctx)},
            SmallVector<Iterator>{Iterator::parallel},
            [&](OpBuilder &b, Location l, ValueRange) {
              Value i = arith::IndexCastOp::create(
                  b, l, b.getI64Type(), linalg::IndexOp::create(b, l, 0));
              Value s = extractScalar(b, l, start);
              Value d = extractScalar(b, l, delta);
              Value value;
              if (auto f = dyn_cast<FloatType>(elem)) {
                Value fi = arith::SIToFPOp::create(b, l, f, i);
                value = arith::AddFOp::create(
                    b, l, s, arith::MulFOp::create(b, l, fi, d));
              } else {
                Value ii = i;
                if (elem.getIntOrFloatBitWidth() < 64)
                  ii = arith::TruncIOp::create(b, l, elem, i);
                value = arith::AddIOp::create(
                    b, l, s, arith::MulIOp::create(b, l, ii, d));
              }
              linalg::YieldOp::create(b, l, value);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateIndexingPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering, TriluLowering,
               ScanLowering<CumSumOp, Combine::Add>,
               ScanLowering<CumProdOp, Combine::Mul>, ConstantOfShapeLowering,
               RangeLowering, OneHotLowering>(patterns.getContext());
}
