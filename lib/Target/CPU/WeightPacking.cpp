//===- WeightPacking.cpp - Constant weights laid out for the kernels -----===//

#include "WeightPacking.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

/// Columns per panel: the register tile's width (two 512-bit vectors of
/// f32), so that one panel feeds one tile.
static constexpr int64_t kPanelColumns = 32;

/// The raw bytes of a constant's elements, if it has them (not a splat).
static std::optional<ArrayRef<char>> rawBytes(arith::ConstantOp constant) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    if (!dense.isSplat())
      return dense.getRawData();
  return std::nullopt;
}

/// The panels of the K x N (or, `transposed`, N x K) matrix `data`:
/// panels[p][k][j] = B[k][p * kPanelColumns + j], zero past column N.
static std::vector<char> packPanels(ArrayRef<char> data, int64_t k, int64_t n,
                                    bool transposed, int64_t elementBytes) {
  int64_t panels = llvm::divideCeil(n, kPanelColumns);
  std::vector<char> packed(panels * k * kPanelColumns * elementBytes, 0);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t r = 0; r < k; ++r)
      for (int64_t j = 0; j < kPanelColumns; ++j) {
        int64_t column = p * kPanelColumns + j;
        if (column >= n)
          break;
        int64_t from = transposed ? column * k + r : r * n + column;
        int64_t to = (p * k + r) * kPanelColumns + j;
        std::memcpy(packed.data() + to * elementBytes,
                    data.data() + from * elementBytes, elementBytes);
      }
  return packed;
}

/// Rewrites one contraction over a constant right-hand side, or leaves it.
static void packOne(IRRewriter &rewriter, linalg::GenericOp op) {
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->n.size() != 1 || dims->k.size() != 1 ||
      dims->m.empty() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return;
  unsigned n = dims->n.front(), k = dims->k.front();
  OpOperand *rhs = nullptr;
  for (OpOperand *input : op.getDpsInputOperands())
    if (op.getMatchingIndexingMap(input).isFunctionOfDim(n))
      rhs = input;
  if (!rhs)
    return;
  auto constant = rhs->get().getDefiningOp<arith::ConstantOp>();
  AffineMap rhsMap = op.getMatchingIndexingMap(rhs);
  auto rhsType = cast<RankedTensorType>(rhs->get().getType());
  if (!constant || rhsType.getRank() != 2 || !rhsType.hasStaticShape() ||
      rhsMap.getNumResults() != 2)
    return;
  bool transposed = rhsMap.getDimPosition(0) == n;
  if (rhsMap.getDimPosition(transposed ? 1 : 0) != k ||
      rhsMap.getDimPosition(transposed ? 0 : 1) != n)
    return;
  int64_t kSize = rhsType.getDimSize(transposed ? 1 : 0);
  int64_t nSize = rhsType.getDimSize(transposed ? 0 : 1);
  Type element = rhsType.getElementType();
  if (nSize <= kPanelColumns || !element.isIntOrFloat() ||
      element.getIntOrFloatBitWidth() % 8 != 0)
    return;
  // Columns past a multiple of the panel width are computed on zero
  // weights and sliced away.
  int64_t extra = llvm::alignTo(nSize, kPanelColumns) - nSize;
  // The output must keep n as its last dimension, so that splitting it is
  // a free reshape.
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  auto outType = cast<RankedTensorType>(init->get().getType());
  if (outMap.getNumResults() == 0 ||
      outMap.getResult(outMap.getNumResults() - 1) !=
          rewriter.getAffineDimExpr(n) ||
      !outMap.isProjectedPermutation() ||
      ShapedType::isDynamic(outType.getShape().back()))
    return;
  std::optional<ArrayRef<char>> data = rawBytes(constant);
  int64_t elementBytes = element.getIntOrFloatBitWidth() / 8;
  if (!data ||
      static_cast<int64_t>(data->size()) != kSize * nSize * elementBytes)
    return;

  // Loops: n becomes the panel loop and a new column loop j follows it.
  MLIRContext *ctx = op.getContext();
  unsigned numLoops = op.getNumLoops() + 1;
  auto shift = [&](AffineMap map) {
    SmallVector<AffineExpr> exprs;
    for (AffineExpr e : map.getResults()) {
      unsigned d = cast<AffineDimExpr>(e).getPosition();
      exprs.push_back(rewriter.getAffineDimExpr(d > n ? d + 1 : d));
      if (d == n && map == outMap)
        exprs.push_back(rewriter.getAffineDimExpr(n + 1));
    }
    return AffineMap::get(numLoops, 0, exprs, ctx);
  };
  int64_t panels = llvm::divideCeil(nSize, kPanelColumns);
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value initValue = init->get();
  if (extra) {
    SmallVector<int64_t> shape(outType.getShape());
    shape.back() += extra;
    SmallVector<OpFoldResult> low(outType.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> high = low;
    high.back() = rewriter.getIndexAttr(extra);
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(outType.getElementType()));
    initValue = tensor::PadOp::create(rewriter, loc, outType.clone(shape),
                                      initValue, low, high, zero);
  }
  auto packedType =
      RankedTensorType::get({panels, kSize, kPanelColumns}, element);
  std::vector<char> packed =
      packPanels(*data, kSize, nSize, transposed, elementBytes);
  Value packedWeights = arith::ConstantOp::create(
      rewriter, loc,
      DenseResourceElementsAttr::get(
          packedType, "kiln_packed_weights",
          HeapAsmResourceBlob::allocateAndCopyWithAlign(
              ArrayRef<char>(packed.data(), packed.size()), 64)));
  AffineMap packedMap =
      AffineMap::get(numLoops, 0,
                     {rewriter.getAffineDimExpr(n),
                      rewriter.getAffineDimExpr(k > n ? k + 1 : k),
                      rewriter.getAffineDimExpr(n + 1)},
                     ctx);

  SmallVector<int64_t> splitShape(outType.getShape());
  splitShape.back() = panels;
  splitShape.push_back(kPanelColumns);
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d + 1 < outType.getRank(); ++d)
    groups.push_back({d});
  groups.push_back({outType.getRank() - 1, outType.getRank()});
  auto splitType = RankedTensorType::get(splitShape, outType.getElementType());
  SmallVector<OpFoldResult> splitSizes;
  for (int64_t d = 0; d < static_cast<int64_t>(splitShape.size()); ++d)
    splitSizes.push_back(
        ShapedType::isDynamic(splitShape[d])
            ? OpFoldResult(tensor::DimOp::create(rewriter, loc, initValue, d))
            : OpFoldResult(rewriter.getIndexAttr(splitShape[d])));
  Value splitInit = tensor::ExpandShapeOp::create(
      rewriter, loc, splitType, initValue, groups, splitSizes);

  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *input : op.getDpsInputOperands()) {
    inputs.push_back(input == rhs ? packedWeights : input->get());
    maps.push_back(input == rhs ? packedMap
                                : shift(op.getMatchingIndexingMap(input)));
  }
  maps.push_back(shift(outMap));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  iterators.insert(iterators.begin() + n + 1, utils::IteratorType::parallel);
  auto packedOp =
      linalg::GenericOp::create(rewriter, loc, TypeRange{splitType}, inputs,
                                ValueRange{splitInit}, maps, iterators);
  rewriter.inlineRegionBefore(op.getRegion(), packedOp.getRegion(),
                              packedOp.getRegion().begin());
  Value result = tensor::CollapseShapeOp::create(
      rewriter, loc, cast<RankedTensorType>(initValue.getType()),
      packedOp.getResult(0), groups);
  if (extra) {
    SmallVector<OpFoldResult> offsets(outType.getRank(),
                                      rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(outType.getRank(),
                                      rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, init->get());
    result = tensor::ExtractSliceOp::create(rewriter, loc, outType, result,
                                            offsets, sizes, strides);
  }
  rewriter.replaceOp(op, result);
}

void kiln::cpu::packConstantWeights(func::FuncOp main) {
  IRRewriter rewriter(main.getContext());
  SmallVector<linalg::LinalgOp> ops;
  main.walk([&](linalg::LinalgOp op) {
    if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::GenericOp>(op) &&
        op.hasPureTensorSemantics() && linalg::isaContractionOpInterface(op))
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    bool constantOperand = llvm::any_of(op.getDpsInputs(), [](Value v) {
      return v.getDefiningOp<arith::ConstantOp>() != nullptr;
    });
    if (!constantOperand)
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
      if (failed(g))
        continue;
      generic = *g;
    }
    packOne(rewriter, generic);
  }
}
