//===- LayoutFolding.cpp - Transposes and reshapes read in place ----------===//

#include "LayoutFolding.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

/// Whether `value` is read, and only as an input of generics.
static bool isReadOnlyByGenerics(Value value) {
  return !value.use_empty() &&
         llvm::all_of(value.getUses(), [](OpOperand &use) {
           auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
           return generic && generic.isDpsInput(&use);
         });
}

/// Makes every generic reading `value` read `source` instead, indexed by
/// `remap` of the results of its map for `value`, and erases `value`'s op.
/// Does nothing, and returns false, where a reader would no longer index
/// one of its loops (a reduction over a unit dimension that only the
/// expansion had).
static bool
readInPlace(Value value, Value source,
            llvm::function_ref<SmallVector<AffineExpr>(AffineMap)> remap) {
  SmallVector<std::pair<OpOperand *, SmallVector<AffineMap>>> readers;
  for (OpOperand &use : value.getUses()) {
    auto generic = cast<linalg::GenericOp>(use.getOwner());
    AffineMap map = generic.getMatchingIndexingMap(&use);
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    maps[use.getOperandNumber()] = AffineMap::get(
        map.getNumDims(), map.getNumSymbols(), remap(map), map.getContext());
    if (!inversePermutation(concatAffineMaps(maps, map.getContext())))
      return false;
    readers.emplace_back(&use, std::move(maps));
  }
  for (auto &[use, maps] : readers) {
    auto generic = cast<linalg::GenericOp>(use->getOwner());
    OpBuilder b(generic);
    generic.setIndexingMapsAttr(b.getAffineMapArrayAttr(maps));
    use->set(source);
  }
  value.getDefiningOp()->erase();
  return true;
}

/// Whether every map of `op` is the identity and every loop is parallel:
/// each element of the result is computed from the inputs' elements at the
/// same position, whatever shape they are viewed in.
static bool isSameShapeElementwise(linalg::GenericOp op) {
  return op.getNumReductionLoops() == 0 && op->getNumResults() == 1 &&
         op.hasPureTensorSemantics() &&
         llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); });
}

/// For each dimension of an expansion's source, the result dimension that
/// carries its index, when every other result dimension is a static 1.
static std::optional<SmallVector<int64_t>>
unitExpansionSources(tensor::ExpandShapeOp expand) {
  ArrayRef<int64_t> shape = expand.getResultType().getShape();
  SmallVector<int64_t> carriers;
  for (const ReassociationIndices &group : expand.getReassociationIndices()) {
    auto nonUnit = llvm::make_filter_range(
        group, [&](int64_t dim) { return shape[dim] != 1; });
    int64_t count = llvm::range_size(nonUnit);
    if (count > 1)
      return std::nullopt;
    // A source dimension of size 1 is indexed by 0, as is each of its
    // group's (unit) result dimensions: any of them carries it.
    carriers.push_back(count == 1 ? *nonUnit.begin() : group.front());
  }
  return carriers;
}

/// Runs `op` on the unexpanded tensors when all its inputs are expanded by
/// the same unit dimensions (and its output and indices are not read), and
/// expands its result instead.
static void sinkExpansionPast(linalg::GenericOp op) {
  if (!isSameShapeElementwise(op) || op.getNumDpsInputs() == 0 ||
      op.hasIndexSemantics() ||
      op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
    return;
  auto first =
      op.getDpsInputOperand(0)->get().getDefiningOp<tensor::ExpandShapeOp>();
  if (!first || !unitExpansionSources(first))
    return;
  SmallVector<Value> sources;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto expand = input->get().getDefiningOp<tensor::ExpandShapeOp>();
    if (!expand || expand.getSrcType() != first.getSrcType() ||
        expand.getResultType() != first.getResultType() ||
        expand.getReassociationIndices() != first.getReassociationIndices())
      return;
    sources.push_back(expand.getSrc());
  }
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (resultType.getShape() != first.getResultType().getShape())
    return;
  auto sourceType = first.getSrcType().clone(resultType.getElementType());
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(b, loc, first.getSrc());
  Value init =
      tensor::EmptyOp::create(b, loc, sizes, sourceType.getElementType());
  AffineMap identity = b.getMultiDimIdentityMap(sourceType.getRank());
  auto sunk = linalg::GenericOp::create(
      b, loc, TypeRange{sourceType}, sources, ValueRange{init},
      SmallVector<AffineMap>(sources.size() + 1, identity),
      SmallVector<utils::IteratorType>(sourceType.getRank(),
                                       utils::IteratorType::parallel));
  sunk.getRegion().takeBody(op.getRegion());
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, resultType, sunk->getResult(0), first.getReassociationIndices(),
      first.getMixedOutputShape());
  op->getResult(0).replaceAllUsesWith(expanded);
  op.erase();
}

/// Makes the generics reading an expansion that only inserts unit
/// dimensions read its source instead.
static void foldUnitExpansion(tensor::ExpandShapeOp expand) {
  std::optional<SmallVector<int64_t>> carriers = unitExpansionSources(expand);
  if (!carriers || !isReadOnlyByGenerics(expand.getResult()))
    return;
  (void)readInPlace(expand.getResult(), expand.getSrc(), [&](AffineMap map) {
    SmallVector<AffineExpr> results;
    for (int64_t carrier : *carriers)
      results.push_back(map.getResult(carrier));
    return results;
  });
}

void kiln::cpu::sinkUnitExpansions(func::FuncOp function) {
  Block &body = function.getBody().front();
  // In program order: an expansion moved past one op then meets the next.
  for (Operation &op : llvm::make_early_inc_range(body))
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      sinkExpansionPast(generic);
  for (Operation &op : llvm::make_early_inc_range(body))
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
      foldUnitExpansion(expand);
}

/// Splits the loops of a generic that reads a transpose through a
/// collapse_shape (attention heads merged back into the hidden dimension
/// before the output projection) so that it reads the transpose itself, its
/// other operands expanded to match.
static void readTransposesUncollapsed(func::FuncOp main) {
  RewritePatternSet patterns(main.getContext());
  linalg::populateFoldReshapeOpsByExpansionPatterns(
      patterns, [](OpOperand *operand) {
        auto collapse = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
        auto transpose =
            collapse ? collapse.getSrc().getDefiningOp<linalg::TransposeOp>()
                     : nullptr;
        return transpose && isa<linalg::GenericOp>(operand->getOwner()) &&
               collapse->hasOneUse() && transpose->hasOneUse();
      });
  // Only these rewrites: no folding or constant merging across `main`.
  (void)applyPatternsGreedily(
      main, std::move(patterns),
      GreedyRewriteConfig().enableFolding(false).enableConstantCSE(false));
}

void kiln::cpu::foldTransposesIntoConsumers(func::FuncOp main) {
  readTransposesUncollapsed(main);
  SmallVector<linalg::TransposeOp> transposes(
      main.getBody().front().getOps<linalg::TransposeOp>());
  for (linalg::TransposeOp transpose : transposes) {
    Value result = transpose.getResult()[0];
    if (!isReadOnlyByGenerics(result))
      continue;
    // The transpose's dimension i is its input's dimension permutation[i]:
    // a reader's index for it indexes that input dimension instead.
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    // A permutation of a map's results indexes the same loops: always done.
    (void)readInPlace(result, transpose.getInput(), [&](AffineMap map) {
      SmallVector<AffineExpr> results(map.getNumResults());
      for (auto [i, p] : llvm::enumerate(permutation))
        results[p] = map.getResult(i);
      return results;
    });
  }
}
