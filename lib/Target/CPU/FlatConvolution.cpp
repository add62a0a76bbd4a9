//===- FlatConvolution.cpp - Narrow convolutions over flattened rows ------===//

#include "FlatConvolution.h"

#include "ConvolutionPadding.h"
#include "InitialValues.h"
#include "StridedConvolution.h"
#include "Vectorization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

/// The attribute marking a flat convolution, holding its row pitch.
static constexpr llvm::StringLiteral kRowPitch = "kiln.flat_convolution_pitch";

/// Output rows at most this wide are flattened.
static constexpr int64_t kMaxNarrowWidth = 8;

static bool isNarrowConvolution(linalg::Conv2DNchwFchwOp conv) {
  auto input = cast<RankedTensorType>(conv.getInputs()[0].getType());
  auto filter = cast<RankedTensorType>(conv.getInputs()[1].getType());
  auto output = cast<RankedTensorType>(conv.getOutputs()[0].getType());
  Type elem = output.getElementType();
  auto ones = [](DenseIntElementsAttr attr) {
    return llvm::all_of(attr.getValues<int64_t>(),
                        [](int64_t v) { return v == 1; });
  };
  return conv.hasPureTensorSemantics() && isa<FloatType>(elem) &&
         input.getElementType() == elem && filter.getElementType() == elem &&
         input.hasStaticShape() && filter.hasStaticShape() &&
         output.hasStaticShape() && ones(conv.getDilations()) &&
         output.getDimSize(3) <= kMaxNarrowWidth &&
         filter.getDimSize(2) * filter.getDimSize(3) > 1;
}

void kiln::cpu::flattenNarrowConvolutions(func::FuncOp main) {
  SmallVector<linalg::Conv2DNchwFchwOp> convs;
  main.walk([&](linalg::Conv2DNchwFchwOp conv) {
    if (isNarrowConvolution(conv))
      convs.push_back(conv);
  });
  IRRewriter b(main.getContext());
  MLIRContext *ctx = main.getContext();
  for (linalg::Conv2DNchwFchwOp conv : convs) {
    Value input = conv.getInputs()[0], filter = conv.getInputs()[1],
          init = conv.getOutputs()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto filterType = cast<RankedTensorType>(filter.getType());
    auto outputType = cast<RankedTensorType>(init.getType());
    Type elem = outputType.getElementType();
    int64_t n = outputType.getDimSize(0), f = outputType.getDimSize(1),
            oh = outputType.getDimSize(2), ow = outputType.getDimSize(3);
    int64_t c = inputType.getDimSize(1), ih = inputType.getDimSize(2),
            iw = inputType.getDimSize(3);
    int64_t kh = filterType.getDimSize(2), kw = filterType.getDimSize(3);
    SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
    int64_t sh = strides[0], sw = strides[1];
    bool strided = sh != 1 || sw != 1;
    // With strides, over the input's phase planes (tap (kh, kw) reads
    // plane (kh mod sh, kw mod sw) at row offset kh floordiv sh and column
    // offset kw floordiv sw), each ceil(W / sw) wide.
    int64_t pitch = llvm::divideCeil(iw, sw);
    int64_t planeRows = llvm::divideCeil(ih, sh);
    // Flat output positions, a whole number of 16-lane vectors, and the
    // input positions they read.
    int64_t positions = llvm::alignTo(oh * pitch, 16);
    int64_t reach = positions + (kh - 1) / sh * pitch + (kw - 1) / sw;
    b.setInsertionPoint(conv);
    Location loc = conv.getLoc();
    Value acc = rebuildInitialValue(b, loc, init, {n, f, positions});
    if (!acc)
      continue;
    int64_t rows = llvm::divideCeil(
        std::max<int64_t>(reach - planeRows * pitch, 0), pitch);
    AffineExpr dn, df, dq, dc, dkh, dkw;
    bindDims(ctx, dn, df, dq, dc, dkh, dkw);
    Value x;
    AffineMap inputMap;
    if (strided) {
      x = splitPhases(b, loc, input, sh, sw, planeRows + rows, pitch);
      x = tensor::CollapseShapeOp::create(
          b, loc,
          RankedTensorType::get({n, c, sh, sw, (planeRows + rows) * pitch},
                                elem),
          x, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3}, {4, 5}});
      inputMap =
          AffineMap::get(6, 0,
                         {dn, dc, dkh % sh, dkw % sw,
                          dq + dkh.floorDiv(sh) * pitch + dkw.floorDiv(sw)},
                         ctx);
    } else {
      x = rows ? appendZeros(b, loc, input, 2, rows) : input;
      x = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({n, c, (ih + rows) * pitch}, elem), x,
          ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
      inputMap = AffineMap::get(6, 0, {dn, dc, dq + dkh * pitch + dkw}, ctx);
    }
    auto flat = linalg::GenericOp::create(
        b, loc, TypeRange{acc.getType()}, ValueRange{x, filter},
        ValueRange{acc},
        ArrayRef<AffineMap>{inputMap,
                            AffineMap::get(6, 0, {df, dc, dkh, dkw}, ctx),
                            AffineMap::get(6, 0, {dn, df, dq}, ctx)},
        ArrayRef<utils::IteratorType>{
            utils::IteratorType::parallel, utils::IteratorType::parallel,
            utils::IteratorType::parallel, utils::IteratorType::reduction,
            utils::IteratorType::reduction, utils::IteratorType::reduction},
        buildMultiplyAdd);
    flat->setAttr(kRowPitch, b.getI64IntegerAttr(pitch));
    // [n, f, positions] -> the first oh rows of pitch -> ow columns each.
    auto sliceOf = [&](Value value, ArrayRef<int64_t> sizes) {
      SmallVector<OpFoldResult> offsets(sizes.size(), b.getIndexAttr(0)),
          strides(sizes.size(), b.getIndexAttr(1)), sizeAttrs;
      for (int64_t s : sizes)
        sizeAttrs.push_back(b.getIndexAttr(s));
      return tensor::ExtractSliceOp::create(b, loc,
                                            RankedTensorType::get(sizes, elem),
                                            value, offsets, sizeAttrs, strides)
          .getResult();
    };
    Value rowsOut = sliceOf(flat.getResult(0), {n, f, oh * pitch});
    Value image = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({n, f, oh, pitch}, elem), rowsOut,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    b.replaceOp(conv, sliceOf(image, {n, f, oh, ow}));
  }
}

bool kiln::cpu::isFlatConvolution(linalg::LinalgOp op) {
  return isa<linalg::GenericOp>(op.getOperation()) && op->hasAttr(kRowPitch) &&
         op.getNumLoops() == 6 && op.getNumDpsInputs() == 2 &&
         op.getNumDpsInits() == 1;
}

linalg::GenericOp
kiln::cpu::flatConvolutionTileAsOuterProduct(RewriterBase &rewriter,
                                             linalg::LinalgOp tile) {
  if (!isFlatConvolution(tile))
    return {};
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  if (ranges[3] != 1 || ranges[4] != 1 || ranges[5] != 1 ||
      llvm::any_of(ranges, ShapedType::isDynamic))
    return {};
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr dn, df, dq, dc, dkh, dkw;
  bindDims(ctx, dn, df, dq, dc, dkh, dkw);
  // Over phase planes the input tile is [1, 1, 1, 1, q].
  bool planes =
      cast<ShapedType>(tile.getDpsInputs()[0].getType()).getRank() == 5;
  return replaceByMultiplyAdd(
      rewriter, tile,
      {planes ? AffineMap::get(6, 0, {dn, dc, dkh, dkw, dq}, ctx)
              : AffineMap::get(6, 0, {dn, dc, dq}, ctx),
       AffineMap::get(6, 0, {df, dc, dkh, dkw}, ctx),
       AffineMap::get(6, 0, {dn, df, dq}, ctx)});
}
