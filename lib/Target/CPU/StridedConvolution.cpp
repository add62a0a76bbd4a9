//===- StridedConvolution.cpp - Strided convolutions as unit-stride ones --===//

#include "StridedConvolution.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

/// The strided slice [.., start::step] of `value`'s last two dimensions,
/// `sizes` long.
static Value phaseOf(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> start, ArrayRef<int64_t> step,
                     ArrayRef<int64_t> sizes) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(start[0]),
                                       b.getIndexAttr(start[1])};
  SmallVector<OpFoldResult> size = {
      b.getIndexAttr(type.getDimSize(0)), b.getIndexAttr(type.getDimSize(1)),
      b.getIndexAttr(sizes[0]), b.getIndexAttr(sizes[1])};
  SmallVector<OpFoldResult> strides = {b.getIndexAttr(1), b.getIndexAttr(1),
                                       b.getIndexAttr(step[0]),
                                       b.getIndexAttr(step[1])};
  SmallVector<int64_t> shape = {type.getDimSize(0), type.getDimSize(1),
                                sizes[0], sizes[1]};
  return tensor::ExtractSliceOp::create(b, loc, type.clone(shape), value,
                                        offsets, size, strides);
}

void kiln::cpu::decomposeStridedConvolutions(func::FuncOp main) {
  SmallVector<linalg::Conv2DNchwFchwOp> convs;
  main.walk([&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
  IRRewriter rewriter(main.getContext());
  for (linalg::Conv2DNchwFchwOp conv : convs) {
    Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto filterType = cast<RankedTensorType>(filter.getType());
    auto outputType = cast<RankedTensorType>(conv.getOutputs()[0].getType());
    SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
    bool unitStrides = strides[0] == 1 && strides[1] == 1;
    bool undilated = llvm::all_of(conv.getDilations().getValues<int64_t>(),
                                  [](int64_t d) { return d == 1; });
    if (!conv.hasPureTensorSemantics() || unitStrides || !undilated ||
        !inputType.hasStaticShape() || !filterType.hasStaticShape() ||
        !outputType.hasStaticShape() ||
        !isa<FloatType>(outputType.getElementType()))
      continue;
    Location loc = conv.getLoc();
    rewriter.setInsertionPoint(conv);
    int64_t kh = filterType.getDimSize(2), kw = filterType.getDimSize(3);
    int64_t oh = outputType.getDimSize(2), ow = outputType.getDimSize(3);
    auto unit = rewriter.getI64TensorAttr({1, 1});
    Value acc = conv.getOutputs()[0];
    for (int64_t ph = 0; ph < strides[0] && ph < kh; ++ph) {
      for (int64_t pw = 0; pw < strides[1] && pw < kw; ++pw) {
        // Taps ph, ph + sh, ...: x[sh * (oh + i) + ph] = phase[oh + i].
        int64_t taps[2] = {(kh - ph + strides[0] - 1) / strides[0],
                           (kw - pw + strides[1] - 1) / strides[1]};
        // Copied out of the strided view: the tiles read contiguous rows.
        Value x = phaseOf(rewriter, loc, input, {ph, pw}, strides,
                          {oh + taps[0] - 1, ow + taps[1] - 1});
        auto xType = cast<RankedTensorType>(x.getType());
        x = linalg::CopyOp::create(
                rewriter, loc, x,
                tensor::EmptyOp::create(rewriter, loc, xType.getShape(),
                                        xType.getElementType())
                    .getResult())
                .getResult(0);
        Value w = phaseOf(rewriter, loc, filter, {ph, pw}, strides,
                          {taps[0], taps[1]});
        acc = linalg::Conv2DNchwFchwOp::create(
                  rewriter, loc, TypeRange{outputType}, ValueRange{x, w},
                  ValueRange{acc}, unit, unit)
                  .getResult(0);
      }
    }
    rewriter.replaceOp(conv, acc);
  }
}
