//===- KilnTensorOps.td - data movement and shape operations -*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNTENSOROPS_TD
#define KILN_DIALECT_KILN_IR_KILNTENSOROPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike, Pure,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "a constant tensor";
  let description = [{
    Weights imported from a model are `dense_resource` blobs, so they are
    never printed as text; small constants (shapes, scalars) are `dense`
    so that folders can read them.

    ```mlir
    %0 = kiln.constant dense<[1, 3, 224, 224]> : tensor<4xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Kiln_ShapeOp : Kiln_InferredOp<"shape"> {
  let summary = "the dimensions [start, end) of the operand as a 1-D i64 tensor";
  let arguments = (ins Kiln_Tensor:$input, ConfinedAttr<I64Attr, [IntNonNegative]>:$start,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$end);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_SizeOp : Kiln_InferredOp<"size"> {
  let summary = "the number of elements of the operand as a 0-d i64 tensor";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_ReshapeOp : Kiln_InferredOp<"reshape"> {
  let summary = "reinterpret the elements with a new shape";
  let description = [{
    `shape` is a 1-D integer tensor holding the result's dimensions. One
    entry may be -1 (inferred from the element count). An entry 0 copies the
    input's dimension at the same index unless `allowzero` is set, in which
    case it is a literal zero. When `shape` is a constant the importer has
    already resolved both rules, and the result type is static where the
    input's is.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$shape, BoolAttr:$allowzero);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_FlattenOp : Kiln_InferredOp<"flatten"> {
  let summary = "reshape to 2-D: dimensions before `axis` and from `axis` on";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Axis:$axis);
  let results = (outs Kiln_Tensor:$output);
}

class Kiln_AxesShapeOp<string mnemonic, string summaryText>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let description = [{
    The axes are an attribute (sorted, unique, non-negative) when known at
    compile time, else a 1-D integer operand with ONNX's meaning.
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_Tensor>:$dynamic_axes,
                   OptionalAttr<Kiln_I64Array>:$axes);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_SqueezeOp : Kiln_AxesShapeOp<"squeeze", "remove the size-1 dimensions at `axes`">;
def Kiln_UnsqueezeOp : Kiln_AxesShapeOp<"unsqueeze",
    "insert size-1 dimensions at `axes` (indices into the result)">;

def Kiln_TransposeOp : Kiln_InferredOp<"transpose"> {
  let summary = "permute the dimensions: result dim i is input dim perm[i]";
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Array:$perm);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ConcatOp : Kiln_InferredOp<"concat"> {
  let summary = "join tensors along an axis";
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, Kiln_Axis:$axis);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_SplitOp : Kiln_Op<"split", [Pure]> {
  let summary = "split a tensor along an axis into pieces of the given sizes";
  let description = [{
    `sizes` is a 1-D integer tensor with one entry per result. Result types
    are given by the builder (their number is not derivable from operands).
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$sizes, Kiln_Axis:$axis);
  let results = (outs Variadic<Kiln_Tensor>:$outputs);
  let hasVerifier = 1;
}

def Kiln_SliceOp : Kiln_InferredOp<"slice"> {
  let summary = "strided slice with ONNX's clamping rules";
  let description = [{
    `starts`, `ends`, `axes` and `steps` are 1-D integer tensors of equal
    length. Starts and ends are clamped to the dimension; negative values
    count from the end; a negative step walks backwards. When all four are
    constants the result type is static where the input's is.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$starts, Kiln_Tensor:$ends,
                   Kiln_Tensor:$axes, Kiln_Tensor:$steps);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_InferredOp<"gather"> {
  let summary = "take entries of `data` along `axis` at `indices`";
  let description = [{
    Result shape: data.shape[:axis] + indices.shape + data.shape[axis+1:].
    Negative indices count from the end of the axis.
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_Tensor:$indices, Kiln_Axis:$axis);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_GatherElementsOp : Kiln_InferredOp<"gather_elements"> {
  let summary = "element-wise gather along `axis`; the result has the indices' shape";
  let arguments = (ins Kiln_Tensor:$data, Kiln_Tensor:$indices, Kiln_Axis:$axis);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_GatherNDOp : Kiln_InferredOp<"gather_nd"> {
  let summary = "gather slices addressed by the last dimension of `indices`";
  let arguments = (ins Kiln_Tensor:$data, Kiln_Tensor:$indices,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$batch_dims);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ScatterElementsOp : Kiln_InferredOp<"scatter_elements"> {
  let summary = "a copy of `data` with `updates` written (or combined) at `indices` along `axis`";
  let arguments = (ins Kiln_Tensor:$data, Kiln_Tensor:$indices, Kiln_Tensor:$updates,
                   Kiln_Axis:$axis, StrAttr:$reduction);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

def Kiln_ScatterNDOp : Kiln_InferredOp<"scatter_nd"> {
  let summary = "a copy of `data` with slices of `updates` written at N-d `indices`";
  let arguments = (ins Kiln_Tensor:$data, Kiln_Tensor:$indices, Kiln_Tensor:$updates,
                   StrAttr:$reduction);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

def Kiln_ExpandOp : Kiln_InferredOp<"expand"> {
  let summary = "broadcast the input against `shape` (numpy rules)";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$shape);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_TileOp : Kiln_InferredOp<"tile"> {
  let summary = "repeat the input `repeats[i]` times along dimension i";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$repeats);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_PadOp : Kiln_InferredOp<"pad"> {
  let summary = "pad every dimension; `pads` holds all begins, then all ends";
  let description = [{
    `pads` is a 1-D integer tensor of 2 * rank entries (negative values
    crop). `value` is a 0-d tensor used in "constant" mode. `mode` is one
    of "constant", "reflect", "edge" or "wrap".
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$pads, Kiln_Tensor:$value,
                   StrAttr:$mode);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

def Kiln_ResizeOp : Kiln_InferredOp<"resize", [AttrSizedOperandSegments]> {
  let summary = "resample the input to new spatial sizes";
  let description = [{
    Exactly one of `scales` (float, one per dimension) and `sizes` (integer,
    one per dimension) is present; `roi` only matters for
    "tf_crop_and_resize". The attributes carry ONNX's names and meanings
    with every default filled in.
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_Tensor>:$roi,
                   Optional<Kiln_Tensor>:$scales, Optional<Kiln_Tensor>:$sizes,
                   StrAttr:$mode, StrAttr:$coordinate_transformation_mode,
                   StrAttr:$nearest_mode, F32Attr:$cubic_coeff_a,
                   BoolAttr:$exclude_outside, F32Attr:$extrapolation_value,
                   BoolAttr:$antialias);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

def Kiln_DepthToSpaceOp : Kiln_InferredOp<"depth_to_space"> {
  let summary = "move channel blocks into spatial blocks (DCR or CRD order)";
  let arguments = (ins Kiln_Tensor:$input, ConfinedAttr<I64Attr, [IntPositive]>:$blocksize,
                   BoolAttr:$column_row_depth);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_SpaceToDepthOp : Kiln_InferredOp<"space_to_depth"> {
  let summary = "move spatial blocks into channels";
  let arguments = (ins Kiln_Tensor:$input, ConfinedAttr<I64Attr, [IntPositive]>:$blocksize);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ConstantOfShapeOp : Kiln_InferredOp<"constant_of_shape"> {
  let summary = "a tensor of the given shape filled with one value";
  let arguments = (ins Kiln_Tensor:$shape, ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_RangeOp : Kiln_InferredOp<"range"> {
  let summary = "start, start + delta, ... up to (excluding) limit";
  let arguments = (ins Kiln_Tensor:$start, Kiln_Tensor:$limit, Kiln_Tensor:$delta);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_EinsumOp : Kiln_InferredOp<"einsum"> {
  let summary = "Einstein summation with an explicit output";
  let description = [{
    The equation always has an explicit `->` output (the importer writes
    ONNX's implicit form out); ellipses are supported.
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_TriluOp : Kiln_InferredOp<"trilu"> {
  let summary = "keep the upper or lower triangle of the last two dimensions";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$k, BoolAttr:$upper);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_OneHotOp : Kiln_InferredOp<"one_hot"> {
  let summary = "one-hot encode indices along a new axis";
  let arguments = (ins Kiln_Tensor:$indices, Kiln_Tensor:$depth, Kiln_Tensor:$values,
                   Kiln_Axis:$axis);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_NonZeroOp : Kiln_InferredOp<"non_zero"> {
  let summary = "indices of the non-zero elements, one column per element";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_UniqueOp : Kiln_InferredOp<"unique"> {
  let summary = "the distinct elements (or slices along an axis) and where they occur";
  let description = [{
    Results: the unique values (flattened, or slices along `axis` when it is
    set), the first index of each, the inverse mapping of every input
    element (or slice), and the counts; the last three are i64.
  }];
  let arguments = (ins Kiln_Tensor:$input, OptionalAttr<Kiln_Axis>:$axis, BoolAttr:$sorted);
  let results = (outs Kiln_Tensor:$values, Kiln_Tensor:$indices,
                      Kiln_Tensor:$inverse_indices, Kiln_Tensor:$counts);
}

def Kiln_CompressOp : Kiln_InferredOp<"compress"> {
  let summary = "keep the slices along `axis` (or the flattened elements) whose condition holds";
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$condition,
                   OptionalAttr<Kiln_Axis>:$axis);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_EyeLikeOp : Kiln_InferredOp<"eye_like"> {
  let summary = "a 2-D tensor of the input's shape with ones on diagonal `k`";
  let arguments = (ins Kiln_Tensor:$input, TypeAttr:$dtype, I64Attr:$k);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_BitCastOp : Kiln_InferredOp<"bit_cast"> {
  let summary = "reinterpret each element's bits as another type of the same width";
  let arguments = (ins Kiln_Tensor:$input, TypeAttr:$dtype);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_DetOp : Kiln_InferredOp<"det"> {
  let summary = "determinants of the square matrices in the last two dimensions";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_TfIdfVectorizerOp : Kiln_InferredOp<"tfidf_vectorizer"> {
  let summary = "n-gram counts (TF, IDF or TF-IDF) of integer token sequences";
  let description = [{
    input [C] or [N, C] of integer tokens; the result is f32 [max index + 1]
    or [N, max index + 1]. The attributes are ONNX's, with integer pools
    only (string pools are not supported).
  }];
  let arguments = (ins Kiln_Tensor:$input, StrAttr:$mode,
                   I64Attr:$min_gram_length, I64Attr:$max_gram_length,
                   I64Attr:$max_skip_count, Kiln_I64Array:$ngram_counts,
                   Kiln_I64Array:$ngram_indexes, Kiln_I64Array:$pool_int64s,
                   OptionalAttr<DenseF32ArrayAttr>:$weights);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_GridSampleOp : Kiln_InferredOp<"grid_sample"> {
  let summary = "sample the input at the normalized coordinates of a grid";
  let description = [{
    Input [N, C, D1...Dk], grid [N, O1...Ok, k] with coordinates in [-1, 1];
    the result is [N, C, O1...Ok]. `mode` is "linear", "nearest" or "cubic"
    (opset 16's "bilinear"/"bicubic" are renamed by the importer);
    `padding_mode` is "zeros", "border" or "reflection".
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$grid, StrAttr:$mode,
                   StrAttr:$padding_mode, BoolAttr:$align_corners);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

#endif // KILN_DIALECT_KILN_IR_KILNTENSOROPS_TD
