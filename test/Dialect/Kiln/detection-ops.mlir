// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s

// Result types of the detection, geometry, random and data-dependent ops:
// static where the operands say so, dynamic where the data decides.

// CHECK-LABEL: func.func @nms
// CHECK: kiln.non_max_suppression {{.*}} -> tensor<?x3xi64>
func.func @nms(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<i64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  %0 = kiln.non_max_suppression %b, %s, %m, %t, %t {center_point_box = true} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// One output per region of interest: [R, C, output_height, output_width].
// CHECK-LABEL: func.func @roi_align
// CHECK: kiln.roi_align {{.*}} -> tensor<5x3x2x4xf32>
func.func @roi_align(%x: tensor<1x3x8x8xf32>, %r: tensor<5x4xf32>, %i: tensor<5xi64>) -> tensor<5x3x2x4xf32> {
  %0 = kiln.roi_align %x, %r, %i {coordinate_transformation_mode = "half_pixel", mode = "max", output_height = 2 : i64, output_width = 4 : i64, sampling_ratio = 2 : i64, spatial_scale = 0.5 : f32} : (tensor<1x3x8x8xf32>, tensor<5x4xf32>, tensor<5xi64>) -> tensor<5x3x2x4xf32>
  return %0 : tensor<5x3x2x4xf32>
}

// -----

// The indices output of a 2x2, stride 2 max pool over 4x4 is 2x2, i64.
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: kiln.max_pool_indices {{.*}} -> tensor<1x3x2x2xi64>
func.func @max_pool_indices(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xi64> {
  %0 = kiln.max_pool_indices %x {ceil_mode = false, column_major = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xi64>
  return %0 : tensor<1x3x2x2xi64>
}

// -----

// A constant size [N, C, H, W] = [2, 3, 5, 7] gives grids [2, 5, 7, 2].
// CHECK-LABEL: func.func @affine_grid
// CHECK: kiln.affine_grid {{.*}} -> tensor<2x5x7x2xf32>
func.func @affine_grid(%t: tensor<2x2x3xf32>) -> tensor<2x5x7x2xf32> {
  %s = kiln.constant dense<[2, 3, 5, 7]> : tensor<4xi64>
  %0 = kiln.affine_grid %t, %s {align_corners = true} : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x5x7x2xf32>
  return %0 : tensor<2x5x7x2xf32>
}

// -----

// 12 = C * 2 * 2 gives C = 3; the image is [5, 5].
// CHECK-LABEL: func.func @col2im
// CHECK: kiln.col2im {{.*}} -> tensor<1x3x5x5xf32>
func.func @col2im(%x: tensor<1x12x16xf32>) -> tensor<1x3x5x5xf32> {
  %i = kiln.constant dense<[5, 5]> : tensor<2xi64>
  %b = kiln.constant dense<[2, 2]> : tensor<2xi64>
  %0 = kiln.col2im %x, %i, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x12x16xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x3x5x5xf32>
  return %0 : tensor<1x3x5x5xf32>
}

// -----

// CHECK-LABEL: func.func @random
// CHECK: kiln.random_uniform {{.*}}seed = 5.000000e+00 : f32{{.*}} -> tensor<2x3xf16>
// CHECK: kiln.bernoulli {{.*}} -> tensor<4xf64>
func.func @random(%p: tensor<4xf32>) -> (tensor<2x3xf16>, tensor<4xf64>) {
  %s = kiln.constant dense<[2, 3]> : tensor<2xi64>
  %0 = kiln.random_uniform %s {dtype = f16, high = 2.0 : f32, low = -1.0 : f32, seed = 5.0 : f32} : (tensor<2xi64>) -> tensor<2x3xf16>
  %1 = kiln.bernoulli %p {dtype = f64} : (tensor<4xf32>) -> tensor<4xf64>
  return %0, %1 : tensor<2x3xf16>, tensor<4xf64>
}

// -----

// Unique along axis 0 of [4, 3]: the values keep the 3 columns, the inverse
// mapping has one entry per row.
// CHECK-LABEL: func.func @unique
// CHECK: kiln.unique {{.*}} -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
func.func @unique(%x: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %0:4 = kiln.unique %x {axis = 0 : i64, sorted = true} : (tensor<4x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %0#0 : tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @tensor_extras
// CHECK: kiln.compress {{.*}} -> tensor<4x?xf32>
// CHECK: kiln.eye_like {{.*}} -> tensor<4x3xi32>
// CHECK: kiln.bit_cast {{.*}} -> tensor<4x3xi32>
// CHECK: kiln.det {{.*}} -> tensor<2xf32>
// CHECK: kiln.tfidf_vectorizer {{.*}} -> tensor<2x7xf32>
func.func @tensor_extras(%x: tensor<4x3xf32>, %c: tensor<3xi1>, %m: tensor<2x3x3xf32>, %t: tensor<2x6xi64>) -> (tensor<4x?xf32>, tensor<4x3xi32>, tensor<4x3xi32>, tensor<2xf32>, tensor<2x7xf32>) {
  %0 = kiln.compress %x, %c {axis = 1 : i64} : (tensor<4x3xf32>, tensor<3xi1>) -> tensor<4x?xf32>
  %1 = kiln.eye_like %x {dtype = i32, k = 1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xi32>
  %2 = kiln.bit_cast %x {dtype = i32} : (tensor<4x3xf32>) -> tensor<4x3xi32>
  %3 = kiln.det %m : (tensor<2x3x3xf32>) -> tensor<2xf32>
  %4 = kiln.tfidf_vectorizer %t {max_gram_length = 2 : i64, max_skip_count = 0 : i64, min_gram_length = 2 : i64, mode = "TF", ngram_counts = array<i64: 0, 4>, ngram_indexes = array<i64: 0, 1, 2, 3, 4, 5, 6>, pool_int64s = array<i64: 2, 3, 5, 4, 5, 6, 7, 8, 6, 7>} : (tensor<2x6xi64>) -> tensor<2x7xf32>
  return %0, %1, %2, %3, %4 : tensor<4x?xf32>, tensor<4x3xi32>, tensor<4x3xi32>, tensor<2xf32>, tensor<2x7xf32>
}
