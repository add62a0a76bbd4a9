//===- Convolution.cpp - kiln.conv to the named linalg convolutions -------===//
//
// kiln.conv is NCHW with an [M, C/G, K...] weight, the layout of linalg's
// *_nchw_fchw family, so no operand is transposed:
//   group 1            -> linalg.conv_{1,2,3}d_nc..._fc...
//   group C, M == C    -> linalg.depthwise_conv_2d_nchw_chw
//   other groups (1-D, 3-D) -> one linalg.generic over the groups
//   other groups (2-D) -> linalg.conv_2d_ngchw_gfchw, whose GFCHW weight is
//                         ONNX's group-major [M, C/G, ...] weight split in
//                         place (fgchw would need a transpose).
// Padding is an explicit tensor.pad with zeros; the bias, when present, is
// broadcast into the accumulator so that the convolution adds onto it.
// kiln.conv_transpose becomes a kiln.conv over its spread-out input (see
// ConvTransposeLowering), which the same pattern then lowers.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;

namespace {

/// Pads the spatial dimensions (from 2 on) of `input` by `low`/`high`
/// with `value`; returns `input` when there is nothing to pad.
Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value value) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lows(2, b.getIndexAttr(0)),
      highs(2, b.getIndexAttr(0));
  for (size_t i = 0; i < low.size(); ++i) {
    shape[i + 2] += low[i] + high[i];
    lows.push_back(b.getIndexAttr(low[i]));
    highs.push_back(b.getIndexAttr(high[i]));
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input, lows, highs, value);
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    if (!isa<FloatType>(elem) || inputType.getElementType() != elem ||
        weightType.getElementType() != elem)
      return rewriter.notifyMatchFailure(op, "only float convolutions");
    // Only the batch may be dynamic (a symbolic batch size).
    if (!hasStaticShapeBeyondBatch(inputType) || !weightType.hasStaticShape() ||
        !hasStaticShapeBeyondBatch(resultType))
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    int64_t spatial = inputType.getRank() - 2;
    int64_t group = op.getGroup();
    SmallVector<Value> batch =
        getDynamicBatch(rewriter, loc, input, resultType);
    int64_t channels = inputType.getDimSize(1);
    int64_t filters = weightType.getDimSize(0);
    bool depthwise = group == channels && filters == channels && group > 1;
    if (spatial < 1 || spatial > 3)
      return rewriter.notifyMatchFailure(op, "only 1-D to 3-D convolutions");

    ArrayRef<int64_t> pads = op.getPads();
    Value zero = createScalar(rewriter, loc, elem, 0);
    Value padded = padSpatial(rewriter, loc, input, pads.take_front(spatial),
                              pads.drop_front(spatial), zero);

    Value init;
    if (Value bias = adaptor.getBias()) {
      SmallVector<int64_t> added = {0};
      for (int64_t i = 0; i < spatial; ++i)
        added.push_back(i + 2);
      init = linalg::BroadcastOp::create(
                 rewriter, loc, bias,
                 createEmpty(rewriter, loc, resultType, batch), added)
                 ->getResult(0);
    } else {
      init = createFilled(rewriter, loc, resultType, zero, batch);
    }

    NamedAttribute attrs[] = {
        rewriter.getNamedAttr("strides",
                              rewriter.getI64TensorAttr(op.getStrides())),
        rewriter.getNamedAttr("dilations",
                              rewriter.getI64TensorAttr(op.getDilations()))};
    Value result;
    if (group == 1) {
      SmallVector<Value> ins = {padded, weight};
      SmallVector<Type> types = {resultType};
      if (spatial == 1)
        result = linalg::Conv1DNcwFcwOp::create(rewriter, loc, types, ins, init,
                                                attrs)
                     .getResult(0);
      else if (spatial == 2)
        result = linalg::Conv2DNchwFchwOp::create(rewriter, loc, types, ins,
                                                  init, attrs)
                     .getResult(0);
      else
        result = linalg::Conv3DNcdhwFcdhwOp::create(rewriter, loc, types, ins,
                                                    init, attrs)
                     .getResult(0);
    } else if (spatial != 2) {
      if (!batch.empty())
        return rewriter.notifyMatchFailure(op, "grouped with a dynamic batch");
      result = buildGroupedGeneric(rewriter, loc, padded, weight, init, group,
                                   op.getStrides(), op.getDilations());
    } else if (depthwise) {
      // [C, 1, KH, KW] -> [C, KH, KW].
      SmallVector<int64_t> shape = {channels, weightType.getDimSize(2),
                                    weightType.getDimSize(3)};
      Value w = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, elem), weight,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   rewriter, loc, TypeRange{resultType}, ValueRange{padded, w},
                   init, attrs)
                   .getResult(0);
    } else if (!batch.empty()) {
      return rewriter.notifyMatchFailure(op, "grouped with a dynamic batch");
    } else {
      result = buildGrouped(rewriter, loc, padded, weight, init, group, attrs);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// `v` with dimension `dim` split into [group, size / group].
  static Value splitGroups(OpBuilder &b, Location loc, Value v, int64_t dim,
                           int64_t group) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] /= group;
    shape.insert(shape.begin() + dim, group);
    SmallVector<ReassociationIndices> reassociation;
    for (int64_t d = 0, r = 0; d < type.getRank(); ++d) {
      if (d == dim) {
        reassociation.push_back({r, r + 1});
        r += 2;
      } else {
        reassociation.push_back({r++});
      }
    }
    auto newType = RankedTensorType::get(shape, type.getElementType());
    return tensor::ExpandShapeOp::create(b, loc, newType, v, reassociation)
        .getResult();
  }

  /// A grouped 1-D or 3-D convolution (linalg has named grouped ops for
  /// 2-D only) as one generic over (n, g, m, out..., c, k...):
  /// out[n, g, m, o] += x[n, g, c, o * stride + k * dilation] * w[g, m, c, k].
  static Value buildGroupedGeneric(OpBuilder &b, Location loc, Value input,
                                   Value weight, Value init, int64_t group,
                                   ArrayRef<int64_t> strides,
                                   ArrayRef<int64_t> dilations) {
    int64_t spatial = cast<RankedTensorType>(input.getType()).getRank() - 2;
    int64_t loops = 4 + 2 * spatial;
    MLIRContext *ctx = b.getContext();
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    AffineExpr n = dim(0), g = dim(1), m = dim(2), c = dim(3 + spatial);
    SmallVector<AffineExpr> in = {n, g, c}, w = {g, m, c}, out = {n, g, m};
    for (int64_t i = 0; i < spatial; ++i) {
      AffineExpr o = dim(3 + i), k = dim(4 + spatial + i);
      in.push_back(o * strides[i] + k * dilations[i]);
      w.push_back(k);
      out.push_back(o);
    }
    SmallVector<utils::IteratorType> iterators(3 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    Value groupedInit = splitGroups(b, loc, init, 1, group);
    Value conv =
        linalg::GenericOp::create(
            b, loc, TypeRange{groupedInit.getType()},
            ValueRange{splitGroups(b, loc, input, 1, group),
                       splitGroups(b, loc, weight, 0, group)},
            ValueRange{groupedInit},
            ArrayRef<AffineMap>{AffineMap::get(loops, 0, in, ctx),
                                AffineMap::get(loops, 0, w, ctx),
                                AffineMap::get(loops, 0, out, ctx)},
            iterators,
            [](OpBuilder &nb, Location l, ValueRange args) {
              Value mul = arith::MulFOp::create(nb, l, args[0], args[1]);
              linalg::YieldOp::create(
                  nb, l,
                  ValueRange{arith::AddFOp::create(nb, l, args[2], mul)});
            })
            .getResult(0);
    SmallVector<ReassociationIndices> merge = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      merge.push_back({3 + i});
    return tensor::CollapseShapeOp::create(b, loc, init.getType(), conv, merge);
  }

  /// Splits the channel dimensions into [G, C/G] and runs the grouped
  /// convolution, then merges the groups of the result back.
  static Value buildGrouped(OpBuilder &b, Location loc, Value input,
                            Value weight, Value init, int64_t group,
                            ArrayRef<NamedAttribute> attrs) {
    auto split = [&](Value v, int64_t dim) {
      return splitGroups(b, loc, v, dim, group);
    };
    Value groupedInit = split(init, 1);
    Value conv = linalg::Conv2DNgchwGfchwOp::create(
                     b, loc, TypeRange{groupedInit.getType()},
                     ValueRange{split(input, 1), split(weight, 0)},
                     ValueRange{groupedInit}, attrs)
                     .getResult(0);
    return tensor::CollapseShapeOp::create(
        b, loc, init.getType(), conv,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  }
};

/// A transposed convolution is the convolution, at stride 1, of its input
/// spread out by the strides (stride - 1 zeros between elements) and padded
/// by (kernel - 1) * dilation less the transposed convolution's own pads,
/// with the weight's input and output channels swapped (per group) and its
/// taps flipped. The spread input is one tensor.insert_slice with strides
/// into zeros, and the result a kiln.conv that ConvLowering then lowers.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    if (!isa<FloatType>(elem))
      return rewriter.notifyMatchFailure(op, "only float convolutions");
    if (!inputType.hasStaticShape() || !weightType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    int64_t spatial = inputType.getRank() - 2, group = op.getGroup();
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(),
                      outputPadding = op.getOutputPadding();

    // The spread and padded input: element i lands at low + i * stride.
    // Pads larger than the kernel's reach crop the spread input instead.
    SmallVector<int64_t> shape(inputType.getShape());
    SmallVector<OpFoldResult> offsets(spatial + 2, rewriter.getIndexAttr(0)),
        sizes, insertStrides(spatial + 2, rewriter.getIndexAttr(1));
    SmallVector<int64_t> crop(spatial, 0), cropped(shape);
    bool needsCrop = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t reach = (weightType.getDimSize(i + 2) - 1) * dilations[i];
      int64_t low = reach - pads[i];
      int64_t high = reach - pads[i + spatial] + outputPadding[i];
      int64_t spread = (inputType.getDimSize(i + 2) - 1) * strides[i] + 1;
      shape[i + 2] =
          spread + std::max<int64_t>(low, 0) + std::max<int64_t>(high, 0);
      offsets[i + 2] = rewriter.getIndexAttr(std::max<int64_t>(low, 0));
      insertStrides[i + 2] = rewriter.getIndexAttr(strides[i]);
      crop[i] = std::max<int64_t>(-low, 0);
      cropped[i + 2] = shape[i + 2] - crop[i] - std::max<int64_t>(-high, 0);
      needsCrop |= low < 0 || high < 0;
    }
    for (int64_t d : inputType.getShape())
      sizes.push_back(rewriter.getIndexAttr(d));
    auto spreadType = RankedTensorType::get(shape, elem);
    Value zero = createScalar(rewriter, loc, elem, 0);
    Value spread = tensor::InsertSliceOp::create(
        rewriter, loc, input, createFilled(rewriter, loc, spreadType, zero),
        offsets, sizes, insertStrides);
    if (needsCrop) {
      SmallVector<OpFoldResult> cropOffsets(spatial + 2,
                                            rewriter.getIndexAttr(0)),
          cropSizes, ones(spatial + 2, rewriter.getIndexAttr(1));
      for (int64_t i = 0; i < spatial; ++i)
        cropOffsets[i + 2] = rewriter.getIndexAttr(crop[i]);
      for (int64_t d : cropped)
        cropSizes.push_back(rewriter.getIndexAttr(d));
      spread = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(cropped, elem), spread,
          cropOffsets, cropSizes, ones);
    }

    // weight [C, M/G, K...] -> [M, C/G, K...] with flipped taps:
    // out[g * M/G + m, c, k] = weight[g * C/G + c, m, K - 1 - k].
    int64_t channelsPerGroup = weightType.getDimSize(0) / group;
    int64_t filtersPerGroup = weightType.getDimSize(1);
    SmallVector<int64_t> flippedShape(weightType.getShape());
    flippedShape[0] = filtersPerGroup * group;
    flippedShape[1] = channelsPerGroup;
    auto flippedType = RankedTensorType::get(flippedShape, elem);
    int64_t rank = flippedType.getRank();
    Value flipped =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{flippedType}, ValueRange{},
            ValueRange{createEmpty(rewriter, loc, flippedType)},
            SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              auto c = [&](int64_t v) {
                return arith::ConstantIndexOp::create(b, l, v);
              };
              Value f = linalg::IndexOp::create(b, l, 0);
              Value g = arith::DivUIOp::create(b, l, f, c(filtersPerGroup));
              Value m = arith::RemUIOp::create(b, l, f, c(filtersPerGroup));
              Value channel = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, g, c(channelsPerGroup)),
                  linalg::IndexOp::create(b, l, 1));
              SmallVector<Value> indices = {channel, m};
              for (int64_t d = 2; d < rank; ++d)
                indices.push_back(
                    arith::SubIOp::create(b, l, c(flippedShape[d] - 1),
                                          linalg::IndexOp::create(b, l, d)));
              linalg::YieldOp::create(
                  b, l,
                  tensor::ExtractOp::create(b, l, weight, indices).getResult());
            })
            .getResult(0);

    SmallVector<int64_t> ones(spatial, 1), noPads(2 * spatial, 0);
    rewriter.replaceOpWithNewOp<ConvOp>(
        op, resultType, spread, flipped, adaptor.getBias(),
        rewriter.getDenseI64ArrayAttr(ones),
        rewriter.getDenseI64ArrayAttr(dilations),
        rewriter.getDenseI64ArrayAttr(noPads),
        rewriter.getI64IntegerAttr(group));
    return success();
  }
};

} // namespace

void kiln::populateConvolutionPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvLowering, ConvTransposeLowering>(patterns.getContext());
}
