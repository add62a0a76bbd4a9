//===- DataMovement.cpp - shape and data movement ops to tensor/linalg ----===//
//
// Reshapes of every flavour (reshape, flatten, squeeze, unsqueeze) only
// need their result type: they become tensor.collapse_shape /
// tensor.expand_shape. Transpose is linalg.transpose, concat a chain of
// tensor.insert_slice into one tensor.empty (which bufferizes in place),
// constant-parameter slices tensor.extract_slice, gather a linalg.generic
// reading the data with tensor.extract, constant padding tensor.pad (other
// modes and crops a generic reading the input at the source index), expand
// a broadcasting copy, split one slice per result, tile a broadcast
// collapsed pairwise, and constants arith.constant.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

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
    auto type = cast<RankedTensorType>(op.getType());
    auto intType = dyn_cast<IntegerType>(type.getElementType());
    if (!intType || intType.isSignless()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
      return success();
    }
    // arith.constant only holds signless integers: the same bits as a
    // signless constant, given their signedness back element by element.
    auto signlessType =
        type.clone(IntegerType::get(rewriter.getContext(), intType.getWidth()));
    TypedAttr signless;
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      signless = dense.bitcast(signlessType.getElementType());
    else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
      signless =
          DenseResourceElementsAttr::get(signlessType, resource.getRawHandle());
    if (!signless)
      return rewriter.notifyMatchFailure(op, "unsupported constant attribute");
    Location loc = op.getLoc();
    Value constant = arith::ConstantOp::create(rewriter, loc, signless);
    int64_t rank = type.getRank();
    rewriter.replaceOp(
        op,
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{constant},
            ValueRange{createEmpty(rewriter, loc, type)},
            SmallVector<AffineMap>(2, rewriter.getMultiDimIdentityMap(rank)),
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l, reinterpret(b, l, args[0], type.getElementType()));
            })
            .getResult(0));
    return success();
  }
};

/// Any op whose result is its input with another shape.
/// A reshape of a statically shaped input to a shape known only at run
/// time. The result's sizes follow ONNX's rules on the shape's values (0
/// copies the input's dimension unless `allowzero`, one -1 takes what is
/// left); a shape that does not hold the input's elements makes every size
/// -1, an error the runtime reports before running. The elements are read
/// in row-major order: result element i is input element i.
FailureOr<Value> reshapeToRunTimeShape(OpBuilder &b, ReshapeOp op, Value input,
                                       Value shape) {
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(op.getType());
  auto inType = cast<RankedTensorType>(input.getType());
  auto shapeType = cast<RankedTensorType>(shape.getType());
  int64_t rank = type.getRank();
  if (!inType.hasStaticShape() || shapeType.getRank() != 1 ||
      shapeType.getDimSize(0) != rank)
    return failure();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, p, x, y);
  };
  using P = arith::CmpIPredicate;
  Value zero = index(0), one = index(1), minusOne = index(-1);
  SmallVector<Value> dims;
  Value known = one, inferred = zero;
  for (int64_t i = 0; i < rank; ++i) {
    Value s = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        tensor::ExtractOp::create(b, loc, shape, ValueRange{index(i)}));
    if (!op.getAllowzero() && i < inType.getRank())
      s = arith::SelectOp::create(b, loc, cmp(P::eq, s, zero),
                                  index(inType.getDimSize(i)), s);
    Value isInferred = cmp(P::eq, s, minusOne);
    inferred = arith::AddIOp::create(
        b, loc, inferred,
        arith::SelectOp::create(b, loc, isInferred, one, zero));
    known = arith::MulIOp::create(
        b, loc, known, arith::SelectOp::create(b, loc, isInferred, one, s));
    dims.push_back(s);
  }
  Value total = index(inType.getNumElements());
  // The -1 entry: what is left (0 when the known sizes multiply to 0).
  Value rest = arith::SelectOp::create(
      b, loc, cmp(P::eq, known, zero), zero,
      arith::DivUIOp::create(b, loc, total,
                             arith::SelectOp::create(
                                 b, loc, cmp(P::eq, known, zero), one, known)));
  Value product = arith::SelectOp::create(
      b, loc, cmp(P::eq, inferred, one),
      arith::MulIOp::create(b, loc, known, rest), known);
  Value valid = arith::AndIOp::create(b, loc, cmp(P::ule, inferred, one),
                                      cmp(P::eq, product, total));
  for (int64_t i = 0; i < rank; ++i) {
    Value resolved = arith::SelectOp::create(
        b, loc, cmp(P::eq, dims[i], minusOne), rest, dims[i]);
    Value nonNegative = cmp(P::sge, resolved, zero);
    dims[i] = arith::SelectOp::create(
        b, loc, arith::AndIOp::create(b, loc, valid, nonNegative), resolved,
        minusOne);
  }
  // Row-major strides of the result, for the linear index of an element.
  SmallVector<Value> strides(rank, one);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = arith::MulIOp::create(b, loc, strides[i + 1], dims[i + 1]);
  SmallVector<ReassociationIndices> all(1);
  for (int64_t d = 0; d < inType.getRank(); ++d)
    all[0].push_back(d);
  Value flat =
      inType.getRank() == 0
          ? tensor::ExpandShapeOp::create(
                b, loc, RankedTensorType::get({1}, inType.getElementType()),
                input, ArrayRef<ReassociationIndices>{})
                .getResult()
          : tensor::CollapseShapeOp::create(b, loc, input, all).getResult();
  auto dynamicType = RankedTensorType::get(
      SmallVector<int64_t>(rank, ShapedType::kDynamic), type.getElementType());
  Value empty = tensor::EmptyOp::create(b, loc, dynamicType.getShape(),
                                        type.getElementType(), dims);
  Value result = generateElements(
      b, loc, empty, [&](OpBuilder &nb, Location l, ArrayRef<Value> indices) {
        Value linear = arith::ConstantIndexOp::create(nb, l, 0);
        for (int64_t i = 0; i < rank; ++i)
          linear = arith::AddIOp::create(
              nb, l, linear,
              arith::MulIOp::create(nb, l, indices[i], strides[i]));
        return tensor::ExtractOp::create(nb, l, flat, ValueRange{linear})
            .getResult();
      });
  if (result.getType() != type)
    result = tensor::CastOp::create(b, loc, type, result);
  return result;
}

template <typename OpTy> struct ReshapeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    FailureOr<Value> result =
        reshapeTo(rewriter, op.getLoc(), adaptor.getInput(), type);
    if constexpr (std::is_same_v<OpTy, ReshapeOp>)
      if (failed(result))
        result = reshapeToRunTimeShape(rewriter, op, adaptor.getInput(),
                                       adaptor.getShape());
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
        return rewriter.notifyMatchFailure(op,
                                           "dynamic concatenated dimension");
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

/// The input index that output index `o` of a padded dimension reads, for
/// an input of `size` elements of which `cropLow` are cropped at the front,
/// with `padLow` elements added there and `cropped` elements left: edge
/// clamps into range, reflect mirrors around the first and last elements
/// (without repeating them), wrap is periodic. Constant mode gets the index
/// clamped into range (a safe read; the caller selects the pad value).
Value padSourceIndex(OpBuilder &b, Location loc, Value o, StringRef mode,
                     int64_t padLow, int64_t cropLow, int64_t cropped) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value i = arith::SubIOp::create(b, loc, o, c(padLow));
  Value last = c(cropped - 1);
  if (mode == "reflect" && cropped > 1) {
    // Fold once on each side; ONNX requires pads smaller than the size.
    Value neg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, c(0));
    i = arith::SelectOp::create(b, loc, neg,
                                arith::SubIOp::create(b, loc, c(0), i), i);
    Value over =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, i, last);
    i = arith::SelectOp::create(
        b, loc, over, arith::SubIOp::create(b, loc, c(2 * (cropped - 1)), i),
        i);
  } else if (mode == "wrap") {
    Value size = c(cropped);
    i = arith::RemSIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, arith::RemSIOp::create(b, loc, i, size),
                              size),
        size);
  }
  i = arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, i, last),
                             c(0));
  return arith::AddIOp::create(b, loc, i, c(cropLow));
}

/// Constant padding with non-negative pads is tensor.pad; other modes and
/// negative pads (which crop first, as the ONNX reference does) a
/// linalg.generic over the result that reads the input with tensor.extract.
struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    StringRef mode = op.getMode();
    if (mode != "constant" && mode != "edge" && mode != "reflect" &&
        mode != "wrap")
      return rewriter.notifyMatchFailure(op, "unknown mode");
    auto pads = getConstantInts(op.getPads());
    if (!pads)
      return rewriter.notifyMatchFailure(op, "pads not constant");
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = type.getRank();
    bool negative = llvm::any_of(*pads, [](int64_t p) { return p < 0; });
    if (mode == "constant" && !negative) {
      SmallVector<OpFoldResult> low, high;
      for (int64_t i = 0; i < rank; ++i) {
        low.push_back(rewriter.getIndexAttr((*pads)[i]));
        high.push_back(rewriter.getIndexAttr((*pads)[i + rank]));
      }
      Value value =
          tensor::ExtractOp::create(rewriter, loc, adaptor.getValue(), {});
      rewriter.replaceOpWithNewOp<tensor::PadOp>(op, type, input, low, high,
                                                 value);
      return success();
    }
    auto inType = cast<RankedTensorType>(input.getType());
    if (!inType.hasStaticShape() || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type));
      return success();
    }
    if (mode != "constant" && inType.getNumElements() == 0)
      return rewriter.notifyMatchFailure(op, "padding an empty input");
    Value padValue = adaptor.getValue();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{},
            ValueRange{createEmpty(rewriter, loc, type)},
            SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> indices;
              Value inside;
              for (int64_t d = 0; d < rank; ++d) {
                int64_t low = (*pads)[d], high = (*pads)[d + rank];
                int64_t cropLow = std::max<int64_t>(0, -low);
                int64_t cropped = inType.getDimSize(d) - cropLow -
                                  std::max<int64_t>(0, -high);
                int64_t padLow = std::max<int64_t>(0, low);
                Value o = linalg::IndexOp::create(b, l, d);
                indices.push_back(
                    padSourceIndex(b, l, o, mode, padLow, cropLow, cropped));
                if (mode != "constant")
                  continue;
                // o - padLow in [0, cropped): an unsigned compare does both.
                Value i = arith::SubIOp::create(
                    b, l, o, arith::ConstantIndexOp::create(b, l, padLow));
                Value in = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::ult, i,
                    arith::ConstantIndexOp::create(b, l, cropped));
                inside =
                    inside ? arith::AndIOp::create(b, l, inside, in).getResult()
                           : in;
              }
              Value element = tensor::ExtractOp::create(b, l, input, indices);
              if (inside)
                element = arith::SelectOp::create(
                    b, l, inside, element,
                    tensor::ExtractOp::create(b, l, padValue, ValueRange{}));
              linalg::YieldOp::create(b, l, element);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Each result is a tensor.extract_slice at the running offset along the
/// axis; the sizes come from the result types.
struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t axis = op.getAxis();
    auto inType = cast<RankedTensorType>(input.getType());
    for (Type t : op.getResultTypes())
      if (cast<RankedTensorType>(t).isDynamicDim(axis))
        return rewriter.notifyMatchFailure(op, "split sizes not static");
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Type t : op.getResultTypes()) {
      auto type = cast<RankedTensorType>(t);
      SmallVector<OpFoldResult> offsets(inType.getRank(),
                                        rewriter.getIndexAttr(0)),
          strides(inType.getRank(), rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, input);
      offsets[axis] = rewriter.getIndexAttr(offset);
      sizes[axis] = rewriter.getIndexAttr(type.getDimSize(axis));
      offset += type.getDimSize(axis);
      if (type.getDimSize(axis) == 0) {
        // An empty piece at the end would slice out of bounds.
        SmallVector<Value> dynamicSizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            dynamicSizes.push_back(
                tensor::DimOp::create(rewriter, loc, input, d));
        results.push_back(createEmpty(rewriter, loc, type, dynamicSizes));
        continue;
      }
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, input,
                                                   offsets, sizes, strides);
      if (slice.getType() != type)
        slice = tensor::CastOp::create(rewriter, loc, type, slice);
      results.push_back(slice);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// out[i] = in[i mod n] per dimension, as a broadcast of the input into
/// [r0, n0, r1, n1, ...] collapsed pairwise into the result.
struct TileLowering : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    if (!inType.hasStaticShape() || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type));
      return success();
    }
    int64_t rank = type.getRank();
    SmallVector<int64_t> shape;
    SmallVector<int64_t> dims;
    SmallVector<ReassociationIndices> pairs;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t n = inType.getDimSize(d);
      shape.push_back(type.getDimSize(d) / n);
      shape.push_back(n);
      dims.push_back(2 * d);
      pairs.push_back({2 * d, 2 * d + 1});
    }
    auto broadcastType = RankedTensorType::get(shape, type.getElementType());
    Value broadcast = linalg::BroadcastOp::create(
                          rewriter, loc, input,
                          createEmpty(rewriter, loc, broadcastType), dims)
                          ->getResult(0);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, broadcast,
                                                         pairs);
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
      return lowerRunTimeShape(op, adaptor, rewriter);
    auto result = buildBroadcastingGeneric(
        rewriter, op, {adaptor.getInput()}, type,
        [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }

  /// A shape known only at run time (a statically shaped input): result
  /// dimension d is shape[d] where the input's is 1 (or missing), else the
  /// input's, which shape[d] must be 1 or equal to; any other value makes
  /// the size -1, an error the runtime reports before running. The sizes
  /// are index arithmetic on the shape's values, computed before a run.
  LogicalResult lowerRunTimeShape(ExpandOp op, OpAdaptor adaptor,
                                  ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput(), shape = adaptor.getShape();
    auto inType = cast<RankedTensorType>(input.getType());
    auto shapeType = cast<RankedTensorType>(shape.getType());
    // Both shapes are right-aligned to the result's rank.
    int64_t rank = type.getRank(), offset = rank - inType.getRank();
    if (!inType.hasStaticShape() || shapeType.getRank() != 1 ||
        shapeType.isDynamicDim(0) || offset < 0)
      return rewriter.notifyMatchFailure(op, "run-time shape of unknown rank");
    int64_t shapeOffset = rank - shapeType.getDimSize(0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value invalid = arith::ConstantIndexOp::create(rewriter, loc, -1);
    SmallVector<Value> dims;
    SmallVector<AffineExpr> inputExprs;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t have = d < offset ? 1 : inType.getDimSize(d - offset);
      Value wanted = d < shapeOffset
                         ? one
                         : arith::IndexCastOp::create(
                               rewriter, loc, rewriter.getIndexType(),
                               tensor::ExtractOp::create(
                                   rewriter, loc, shape,
                                   ValueRange{arith::ConstantIndexOp::create(
                                       rewriter, loc, d - shapeOffset)}))
                               .getResult();
      if (d >= offset)
        inputExprs.push_back(have == 1 ? rewriter.getAffineConstantExpr(0)
                                       : rewriter.getAffineDimExpr(d));
      if (have == 1) {
        dims.push_back(wanted);
        continue;
      }
      Value haveValue = arith::ConstantIndexOp::create(rewriter, loc, have);
      Value fits = arith::OrIOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, wanted,
                                one),
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, wanted,
                                haveValue));
      dims.push_back(
          arith::SelectOp::create(rewriter, loc, fits, haveValue, invalid));
    }
    auto dynamicType =
        RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                              type.getElementType());
    Value empty = tensor::EmptyOp::create(rewriter, loc, dynamicType.getShape(),
                                          type.getElementType(), dims);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, inputExprs, rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    Value result = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{dynamicType}, ValueRange{input},
                       ValueRange{empty}, maps,
                       SmallVector<utils::IteratorType>(
                           rank, utils::IteratorType::parallel),
                       [](OpBuilder &b, Location l, ValueRange args) {
                         linalg::YieldOp::create(b, l, ValueRange{args[0]});
                       })
                       .getResult(0);
    if (result.getType() != type)
      result = tensor::CastOp::create(rewriter, loc, type, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering<ReshapeOp>,
               ReshapeLowering<FlattenOp>, ReshapeLowering<SqueezeOp>,
               ReshapeLowering<UnsqueezeOp>, TransposeLowering, ConcatLowering,
               SliceLowering, GatherLowering, PadLowering, ExpandLowering,
               SplitLowering, TileLowering>(patterns.getContext());
}
