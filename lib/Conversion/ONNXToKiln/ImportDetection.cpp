//===- ImportDetection.cpp - detection and geometry ONNX ops --------------===//

#include "GraphImporter.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

LogicalResult importNonMaxSuppression(NodeImporter &n) {
  FailureOr<Value> boxes = n.requiredInput(0), scores = n.requiredInput(1);
  if (failed(boxes) || failed(scores))
    return failure();
  Type f32 = n.b.getF32Type();
  Value maxBoxes = n.input(2) ? n.input(2) : n.scalarI64(0);
  Value iou = n.input(3) ? n.input(3) : n.scalar(f32, 0.0);
  Value score = n.input(4)
                    ? n.input(4)
                    : n.scalar(f32, -std::numeric_limits<double>::infinity());
  return n.setResult(n.create1<NonMaxSuppressionOp>(
      *boxes, *scores, maxBoxes, iou, score,
      n.boolAttr(n.getInt("center_point_box", 0) != 0)));
}

LogicalResult importRoiAlign(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), rois = n.requiredInput(1),
                   indices = n.requiredInput(2);
  if (failed(x) || failed(rois) || failed(indices))
    return failure();
  // Opset 10 samples without the half-pixel shift that opset 16 defaults to.
  std::string coordinates =
      n.getString("coordinate_transformation_mode",
                  n.opset < 16 ? "output_half_pixel" : "half_pixel");
  return n.setResult(n.create1<RoiAlignOp>(
      *x, *rois, *indices, n.strAttr(n.getString("mode", "avg")),
      n.strAttr(coordinates), n.i64Attr(n.getInt("output_height", 1)),
      n.i64Attr(n.getInt("output_width", 1)),
      n.i64Attr(n.getInt("sampling_ratio", 0)),
      n.f32Attr(n.getFloat("spatial_scale", 1.0f))));
}

LogicalResult importMaxUnpool(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), indices = n.requiredInput(1);
  if (failed(x) || failed(indices))
    return failure();
  Value outputShape = n.input(2);
  if (!outputShape) {
    RankedTensorType type = n.inputType(0);
    int64_t spatial = type.getRank() - 2;
    auto kernel = n.getInts("kernel_shape");
    if (!kernel || (int64_t)kernel->size() != spatial)
      return n.fail("kernel_shape must have one entry per spatial dimension");
    auto strides =
        n.getInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
    auto pads =
        n.getInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
    if ((int64_t)strides.size() != spatial ||
        (int64_t)pads.size() != 2 * spatial)
      return n.fail("strides and pads must match the spatial dimensions");
    if (!type.hasStaticShape())
      return n.fail(
          "the default output shape needs a static input shape; pin it "
          "with --input-shape");
    SmallVector<int64_t> shape(type.getShape().take_front(2));
    for (int64_t i = 0; i < spatial; ++i) {
      // (in - 1) * stride + kernel - pads, each step checked for overflow.
      int64_t extent;
      if (llvm::MulOverflow(type.getDimSize(2 + i) - 1, strides[i], extent) ||
          llvm::AddOverflow(extent, (*kernel)[i], extent) ||
          llvm::SubOverflow(extent, pads[i], extent) ||
          llvm::SubOverflow(extent, pads[spatial + i], extent) || extent < 0)
        return n.fail("the default output shape of spatial dimension " +
                      llvm::Twine(i) + " is negative or too large");
      shape.push_back(extent);
    }
    outputShape = n.constI64(shape);
  }
  return n.setResult(n.create1<MaxUnpoolOp>(*x, *indices, outputShape));
}

LogicalResult importAffineGrid(NodeImporter &n) {
  FailureOr<Value> theta = n.requiredInput(0), size = n.requiredInput(1);
  if (failed(theta) || failed(size))
    return failure();
  return n.setResult(n.create1<AffineGridOp>(
      *theta, *size, n.boolAttr(n.getInt("align_corners", 0) != 0)));
}

LogicalResult importCol2Im(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), image = n.requiredInput(1),
                   block = n.requiredInput(2);
  if (failed(x) || failed(image) || failed(block))
    return failure();
  std::optional<int64_t> spatial;
  if (auto type = n.inputType(1); type.getRank() == 1 && !type.isDynamicDim(0))
    spatial = type.getDimSize(0);
  if (!spatial)
    return n.fail("image_shape must be 1-D with a static length");
  return n.setResult(n.create1<Col2ImOp>(
      *x, *image, *block,
      n.i64ArrayAttr(
          n.getInts("strides").value_or(SmallVector<int64_t>(*spatial, 1))),
      n.i64ArrayAttr(
          n.getInts("dilations").value_or(SmallVector<int64_t>(*spatial, 1))),
      n.i64ArrayAttr(
          n.getInts("pads").value_or(SmallVector<int64_t>(2 * *spatial, 0)))));
}

LogicalResult importRotaryEmbedding(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), cos = n.requiredInput(1),
                   sin = n.requiredInput(2);
  if (failed(x) || failed(cos) || failed(sin))
    return failure();
  return n.setResult(n.create1<RotaryEmbeddingOp>(
      *x, *cos, *sin, n.input(3), n.boolAttr(n.getInt("interleaved", 0) != 0),
      n.i64Attr(n.getInt("num_heads", 0)),
      n.i64Attr(n.getInt("rotary_embedding_dim", 0))));
}

} // namespace

void registerDetectionHandlers(OpRegistry &r) {
  r.add("NonMaxSuppression", 10, importNonMaxSuppression);
  r.add("RoiAlign", 10, importRoiAlign);
  r.add("MaxUnpool", 9, importMaxUnpool);
  r.add("AffineGrid", 20, importAffineGrid);
  r.add("Col2Im", 18, importCol2Im);
  r.add("RotaryEmbedding", 23, importRotaryEmbedding);
}

} // namespace kiln::onnx_import
