//===- Vectorization.cpp - Register tiles and vector code for CPUs --------===//

#include "Vectorization.h"

#include "BufferRoots.h"
#include "ColumnPhaseConvolution.h"
#include "FlatConvolution.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

using namespace mlir;
using namespace kiln::cpu;

/// Rows and columns of a contraction's register tile, and the width of an
/// elementwise row: 8 x 32 f32 accumulators fill sixteen 512-bit registers.
constexpr int64_t kTileRows = 8;
constexpr int64_t kTileColumns = 32;

/// The width of a row tile over a loop of `range` iterations: the whole loop
/// when short, else the widest divisor up to kTileColumns so that no scalar
/// remainder is left, else kTileColumns.
static int64_t chooseColumns(int64_t range) {
  if (ShapedType::isDynamic(range))
    return kTileColumns;
  // Whole 512-bit vectors first.
  for (int64_t vector : {kTileColumns, kTileColumns / 2})
    if (range % vector == 0)
      return vector;
  if (range <= kTileColumns)
    return std::max<int64_t>(range, 1);
  for (int64_t d = kTileColumns; d >= 8; --d)
    if (range % d == 0)
      return d;
  return kTileColumns;
}

static bool hasUnitStrides(linalg::Conv2DNchwFchwOp conv) {
  return llvm::all_of(conv.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; });
}

/// Whether static `a` has more elements than static `b`.
static bool isLarger(Value a, Value b) {
  auto x = cast<ShapedType>(a.getType()), y = cast<ShapedType>(b.getType());
  return x.hasStaticShape() && y.hasStaticShape() &&
         x.getNumElements() > y.getNumElements();
}

std::optional<SmallVector<int64_t>>
kiln::cpu::getStreamingLoopOrder(linalg::LinalgOp op) {
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation())) {
    // (n, f, oh, ow, c, kh, kw) -> pixels before filters.
    if (isLarger(conv.getInputs()[0], conv.getInputs()[1]))
      return SmallVector<int64_t>{0, 2, 3, 1, 4, 5, 6};
    return std::nullopt;
  }
  // A depthwise convolution's (n, oh, ow, c, kh, kw) -> channel planes one
  // after the other, each in the L1 cache while its rows are computed.
  if (isa<linalg::DepthwiseConv2DNchwChwOp>(op.getOperation()) ||
      (isColumnPhaseConvolution(op) && op.getNumLoops() == 6))
    return SmallVector<int64_t>{0, 3, 1, 2, 4, 5};
  if (isColumnPhaseConvolution(op)) {
    // (n, f, oh, ow, c, kh, kw) -> pixels before filters.
    if (isLarger(op.getDpsInputs()[0], op.getDpsInputs()[1]))
      return SmallVector<int64_t>{0, 2, 3, 1, 4, 5, 6};
    return std::nullopt;
  }
  if (isFlatConvolution(op)) {
    // (n, f, q, c, kh, kw) -> pixels before filters.
    if (isLarger(op.getDpsInputs()[0], op.getDpsInputs()[1]))
      return SmallVector<int64_t>{0, 2, 1, 3, 4, 5};
    return std::nullopt;
  }
  if (!linalg::isaContractionOpInterface(op) || op.getNumDpsInputs() != 2)
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty())
    return std::nullopt;
  // The operand indexed by the n loops (a matrix product's right-hand
  // side, a 1x1 convolution's image) larger than the other: its loops
  // first, then the batch's, the m loops and the reductions.
  OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
  if (op.getMatchingIndexingMap(lhs).isFunctionOfDim(dims->n.front()))
    std::swap(lhs, rhs);
  if (!isLarger(rhs->get(), lhs->get()))
    return std::nullopt;
  SmallVector<int64_t> order;
  for (auto group : {dims->batch, dims->n, dims->m, dims->k})
    for (unsigned d : group)
      order.push_back(d);
  if (order.size() != op.getNumLoops())
    return std::nullopt;
  return order;
}

int64_t kiln::cpu::getConvolutionVectorWidth(linalg::Conv2DNchwFchwOp conv) {
  auto output = cast<RankedTensorType>(conv.getOutputs()[0].getType());
  int64_t width = output.getDimSize(3);
  if (!hasUnitStrides(conv) || ShapedType::isDynamic(width))
    return 0;
  for (int64_t vector : {kTileColumns, kTileColumns / 2})
    if (width % vector == 0)
      return vector;
  if (width < kTileColumns && llvm::isPowerOf2_64(width) && width >= 8)
    return width;
  return 0;
}

void kiln::cpu::buildMultiplyAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  linalg::YieldOp::create(
      b, loc, ValueRange{arith::AddFOp::create(b, loc, args[2], product)});
}

linalg::GenericOp kiln::cpu::replaceByMultiplyAdd(RewriterBase &rewriter,
                                                  linalg::LinalgOp tile,
                                                  ArrayRef<AffineMap> maps) {
  auto product = linalg::GenericOp::create(
      rewriter, tile.getLoc(), tile->getResultTypes(), tile.getDpsInputs(),
      tile.getDpsInits(), maps, tile.getIteratorTypesArray(), buildMultiplyAdd);
  rewriter.replaceOp(tile, product.getResults());
  return product;
}

/// A unit-stride convolution tile of one channel and one tap (n, c, kh and
/// kw all 1; a row or two) as the outer product it is, out[f, h, w] +=
/// filter[f] * input[h, w]: a contraction that vectorizes like a matrix
/// product's tile.
/// Null when the tile is not of that form.
static linalg::GenericOp asOuterProduct(RewriterBase &rewriter,
                                        linalg::Conv2DNchwFchwOp tile) {
  Value input = tile.getInputs()[0], filter = tile.getInputs()[1],
        init = tile.getOutputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  Type elem = initType.getElementType();
  // The filter and pixel counts may be dynamic (a partial tile, masked).
  if (!hasUnitStrides(tile) || !isa<FloatType>(elem) ||
      inputType.getElementType() != elem ||
      filterType.getElementType() != elem || inputType.getDimSize(0) != 1 ||
      inputType.getDimSize(1) != 1 ||
      inputType.getDimSize(2) != initType.getDimSize(2) ||
      filterType.getDimSize(1) != 1 || filterType.getDimSize(2) != 1 ||
      filterType.getDimSize(3) != 1 ||
      ShapedType::isDynamic(initType.getDimSize(2)))
    return {};
  // Over the tile's own loops (n, f, oh, ow, c, kh, kw): the input tile is
  // already this tap's window, so every operand is indexed by plain loops.
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr n, f, oh, ow, c, kh, kw;
  bindDims(ctx, n, f, oh, ow, c, kh, kw);
  return replaceByMultiplyAdd(rewriter, tile,
                              {AffineMap::get(7, 0, {n, c, oh, ow}, ctx),
                               AffineMap::get(7, 0, {f, c, kh, kw}, ctx),
                               AffineMap::get(7, 0, {n, f, oh, ow}, ctx)});
}

/// Whether `op` is a float depthwise convolution with unit strides and
/// dilations, all of one element type.
static bool isUnitDepthwise(linalg::DepthwiseConv2DNchwChwOp op) {
  auto ones = [](DenseIntElementsAttr attr) {
    return llvm::all_of(attr.getValues<int64_t>(),
                        [](int64_t v) { return v == 1; });
  };
  Type elem = getElementTypeOrSelf(op.getOutputs()[0].getType());
  return isa<FloatType>(elem) && ones(op.getStrides()) &&
         ones(op.getDilations()) && llvm::all_of(op.getInputs(), [&](Value v) {
           return getElementTypeOrSelf(v.getType()) == elem;
         });
}

/// A unit-stride depthwise convolution tile of one channel and one tap
/// (its input tile already that tap's window) as the scaled sum it is,
/// out[oh, ow] += filter * in[oh, ow]; null when `tile` is not of that
/// form.
static linalg::GenericOp asScaledSum(RewriterBase &rewriter,
                                     linalg::LinalgOp tile) {
  auto depthwise =
      dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(tile.getOperation());
  if (!depthwise || !isUnitDepthwise(depthwise))
    return {};
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic) || ranges[3] != 1 ||
      ranges[4] != 1 || ranges[5] != 1)
    return {};
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr n, oh, ow, c, kh, kw;
  bindDims(ctx, n, oh, ow, c, kh, kw);
  return replaceByMultiplyAdd(rewriter, tile,
                              {AffineMap::get(6, 0, {n, c, oh, ow}, ctx),
                               AffineMap::get(6, 0, {c, kh, kw}, ctx),
                               AffineMap::get(6, 0, {n, c, oh, ow}, ctx)});
}

SmallVector<int64_t> kiln::cpu::chooseRegisterTile(linalg::LinalgOp op) {
  unsigned loops = op.getNumLoops();
  if (loops == 0 || op.getNumDpsInits() != 1)
    return {};
  SmallVector<int64_t> tiles(loops, 1);
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation())) {
    // (n, f, oh, ow, c, kh, kw). With unit strides, one tap of one input
    // channel at a time: the tile is a 8 x 32 outer product of filter
    // values and a contiguous run of input pixels, as a matrix product's.
    int64_t columns = chooseColumns(op.getStaticLoopRanges()[3]);
    if (int64_t vector = getConvolutionVectorWidth(conv)) {
      // 16 accumulator registers: 8 filters by two 512-bit vectors of
      // pixels, from one row (32 pixels) or two (16 each, fewer filter
      // loads per multiply-add); 16 filters for narrower rows.
      int64_t height = op.getStaticLoopRanges()[2];
      if (vector == kTileColumns / 2 && !ShapedType::isDynamic(height) &&
          height % 2 == 0)
        return {1, kTileRows, 2, vector, 1, 1, 1};
      return {1, std::min<int64_t>(16, kTileRows * kTileColumns / vector),
              1, vector,
              1, 1,
              1};
    }
    // Otherwise one output row of up to 32 pixels for 8 filters, 8 input
    // channels and one kernel row at a time, the whole kernel row
    // unrolled; a 1-D convolution then vectorizes.
    return {1, kTileRows, 1, columns, 8, 1, 0};
  }
  if (auto depthwise =
          dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op.getOperation())) {
    // (n, oh, ow, c, kh, kw): one or two rows of one channel, one tap at a
    // time: the tap's weight times the input window, added to the rows.
    if (!isUnitDepthwise(depthwise))
      return {};
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    int64_t rows =
        !ShapedType::isDynamic(ranges[1]) && ranges[1] % 2 == 0 ? 2 : 1;
    return {1, rows, chooseColumns(ranges[2]), 1, 1, 1};
  }
  if (isColumnPhaseConvolution(op)) {
    // (n, f, oh, ow, c, kh, kw): filters by one output row's pixels, one
    // channel and one tap at a time.
    if (op.getNumLoops() == 6) // (n, oh, ow, c, kh, kw): depthwise.
      return {1, 1, chooseColumns(op.getStaticLoopRanges()[2]), 1, 1, 1};
    int64_t columns = chooseColumns(op.getStaticLoopRanges()[3]);
    return {1, columns == kTileColumns / 2 ? 2 * kTileRows : kTileRows,
            1, columns,
            1, 1,
            1};
  }
  if (isFlatConvolution(op)) {
    // (n, f, q, c, kh, kw): filters by flat pixels, one channel and one tap
    // at a time, as a 1x1 convolution's product.
    int64_t columns = chooseColumns(op.getStaticLoopRanges()[2]);
    return {1,       columns == kTileColumns / 2 ? 2 * kTileRows : kTileRows,
            columns, 1,
            1,       1};
  }
  if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->m.empty() || dims->n.empty())
      return {};
    int64_t columns = chooseColumns(op.getStaticLoopRanges()[dims->n.back()]);
    // 16 accumulator registers: 8 rows of two vectors, or 16 of one.
    tiles[dims->m.back()] =
        columns == kTileColumns / 2 ? 2 * kTileRows : kTileRows;
    tiles[dims->n.back()] = columns;
    return tiles;
  }
  if (op.getNumReductionLoops() != 0)
    return {};
  // Elementwise: rows along the innermost loop.
  tiles.back() = chooseColumns(op.getStaticLoopRanges().back());
  return tiles;
}

/// Clamps tile sizes to the static loop ranges (a dimension of 3 gets a
/// tile of 3, not a masked 32).
static SmallVector<int64_t> clampToRanges(linalg::LinalgOp op,
                                          SmallVector<int64_t> tiles) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [t, r] : llvm::zip(tiles, ranges))
    if (!ShapedType::isDynamic(r) && r < t)
      t = std::max<int64_t>(r, 1);
  return tiles;
}

namespace {
/// The upstream convolution rewrites are patterns; this runs them directly.
struct DirectRewriter : PatternRewriter {
  explicit DirectRewriter(MLIRContext *ctx) : PatternRewriter(ctx) {}
};
} // namespace

/// Reduction block sizes that keep a contraction's or convolution's operand
/// panels in the L1 cache: the register tiles of one block read an input
/// panel of about kPanelBytes again for every tile of filters (or rows),
/// so its reduction loop is cut into blocks that fit. All zero when the
/// whole reduction fits, or when no block size divides it evenly.
constexpr int64_t kPanelBytes = 24 * 1024;

static SmallVector<int64_t> chooseReductionBlocks(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> blocks(ranges.size(), 0);
  if (llvm::any_of(ranges, ShapedType::isDynamic) || op.getNumDpsInits() != 1)
    return blocks;
  auto elem = getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType());
  if (!elem.isIntOrFloat())
    return blocks;
  int64_t bytes = elem.getIntOrFloatBitWidth() / 8;
  SmallVector<int64_t> tile = chooseRegisterTile(op);
  // The reduction loop to block and the bytes of panel per iteration of it.
  int64_t loop = -1, perIteration = 0;
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation())) {
    if (!getConvolutionVectorWidth(conv))
      return blocks;
    // (n, f, oh, ow, c, kh, kw): an input channel's rows under the tile.
    loop = 4;
    perIteration =
        (tile[2] + ranges[5] - 1) * (tile[3] + ranges[6] - 1) * bytes;
  } else if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->k.size() != 1 || dims->n.empty())
      return blocks;
    loop = dims->k.front();
    perIteration = tile[dims->n.back()] * bytes;
  } else {
    return blocks;
  }
  int64_t range = ranges[loop];
  if (range * perIteration <= kPanelBytes)
    return blocks;
  for (int64_t block = kPanelBytes / perIteration; block >= 8; --block) {
    if (range % block == 0) {
      blocks[loop] = block;
      return blocks;
    }
  }
  return blocks;
}

static void tileAndVectorize(PatternRewriter &rewriter, linalg::LinalgOp op) {
  SmallVector<int64_t> tiles = chooseRegisterTile(op);
  if (tiles.empty())
    return;
  SmallVector<int64_t> blocks = chooseReductionBlocks(op);
  if (llvm::any_of(blocks, [](int64_t b) { return b != 0; })) {
    scf::SCFTilingOptions blockOptions;
    blockOptions.setTileSizes(getAsIndexOpFoldResult(op->getContext(), blocks));
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> blocked = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), blockOptions);
    if (succeeded(blocked)) {
      rewriter.replaceOp(op, blocked->replacements);
      if (auto inner = dyn_cast<linalg::LinalgOp>(blocked->tiledOps.back()))
        op = inner;
    }
  }
  tiles = clampToRanges(op, tiles);
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), tiles));
  // The larger operand's tiles outermost: each stays in the L1 cache
  // while every tile of the smaller operand passes.
  if (std::optional<SmallVector<int64_t>> order = getStreamingLoopOrder(op))
    options.setInterchange(*order);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return;
  rewriter.replaceOp(op, tiled->replacements);
  auto tile = dyn_cast<linalg::LinalgOp>(tiled->tiledOps.back());
  if (!tile || !tile.hasPureTensorSemantics())
    return;
  rewriter.setInsertionPoint(tile);
  auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(tile.getOperation());
  // Only full tiles: the partial ones at the edges stay scalar loops
  // rather than masked vectors.
  if (llvm::any_of(tile.getStaticLoopRanges(), ShapedType::isDynamic))
    return;
  if (linalg::GenericOp sum = asScaledSum(rewriter, tile)) {
    tile = sum;
    rewriter.setInsertionPoint(tile);
  }
  if (linalg::GenericOp product =
          columnPhaseTileAsOuterProduct(rewriter, tile)) {
    tile = product;
    rewriter.setInsertionPoint(tile);
  }
  if (linalg::GenericOp product =
          flatConvolutionTileAsOuterProduct(rewriter, tile)) {
    tile = product;
    rewriter.setInsertionPoint(tile);
  }
  if (conv) {
    if (linalg::GenericOp product = asOuterProduct(rewriter, conv)) {
      tile = product;
      conv = {};
      rewriter.setInsertionPoint(tile);
    }
  }
  // A 2-D convolution is not vectorizable as such: its 1-D form, checked
  // below, is.
  if (!conv && failed(linalg::vectorizeOpPrecondition(tile)))
    return;
  if (conv) {
    linalg::DownscaleSizeOneWindowed2DConvolution<linalg::Conv2DNchwFchwOp,
                                                  linalg::Conv1DNcwFcwOp>
        downscale(rewriter.getContext());
    FailureOr<linalg::Conv1DNcwFcwOp> conv1d =
        downscale.returningMatchAndRewrite(conv, rewriter);
    if (failed(conv1d) || failed(linalg::vectorizeOpPrecondition(*conv1d)))
      return;
    tile = *conv1d;
    rewriter.setInsertionPoint(tile);
  }
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, tile);
  if (succeeded(vectorized))
    rewriter.replaceOp(tile, vectorized->replacements);
}

void kiln::cpu::vectorizeWorkgroups(func::FuncOp main) {
  SmallVector<linalg::LinalgOp> ops;
  main.walk([&](scf::ForallOp forall) {
    forall.getBody()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !isa<linalg::FillOp>(op))
        ops.push_back(op);
    });
  });
  DirectRewriter rewriter(main.getContext());
  for (linalg::LinalgOp op : ops)
    tileAndVectorize(rewriter, op);
  // Accumulators: a register tile's read and write of its output move out
  // of the reduction loop (on tensors, where nothing can alias them), inner
  // loops first. Only the tile loops inside workgroups: the time loop of a
  // recurrent network reads and rewrites its state at a fixed offset of an
  // iter_arg so that each step updates it in place, and hoisting that slice
  // would make the loop yield a new tensor, which one-shot bufferization
  // rejects.
  SmallVector<scf::ForOp> loops;
  main.walk([&](scf::ForallOp forall) {
    forall.getBody()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
  });
  for (scf::ForOp loop : loops)
    hoistLoopInvariantSubsets(rewriter, loop);
}

/// Moves a loop's read-modify-write of one vector (an accumulator) out of
/// the loop: the read before it, the value carried through iter_args, the
/// write after it. Only when nothing else in the loop touches the
/// accumulator's buffer.
static void hoistAccumulator(scf::ForOp loop) {
  vector::TransferReadOp read;
  vector::TransferWriteOp write;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (auto w = dyn_cast<vector::TransferWriteOp>(op)) {
      if (write)
        return;
      write = w;
    } else if (auto inner = dyn_cast<scf::ForOp>(op)) {
      // An inner loop that only reads (its accumulator already hoisted).
      bool writes = false;
      inner.walk([&](Operation *nested) {
        if (auto effects = dyn_cast<MemoryEffectOpInterface>(nested))
          writes |= effects.hasEffect<MemoryEffects::Write>();
      });
      if (writes)
        return;
    } else if (!isPure(&op) && !isa<vector::TransferReadOp>(op)) {
      return;
    }
  }
  if (!write || !isa<MemRefType>(write.getBase().getType()))
    return;
  Value root = getRootBuffer(write.getBase());
  for (Operation &op : loop.getBody()->without_terminator()) {
    auto r = dyn_cast<vector::TransferReadOp>(op);
    if (!r || getRootBuffer(r.getBase()) != root)
      continue;
    if (read || r.getBase() != write.getBase() ||
        r.getIndices() != write.getIndices() ||
        r.getVectorType() != write.getVectorType() ||
        r.getPermutationMap() != write.getPermutationMap())
      return;
    read = r;
  }
  if (!read || !loop.isDefinedOutsideOfLoop(write.getBase()) ||
      !llvm::all_of(write.getIndices(),
                    [&](Value v) { return loop.isDefinedOutsideOfLoop(v); }) ||
      !loop.isDefinedOutsideOfLoop(read.getPadding()))
    return;
  if (read.getMask() || write.getMask())
    return;
  IRRewriter rewriter(loop.getContext());
  // The read goes before the loop, its value becomes an iter_arg.
  read->moveBefore(loop);
  auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
      rewriter, read.getResult(), /*replaceInitOperandUsesInLoop=*/true,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
        return SmallVector<Value>{write.getVector()};
      }));
  // The write goes after the loop, with the loop's last value.
  write->moveAfter(newLoop);
  write.getValueToStoreMutable().assign(newLoop.getResults().back());
}

/// Loops over at most this many iterations (a 3x3 kernel's taps) that hold
/// vector code and no other loop are unrolled, twice over: a tile's nine
/// taps become straight-line code, without a branch and an index update
/// per tap.
constexpr int64_t kMaxUnrolledTrips = 4;

static void unrollShortVectorLoops(func::FuncOp fn) {
  for (int round = 0; round < 2; ++round) {
    SmallVector<scf::ForOp> loops;
    fn.walk([&](scf::ForOp loop) {
      std::optional<APInt> trips = loop.getStaticTripCount();
      bool innermost = true, vectors = false;
      loop.getBody()->walk([&](Operation *op) {
        innermost &= !isa<LoopLikeOpInterface>(op);
        vectors |= isa<vector::TransferReadOp>(op);
      });
      if (trips && trips->ugt(1) && trips->ule(kMaxUnrolledTrips) &&
          innermost && vectors)
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      (void)loopUnrollFull(loop);
  }
}

void kiln::cpu::hoistVectorTransfers(ModuleOp module) {
  module.walk([](func::FuncOp fn) {
    if (!fn->hasAttr("kiln.kernel"))
      return;
    SmallVector<scf::ForOp> loops;
    fn.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      hoistAccumulator(loop);
    unrollShortVectorLoops(fn);
  });
}
