//===- ConvolutionPadding.cpp - Output rows a whole number of vectors -----===//

#include "ConvolutionPadding.h"

#include "InitialValues.h"
#include "Vectorization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

/// The padded row width: a power of two from 8 up to 32, then a multiple
/// of 32.
static int64_t paddedWidth(int64_t width) {
  if (width <= 32)
    return std::max<int64_t>(8, llvm::PowerOf2Ceil(width));
  return llvm::alignTo(width, 32);
}

Value kiln::cpu::appendZeros(OpBuilder &b, Location loc, Value value,
                             int64_t dim, int64_t extra) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] += extra;
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  Value source = value;
  // A zero padding (the convolution's own) grows instead of being padded
  // again: one copy of the input, not two.
  if (auto pad = value.getDefiningOp<tensor::PadOp>()) {
    Value padding = pad.getConstantPaddingValue();
    auto constant =
        padding ? padding.getDefiningOp<arith::ConstantOp>() : nullptr;
    if (pad->hasOneUse() && constant &&
        constant.getValue() == b.getZeroAttr(type.getElementType()) &&
        !llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic) &&
        !llvm::any_of(pad.getStaticHigh(), ShapedType::isDynamic)) {
      source = pad.getSource();
      low.assign(pad.getStaticLow().begin(), pad.getStaticLow().end());
      high.assign(pad.getStaticHigh().begin(), pad.getStaticHigh().end());
    }
  }
  high[dim] += extra;
  return tensor::PadOp::create(b, loc, type.clone(shape), source,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               zero);
}

void kiln::cpu::padConvolutionRows(func::FuncOp main) {
  SmallVector<linalg::Conv2DNchwFchwOp> convs;
  main.walk([&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
  IRRewriter rewriter(main.getContext());
  for (linalg::Conv2DNchwFchwOp conv : convs) {
    auto output = cast<RankedTensorType>(conv.getOutputs()[0].getType());
    auto input = cast<RankedTensorType>(conv.getInputs()[0].getType());
    if (!conv.hasPureTensorSemantics() || !output.hasStaticShape() ||
        !input.hasStaticShape() || !isa<FloatType>(output.getElementType()) ||
        getConvolutionVectorWidth(conv) != 0 ||
        !llvm::all_of(conv.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; }))
      continue;
    int64_t width = output.getDimSize(3);
    int64_t extra = paddedWidth(width) - width;
    Location loc = conv.getLoc();
    rewriter.setInsertionPoint(conv);
    // Output column w reads input columns w + dilation * kw: the padded
    // columns read only the appended zeros, or real pixels, never past.
    Value paddedInput =
        appendZeros(rewriter, loc, conv.getInputs()[0], 3, extra);
    // A filled or broadcast initial value is made again at the padded size.
    Value init = conv.getOutputs()[0];
    SmallVector<int64_t> paddedShape(output.getShape());
    paddedShape.back() += extra;
    Value paddedInit = rebuildInitialValue(rewriter, loc, init, paddedShape);
    if (!paddedInit)
      paddedInit = appendZeros(rewriter, loc, init, 3, extra);
    auto padded = linalg::Conv2DNchwFchwOp::create(
        rewriter, loc, TypeRange{paddedInit.getType()},
        ValueRange{paddedInput, conv.getInputs()[1]}, ValueRange{paddedInit},
        conv.getStrides(), conv.getDilations());
    SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(4, rewriter.getIndexAttr(1));
    for (int64_t d : output.getShape())
      sizes.push_back(rewriter.getIndexAttr(d));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        conv, output, padded.getResult(0), offsets, sizes, strides);
  }
}
