//===- ColumnPhaseConvolution.cpp - Strided convs over column phases ------===//

#include "ColumnPhaseConvolution.h"

#include "InitialValues.h"
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

/// `input` [N, C, H, W] split into its `stride` column phases, each
/// `width` columns (zeros past the input's columns): [N, C, H, stride,
/// width], phase p holding columns p, p + stride, ...
static Value splitColumns(OpBuilder &b, Location loc, Value input,
                          int64_t stride, int64_t width) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elem = type.getElementType();
  int64_t n = type.getDimSize(0), c = type.getDimSize(1),
          h = type.getDimSize(2), w = type.getDimSize(3);
  Value empty = tensor::EmptyOp::create(b, loc, {n, c, h, stride, width}, elem);
  // Zeros after each phase's columns: read only for padded output columns,
  // which are dropped, but never left uninitialized. (Filling just those
  // columns, a few per row, measured slower than filling everything.)
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  Value phases = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  for (int64_t p = 0; p < stride && p < w; ++p) {
    int64_t columns = std::min(width, (w - p + stride - 1) / stride);
    auto phaseType = RankedTensorType::get({n, c, h, columns}, elem);
    Value phase = tensor::ExtractSliceOp::create(
        b, loc, phaseType, input, {index(0), index(0), index(0), index(p)},
        {index(n), index(c), index(h), index(columns)},
        {index(1), index(1), index(1), index(stride)});
    // A copy (split into workgroups like any linalg op) into the phase's
    // slot.
    SmallVector<OpFoldResult> offsets = {index(0), index(0), index(0), index(p),
                                         index(0)};
    SmallVector<OpFoldResult> sizes = {index(n), index(c), index(h), index(1),
                                       index(columns)};
    SmallVector<OpFoldResult> unit(5, index(1));
    Value slot = tensor::ExtractSliceOp::create(b, loc, phaseType, phases,
                                                offsets, sizes, unit);
    Value copied = linalg::CopyOp::create(b, loc, phase, slot).getResult(0);
    phases = tensor::InsertSliceOp::create(b, loc, copied, phases, offsets,
                                           sizes, unit);
  }
  return phases;
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
  Value phases = splitColumns(b, loc, input, strides[1],
                              paddedWidth + (kw - 1) / strides[1]);
  unsigned loops = depthwise ? 6 : 7;
  auto [dn, df, doh, dow, dc, dkh, dkw] = getLoops(ctx, depthwise);
  AffineMap inputMap =
      AffineMap::get(loops, 0,
                     {dn, dc, doh * strides[0] + dkh, dkw % strides[1],
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
      {AffineMap::get(loops, 0, {dn, dc, dkh, dkw, dow}, ctx), filterMap,
       AffineMap::get(loops, 0, {dn, df, doh, dow}, ctx)});
}
