//===- KilnDetectionOps.cpp - detection and geometry operations -----------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

LogicalResult NonMaxSuppressionOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  RankedTensorType boxes = tensorType(adaptor.getBoxes());
  RankedTensorType scores = tensorType(adaptor.getScores());
  if (boxes.getRank() != 3 || scores.getRank() != 3)
    return inferenceError(loc, "boxes must be [B, N, 4] and scores [B, C, N]");
  if (!boxes.isDynamicDim(2) && boxes.getDimSize(2) != 4)
    return inferenceError(loc, "boxes must have 4 coordinates, got ",
                          boxes.getDimSize(2));
  for (Value v : {adaptor.getMaxOutputBoxesPerClass(),
                  adaptor.getIouThreshold(), adaptor.getScoreThreshold()})
    if (getStaticLength(v) != std::optional<int64_t>(1))
      return inferenceError(
          loc, "the limit and thresholds must hold one value each");
  inferred.push_back(i64Tensor(ctx, {kDynamic, 3}));
  return success();
}

LogicalResult RoiAlignOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  RankedTensorType rois = tensorType(adaptor.getRois());
  if (input.getRank() != 4 || rois.getRank() != 2 ||
      tensorType(adaptor.getBatchIndices()).getRank() != 1)
    return inferenceError(loc, "input must be [N, C, H, W], rois [R, 4] and "
                               "batch_indices [R]");
  if (!llvm::is_contained({"avg", "max"}, adaptor.getMode()))
    return inferenceError(loc, "mode must be avg or max");
  inferred.push_back(input.clone({rois.getDimSize(0), input.getDimSize(1),
                                  (int64_t)adaptor.getOutputHeight(),
                                  (int64_t)adaptor.getOutputWidth()}));
  return success();
}

LogicalResult MaxUnpoolOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (tensorType(adaptor.getIndices()).getShape() != input.getShape() &&
      failed(verifyCompatibleShape(tensorType(adaptor.getIndices()).getShape(),
                                   input.getShape())))
    return inferenceError(loc, "indices must have the input's shape");
  if (getStaticLength(adaptor.getOutputShape()) !=
      std::optional<int64_t>(input.getRank()))
    return inferenceError(loc,
                          "output_shape must have one entry per dimension");
  SmallVector<int64_t> shape(input.getRank(), kDynamic);
  if (auto dims = getConstantInts(adaptor.getOutputShape())) {
    if (llvm::any_of(*dims, [](int64_t d) { return d < 0; }))
      return inferenceError(loc, "output_shape entries must be non-negative");
    shape.assign(dims->begin(), dims->end());
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult AffineGridOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  RankedTensorType theta = tensorType(adaptor.getTheta());
  std::optional<int64_t> length = getStaticLength(adaptor.getSize());
  if (theta.getRank() != 3 || !length || (*length != 4 && *length != 5))
    return inferenceError(loc, "theta must be [N, 2, 3] or [N, 3, 4] and size "
                               "have 4 or 5 entries");
  int64_t spatial = *length - 2;
  SmallVector<int64_t> shape(*length, kDynamic); // [N, spatial..., k]
  shape.back() = spatial;
  if (auto size = getConstantInts(adaptor.getSize())) {
    if (llvm::any_of(*size, [](int64_t d) { return d < 0; }))
      return inferenceError(loc, "size entries must be non-negative");
    shape[0] = (*size)[0];
    for (int64_t i = 0; i < spatial; ++i)
      shape[1 + i] = (*size)[2 + i];
  }
  inferred.push_back(theta.clone(shape));
  return success();
}

LogicalResult Col2ImOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  std::optional<int64_t> spatial = getStaticLength(adaptor.getImageShape());
  if (input.getRank() != 3 || !spatial ||
      getStaticLength(adaptor.getBlockShape()) != spatial)
    return inferenceError(loc,
                          "input must be [N, C * block, L] and image_shape "
                          "and block_shape of one static length");
  if (failed(checkArraySize(loc, "strides", adaptor.getStrides(), *spatial)) ||
      failed(
          checkArraySize(loc, "dilations", adaptor.getDilations(), *spatial)) ||
      failed(checkArraySize(loc, "pads", adaptor.getPads(), 2 * *spatial)))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), kDynamic};
  shape.append(*spatial, kDynamic);
  if (auto image = getConstantInts(adaptor.getImageShape()))
    std::copy(image->begin(), image->end(), shape.begin() + 2);
  if (auto block = getConstantInts(adaptor.getBlockShape())) {
    int64_t blockSize = 1;
    for (int64_t b : *block)
      blockSize *= b;
    int64_t channels = input.getDimSize(1);
    if (!ShapedType::isDynamic(channels) && blockSize > 0) {
      if (channels % blockSize != 0)
        return inferenceError(loc, "input dimension 1 (", channels,
                              ") is not a multiple of the block size (",
                              blockSize, ")");
      shape[1] = channels / blockSize;
    }
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult
RotaryEmbeddingOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() != 3 && input.getRank() != 4)
    return inferenceError(
        loc, "input must be [B, S, hidden] or [B, heads, S, head_size]");
  if (input.getRank() == 3 && adaptor.getNumHeads() == 0)
    return inferenceError(loc, "3-D input needs num_heads");
  if (tensorType(adaptor.getCosCache()).getShape() !=
      tensorType(adaptor.getSinCache()).getShape())
    return inferenceError(loc, "cos and sin caches must have the same shape");
  inferred.push_back(input);
  return success();
}
