// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Errors of the detection, geometry, random and data-dependent ops. Errors
// from result-type inference come with "failed to infer returned types".

func.func @nms_boxes(%b: tensor<1x6x3xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  // expected-error@+2 {{boxes must have 4 coordinates, got 3}}
  // expected-error@+1 {{'kiln.non_max_suppression' op failed to infer returned types}}
  %0 = kiln.non_max_suppression %b, %s, %m, %t, %t {center_point_box = false} : (tensor<1x6x3xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @nms_rank(%b: tensor<6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  // expected-error@+2 {{boxes must be [B, N, 4] and scores [B, C, N]}}
  // expected-error@+1 {{'kiln.non_max_suppression' op failed to infer returned types}}
  %0 = kiln.non_max_suppression %b, %s, %m, %t, %t {center_point_box = false} : (tensor<6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @nms_thresholds(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<2xi64>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  // expected-error@+2 {{the limit and thresholds must hold one value each}}
  // expected-error@+1 {{'kiln.non_max_suppression' op failed to infer returned types}}
  %0 = kiln.non_max_suppression %b, %s, %m, %t, %t {center_point_box = false} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<2xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @roi_align_rank(%x: tensor<1x3x8x8xf32>, %r: tensor<4xf32>, %i: tensor<1xi64>) -> tensor<1x3x2x2xf32> {
  // expected-error@+2 {{input must be [N, C, H, W], rois [R, 4] and batch_indices [R]}}
  // expected-error@+1 {{'kiln.roi_align' op failed to infer returned types}}
  %0 = kiln.roi_align %x, %r, %i {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32} : (tensor<1x3x8x8xf32>, tensor<4xf32>, tensor<1xi64>) -> tensor<1x3x2x2xf32>
  return %0 : tensor<1x3x2x2xf32>
}

// -----

func.func @roi_align_mode(%x: tensor<1x3x8x8xf32>, %r: tensor<1x4xf32>, %i: tensor<1xi64>) -> tensor<1x3x2x2xf32> {
  // expected-error@+2 {{mode must be avg or max}}
  // expected-error@+1 {{'kiln.roi_align' op failed to infer returned types}}
  %0 = kiln.roi_align %x, %r, %i {coordinate_transformation_mode = "half_pixel", mode = "min", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32} : (tensor<1x3x8x8xf32>, tensor<1x4xf32>, tensor<1xi64>) -> tensor<1x3x2x2xf32>
  return %0 : tensor<1x3x2x2xf32>
}

// -----

func.func @max_unpool_indices(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x3xi64>, %s: tensor<4xi64>) -> tensor<?x?x?x?xf32> {
  // expected-error@+2 {{indices must have the input's shape}}
  // expected-error@+1 {{'kiln.max_unpool' op failed to infer returned types}}
  %0 = kiln.max_unpool %x, %i, %s : (tensor<1x1x2x2xf32>, tensor<1x1x2x3xi64>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @max_unpool_shape(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>, %s: tensor<3xi64>) -> tensor<?x?x?x?xf32> {
  // expected-error@+2 {{output_shape must have one entry per dimension}}
  // expected-error@+1 {{'kiln.max_unpool' op failed to infer returned types}}
  %0 = kiln.max_unpool %x, %i, %s : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<3xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @affine_grid_size(%t: tensor<1x2x3xf32>, %s: tensor<3xi64>) -> tensor<?x?x?x2xf32> {
  // expected-error@+2 {{theta must be [N, 2, 3] or [N, 3, 4] and size have 4 or 5 entries}}
  // expected-error@+1 {{'kiln.affine_grid' op failed to infer returned types}}
  %0 = kiln.affine_grid %t, %s {align_corners = false} : (tensor<1x2x3xf32>, tensor<3xi64>) -> tensor<?x?x?x2xf32>
  return %0 : tensor<?x?x?x2xf32>
}

// -----

func.func @col2im_rank(%x: tensor<1x4xf32>, %i: tensor<2xi64>, %b: tensor<2xi64>) -> tensor<?x?x?x?xf32> {
  // expected-error@+2 {{input must be [N, C * block, L] and image_shape and block_shape of one static length}}
  // expected-error@+1 {{'kiln.col2im' op failed to infer returned types}}
  %0 = kiln.col2im %x, %i, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @col2im_block(%x: tensor<1x5x4xf32>) -> tensor<?x?x?x?xf32> {
  %i = kiln.constant dense<[3, 3]> : tensor<2xi64>
  %b = kiln.constant dense<[2, 2]> : tensor<2xi64>
  // expected-error@+2 {{input dimension 1 (5) is not a multiple of the block size (4)}}
  // expected-error@+1 {{'kiln.col2im' op failed to infer returned types}}
  %0 = kiln.col2im %x, %i, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x5x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @rotary_heads(%x: tensor<1x4x8xf32>, %c: tensor<16x2xf32>) -> tensor<1x4x8xf32> {
  // expected-error@+2 {{3-D input needs num_heads}}
  // expected-error@+1 {{'kiln.rotary_embedding' op failed to infer returned types}}
  %0 = kiln.rotary_embedding %x, %c, %c {interleaved = false, num_heads = 0 : i64, rotary_embedding_dim = 0 : i64} : (tensor<1x4x8xf32>, tensor<16x2xf32>, tensor<16x2xf32>) -> tensor<1x4x8xf32>
  return %0 : tensor<1x4x8xf32>
}

// -----

func.func @rotary_caches(%x: tensor<1x2x4x8xf32>, %c: tensor<16x2xf32>, %s: tensor<16x4xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error@+2 {{cos and sin caches must have the same shape}}
  // expected-error@+1 {{'kiln.rotary_embedding' op failed to infer returned types}}
  %0 = kiln.rotary_embedding %x, %c, %s {interleaved = false, num_heads = 0 : i64, rotary_embedding_dim = 0 : i64} : (tensor<1x2x4x8xf32>, tensor<16x2xf32>, tensor<16x4xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @random_dtype(%s: tensor<2xi64>) -> tensor<?x?xi32> {
  // expected-error@+2 {{dtype must be a floating-point type}}
  // expected-error@+1 {{'kiln.random_uniform' op failed to infer returned types}}
  %0 = kiln.random_uniform %s {dtype = i32, high = 1.0 : f32, low = 0.0 : f32} : (tensor<2xi64>) -> tensor<?x?xi32>
  return %0 : tensor<?x?xi32>
}

// -----

func.func @random_shape(%s: tensor<2x2xi64>) -> tensor<?x?xf32> {
  // expected-error@+2 {{shape must be a 1-D tensor of static length}}
  // expected-error@+1 {{'kiln.random_normal' op failed to infer returned types}}
  %0 = kiln.random_normal %s {dtype = f32, mean = 0.0 : f32, scale = 1.0 : f32} : (tensor<2x2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @bernoulli_int(%p: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error@+2 {{probabilities must be floating point}}
  // expected-error@+1 {{'kiln.bernoulli' op failed to infer returned types}}
  %0 = kiln.bernoulli %p {dtype = f32} : (tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @unique_axis(%x: tensor<4x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{'kiln.unique' op failed to infer returned types}}
  %0:4 = kiln.unique %x {axis = 2 : i64, sorted = true} : (tensor<4x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// -----

func.func @compress_condition(%x: tensor<4x3xf32>, %c: tensor<2x2xi1>) -> tensor<?xf32> {
  // expected-error@+2 {{condition must be 1-D}}
  // expected-error@+1 {{'kiln.compress' op failed to infer returned types}}
  %0 = kiln.compress %x, %c : (tensor<4x3xf32>, tensor<2x2xi1>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @eye_like_rank(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error@+2 {{input must be 2-D}}
  // expected-error@+1 {{'kiln.eye_like' op failed to infer returned types}}
  %0 = kiln.eye_like %x {dtype = f32, k = 0 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @bit_cast_width(%x: tensor<3xf32>) -> tensor<3xf16> {
  // expected-error@+2 {{bit_cast needs types of the same width, got 'f32' and 'f16'}}
  // expected-error@+1 {{'kiln.bit_cast' op failed to infer returned types}}
  %0 = kiln.bit_cast %x {dtype = f16} : (tensor<3xf32>) -> tensor<3xf16>
  return %0 : tensor<3xf16>
}

// -----

func.func @det_square(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{matrices must be square, got 3x4}}
  // expected-error@+1 {{'kiln.det' op failed to infer returned types}}
  %0 = kiln.det %x : (tensor<2x3x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @det_rank(%x: tensor<3xf32>) -> tensor<f32> {
  // expected-error@+2 {{input must have rank 2 or more}}
  // expected-error@+1 {{'kiln.det' op failed to infer returned types}}
  %0 = kiln.det %x : (tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @tfidf_mode(%x: tensor<2x6xi64>) -> tensor<2x3xf32> {
  // expected-error@+2 {{mode must be TF, IDF or TFIDF}}
  // expected-error@+1 {{'kiln.tfidf_vectorizer' op failed to infer returned types}}
  %0 = kiln.tfidf_vectorizer %x {max_gram_length = 1 : i64, max_skip_count = 0 : i64, min_gram_length = 1 : i64, mode = "BM25", ngram_counts = array<i64: 0>, ngram_indexes = array<i64: 0, 1, 2>, pool_int64s = array<i64: 2, 3, 5>} : (tensor<2x6xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @tfidf_rank(%x: tensor<1x2x6xi64>) -> tensor<2x3xf32> {
  // expected-error@+2 {{input must be [C] or [N, C]}}
  // expected-error@+1 {{'kiln.tfidf_vectorizer' op failed to infer returned types}}
  %0 = kiln.tfidf_vectorizer %x {max_gram_length = 1 : i64, max_skip_count = 0 : i64, min_gram_length = 1 : i64, mode = "TF", ngram_counts = array<i64: 0>, ngram_indexes = array<i64: 0, 1, 2>, pool_int64s = array<i64: 2, 3, 5>} : (tensor<1x2x6xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
