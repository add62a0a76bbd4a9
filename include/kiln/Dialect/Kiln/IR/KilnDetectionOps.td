//===- KilnDetectionOps.td - detection and geometry operations -*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNDETECTIONOPS_TD
#define KILN_DIALECT_KILN_IR_KILNDETECTIONOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

def Kiln_NonMaxSuppressionOp : Kiln_InferredOp<"non_max_suppression"> {
  let summary = "select boxes by score, dropping those overlapping a kept box";
  let description = [{
    boxes [B, N, 4], scores [B, C, N]; `max_output_boxes_per_class` (i64),
    `iou_threshold` and `score_threshold` (f32) are 1-element tensors (the
    importer fills ONNX's absent ones with 0, 0 and -inf). The result is
    [?, 3] i64 rows (batch, class, box). `center_point_box` selects the
    [x_center, y_center, width, height] box encoding.
  }];
  let arguments = (ins Kiln_Tensor:$boxes, Kiln_Tensor:$scores,
                   Kiln_Tensor:$max_output_boxes_per_class,
                   Kiln_Tensor:$iou_threshold, Kiln_Tensor:$score_threshold,
                   BoolAttr:$center_point_box);
  let results = (outs Kiln_Tensor:$selected_indices);
}

def Kiln_RoiAlignOp : Kiln_InferredOp<"roi_align"> {
  let summary = "pool each region of interest to a fixed grid by bilinear sampling";
  let description = [{
    input [N, C, H, W], rois [R, 4], batch_indices [R]; the result is
    [R, C, output_height, output_width].
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$rois, Kiln_Tensor:$batch_indices,
                   StrAttr:$mode, StrAttr:$coordinate_transformation_mode,
                   ConfinedAttr<I64Attr, [IntPositive]>:$output_height,
                   ConfinedAttr<I64Attr, [IntPositive]>:$output_width,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$sampling_ratio,
                   F32Attr:$spatial_scale);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_MaxUnpoolOp : Kiln_InferredOp<"max_unpool"> {
  let summary = "scatter pooled values back to the positions their indices name";
  let description = [{
    `output_shape` is a 1-D i64 tensor with the full result shape (the
    importer computes it from kernel, strides and pads when the model gives
    none).
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$indices, Kiln_Tensor:$output_shape);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_MaxPoolIndicesOp : Kiln_InferredOp<"max_pool_indices"> {
  let summary = "the flat index of each window's maximum (MaxPool's second output)";
  let description = [{
    Same windows as `kiln.max_pool`; the result is i64 with the pooled shape.
    Indices flatten [N, C, D...] in row-major order, or with the spatial
    dimensions in column-major order when `column_major` is set.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Array:$kernel_shape,
                   Kiln_I64Array:$strides, Kiln_I64Array:$dilations,
                   Kiln_I64Array:$pads, BoolAttr:$ceil_mode, BoolAttr:$column_major);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_AffineGridOp : Kiln_InferredOp<"affine_grid"> {
  let summary = "sampling grids from batches of affine matrices";
  let description = [{
    theta [N, 2, 3] (or [N, 3, 4]) and `size` = [N, C, H, W] (or with D)
    give a grid [N, H, W, 2] (or [N, D, H, W, 3]).
  }];
  let arguments = (ins Kiln_Tensor:$theta, Kiln_Tensor:$size, BoolAttr:$align_corners);
  let results = (outs Kiln_Tensor:$grid);
}

def Kiln_Col2ImOp : Kiln_InferredOp<"col2im"> {
  let summary = "rearrange column blocks back into an image, summing overlaps";
  let description = [{
    input [N, C * prod(block_shape), L], `image_shape` and `block_shape`
    are 1-D i64 tensors; the result is [N, C, image_shape...].
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$image_shape,
                   Kiln_Tensor:$block_shape, Kiln_I64Array:$strides,
                   Kiln_I64Array:$dilations, Kiln_I64Array:$pads);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_RotaryEmbeddingOp : Kiln_InferredOp<"rotary_embedding"> {
  let summary = "rotate pairs of features by position-dependent angles";
  let description = [{
    input [B, S, hidden] or [B, heads, S, head_size]; cos/sin caches
    [max_pos, rotary_dim / 2] indexed by `position_ids` [B, S], or [B, S,
    rotary_dim / 2] directly when there are no position ids. `interleaved`
    pairs features (0, 1), (2, 3), ... instead of the two halves.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$cos_cache, Kiln_Tensor:$sin_cache,
                   Optional<Kiln_Tensor>:$position_ids, BoolAttr:$interleaved,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$num_heads,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$rotary_embedding_dim);
  let results = (outs Kiln_Tensor:$output);
}

#endif // KILN_DIALECT_KILN_IR_KILNDETECTIONOPS_TD
