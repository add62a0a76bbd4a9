//===- Normalization.cpp - normalizations to linalg.generic ---------------===//
//
// Inference-mode batch normalization that kiln-fold-batchnorm could not fold
// into a convolution: one elementwise generic reading the four per-channel
// vectors through a map onto dimension 1. Local response normalization: a
// windowed sum of squares across channels (a generic whose input map adds
// the window index to the channel), then x / (bias + alpha/size * sum)^beta.
// Layer and RMS normalization reduce the trailing dimensions from `axis` into
// per-row statistics (two passes for layer norm: the mean, then the squared
// deviations from it) and finish with one generic that reads the statistics
// per row and the scale and bias broadcast over the normalized dimensions.
// Group normalization does the same on a [N, G, C/G, D...] view of its input.
// Lp normalization divides by the L1 or L2 norm along its axis (zero slices
// stay zero).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace kiln;

namespace {

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank();
    if (!isa<FloatType>(elem) || rank < 2)
      return rewriter.notifyMatchFailure(op, "only float [N, C, ...] inputs");
    SmallVector<Value> operands = {adaptor.getInput(), adaptor.getScale(),
                                   adaptor.getBias(), adaptor.getMean(),
                                   adaptor.getVariance()};
    for (Value v : operands)
      if (getElementTypeOrSelf(v.getType()) != elem)
        return rewriter.notifyMatchFailure(op, "mixed element types");
    for (Value v : ArrayRef(operands).drop_front())
      if (cast<RankedTensorType>(v.getType()).getRank() != 1)
        return rewriter.notifyMatchFailure(op, "parameters are not 1-D");
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(
            tensor::DimOp::create(rewriter, loc, adaptor.getInput(), d));

    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    SmallVector<AffineMap> maps = {identity, channel, channel,
                                   channel,  channel, identity};
    double epsilon = op.getEpsilon().convertToDouble();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, operands,
            ValueRange{createEmpty(rewriter, loc, type, dynamicSizes)}, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              // (x - mean) * scale / sqrt(var + eps) + bias
              Value denom = math::SqrtOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, a[4],
                                        createScalar(b, l, elem, epsilon)));
              Value centered = arith::SubFOp::create(b, l, a[0], a[3]);
              Value scaled = arith::DivFOp::create(
                  b, l, arith::MulFOp::create(b, l, centered, a[1]), denom);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, scaled, a[2])});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank(), size = op.getSize();
    if (!isa<FloatType>(elem) || rank < 2 || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "only static float [N, C, ...]");

    // Squares padded along the channels: floor((size-1)/2) before, the rest
    // after, as ONNX centers the window.
    int64_t before = (size - 1) / 2, after = size - 1 - before;
    auto squares = buildBroadcastingGeneric(
        rewriter, op, {x}, type,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::MulFOp::create(b, l, a[0], a[0]);
        });
    if (failed(squares))
      return failure();
    SmallVector<int64_t> paddedShape(type.getShape());
    paddedShape[1] += size - 1;
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)),
        high(rank, rewriter.getIndexAttr(0));
    low[1] = rewriter.getIndexAttr(before);
    high[1] = rewriter.getIndexAttr(after);
    Value zero = createScalar(rewriter, loc, elem, 0);
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, elem), *squares, low,
        high, zero);

    // sum[n, c, ...] = sum over k of padded[n, c + k, ...]; the window
    // operand only gives the k loop its extent.
    SmallVector<AffineExpr> inExprs;
    for (int64_t d = 0; d < rank; ++d)
      inExprs.push_back(d == 1 ? getAffineDimExpr(1, ctx) +
                                     getAffineDimExpr(rank, ctx)
                               : getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inExprs, ctx),
        AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, ctx)),
        AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value window = tensor::EmptyOp::create(rewriter, loc, size, elem);
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{padded, window},
            ValueRange{createFilled(rewriter, loc, type, zero)}, maps,
            iterators,
            [](OpBuilder &b, Location l, ValueRange a) {
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, a[0], a[2])});
            })
            .getResult(0);

    double scale = op.getAlpha().convertToDouble() / size;
    double bias = op.getBias().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    auto result = buildBroadcastingGeneric(
        rewriter, op, {x, sums}, type,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value base = arith::AddFOp::create(
              b, l, createScalar(b, l, elem, bias),
              arith::MulFOp::create(b, l, createScalar(b, l, elem, scale),
                                    a[1]));
          Value denom =
              math::PowFOp::create(b, l, base, createScalar(b, l, elem, beta));
          return arith::DivFOp::create(b, l, a[0], denom);
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// The reciprocal standard deviation 1 / sqrt(sum / count + epsilon) of each
/// row of `sums`.
Value buildInvStdDev(OpBuilder &b, Location loc, Value sums, int64_t count,
                     double epsilon) {
  auto type = cast<RankedTensorType>(sums.getType());
  Type elem = type.getElementType();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, sums, d));
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{sums},
             ValueRange{createEmpty(b, loc, type, sizes)},
             ArrayRef<AffineMap>{identity, identity},
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value variance = arith::DivFOp::create(
                   nb, l, a[0], createScalar(nb, l, elem, count));
               Value shifted = arith::AddFOp::create(
                   nb, l, variance, createScalar(nb, l, elem, epsilon));
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::DivFOp::create(
                       nb, l, createScalar(nb, l, elem, 1),
                       math::SqrtOp::create(nb, l, shifted))});
             })
      .getResult(0);
}

/// The mean and reciprocal standard deviation of each row of `x`, a row
/// being the elements that agree outside `axes` (`rowMap` picks the other
/// dimensions; `count` is the number of elements in a row). Two passes, the
/// mean and then the squared deviations from it, rather than one pass of
/// sums and sums of squares, whose difference cancels badly.
struct RowStatistics {
  Value mean, invStdDev;
};
RowStatistics buildRowStatistics(OpBuilder &b, Location loc, Value x,
                                 ArrayRef<int64_t> axes, AffineMap rowMap,
                                 int64_t count, double epsilon) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elem = type.getElementType();
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  Value zero = createScalar(b, loc, elem, 0);
  Value sums = buildReduction(
      b, loc, x, axes, zero, [](OpBuilder &nb, Location l, Value v, Value acc) {
        return arith::AddFOp::create(nb, l, v, acc).getResult();
      });
  auto rowType = cast<RankedTensorType>(sums.getType());
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(rowType.getRank(), ctx);
  SmallVector<Value> rowSizes;
  for (int64_t d = 0; d < rowType.getRank(); ++d)
    if (rowType.isDynamicDim(d))
      rowSizes.push_back(tensor::DimOp::create(b, loc, sums, d));
  Value mean = linalg::GenericOp::create(
                   b, loc, TypeRange{rowType}, ValueRange{sums},
                   ValueRange{createEmpty(b, loc, rowType, rowSizes)},
                   ArrayRef<AffineMap>{identity, identity},
                   SmallVector<utils::IteratorType>(
                       rowType.getRank(), utils::IteratorType::parallel),
                   [&](OpBuilder &nb, Location l, ValueRange a) {
                     linalg::YieldOp::create(
                         nb, l,
                         ValueRange{arith::DivFOp::create(
                             nb, l, a[0], createScalar(nb, l, elem, count))});
                   })
                   .getResult(0);

  // Sum of squared deviations from the mean, per row.
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  for (int64_t d : axes)
    iterators[d] = utils::IteratorType::reduction;
  AffineMap full = AffineMap::getMultiDimIdentityMap(rank, ctx);
  Value squares =
      linalg::GenericOp::create(
          b, loc, TypeRange{rowType}, ValueRange{x, mean},
          ValueRange{createFilled(b, loc, rowType, zero, rowSizes)},
          ArrayRef<AffineMap>{full, rowMap, rowMap}, iterators,
          [](OpBuilder &nb, Location l, ValueRange a) {
            Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
            Value sq = arith::MulFOp::create(nb, l, d, d);
            linalg::YieldOp::create(
                nb, l, ValueRange{arith::AddFOp::create(nb, l, sq, a[2])});
          })
          .getResult(0);
  return {mean, buildInvStdDev(b, loc, squares, count, epsilon)};
}

/// What layer and RMS normalization share: the normalized dimensions from
/// `axis` on, their element count, the per-row map and the parameters' maps.
struct NormalizedDims {
  SmallVector<int64_t> axes;
  int64_t count = 1;
  AffineMap rowMap;
  SmallVector<AffineMap> paramMaps;
};

/// Checks the input and the scale/bias parameters (numpy-broadcast against
/// the trailing dimensions) and builds their maps; fails before any rewrite.
FailureOr<NormalizedDims>
getNormalizedDims(Operation *op, Value input, int64_t axis, ValueRange params,
                  ConversionPatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elem = type.getElementType();
  int64_t rank = type.getRank();
  MLIRContext *ctx = rewriter.getContext();
  if (!isa<FloatType>(elem))
    return rewriter.notifyMatchFailure(op, "only float normalization");
  NormalizedDims dims;
  SmallVector<AffineExpr> rowExprs;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) {
      rowExprs.push_back(getAffineDimExpr(d, ctx));
      continue;
    }
    if (type.isDynamicDim(d))
      return rewriter.notifyMatchFailure(op, "dynamic normalized dimension");
    dims.axes.push_back(d);
    dims.count *= type.getDimSize(d);
  }
  dims.rowMap = AffineMap::get(rank, 0, rowExprs, ctx);
  for (Value param : params) {
    auto paramType = cast<RankedTensorType>(param.getType());
    if (paramType.getElementType() != elem)
      return rewriter.notifyMatchFailure(op, "mixed element types");
    int64_t offset = rank - paramType.getRank();
    if (offset < axis)
      return rewriter.notifyMatchFailure(
          op, "parameter of higher rank than the normalized dimensions");
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < paramType.getRank(); ++i) {
      int64_t size = paramType.getDimSize(i),
              full = type.getDimSize(i + offset);
      if (size != 1 && size != full && !ShapedType::isDynamic(size))
        return rewriter.notifyMatchFailure(op, "parameter does not broadcast");
      exprs.push_back(size == 1 && full != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(i + offset, ctx));
    }
    dims.paramMaps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  return dims;
}

/// One parallel generic over `input`'s shape reading `operands` through
/// `maps` (the result's identity map appended).
Value buildNormalizedOutput(OpBuilder &b, Location loc, Value input,
                            ValueRange operands, ArrayRef<AffineMap> maps,
                            ScalarBuilder body) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, input, d));
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, operands,
             ValueRange{createEmpty(b, loc, type, sizes)}, allMaps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, body(nb, l, a.drop_back()));
             })
      .getResult(0);
}

/// (x - mean) * invstd * scale + bias over the dimensions from `axis` on.
struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    SmallVector<Value> params = {adaptor.getScale()};
    if (adaptor.getBias())
      params.push_back(adaptor.getBias());
    FailureOr<NormalizedDims> dims =
        getNormalizedDims(op, x, op.getAxis(), params, rewriter);
    if (failed(dims))
      return failure();
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    RowStatistics stats =
        buildRowStatistics(rewriter, loc, x, dims->axes, dims->rowMap,
                           dims->count, op.getEpsilon().convertToDouble());
    Value mean = stats.mean, invStdDev = stats.invStdDev;
    AffineMap full = AffineMap::getMultiDimIdentityMap(rank, getContext());

    SmallVector<Value> operands = {x, mean, invStdDev};
    operands.append(params);
    SmallVector<AffineMap> maps = {full, dims->rowMap, dims->rowMap};
    maps.append(dims->paramMaps);
    bool hasBias = params.size() > 1;
    rewriter.replaceOp(
        op, buildNormalizedOutput(
                rewriter, loc, x, operands, maps,
                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                  Value centered = arith::SubFOp::create(b, l, a[0], a[1]);
                  Value normalized =
                      arith::MulFOp::create(b, l, centered, a[2]);
                  Value scaled = arith::MulFOp::create(b, l, normalized, a[3]);
                  if (!hasBias)
                    return scaled;
                  return arith::AddFOp::create(b, l, scaled, a[4]);
                }));
    return success();
  }
};

/// Group normalization is layer normalization of x viewed as
/// [N, G, C/G, D...]: statistics per [n, g] over the rest, then one generic
/// over the grouped view that reads the per-channel scale and bias at
/// channel g * C/G + k, and a collapse back to [N, C, D...]. The grouped view
/// keeps every indexing map a plain projection, where reading the statistics
/// of channel c at c floordiv (C/G) would not be.
struct GroupNormLowering : OpConversionPattern<GroupNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GroupNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank(), groups = op.getNumGroups();
    if (!isa<FloatType>(elem) || rank < 2)
      return rewriter.notifyMatchFailure(op, "only float [N, C, ...] inputs");
    int64_t channels = type.getDimSize(1);
    if (ShapedType::isDynamic(channels) || channels % groups != 0)
      return rewriter.notifyMatchFailure(
          op, "channels must be static and a multiple of num_groups");
    int64_t perGroup = channels / groups, count = perGroup;
    for (int64_t d = 2; d < rank; ++d) {
      if (type.isDynamicDim(d))
        return rewriter.notifyMatchFailure(op, "dynamic spatial dimension");
      count *= type.getDimSize(d);
    }
    for (Value param : {adaptor.getScale(), adaptor.getBias()}) {
      auto paramType = cast<RankedTensorType>(param.getType());
      if (paramType.getRank() != 1 || paramType.getElementType() != elem)
        return rewriter.notifyMatchFailure(op, "parameters are not 1-D");
    }

    SmallVector<int64_t> groupedShape = {type.getDimSize(0), groups, perGroup};
    llvm::append_range(groupedShape, type.getShape().drop_front(2));
    auto groupedType = RankedTensorType::get(groupedShape, elem);
    SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
    for (int64_t d = 3; d <= rank; ++d)
      reassociation.push_back({d});
    Value grouped = tensor::ExpandShapeOp::create(rewriter, loc, groupedType, x,
                                                  reassociation);

    int64_t groupedRank = rank + 1;
    AffineMap rowMap = AffineMap::get(
        groupedRank, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)},
        ctx);
    RowStatistics stats =
        buildRowStatistics(rewriter, loc, grouped,
                           llvm::to_vector(llvm::seq<int64_t>(2, groupedRank)),
                           rowMap, count, op.getEpsilon().convertToDouble());
    AffineMap full = AffineMap::getMultiDimIdentityMap(groupedRank, ctx);
    AffineMap channel = AffineMap::get(groupedRank, 0,
                                       getAffineDimExpr(1, ctx) * perGroup +
                                           getAffineDimExpr(2, ctx));
    Value normalized = buildNormalizedOutput(
        rewriter, loc, grouped,
        {grouped, stats.mean, stats.invStdDev, adaptor.getScale(),
         adaptor.getBias()},
        {full, rowMap, rowMap, channel, channel},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value centered = arith::SubFOp::create(b, l, a[0], a[1]);
          Value scaled = arith::MulFOp::create(
              b, l, arith::MulFOp::create(b, l, centered, a[2]), a[3]);
          return arith::AddFOp::create(b, l, scaled, a[4]);
        });
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, normalized,
                                                         reassociation);
    return success();
  }
};

/// x / sqrt(mean(x^2) + epsilon) * scale over the dimensions from `axis` on.
struct RMSNormLowering : OpConversionPattern<RMSNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RMSNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    FailureOr<NormalizedDims> dims =
        getNormalizedDims(op, x, op.getAxis(), {adaptor.getScale()}, rewriter);
    if (failed(dims))
      return failure();
    Type elem = cast<RankedTensorType>(x.getType()).getElementType();
    Value squares = buildReduction(
        rewriter, loc, x, dims->axes, createScalar(rewriter, loc, elem, 0),
        [](OpBuilder &b, Location l, Value v, Value acc) -> Value {
          return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, v, v),
                                       acc);
        });
    Value invRms = buildInvStdDev(rewriter, loc, squares, dims->count,
                                  op.getEpsilon().convertToDouble());
    AffineMap full = AffineMap::getMultiDimIdentityMap(
        cast<RankedTensorType>(x.getType()).getRank(), getContext());
    rewriter.replaceOp(
        op, buildNormalizedOutput(
                rewriter, loc, x, {x, invRms, adaptor.getScale()},
                {full, dims->rowMap, dims->paramMaps[0]},
                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                  return arith::MulFOp::create(
                      b, l, arith::MulFOp::create(b, l, a[0], a[1]), a[2]);
                }));
    return success();
  }
};

/// x / norm along the axis, the norm being sum(|x|) (p = 1) or
/// sqrt(sum(x^2)) (p = 2); 0 where the norm is 0.
struct LpNormalizationLowering : OpConversionPattern<LpNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LpNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elem = type.getElementType();
    if (!isa<FloatType>(elem) || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "only float inputs");
    int64_t axis = op.getAxis(), p = op.getP(), rank = type.getRank();
    Value sums = buildReduction(
        rewriter, loc, x, {axis}, createScalar(rewriter, loc, elem, 0),
        [&](OpBuilder &b, Location l, Value v, Value acc) -> Value {
          Value term = p == 1 ? math::AbsFOp::create(b, l, v).getResult()
                              : arith::MulFOp::create(b, l, v, v).getResult();
          return arith::AddFOp::create(b, l, term, acc);
        });
    AffineMap full = AffineMap::getMultiDimIdentityMap(rank, getContext());
    rewriter.replaceOp(
        op,
        buildNormalizedOutput(
            rewriter, loc, x, {x, sums}, {full, full.dropResult(axis)},
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              Value norm =
                  p == 1 ? a[1] : math::SqrtOp::create(b, l, a[1]).getResult();
              // An all-zero slice normalizes to zeros, not 0/0 = NaN.
              Value zero = createScalar(b, l, elem, 0);
              Value isZero = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, norm, zero);
              return arith::SelectOp::create(
                  b, l, isZero, zero, arith::DivFOp::create(b, l, a[0], norm));
            }));
    return success();
  }
};

} // namespace

void kiln::populateNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, LRNLowering, LayerNormLowering,
               GroupNormLowering, RMSNormLowering, LpNormalizationLowering>(
      patterns.getContext());
}
