//===- StridedConvolution.cpp - Strided convolutions as unit-stride ones --===//

#include "StridedConvolution.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

Value kiln::cpu::splitPhases(OpBuilder &b, Location loc, Value input,
                             int64_t sh, int64_t sw, int64_t rows,
                             int64_t columns) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elem = type.getElementType();
  int64_t n = type.getDimSize(0), c = type.getDimSize(1),
          h = type.getDimSize(2), w = type.getDimSize(3);
  Value empty =
      tensor::EmptyOp::create(b, loc, {n, c, sh, sw, rows, columns}, elem);
  // Zeros past each phase's rows and columns (read only for padded output
  // positions, which are dropped, but never left uninitialized).
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  Value phases = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  for (int64_t ph = 0; ph < sh && ph < h; ++ph) {
    for (int64_t pw = 0; pw < sw && pw < w; ++pw) {
      int64_t phaseRows = std::min<int64_t>(rows, llvm::divideCeil(h - ph, sh));
      int64_t phaseColumns =
          std::min<int64_t>(columns, llvm::divideCeil(w - pw, sw));
      auto phaseType =
          RankedTensorType::get({n, c, phaseRows, phaseColumns}, elem);
      Value phase = tensor::ExtractSliceOp::create(
          b, loc, phaseType, input, {index(0), index(0), index(ph), index(pw)},
          {index(n), index(c), index(phaseRows), index(phaseColumns)},
          {index(1), index(1), index(sh), index(sw)});
      // A copy (split into workgroups like any linalg op) into the phase's
      // slot.
      SmallVector<OpFoldResult> offsets = {index(0),  index(0), index(ph),
                                           index(pw), index(0), index(0)};
      SmallVector<OpFoldResult> sizes = {index(n),         index(c),
                                         index(1),         index(1),
                                         index(phaseRows), index(phaseColumns)};
      SmallVector<OpFoldResult> unit(6, index(1));
      Value slot = tensor::ExtractSliceOp::create(b, loc, phaseType, phases,
                                                  offsets, sizes, unit);
      Value copied = linalg::CopyOp::create(b, loc, phase, slot).getResult(0);
      phases = tensor::InsertSliceOp::create(b, loc, copied, phases, offsets,
                                             sizes, unit);
    }
  }
  return phases;
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
