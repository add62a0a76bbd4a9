//===- Sampling.cpp - resampling and block rearrangement ops --------------===//
//
// Resize, grid_sample and roi_align read their input at computed, fractional
// coordinates. Each becomes a linalg.generic over its result whose body works
// out the source coordinates with arith/math (in f64, as the ONNX reference
// does) and reads the neighbouring input elements with tensor.extract. Every
// read index is clamped into range first, so no read is out of bounds;
// padding and extrapolation are selects on the value read.
//
// Resize is separable (the ONNX reference interpolates one dimension at a
// time, innermost first): "nearest" is one gather over the result, "linear"
// and "cubic" one generic per resized dimension, each with its taps unrolled.
// Scales or sizes must be constants (the result shape depends on them).
// grid_sample unrolls its 1, 2^k or 4^k taps; roi_align iterates the
// sampling grid of each bin as two reduction dimensions.
//
// depth_to_space and space_to_depth are pure data movement:
// tensor.expand_shape, linalg.transpose and tensor.collapse_shape.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {

using Iterator = utils::IteratorType;

/// Scalar arithmetic inside a generic body: coordinates in f64, indices in
/// i64.
struct Scalar {
  OpBuilder &b;
  Location loc;

  Type f64() { return b.getF64Type(); }
  Value f(double v) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  }
  Value i(int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value addi(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value ceil(Value x) { return math::CeilOp::create(b, loc, x); }
  Value abs(Value x) { return math::AbsFOp::create(b, loc, x); }
  /// Clamps with the NaN-ignoring min/max, so that a NaN coordinate still
  /// gives an in-range index.
  Value clampF(Value x, Value lo, Value hi) {
    return arith::MinNumFOp::create(
        b, loc, arith::MaxNumFOp::create(b, loc, x, lo), hi);
  }
  Value clampI(Value x, int64_t lo, Value hi) {
    return arith::MinSIOp::create(b, loc,
                                  arith::MaxSIOp::create(b, loc, x, i(lo)), hi);
  }
  Value cmpF(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value cmpI(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value andI(Value x, Value y) {
    if (!x)
      return y;
    return arith::AndIOp::create(b, loc, x, y);
  }
  Value orI(Value x, Value y) {
    if (!x)
      return y;
    return arith::OrIOp::create(b, loc, x, y);
  }
  /// An integer or index value as f64.
  Value toF64(Value x) {
    if (x.getType().isIndex())
      x = arith::IndexCastOp::create(b, loc, b.getI64Type(), x);
    return arith::SIToFPOp::create(b, loc, f64(), x);
  }
  /// Truncates a float toward zero (C's and Python's int()).
  Value toI64(Value x) {
    return arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
  }
  Value toIndex(Value x) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), x);
  }
  /// A float element read from a tensor, widened to f64.
  Value widen(Value x) {
    if (x.getType() == f64())
      return x;
    return arith::ExtFOp::create(b, loc, f64(), x);
  }
  Value narrow(Value x, Type type) {
    if (type == f64())
      return x;
    return arith::TruncFOp::create(b, loc, type, x);
  }
};

/// A size along one dimension of `value`: a constant when static, else read
/// before the generic (the body captures it).
Value sizeAsI64(OpBuilder &b, Location loc, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantOp::create(b, loc,
                                     b.getI64IntegerAttr(type.getDimSize(dim)));
  Value size = tensor::DimOp::create(b, loc, value, dim);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), size);
}

/// Keys' cubic convolution weights of the taps at offsets -1, 0, 1, 2 from
/// the tap left of the sample, `t` in [0, 1] past it (ONNX's formulas).
SmallVector<Value> cubicWeights(Scalar &s, Value t, double a) {
  Value one = s.f(1), A = s.f(a), A2 = s.f(a + 2), A3 = s.f(a + 3);
  Value five = s.f(5 * a), eight = s.f(8 * a), four = s.f(4 * a);
  auto outer = [&](Value x) { // 1 < x < 2
    return s.sub(s.mul(s.add(s.mul(s.sub(s.mul(A, x), five), x), eight), x),
                 four);
  };
  auto inner = [&](Value x) { // 0 <= x <= 1
    return s.add(s.mul(s.mul(s.sub(s.mul(A2, x), A3), x), x), one);
  };
  Value u = s.sub(one, t);
  return {outer(s.add(t, one)), inner(t), inner(u), outer(s.add(u, one))};
}

//===----------------------------------------------------------------------===//
// depth_to_space / space_to_depth
//===----------------------------------------------------------------------===//

/// expand_shape `input` to `expanded` (grouping by `expand`), transpose by
/// `perm`, and collapse_shape to `type` (grouping by `collapse`). Only the
/// batch may be dynamic.
Value rearrange(OpBuilder &b, Location loc, Value input,
                ArrayRef<int64_t> expanded,
                ArrayRef<ReassociationIndices> expand, ArrayRef<int64_t> perm,
                ArrayRef<ReassociationIndices> collapse,
                RankedTensorType type) {
  Type element = type.getElementType();
  SmallVector<OpFoldResult> shape;
  for (int64_t d : expanded)
    shape.push_back(ShapedType::isDynamic(d) ? getDim(b, loc, input, 0)
                                             : b.getIndexAttr(d));
  Value x = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expanded, element), input, expand, shape);
  SmallVector<int64_t> transposed;
  for (int64_t p : perm)
    transposed.push_back(expanded[p]);
  auto transposedType = RankedTensorType::get(transposed, element);
  Value init = createEmpty(b, loc, transposedType,
                           getDynamicBatch(b, loc, input, transposedType));
  x = linalg::TransposeOp::create(b, loc, x, init, perm)->getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, type, x, collapse);
}

/// DCR: [N, C, H, W] -> [N, b, b, C', H, W] -> [N, C', H, b, W, b];
/// CRD: [N, C', b, b, H, W] -> the same order.
struct DepthToSpaceLowering : OpConversionPattern<DepthToSpaceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DepthToSpaceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (inType.getRank() != 4 || !hasStaticShapeBeyondBatch(inType) ||
        !hasStaticShapeBeyondBatch(type))
      return rewriter.notifyMatchFailure(op, "needs a static [?, C, H, W]");
    int64_t bs = op.getBlocksize(), n = inType.getDimSize(0);
    int64_t c = type.getDimSize(1), h = inType.getDimSize(2),
            w = inType.getDimSize(3);
    bool crd = op.getColumnRowDepth();
    SmallVector<int64_t> expanded =
        crd ? SmallVector<int64_t>{n, c, bs, bs, h, w}
            : SmallVector<int64_t>{n, bs, bs, c, h, w};
    SmallVector<int64_t> perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3}
                                    : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
    rewriter.replaceOp(op, rearrange(rewriter, op.getLoc(), adaptor.getInput(),
                                     expanded, {{0}, {1, 2, 3}, {4}, {5}}, perm,
                                     {{0}, {1}, {2, 3}, {4, 5}}, type));
    return success();
  }
};

/// [N, C, H, W] -> [N, C, H', b, W', b] -> [N, b, b, C, H', W'].
struct SpaceToDepthLowering : OpConversionPattern<SpaceToDepthOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SpaceToDepthOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (inType.getRank() != 4 || !hasStaticShapeBeyondBatch(inType) ||
        !hasStaticShapeBeyondBatch(type))
      return rewriter.notifyMatchFailure(op, "needs a static [?, C, H, W]");
    int64_t bs = op.getBlocksize();
    SmallVector<int64_t> expanded = {inType.getDimSize(0), inType.getDimSize(1),
                                     type.getDimSize(2),   bs,
                                     type.getDimSize(3),   bs};
    rewriter.replaceOp(op, rearrange(rewriter, op.getLoc(), adaptor.getInput(),
                                     expanded, {{0}, {1}, {2, 3}, {4, 5}},
                                     {0, 3, 5, 1, 2, 4},
                                     {{0}, {1, 2, 3}, {4}, {5}}, type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// resize
//===----------------------------------------------------------------------===//

/// One resized dimension and the constants its coordinate mapping needs.
struct ResizeAxis {
  int64_t dim, in, out;
  /// The scale (out / in for sizes) and scale * in, which the ONNX reference
  /// uses in place of the integer output size.
  double scale, width;
  double roiStart = 0, roiEnd = 1;
};

/// The attributes of a resize that shape its per-dimension arithmetic.
struct ResizeConfig {
  StringRef coordinateMode, nearestMode;
  double cubicA, extrapolation;
  bool excludeOutside, antialias;
};

/// The source coordinate (f64) of output coordinate `x` (f64).
Value sourceCoordinate(Scalar &s, const ResizeConfig &config,
                       const ResizeAxis &a, Value x) {
  StringRef mode = config.coordinateMode;
  auto halfPixel = [&] {
    return s.sub(s.div(s.add(x, s.f(0.5)), s.f(a.scale)), s.f(0.5));
  };
  if (mode == "asymmetric")
    return s.div(x, s.f(a.scale));
  if (mode == "tf_half_pixel_for_nn") // opset 11 only
    return s.div(s.add(x, s.f(0.5)), s.f(a.scale));
  if (mode == "pytorch_half_pixel")
    return a.width == 1 ? s.f(-0.5) : halfPixel();
  if (mode == "half_pixel_symmetric") {
    double adjustment = double(a.out) / a.width;
    double offset = double(a.in) / 2 * (1 - adjustment);
    return s.add(s.f(offset), halfPixel());
  }
  if (mode == "align_corners")
    return a.width == 1
               ? s.f(0)
               : s.div(s.mul(x, s.f(double(a.in - 1))), s.f(a.width - 1));
  if (mode == "tf_crop_and_resize") {
    double extent = (a.roiEnd - a.roiStart) * double(a.in - 1);
    Value start = s.f(a.roiStart * double(a.in - 1));
    if (a.width == 1)
      return s.add(s.f(extent / 2), start);
    return s.add(s.div(s.mul(x, s.f(extent)), s.f(a.width - 1)), start);
  }
  return halfPixel(); // "half_pixel", checked by the pattern
}

/// The index of the tap left of `xOri` (an exact integer counts as right of
/// its left neighbour, as in the reference) and `xOri`'s distance past it,
/// in (0, 1].
std::pair<Value, Value> leftTap(Scalar &s, Value xOri) {
  Value left = s.sub(s.ceil(xOri), s.f(1));
  return {left, s.sub(xOri, left)};
}

/// Whether a tf_crop_and_resize source coordinate lies outside the input.
Value isExtrapolated(Scalar &s, const ResizeAxis &a, Value xOri) {
  return s.orI(s.cmpF(arith::CmpFPredicate::OLT, xOri, s.f(0)),
               s.cmpF(arith::CmpFPredicate::OGT, xOri, s.f(double(a.in - 1))));
}

/// The taps of a linear or cubic resize of one dimension: offsets from the
/// left tap and their weights at distance `t` past it.
struct Taps {
  int64_t start;
  SmallVector<Value> weights;
};

Taps resizeTaps(Scalar &s, StringRef mode, const ResizeConfig &config,
                const ResizeAxis &a, Value t) {
  double scale = std::min(a.scale, 1.0);
  bool antialias = config.antialias && a.scale < 1.0;
  Taps taps;
  if (mode == "linear") {
    if (!antialias) {
      taps.start = 0;
      taps.weights = {s.sub(s.f(1), t), t};
      return taps;
    }
    taps.start = int64_t(std::floor(-1 / scale) + 1);
    int64_t n = 2 - 2 * taps.start;
    for (int64_t j = 0; j < n; ++j) {
      Value arg = s.mul(s.sub(s.f(double(taps.start + j)), t), s.f(scale));
      taps.weights.push_back(
          s.clampF(s.sub(s.f(1), s.abs(arg)), s.f(0), s.f(1)));
    }
    return taps;
  }
  if (!antialias) {
    taps.start = -1;
    taps.weights = cubicWeights(s, t, config.cubicA);
    return taps;
  }
  double A = config.cubicA;
  taps.start = int64_t(std::floor(-2 / scale) + 1);
  int64_t n = 2 - 2 * taps.start;
  for (int64_t j = 0; j < n; ++j) {
    Value x = s.abs(s.mul(s.sub(s.f(double(taps.start + j)), t), s.f(scale)));
    Value x2 = s.mul(x, x), x3 = s.mul(x2, x);
    Value near =
        s.add(s.sub(s.mul(s.f(A + 2), x3), s.mul(s.f(A + 3), x2)), s.f(1));
    Value far = s.sub(s.add(s.sub(s.mul(s.f(A), x3), s.mul(s.f(5 * A), x2)),
                            s.mul(s.f(8 * A), x)),
                      s.f(4 * A));
    Value w = s.select(
        s.cmpF(arith::CmpFPredicate::OLE, x, s.f(1)), near,
        s.select(s.cmpF(arith::CmpFPredicate::OLT, x, s.f(2)), far, s.f(0)));
    taps.weights.push_back(w);
  }
  return taps;
}

/// Rejects taps beyond this many per dimension (strong antialiased
/// downsampling), whose unrolled bodies would be huge.
constexpr int64_t kMaxTaps = 64;

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (!isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "non-float elements");
    int64_t rank = type.getRank();
    ResizeConfig config{op.getCoordinateTransformationMode(),
                        op.getNearestMode(),
                        op.getCubicCoeffA().convertToDouble(),
                        op.getExtrapolationValue().convertToDouble(),
                        op.getExcludeOutside(),
                        op.getAntialias()};
    StringRef mode = op.getMode();
    if (!llvm::is_contained({"half_pixel", "half_pixel_symmetric",
                             "pytorch_half_pixel", "align_corners",
                             "asymmetric", "tf_crop_and_resize",
                             "tf_half_pixel_for_nn"},
                            config.coordinateMode))
      return rewriter.notifyMatchFailure(
          op, "unknown coordinate_transformation_mode");
    if (mode == "nearest" &&
        !llvm::is_contained(
            {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
            config.nearestMode))
      return rewriter.notifyMatchFailure(op, "unknown nearest_mode");

    // The scale of every dimension, from constant scales or sizes.
    SmallVector<double> scales;
    bool fromSizes = static_cast<bool>(op.getSizes());
    if (fromSizes) {
      auto sizes = getConstantInts(op.getSizes());
      if (!sizes || (int64_t)sizes->size() != rank)
        return rewriter.notifyMatchFailure(op, "sizes are not a constant");
      for (int64_t d = 0; d < rank; ++d)
        scales.push_back(inType.isDynamicDim(d)
                             ? 1.0
                             : double((*sizes)[d]) / inType.getDimSize(d));
    } else {
      auto values = getConstantFloats(op.getScales());
      if (!values || (int64_t)values->size() != rank)
        return rewriter.notifyMatchFailure(op, "scales are not a constant");
      // The reference reads them as the f32 they are stored as.
      for (double v : *values)
        scales.push_back(double(float(v)));
    }
    SmallVector<double> roi;
    bool crop = config.coordinateMode == "tf_crop_and_resize";
    if (crop) {
      auto values = op.getRoi() ? getConstantFloats(op.getRoi()) : std::nullopt;
      if (!values || (int64_t)values->size() != 2 * rank)
        return rewriter.notifyMatchFailure(
            op,
            "tf_crop_and_resize needs a constant roi with 2 * rank entries");
      roi.assign(values->begin(), values->end());
    }

    // The dimensions that change; the others are copied.
    SmallVector<ResizeAxis> axes;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = inType.getDimSize(d), out = type.getDimSize(d);
      bool identity = in == out && scales[d] == 1.0 &&
                      (!crop || (roi[d] == 0 && roi[d + rank] == 1));
      if (identity)
        continue;
      if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out))
        return rewriter.notifyMatchFailure(op, "resized dimension is dynamic");
      if (in == 0 || out == 0)
        return rewriter.notifyMatchFailure(op, "empty resized dimension");
      ResizeAxis axis{d, in, out, scales[d], scales[d] * double(in)};
      if (crop) {
        axis.roiStart = roi[d];
        axis.roiEnd = roi[d + rank];
      }
      axes.push_back(axis);
    }
    if (axes.empty()) {
      rewriter.replaceOp(op, input);
      return success();
    }

    Value result;
    if (mode == "nearest") {
      result = buildNearest(rewriter, loc, input, type, axes, config);
    } else {
      // Innermost dimension first, as the reference nests them.
      result = input;
      for (const ResizeAxis &a : llvm::reverse(axes)) {
        FailureOr<Value> next =
            buildInterpolation(rewriter, loc, result, mode, a, config);
        if (failed(next))
          return rewriter.notifyMatchFailure(
              op, "antialiased downsampling needs too many taps");
        result = *next;
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// One gather over the result: each resized dimension picks its nearest
  /// source index.
  static Value buildNearest(OpBuilder &b, Location loc, Value input,
                            RankedTensorType type, ArrayRef<ResizeAxis> axes,
                            const ResizeConfig &config) {
    int64_t rank = type.getRank();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
    Value init = createEmpty(b, loc, type, dynamicSizes);
    bool crop = config.coordinateMode == "tf_crop_and_resize";
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
               ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
               SmallVector<Iterator>(rank, Iterator::parallel),
               [&](OpBuilder &nb, Location l, ValueRange) {
                 Scalar s{nb, l};
                 SmallVector<Value> coords;
                 for (int64_t d = 0; d < rank; ++d)
                   coords.push_back(linalg::IndexOp::create(nb, l, d));
                 Value outside;
                 for (const ResizeAxis &a : axes) {
                   Value xOri =
                       sourceCoordinate(s, config, a, s.toF64(coords[a.dim]));
                   auto [left, t] = leftTap(s, xOri);
                   // An exact integer source coordinate (t == 1) takes the
                   // right tap, whatever the rounding mode.
                   StringRef m = config.nearestMode;
                   Value right;
                   if (m == "ceil")
                     right = s.cmpF(arith::CmpFPredicate::OGT, t, s.f(0));
                   else if (m == "floor")
                     right = s.cmpF(arith::CmpFPredicate::OEQ, t, s.f(1));
                   else
                     right = s.cmpF(m == "round_prefer_floor"
                                        ? arith::CmpFPredicate::OGT
                                        : arith::CmpFPredicate::OGE,
                                    t, s.f(0.5));
                   Value pick = s.add(left, s.select(right, s.f(1), s.f(0)));
                   pick = s.clampF(pick, s.f(0), s.f(double(a.in - 1)));
                   coords[a.dim] = s.toIndex(s.toI64(pick));
                   if (crop)
                     outside = s.orI(outside, isExtrapolated(s, a, xOri));
                 }
                 Value v = tensor::ExtractOp::create(nb, l, input, coords);
                 if (outside)
                   v = s.select(outside,
                                createScalar(nb, l, type.getElementType(),
                                             config.extrapolation),
                                v);
                 linalg::YieldOp::create(nb, l, v);
               })
        .getResult(0);
  }

  /// Interpolates dimension `a.dim` of `input`: its taps, unrolled.
  static FailureOr<Value> buildInterpolation(OpBuilder &b, Location loc,
                                             Value input, StringRef mode,
                                             const ResizeAxis &a,
                                             const ResizeConfig &config) {
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = inType.getRank();
    if (config.antialias && a.scale < 1.0) {
      double bound = mode == "linear" ? 1 : 2;
      int64_t start = int64_t(std::floor(-bound / a.scale) + 1);
      if (2 - 2 * start > kMaxTaps)
        return failure();
    }
    SmallVector<int64_t> shape(inType.getShape());
    shape[a.dim] = a.out;
    auto type = inType.clone(shape);
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
    Value init = createEmpty(b, loc, type, dynamicSizes);
    Type element = type.getElementType();
    bool crop = config.coordinateMode == "tf_crop_and_resize";
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
               ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
               SmallVector<Iterator>(rank, Iterator::parallel),
               [&](OpBuilder &nb, Location l, ValueRange) {
                 Scalar s{nb, l};
                 SmallVector<Value> coords;
                 for (int64_t d = 0; d < rank; ++d)
                   coords.push_back(linalg::IndexOp::create(nb, l, d));
                 Value xOri =
                     sourceCoordinate(s, config, a, s.toF64(coords[a.dim]));
                 auto [left, t] = leftTap(s, xOri);
                 Taps taps = resizeTaps(s, mode, config, a, t);
                 Value first = s.toI64(s.add(left, s.f(double(taps.start))));
                 Value last = s.i(a.in - 1);
                 int64_t n = taps.weights.size();
                 SmallVector<Value> positions;
                 for (int64_t j = 0; j < n; ++j)
                   positions.push_back(s.addi(first, s.i(j)));
                 // Taps outside the input read the edge (the reference pads
                 // by repeating it) or, with exclude_outside, drop out.
                 if (config.excludeOutside)
                   for (int64_t j = 0; j < n; ++j) {
                     Value inside = s.andI(
                         s.cmpI(arith::CmpIPredicate::sge, positions[j],
                                s.i(0)),
                         s.cmpI(arith::CmpIPredicate::sle, positions[j], last));
                     taps.weights[j] =
                         s.select(inside, taps.weights[j], s.f(0));
                   }
                 if (config.excludeOutside ||
                     (config.antialias && a.scale < 1.0)) {
                   Value sum = s.f(0);
                   for (Value w : taps.weights)
                     sum = s.add(sum, w);
                   sum =
                       s.select(s.cmpF(arith::CmpFPredicate::OEQ, sum, s.f(0)),
                                s.f(1), sum);
                   for (Value &w : taps.weights)
                     w = s.div(w, sum);
                 }
                 Value acc = s.f(0);
                 for (int64_t j = 0; j < n; ++j) {
                   coords[a.dim] = s.toIndex(s.clampI(positions[j], 0, last));
                   Value v =
                       s.widen(tensor::ExtractOp::create(nb, l, input, coords));
                   acc = s.add(acc, s.mul(taps.weights[j], v));
                 }
                 if (crop)
                   acc = s.select(isExtrapolated(s, a, xOri),
                                  s.f(config.extrapolation), acc);
                 linalg::YieldOp::create(nb, l, s.narrow(acc, element));
               })
        .getResult(0);
  }
};

//===----------------------------------------------------------------------===//
// grid_sample
//===----------------------------------------------------------------------===//

/// ONNX's reflection of `x` into [lo, hi] (the reference's _gs_reflect).
Value reflect(Scalar &s, Value x, Value lo, Value hi) {
  Value range = s.sub(hi, lo);
  auto fold = [&](Value dx, Value evenBase, Value oddBase, bool evenAdds) {
    // Capped so that the parity below stays defined for absurd inputs.
    Value n = arith::MinNumFOp::create(s.b, s.loc, s.floor(s.div(dx, range)),
                                       s.f(0x1p40));
    Value r = s.sub(dx, s.mul(n, range));
    Value odd =
        arith::TruncIOp::create(s.b, s.loc, s.b.getI1Type(), s.toI64(n));
    Value even = evenAdds ? s.add(evenBase, r) : s.sub(evenBase, r);
    Value other = evenAdds ? s.sub(oddBase, r) : s.add(oddBase, r);
    return s.select(odd, other, even);
  };
  Value below = s.cmpF(arith::CmpFPredicate::OLT, x, lo);
  Value above = s.cmpF(arith::CmpFPredicate::OGT, x, hi);
  Value fromBelow = fold(s.sub(lo, x), lo, hi, /*evenAdds=*/true);
  Value fromAbove = fold(s.sub(x, hi), hi, lo, /*evenAdds=*/false);
  Value reflected = s.select(below, fromBelow, s.select(above, fromAbove, x));
  // A single-element range (align_corners over one pixel) reflects to it.
  return s.select(s.cmpF(arith::CmpFPredicate::OGT, range, s.f(0)), reflected,
                  lo);
}

/// One tap of grid_sample along one dimension.
struct GridTap {
  Value index;  // i64, clamped into the input
  Value weight; // f64
  Value valid;  // i1 for zeros padding, else null
};

struct GridSampleLowering : OpConversionPattern<GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GridSampleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), grid = adaptor.getGrid();
    auto inType = cast<RankedTensorType>(input.getType());
    auto gridType = cast<RankedTensorType>(grid.getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (!isa<FloatType>(inType.getElementType()) ||
        !isa<FloatType>(gridType.getElementType()))
      return rewriter.notifyMatchFailure(op, "non-float elements");
    int64_t rank = type.getRank(), k = rank - 2;
    if (k < 1 || gridType.isDynamicDim(rank - 1) ||
        gridType.getDimSize(rank - 1) != k)
      return rewriter.notifyMatchFailure(op, "grid's last dimension");
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    bool align = op.getAlignCorners();
    if (mode == "cubic" && k > 3)
      return rewriter.notifyMatchFailure(op, "cubic beyond 3 dimensions");

    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(
            d < 2 ? tensor::DimOp::create(rewriter, loc, input, d)
                  : tensor::DimOp::create(rewriter, loc, grid, d - 1));
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < k; ++i)
      sizes.push_back(sizeAsI64(rewriter, loc, input, 2 + i));
    Value init = createEmpty(rewriter, loc, type, dynamicSizes);
    Type element = type.getElementType();

    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
            ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
            SmallVector<Iterator>(rank, Iterator::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              Scalar s{b, l};
              SmallVector<Value> idx;
              for (int64_t d = 0; d < rank; ++d)
                idx.push_back(linalg::IndexOp::create(b, l, d));
              SmallVector<SmallVector<GridTap>> taps(k);
              for (int64_t i = 0; i < k; ++i) {
                // grid[..., 0] is x, the last spatial dimension.
                SmallVector<Value> at = {idx[0]};
                for (int64_t j = 0; j < k; ++j)
                  at.push_back(idx[2 + j]);
                at.push_back(arith::ConstantIndexOp::create(b, l, k - 1 - i));
                Value g = s.widen(tensor::ExtractOp::create(b, l, grid, at));
                Value lastI = arith::SubIOp::create(b, l, sizes[i], s.i(1));
                Value len = s.toF64(sizes[i]), last = s.toF64(lastI);
                Value x =
                    align ? s.mul(s.div(s.add(g, s.f(1)), s.f(2)), last)
                          : s.div(s.sub(s.mul(s.add(g, s.f(1)), len), s.f(1)),
                                  s.f(2));
                if (mode == "nearest")
                  x = math::RoundEvenOp::create(b, l, x);
                Value lo = align ? s.f(0) : s.f(-0.5);
                Value hi = align ? last : s.sub(len, s.f(0.5));
                Value outside = s.orI(s.cmpF(arith::CmpFPredicate::OLT, x, lo),
                                      s.cmpF(arith::CmpFPredicate::OGT, x, hi));
                if (padding == "border")
                  x = s.select(outside, s.clampF(x, s.f(0), last), x);
                else if (padding == "reflection")
                  x = reflect(s, x, lo, hi);
                // Far outside, every tap reads padding anyway: keep the
                // integer conversions below defined.
                x = s.clampF(x, s.f(-4), s.add(len, s.f(3)));
                auto tap = [&](Value pos, Value weight) {
                  GridTap t{pos, weight, nullptr};
                  if (padding == "zeros")
                    t.valid = s.andI(
                        s.cmpI(arith::CmpIPredicate::sge, pos, s.i(0)),
                        s.cmpI(arith::CmpIPredicate::slt, pos, sizes[i]));
                  else if (padding == "reflection")
                    t.index = s.toI64(reflect(s, s.toF64(pos), lo, hi));
                  t.index = arith::MinSIOp::create(
                      b, l, arith::MaxSIOp::create(b, l, t.index, s.i(0)),
                      lastI);
                  return t;
                };
                if (mode == "nearest") {
                  taps[i].push_back(tap(s.toI64(x), s.f(1)));
                  continue;
                }
                Value x0 = s.floor(x);
                Value t = s.sub(x, x0);
                Value p0 = s.toI64(x0);
                if (mode == "linear") {
                  taps[i].push_back(tap(p0, s.sub(s.f(1), t)));
                  taps[i].push_back(tap(s.addi(p0, s.i(1)), t));
                  continue;
                }
                SmallVector<Value> w = cubicWeights(s, t, -0.75);
                for (int64_t j = 0; j < 4; ++j)
                  taps[i].push_back(tap(s.addi(p0, s.i(j - 1)), w[j]));
              }
              // The tensor product of the per-dimension taps.
              Value acc = s.f(0);
              SmallVector<int64_t> choice(k, 0);
              while (true) {
                SmallVector<Value> coords = {idx[0], idx[1]};
                Value weight, valid;
                for (int64_t i = 0; i < k; ++i) {
                  const GridTap &t = taps[i][choice[i]];
                  coords.push_back(s.toIndex(t.index));
                  weight = weight ? s.mul(weight, t.weight) : t.weight;
                  if (t.valid)
                    valid = s.andI(valid, t.valid);
                }
                Value v =
                    s.widen(tensor::ExtractOp::create(b, l, input, coords));
                if (valid)
                  v = s.select(valid, v, s.f(0));
                acc = s.add(acc, s.mul(weight, v));
                int64_t i = k - 1;
                while (i >= 0 && ++choice[i] == (int64_t)taps[i].size())
                  choice[i--] = 0;
                if (i < 0)
                  break;
              }
              linalg::YieldOp::create(b, l, s.narrow(acc, element));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// roi_align
//===----------------------------------------------------------------------===//

/// A generic over [R, C, out_h, out_w, sample_y, sample_x] (the samples as
/// reduction dimensions, their extent given by an unread tensor.empty) that
/// sums (avg) or takes the maximum (max) of bilinear samples, as ONNX's
/// reference (and onnxruntime) do: "max" is the maximum over samples of the
/// largest of the four weighted corner values.
struct RoiAlignLowering : OpConversionPattern<RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RoiAlignOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput(), rois = adaptor.getRois(),
          batch = adaptor.getBatchIndices();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    if (!isa<FloatType>(element) ||
        !isa<FloatType>(
            cast<RankedTensorType>(rois.getType()).getElementType()))
      return rewriter.notifyMatchFailure(op, "non-float elements");
    if (!cast<RankedTensorType>(batch.getType())
             .getElementType()
             .isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "batch indices are not integers");
    if (inType.getRank() != 4 || type.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "needs 4-D input and result");
    int64_t ratio = op.getSamplingRatio();
    // sampling_ratio 0 takes ceil(roi size / bin count) samples, a count
    // that depends on the rois' values.
    if (ratio <= 0)
      return rewriter.notifyMatchFailure(op, "adaptive sampling_ratio (0)");
    StringRef mode = op.getMode();
    if (mode != "avg" && mode != "max")
      return rewriter.notifyMatchFailure(op, "mode is neither avg nor max");
    bool halfPixel = op.getCoordinateTransformationMode() == "half_pixel";
    double scale = op.getSpatialScale().convertToDouble();
    int64_t outH = op.getOutputHeight(), outW = op.getOutputWidth();

    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < 4; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(
            d == 1 ? tensor::DimOp::create(rewriter, loc, input, 1)
                   : tensor::DimOp::create(rewriter, loc, rois, 0));
    Value height = sizeAsI64(rewriter, loc, input, 2);
    Value width = sizeAsI64(rewriter, loc, input, 3);
    Value batchLast = arith::SubIOp::create(
        rewriter, loc, sizeAsI64(rewriter, loc, input, 0),
        arith::ConstantOp::create(rewriter, loc,
                                  rewriter.getI64IntegerAttr(1)));
    Value init =
        createFilled(rewriter, loc, type,
                     mode == "avg" ? createScalar(rewriter, loc, element, 0)
                                   : createLowest(rewriter, loc, element),
                     dynamicSizes);
    Value samples = createEmpty(rewriter, loc,
                                RankedTensorType::get({ratio, ratio}, element));
    auto dims = [&](ArrayRef<unsigned> ds) {
      SmallVector<AffineExpr> exprs;
      for (unsigned d : ds)
        exprs.push_back(getAffineDimExpr(d, ctx));
      return AffineMap::get(6, 0, exprs, ctx);
    };
    SmallVector<Iterator> iterators(4, Iterator::parallel);
    iterators.append(2, Iterator::reduction);

    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{samples},
            ValueRange{init},
            ArrayRef<AffineMap>{dims({4, 5}), dims({0, 1, 2, 3})}, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Scalar s{b, l};
              SmallVector<Value> idx;
              for (int64_t d = 0; d < 6; ++d)
                idx.push_back(linalg::IndexOp::create(b, l, d));
              Value r = idx[0];
              auto roi = [&](int64_t j) {
                Value v = s.widen(tensor::ExtractOp::create(
                    b, l, rois,
                    ValueRange{r, arith::ConstantIndexOp::create(b, l, j)}));
                return s.sub(s.mul(v, s.f(scale)), s.f(halfPixel ? 0.5 : 0));
              };
              Value startW = roi(0), startH = roi(1);
              Value roiW = s.sub(roi(2), startW), roiH = s.sub(roi(3), startH);
              if (!halfPixel) {
                roiW = arith::MaximumFOp::create(b, l, roiW, s.f(1));
                roiH = arith::MaximumFOp::create(b, l, roiH, s.f(1));
              }
              Value binH = s.div(roiH, s.f(double(outH)));
              Value binW = s.div(roiW, s.f(double(outW)));
              auto coordinate = [&](Value start, Value bin, Value cell,
                                    Value sample) {
                Value offset =
                    s.div(s.mul(s.add(s.toF64(sample), s.f(0.5)), bin),
                          s.f(double(ratio)));
                return s.add(s.add(start, s.mul(s.toF64(cell), bin)), offset);
              };
              Value y = coordinate(startH, binH, idx[2], idx[4]);
              Value x = coordinate(startW, binW, idx[3], idx[5]);
              Value h = s.toF64(height), w = s.toF64(width);
              Value outside =
                  s.orI(s.orI(s.cmpF(arith::CmpFPredicate::OLT, y, s.f(-1)),
                              s.cmpF(arith::CmpFPredicate::OGT, y, h)),
                        s.orI(s.cmpF(arith::CmpFPredicate::OLT, x, s.f(-1)),
                              s.cmpF(arith::CmpFPredicate::OGT, x, w)));
              // Clamping into [0, size - 1] is the reference's "at or below
              // 0 reads 0, at or past the last pixel reads only it".
              auto corners = [&](Value v, Value size) {
                Value lastI = arith::SubIOp::create(b, l, size, s.i(1));
                Value c = s.clampF(v, s.f(0), s.toF64(lastI));
                Value lowI = s.toI64(c);
                Value highI =
                    arith::MinSIOp::create(b, l, s.addi(lowI, s.i(1)), lastI);
                Value frac = s.sub(c, s.toF64(lowI));
                return std::make_tuple(s.toIndex(lowI), s.toIndex(highI), frac);
              };
              auto [yLow, yHigh, ly] = corners(y, height);
              auto [xLow, xHigh, lx] = corners(x, width);
              Value hy = s.sub(s.f(1), ly), hx = s.sub(s.f(1), lx);
              Value n = tensor::ExtractOp::create(b, l, batch, ValueRange{r});
              if (n.getType() != b.getI64Type())
                n = arith::ExtSIOp::create(b, l, b.getI64Type(), n);
              n = s.toIndex(arith::MinSIOp::create(
                  b, l, arith::MaxSIOp::create(b, l, n, s.i(0)), batchLast));
              auto at = [&](Value yy, Value xx, Value weight) {
                return s.mul(weight,
                             s.widen(tensor::ExtractOp::create(
                                 b, l, input, ValueRange{n, idx[1], yy, xx})));
              };
              Value v1 = at(yLow, xLow, s.mul(hy, hx));
              Value v2 = at(yLow, xHigh, s.mul(hy, lx));
              Value v3 = at(yHigh, xLow, s.mul(ly, hx));
              Value v4 = at(yHigh, xHigh, s.mul(ly, lx));
              Value acc = s.widen(args[1]);
              Value next;
              if (mode == "avg") {
                Value sum = s.add(s.add(v1, v2), s.add(v3, v4));
                sum = s.select(outside, s.f(0), sum);
                next = s.add(acc, s.div(sum, s.f(double(ratio * ratio))));
              } else {
                Value top = arith::MaximumFOp::create(
                    b, l, arith::MaximumFOp::create(b, l, v1, v2),
                    arith::MaximumFOp::create(b, l, v3, v4));
                top = s.select(outside, s.f(0), top);
                next = arith::MaximumFOp::create(b, l, acc, top);
              }
              linalg::YieldOp::create(b, l, s.narrow(next, element));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateSamplingPatterns(RewritePatternSet &patterns) {
  patterns.add<DepthToSpaceLowering, SpaceToDepthLowering, ResizeLowering,
               GridSampleLowering, RoiAlignLowering>(patterns.getContext());
}
