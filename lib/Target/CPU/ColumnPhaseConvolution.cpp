//===- ColumnPhaseConvolution.cpp - Strided convs over column phases ------===//

#include "ColumnPhaseConvolution.h"

#include "InitialValues.h"
#include "StridedConvolution.h"
#include "Vectorization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <array>

using namespace mlir;
using namespace kiln::cpu;

/// The attribute marking a column-phase convolution, holding its column
/// stride.
static constexpr llvm::StringLiteral kColumnStride =
    "kiln.column_phase_convolution_stride";

/// Output rows at most this wide are left to FlatConvolution.h (over phase
/// planes): row vectors would be mostly padding.
static constexpr int64_t kMinWideRow = 9;

/// The output row width rounded up to whole 512-bit vectors of f32: 16 or
/// 32 lanes (32 when the row takes more than one vector).
static int64_t paddedRowWidth(int64_t width) {
  if (width % 16 == 0)
    return width;
  if (width < 16)
    return 16;
  return llvm::alignTo(width, 32);
}

/// Whether `op` (a convolution or a depthwise one) is a float one of one
/// element type, undilated, with column stride above 1, onto rows wider
/// than kMinWideRow, and not 1x1.
template <typename ConvOp> static bool isWideStrided(ConvOp op) {
  auto input = cast<RankedTensorType>(op.getInputs()[0].getType());
  auto filter = cast<RankedTensorType>(op.getInputs()[1].getType());
  auto output = cast<RankedTensorType>(op.getOutputs()[0].getType());
  Type elem = output.getElementType();
  SmallVector<int64_t> strides(op.getStrides().template getValues<int64_t>());
  int64_t rank = filter.getRank();
  return op.hasPureTensorSemantics() && isa<FloatType>(elem) &&
         input.getElementType() == elem && filter.getElementType() == elem &&
         input.hasStaticShape() && filter.hasStaticShape() &&
         output.hasStaticShape() && strides[1] > 1 &&
         llvm::all_of(op.getDilations().template getValues<int64_t>(),
                      [](int64_t d) { return d == 1; }) &&
         output.getDimSize(3) >= kMinWideRow &&
         // A 1x1 kernel reads one phase: a copy of it and a 1x1
         // convolution (a product) do better.
         filter.getDimSize(rank - 2) * filter.getDimSize(rank - 1) > 1;
}

/// The loops of a convolution, (n, f, oh, ow, c, kh, kw), or of a
/// depthwise one, (n, oh, ow, c, kh, kw), whose channel c is also its
/// filter f.
static std::array<AffineExpr, 7> getLoops(MLIRContext *ctx, bool depthwise) {
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  if (depthwise)
    return {d(0), d(3), d(1), d(2), d(3), d(4), d(5)};
  return {d(0), d(1), d(2), d(3), d(4), d(5), d(6)};
}

/// Rewrites `op` (isWideStrided) over its input's column phases.
template <typename ConvOp>
static void rewriteOverColumnPhases(IRRewriter &b, ConvOp op) {
  constexpr bool depthwise =
      std::is_same_v<ConvOp, linalg::DepthwiseConv2DNchwChwOp>;
  MLIRContext *ctx = b.getContext();
  Value input = op.getInputs()[0], filter = op.getInputs()[1],
        init = op.getOutputs()[0];
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> strides(op.getStrides().template getValues<int64_t>());
  int64_t n = outputType.getDimSize(0), f = outputType.getDimSize(1),
          oh = outputType.getDimSize(2), ow = outputType.getDimSize(3);
  int64_t kw = filterType.getDimSize(filterType.getRank() - 1);
  int64_t paddedWidth = paddedRowWidth(ow);
  b.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value acc = rebuildInitialValue(b, loc, init, {n, f, oh, paddedWidth});
  if (!acc)
    return;
  // The padded columns read past the row: phases long enough for them.
  // Rows are not split: [n, c, 1, s, h, w / s] is [n, c, s, h, w / s].
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t c = inputType.getDimSize(1), h = inputType.getDimSize(2);
  int64_t width = paddedWidth + (kw - 1) / strides[1];
  Value phases = tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get({n, c, strides[1], h, width},
                            inputType.getElementType()),
      splitPhases(b, loc, input, 1, strides[1], h, width),
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}, {4}, {5}});
  unsigned loops = depthwise ? 6 : 7;
  auto [dn, df, doh, dow, dc, dkh, dkw] = getLoops(ctx, depthwise);
  AffineMap inputMap =
      AffineMap::get(loops, 0,
                     {dn, dc, dkw % strides[1], doh * strides[0] + dkh,
                      dow + dkw.floorDiv(strides[1])},
                     ctx);
  AffineMap filterMap = depthwise
                            ? AffineMap::get(loops, 0, {dc, dkh, dkw}, ctx)
                            : AffineMap::get(loops, 0, {df, dc, dkh, dkw}, ctx);
  AffineMap outputMap = AffineMap::get(loops, 0, {dn, df, doh, dow}, ctx);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{phases, filter},
      ValueRange{acc}, ArrayRef<AffineMap>{inputMap, filterMap, outputMap},
      op.getIteratorTypesArray(), buildMultiplyAdd);
  generic->setAttr(kColumnStride, b.getI64IntegerAttr(strides[1]));
  Value result = generic.getResult(0);
  if (paddedWidth != ow) {
    auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
    result = tensor::ExtractSliceOp::create(
        b, loc, outputType, result, {index(0), index(0), index(0), index(0)},
        {index(n), index(f), index(oh), index(ow)},
        {index(1), index(1), index(1), index(1)});
  }
  b.replaceOp(op, result);
}

void kiln::cpu::splitColumnPhases(func::FuncOp main) {
  SmallVector<Operation *> ops;
  main.walk([&](Operation *op) {
    if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op);
        conv && isWideStrided(conv))
      ops.push_back(op);
    if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op);
        depthwise && isWideStrided(depthwise))
      ops.push_back(op);
  });
  IRRewriter b(main.getContext());
  for (Operation *op : ops) {
    if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
      rewriteOverColumnPhases(b, conv);
    else
      rewriteOverColumnPhases(b, cast<linalg::DepthwiseConv2DNchwChwOp>(op));
  }
}

bool kiln::cpu::isColumnPhaseConvolution(linalg::LinalgOp op) {
  return isa<linalg::GenericOp>(op.getOperation()) &&
         op->hasAttr(kColumnStride) &&
         (op.getNumLoops() == 6 || op.getNumLoops() == 7) &&
         op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1;
}

linalg::GenericOp
kiln::cpu::columnPhaseTileAsOuterProduct(RewriterBase &rewriter,
                                         linalg::LinalgOp tile) {
  if (!isColumnPhaseConvolution(tile))
    return {};
  // Loops (n, f, oh, ow, c, kh, kw), or a depthwise one's (n, oh, ow, c,
  // kh, kw): all but ow (and f) of one iteration in the tile.
  bool depthwise = tile.getNumLoops() == 6;
  unsigned loops = tile.getNumLoops();
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  SmallVector<unsigned> single = depthwise
                                     ? SmallVector<unsigned>{0, 1, 3, 4, 5}
                                     : SmallVector<unsigned>{0, 2, 4, 5, 6};
  if (llvm::any_of(ranges, ShapedType::isDynamic) ||
      llvm::any_of(single, [&](unsigned d) { return ranges[d] != 1; }))
    return {};
  MLIRContext *ctx = rewriter.getContext();
  auto [dn, df, doh, dow, dc, dkh, dkw] = getLoops(ctx, depthwise);
  // The input tile is [1, 1, 1, 1, ow]: unit loops index its unit
  // dimensions.
  AffineMap filterMap = depthwise
                            ? AffineMap::get(loops, 0, {dc, dkh, dkw}, ctx)
                            : AffineMap::get(loops, 0, {df, dc, dkh, dkw}, ctx);
  return replaceByMultiplyAdd(
      rewriter, tile,
      {AffineMap::get(loops, 0, {dn, dc, dkw, dkh, dow}, ctx), filterMap,
       AffineMap::get(loops, 0, {dn, df, doh, dow}, ctx)});
}
