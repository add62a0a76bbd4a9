//===- MoreOps.cpp - instance norm, reverse_sequence, det, max_unpool
//------===//
//
// Instance normalization reduces each [n, c] row over the spatial dimensions
// in two passes (the mean, then the squared deviations from it) and finishes
// with one generic reading the row statistics and the per-channel scale and
// bias. reverse_sequence is a gather over its result: the time index is
// mirrored inside the first sequence_lens[b] steps. det iterates over the
// batch dimensions and expands each (small, static) matrix by cofactors in
// its body. max_unpool iterates over its result plus one reduction dimension
// per input element and keeps the input value whose index names the result
// element (zero otherwise), like the scatters in Indexing.cpp.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace kiln;

namespace {

using Iterator = utils::IteratorType;

/// Dynamic sizes of `type` read from the same dimensions of `source`.
SmallVector<Value> sizesLike(OpBuilder &b, Location loc, Value source,
                             RankedTensorType type) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, source, d));
  return sizes;
}

/// (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c], with mean and
/// variance over the dimensions from 2 on of each [n, c].
struct InstanceNormLowering : OpConversionPattern<InstanceNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(InstanceNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank();
    if (!isa<FloatType>(elem) || rank < 3)
      return rewriter.notifyMatchFailure(op, "only float [N, C, D...] inputs");
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = 2; d < rank; ++d) {
      if (type.isDynamicDim(d))
        return rewriter.notifyMatchFailure(op, "dynamic spatial dimension");
      axes.push_back(d);
      count *= type.getDimSize(d);
    }
    for (Value param : {adaptor.getScale(), adaptor.getBias()}) {
      auto paramType = cast<RankedTensorType>(param.getType());
      if (paramType.getRank() != 1 || paramType.getElementType() != elem)
        return rewriter.notifyMatchFailure(op, "parameters are not 1-D");
    }

    Value zero = createScalar(rewriter, loc, elem, 0);
    auto add = [](OpBuilder &b, Location l, Value v, Value acc) -> Value {
      return arith::AddFOp::create(b, l, v, acc);
    };
    Value sums = buildReduction(rewriter, loc, x, axes, zero, add);
    auto rowType = cast<RankedTensorType>(sums.getType());
    AffineMap rowId = AffineMap::getMultiDimIdentityMap(2, ctx);
    SmallVector<Value> rowSizes = sizesLike(rewriter, loc, sums, rowType);
    Value mean = linalg::GenericOp::create(
                     rewriter, loc, TypeRange{rowType}, ValueRange{sums},
                     ValueRange{createEmpty(rewriter, loc, rowType, rowSizes)},
                     ArrayRef<AffineMap>{rowId, rowId},
                     SmallVector<Iterator>(2, Iterator::parallel),
                     [&](OpBuilder &b, Location l, ValueRange a) {
                       linalg::YieldOp::create(
                           b, l,
                           ValueRange{arith::DivFOp::create(
                               b, l, a[0], createScalar(b, l, elem, count))});
                     })
                     .getResult(0);

    // Sum of squared deviations from the mean, per [n, c].
    AffineMap full = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap rowMap = AffineMap::get(
        rank, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
    SmallVector<Iterator> iterators(rank, Iterator::reduction);
    iterators[0] = iterators[1] = Iterator::parallel;
    Value squares =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rowType}, ValueRange{x, mean},
            ValueRange{createFilled(rewriter, loc, rowType, zero, rowSizes)},
            ArrayRef<AffineMap>{full, rowMap, rowMap}, iterators,
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value dev = arith::SubFOp::create(b, l, a[0], a[1]);
              Value sq = arith::MulFOp::create(b, l, dev, dev);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, sq, a[2])});
            })
            .getResult(0);

    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    double epsilon = op.getEpsilon().convertToDouble();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{x, mean, squares, adaptor.getScale(), adaptor.getBias()},
            ValueRange{createEmpty(rewriter, loc, type,
                                   sizesLike(rewriter, loc, x, type))},
            ArrayRef<AffineMap>{full, rowMap, rowMap, channel, channel, full},
            SmallVector<Iterator>(rank, Iterator::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value variance = arith::DivFOp::create(
                  b, l, a[2], createScalar(b, l, elem, count));
              Value denom = math::SqrtOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, variance,
                                        createScalar(b, l, elem, epsilon)));
              Value centered = arith::SubFOp::create(b, l, a[0], a[1]);
              Value scaled = arith::DivFOp::create(
                  b, l, arith::MulFOp::create(b, l, centered, a[3]), denom);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, scaled, a[4])});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// output[..., t, ..., b, ...] = input[..., t', ..., b, ...] with
/// t' = len - 1 - t when t < len = sequence_lens[b], else t.
struct ReverseSequenceLowering : OpConversionPattern<ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReverseSequenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), lens = adaptor.getSequenceLens();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    int64_t batchAxis = op.getBatchAxis(), timeAxis = op.getTimeAxis();
    if (batchAxis < 0)
      batchAxis += rank;
    if (timeAxis < 0)
      timeAxis += rank;
    auto lensType = cast<RankedTensorType>(lens.getType());
    if (rank < 2 || batchAxis == timeAxis || batchAxis >= rank ||
        timeAxis >= rank || batchAxis < 0 || timeAxis < 0 ||
        lensType.getRank() != 1 ||
        !lensType.getElementType().isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "unsupported operands or axes");

    Value result = generateElements(
        rewriter, loc,
        createEmpty(rewriter, loc, type, sizesLike(rewriter, loc, x, type)),
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices) {
          SmallVector<Value> idx(indices);
          Value len = arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              tensor::ExtractOp::create(b, l, lens, idx[batchAxis]));
          Value t = idx[timeAxis];
          Value inside =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, t, len);
          Value mirrored = arith::SubIOp::create(
              b, l,
              arith::SubIOp::create(b, l, len,
                                    arith::ConstantIndexOp::create(b, l, 1)),
              t);
          idx[timeAxis] = arith::SelectOp::create(b, l, inside, mirrored, t);
          return tensor::ExtractOp::create(b, l, x, idx).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The largest matrix det expands by cofactors (n! products).
constexpr int64_t kMaxDetSize = 5;

/// The determinant of the rows `rows` x columns `cols` of `m` by cofactor
/// expansion along the first row.
Value expandDet(OpBuilder &b, Location loc, ArrayRef<SmallVector<Value>> m,
                ArrayRef<int64_t> rows, ArrayRef<int64_t> cols) {
  if (rows.size() == 1)
    return m[rows[0]][cols[0]];
  Value acc;
  for (size_t j = 0; j < cols.size(); ++j) {
    SmallVector<int64_t> minorCols(cols);
    minorCols.erase(minorCols.begin() + j);
    Value term = arith::MulFOp::create(
        b, loc, m[rows[0]][cols[j]],
        expandDet(b, loc, m, rows.drop_front(), minorCols));
    if (!acc)
      acc = term;
    else if (j % 2)
      acc = arith::SubFOp::create(b, loc, acc, term);
    else
      acc = arith::AddFOp::create(b, loc, acc, term);
  }
  return acc;
}

struct DetLowering : OpConversionPattern<DetOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DetOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = inType.getRank();
    if (!isa<FloatType>(inType.getElementType()) || rank < 2 ||
        type.getRank() != rank - 2)
      return rewriter.notifyMatchFailure(op, "only float [..., M, M] inputs");
    int64_t n = inType.getDimSize(rank - 1);
    if (ShapedType::isDynamic(n) || inType.getDimSize(rank - 2) != n)
      return rewriter.notifyMatchFailure(op, "dynamic or non-square matrices");
    if (n > kMaxDetSize)
      return rewriter.notifyMatchFailure(op, "matrix too large to expand");

    int64_t batchRank = rank - 2;
    Value result = generateElements(
        rewriter, loc,
        createEmpty(rewriter, loc, type, sizesLike(rewriter, loc, x, type)),
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices) {
          SmallVector<Value> idx(indices);
          idx.append(2, Value());
          SmallVector<SmallVector<Value>> m(n);
          SmallVector<int64_t> order;
          for (int64_t i = 0; i < n; ++i) {
            order.push_back(i);
            idx[batchRank] = arith::ConstantIndexOp::create(b, l, i);
            for (int64_t j = 0; j < n; ++j) {
              idx[batchRank + 1] = arith::ConstantIndexOp::create(b, l, j);
              m[i].push_back(tensor::ExtractOp::create(b, l, x, idx));
            }
          }
          return expandDet(b, l, m, order, order);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// result[i] = input[j] for the last j with indices[j] == flat(i), else 0.
struct MaxUnpoolLowering : OpConversionPattern<MaxUnpoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxUnpoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput(), indices = adaptor.getIndices();
    auto type = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(x.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    Type elem = type.getElementType();
    if (!type.hasStaticShape() || !inType.hasStaticShape() ||
        indicesType.getShape() != inType.getShape() ||
        !indicesType.getElementType().isSignlessInteger() ||
        inType.getElementType() != elem)
      return rewriter.notifyMatchFailure(
          op, "only static shapes with matching indices");
    int64_t rank = type.getRank(), inRank = inType.getRank();

    // Dimensions: the result's (parallel), then the input's (reduction).
    SmallVector<AffineExpr> inExprs, outExprs;
    for (int64_t d = 0; d < inRank; ++d)
      inExprs.push_back(getAffineDimExpr(rank + d, ctx));
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    AffineMap inMap = AffineMap::get(rank + inRank, 0, inExprs, ctx);
    AffineMap outMap = AffineMap::get(rank + inRank, 0, outExprs, ctx);
    SmallVector<Iterator> iterators(rank, Iterator::parallel);
    iterators.append(inRank, Iterator::reduction);
    Value zero = createScalar(rewriter, loc, elem, 0);
    Type indexElem = indicesType.getElementType();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{x, indices},
            ValueRange{createFilled(rewriter, loc, type, zero)},
            ArrayRef<AffineMap>{inMap, inMap, outMap}, iterators,
            [&](OpBuilder &b, Location l, ValueRange a) {
              // The row-major flat index of the result element.
              Value flat = arith::ConstantIndexOp::create(b, l, 0);
              for (int64_t d = 0; d < rank; ++d) {
                flat = arith::MulIOp::create(
                    b, l, flat,
                    arith::ConstantIndexOp::create(b, l, type.getDimSize(d)));
                flat = arith::AddIOp::create(b, l, flat,
                                             linalg::IndexOp::create(b, l, d));
              }
              Value target = arith::IndexCastOp::create(b, l, indexElem, flat);
              Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                                a[1], target);
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{arith::SelectOp::create(b, l, hit, a[0], a[2])});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateMoreOpsPatterns(RewritePatternSet &patterns) {
  patterns.add<InstanceNormLowering, ReverseSequenceLowering, DetLowering,
               MaxUnpoolLowering>(patterns.getContext());
}
