//===- DataMovement.cpp - shape and data movement ops to tensor/linalg ----===//
//
// Reshapes of every flavour (reshape, flatten, squeeze, unsqueeze) only
// need their result type: they become tensor.collapse_shape /
// tensor.expand_shape. Transpose is linalg.transpose, concat a chain of
// tensor.insert_slice into one tensor.empty (which bufferizes in place),
// constant-parameter slices tensor.extract_slice, gather a linalg.generic
// reading the data with tensor.extract, constant padding tensor.pad, expand
// a broadcasting copy, and constants arith.constant.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;

namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "untyped constant");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// Any op whose result is its input with another shape.
template <typename OpTy> struct ReshapeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    FailureOr<Value> result =
        reshapeTo(rewriter, op.getLoc(), adaptor.getInput(), type);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "dynamic reshape");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<Value> dynamicSizes;
    for (auto [i, p] : llvm::enumerate(op.getPerm()))
      if (type.isDynamicDim(i))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, op.getLoc(),
                                                     adaptor.getInput(), p));
    Value init = createEmpty(rewriter, op.getLoc(), type, dynamicSizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPerm())
                               ->getResult(0));
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    int64_t axis = op.getAxis(), offset = 0;
    // Other dimensions may be dynamic (a symbolic batch): they are the same
    // in every input, and sized from the first.
    if (type.isDynamicDim(axis))
      return rewriter.notifyMatchFailure(op, "dynamic concatenated dimension");
    Value first = adaptor.getInputs().front();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, first, d));
    Value result = createEmpty(rewriter, loc, type, dynamicSizes);
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      if (inputType.isDynamicDim(axis))
        return rewriter.notifyMatchFailure(op, "dynamic concatenated dimension");
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0)),
          strides(type.getRank(), rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      offset += inputType.getDimSize(axis);
      if (inputType.getDimSize(axis) == 0)
        continue;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, offsets,
          tensor::getMixedSizes(rewriter, loc, input), strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ONNX Slice with constant parameters and positive steps.
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto starts = getConstantInts(op.getStarts());
    auto ends = getConstantInts(op.getEnds());
    auto axes = getConstantInts(op.getAxes());
    auto steps = getConstantInts(op.getSteps());
    if (!starts || !ends || !axes || !steps)
      return rewriter.notifyMatchFailure(op, "non-constant parameters");
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = inType.getRank();
    SmallVector<int64_t> offsets(rank, 0), sizes(inType.getShape()),
        strides(rank, 1);
    for (size_t i = 0; i < axes->size(); ++i) {
      int64_t axis = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i];
      int64_t dim = inType.getDimSize(axis), step = (*steps)[i];
      if (ShapedType::isDynamic(dim) || step <= 0)
        return rewriter.notifyMatchFailure(
            op, "dynamic sliced dimension or non-positive step");
      auto clamp = [&](int64_t v) {
        return std::clamp<int64_t>(v < 0 ? v + dim : v, 0, dim);
      };
      int64_t start = clamp((*starts)[i]), end = clamp((*ends)[i]);
      offsets[axis] = start;
      strides[axis] = step;
      sizes[axis] = std::max<int64_t>(0, (end - start + step - 1) / step);
    }
    if (!type.hasStaticShape() && !inType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (llvm::any_of(sizes, ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "dynamic unsliced dimension");
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, RankedTensorType::get(sizes, type.getElementType()),
        adaptor.getInput(), ValueRange{}, ValueRange{}, ValueRange{}, offsets,
        sizes, strides);
    return success();
  }
};

/// out[..., i..., ...] = data[..., indices[i...], ...]: a generic over the
/// result that reads the index and extracts the data element.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape() || !dataType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (!indicesType.getElementType().isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "indices are not integers");
    int64_t axis = op.getAxis(), q = indicesType.getRank();
    int64_t rank = type.getRank();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < q; ++i)
      indexExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, indexExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    int64_t axisSize = dataType.getDimSize(axis);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{indices},
            ValueRange{createEmpty(rewriter, loc, type)}, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              // Negative indices count from the end of the axis.
              Value idx =
                  arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
              Value size = arith::ConstantIndexOp::create(b, l, axisSize);
              Value zero = arith::ConstantIndexOp::create(b, l, 0);
              Value negative = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, idx, zero);
              idx = arith::SelectOp::create(
                  b, l, negative, arith::AddIOp::create(b, l, idx, size), idx);
              SmallVector<Value> coords;
              for (int64_t d = 0; d < dataType.getRank(); ++d) {
                if (d == axis)
                  coords.push_back(idx);
                else
                  coords.push_back(
                      linalg::IndexOp::create(b, l, d < axis ? d : d + q - 1));
              }
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getMode() != "constant")
      return rewriter.notifyMatchFailure(op, "only constant mode");
    auto pads = getConstantInts(op.getPads());
    if (!pads || llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
      return rewriter.notifyMatchFailure(op, "pads not constant and >= 0");
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    SmallVector<OpFoldResult> low, high;
    for (int64_t i = 0; i < rank; ++i) {
      low.push_back(rewriter.getIndexAttr((*pads)[i]));
      high.push_back(rewriter.getIndexAttr((*pads)[i + rank]));
    }
    Value value = tensor::ExtractOp::create(rewriter, op.getLoc(),
                                            adaptor.getValue(), ValueRange{});
    rewriter.replaceOpWithNewOp<tensor::PadOp>(op, type, adaptor.getInput(),
                                               low, high, value);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");
    auto result = buildBroadcastingGeneric(
        rewriter, op, {adaptor.getInput()}, type,
        [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

} // namespace

void kiln::populateDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering<ReshapeOp>,
               ReshapeLowering<FlattenOp>, ReshapeLowering<SqueezeOp>,
               ReshapeLowering<UnsqueezeOp>, TransposeLowering, ConcatLowering,
               SliceLowering, GatherLowering, PadLowering, ExpandLowering>(
      patterns.getContext());
}
