//===- Parallelization.cpp - Splitting ops into workgroups ----------------===//

#include "Parallelization.h"
#include "Vectorization.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace kiln::cpu;

/// Tile sizes over the op's loops: outer parallel loops get tiles that cut
/// them into about `target` pieces in all; a dynamic loop (a symbolic batch)
/// is cut into single iterations.
static SmallVector<int64_t> chooseTileSizes(linalg::LinalgOp op, int64_t target,
                                            int64_t minWorkPerGroup) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> tiles(ranges.size(), 0);
  SmallVector<int64_t> registerTile = chooseRegisterTile(op);
  int64_t work = 1;
  for (int64_t r : ranges)
    work *= ShapedType::isDynamic(r) ? 1 : std::max<int64_t>(r, 1);
  // Not worth a trip through the thread pool.
  if (work < 2 * minWorkPerGroup)
    return tiles;
  int64_t remaining = std::min(target, work / minWorkPerGroup);
  int tiled = 0;
  SmallVector<int64_t> order =
      getStreamingLoopOrder(op).value_or(llvm::to_vector(
          llvm::seq<int64_t>(0, static_cast<int64_t>(ranges.size()))));
  for (int64_t d : order) {
    if (remaining <= 1 || tiled >= 3)
      break;
    if (iterators[d] != utils::IteratorType::parallel)
      continue;
    if (ShapedType::isDynamic(ranges[d])) {
      tiles[d] = 1;
      ++tiled;
      continue;
    }
    if (ranges[d] <= 1)
      continue;
    int64_t pieces = std::min(ranges[d], remaining);
    int64_t size = (ranges[d] + pieces - 1) / pieces;
    // Whole register tiles per workgroup, so that no workgroup is left
    // with a scalar remainder.
    if (d < registerTile.size() && registerTile[d] > 1) {
      int64_t step = registerTile[d];
      size = (size + step - 1) / step * step;
      // And the same size for every workgroup where a slightly larger one
      // divides the loop: a partial last workgroup would have a dynamic
      // extent, and its register tiles would not vectorize.
      // (Else a smaller one: more workgroups, each whole.)
      auto divides = [&](int64_t candidate) {
        return ranges[d] % candidate == 0;
      };
      int64_t even = size;
      while (even <= 2 * size && even <= ranges[d] && !divides(even))
        even += step;
      if (even > 2 * size || even > ranges[d] || !divides(even))
        for (even = size; even > step && !divides(even);)
          even -= step;
      if (divides(even))
        size = even;
    }
    tiles[d] = size;
    remaining /= (ranges[d] + size - 1) / size;
    ++tiled;
  }
  return tiles;
}

/// Whether `op` only computes the initial value of one other op's output
/// (a fill, or a bias broadcast), which that op's workgroups can compute
/// tile by tile themselves.
static bool isOutputInitializer(Operation *op) {
  if (!isa<linalg::FillOp, linalg::BroadcastOp>(op) ||
      !op->getResult(0).hasOneUse())
    return false;
  OpOperand &use = *op->getResult(0).getUses().begin();
  auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
  return consumer && consumer.isDpsInit(&use);
}

/// The initial value `init` computes, for the tile `slice` of it only.
static Value initializeTile(RewriterBase &rewriter, Operation *init,
                            tensor::ExtractSliceOp slice) {
  Location loc = init->getLoc();
  if (auto fill = dyn_cast<linalg::FillOp>(init))
    return linalg::FillOp::create(rewriter, loc, fill.value(),
                                  slice.getResult())
        .getResult(0);
  // A broadcast: the tile of its input under the slice's kept dimensions.
  auto broadcast = cast<linalg::BroadcastOp>(init);
  SmallVector<OpFoldResult> offsets, sizes, strides;
  for (int64_t d = 0; d < slice.getSourceType().getRank(); ++d) {
    if (llvm::is_contained(broadcast.getDimensions(), d))
      continue;
    offsets.push_back(slice.getMixedOffsets()[d]);
    sizes.push_back(slice.getMixedSizes()[d]);
    strides.push_back(slice.getMixedStrides()[d]);
  }
  Value input = tensor::ExtractSliceOp::create(
      rewriter, loc, broadcast.getInput(), offsets, sizes, strides);
  return linalg::BroadcastOp::create(rewriter, loc, input, slice.getResult(),
                                     broadcast.getDimensions())
      ->getResult(0);
}

/// An initializer (isOutputInitializer) of a workgroup loop's output is
/// computed by each workgroup on its own tile, just before use, instead of
/// in a pass of its own over the whole tensor.
static void sinkOutputInitializers(RewriterBase &rewriter,
                                   scf::ForallOp forall) {
  for (auto [init, arg] :
       llvm::zip(forall.getOutputsMutable(), forall.getRegionIterArgs())) {
    Operation *initializer = init.get().getDefiningOp();
    if (!initializer ||
        !isa<linalg::FillOp, linalg::BroadcastOp>(initializer) ||
        !initializer->getResult(0).hasOneUse())
      continue;
    auto slices = llvm::to_vector(
        llvm::make_filter_range(arg.getUsers(), [](Operation *user) {
          auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
          return slice && slice.getSourceType().getRank() ==
                              slice.getResultType().getRank();
        }));
    // Every tile read must be initialized (the results' insertion into
    // the shared output is no read).
    bool allTilesSliced = llvm::all_of(arg.getUsers(), [&](Operation *user) {
      return isa<tensor::ParallelInsertSliceOp>(user) ||
             llvm::is_contained(slices, user);
    });
    if (!allTilesSliced && isa<linalg::BroadcastOp>(initializer))
      continue;
    for (Operation *user : slices) {
      auto slice = cast<tensor::ExtractSliceOp>(user);
      rewriter.setInsertionPointAfter(slice);
      Value initialized = initializeTile(rewriter, initializer, slice);
      rewriter.replaceAllUsesExcept(slice.getResult(), initialized,
                                    initialized.getDefiningOp());
    }
    auto dps = cast<DestinationStyleOpInterface>(initializer);
    Value empty = dps.getDpsInitOperand(0)->get();
    rewriter.modifyOpInPlace(forall, [&] { init.set(empty); });
    rewriter.eraseOp(initializer);
  }
}

LogicalResult kiln::cpu::distributeToWorkgroups(func::FuncOp main,
                                                int64_t targetWorkgroups,
                                                int64_t minWorkPerGroup) {
  SmallVector<linalg::LinalgOp> ops;
  for (Operation &op : main.getBody().front()) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || !linalgOp.hasPureTensorSemantics())
      continue;
    // Initial values of another op's output are fused into that op's
    // workgroups.
    if (isOutputInitializer(&op))
      continue;
    ops.push_back(linalgOp);
  }
  IRRewriter rewriter(main.getContext());
  for (linalg::LinalgOp op : ops) {
    SmallVector<int64_t> tiles =
        chooseTileSizes(op, targetWorkgroups, minWorkPerGroup);
    if (llvm::all_of(tiles, [](int64_t t) { return t == 0; }))
      continue;
    scf::SCFTilingOptions options;
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    options.setTileSizes(getAsIndexOpFoldResult(main.getContext(), tiles));
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return op.emitError("kiln CPU codegen: cannot split this op into "
                          "workgroups");
    rewriter.replaceOp(op, tiled->replacements);
    for (LoopLikeOpInterface loop : tiled->loops)
      if (auto forall = dyn_cast<scf::ForallOp>(loop.getOperation()))
        sinkOutputInitializers(rewriter, forall);
  }
  return success();
}
