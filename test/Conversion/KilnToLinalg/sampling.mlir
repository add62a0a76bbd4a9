// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// DCR: the channels split into (block row, block column, channel), which
// move next to the rows and columns they index.
// CHECK-LABEL: func.func @depth_to_space_dcr
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x2x3xf32>)
// CHECK: %[[E:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2, 3], [4], [5]] output_shape [1, 2, 2, 2, 2, 3]
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<1x2x2x2x2x3xf32>) outs(%{{.*}} : tensor<1x2x2x2x3x2xf32>) permutation = [0, 3, 4, 1, 5, 2]
// CHECK: tensor.collapse_shape %[[T]] {{\[\[}}0], [1], [2, 3], [4, 5]] : tensor<1x2x2x2x3x2xf32> into tensor<1x2x4x6xf32>
func.func @depth_to_space_dcr(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = kiln.depth_to_space %x {blocksize = 2 : i64, column_row_depth = false} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// CRD keeps the channel outermost; a dynamic batch is carried through.
// CHECK-LABEL: func.func @depth_to_space_crd
// CHECK: %[[N:.*]] = tensor.dim
// CHECK: tensor.expand_shape {{.*}} output_shape [%[[N]], 2, 2, 2, 2, 3]
// CHECK: linalg.transpose {{.*}} permutation = [0, 1, 4, 2, 5, 3]
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x2x4x6xf32>
func.func @depth_to_space_crd(%x: tensor<?x8x2x3xf32>) -> tensor<?x2x4x6xf32> {
  %0 = kiln.depth_to_space %x {blocksize = 2 : i64, column_row_depth = true} : (tensor<?x8x2x3xf32>) -> tensor<?x2x4x6xf32>
  return %0 : tensor<?x2x4x6xf32>
}

// -----

// CHECK-LABEL: func.func @space_to_depth
// CHECK: tensor.expand_shape {{.*}} output_shape [1, 1, 2, 2, 3, 2]
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
// CHECK: tensor.collapse_shape {{.*}} {{\[\[}}0], [1, 2, 3], [4], [5]] : tensor<1x2x2x1x2x3xf32> into tensor<1x4x2x3xf32>
func.func @space_to_depth(%x: tensor<1x1x4x6xf32>) -> tensor<1x4x2x3xf32> {
  %0 = kiln.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x1x4x6xf32>) -> tensor<1x4x2x3xf32>
  return %0 : tensor<1x4x2x3xf32>
}

// -----

// Nearest: one gather over the result; only the resized dimensions compute
// a source index (half_pixel, round_prefer_floor), clamped into the input.
// CHECK-LABEL: func.func @resize_nearest
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x2x2xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x4x6xf32>)
// CHECK: %[[N:.*]] = linalg.index 0
// CHECK: %[[C:.*]] = linalg.index 1
// CHECK: math.ceil
// CHECK: arith.cmpf ogt
// CHECK: arith.minnumf
// CHECK: %[[H:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[W:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%[[N]], %[[C]], %[[H]], %[[W]]]
// CHECK: linalg.yield %[[V]]
// CHECK-NOT: linalg.generic
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32> {
  %s = kiln.constant dense<[1.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x6xf32>
  return %0 : tensor<1x1x4x6xf32>
}

// -----

// Linear: one generic per resized dimension, the innermost first, each
// reading two taps (clamped to the edge) and blending them in f64.
// CHECK-LABEL: func.func @resize_linear_sizes
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x2x4xf32>)
// CHECK: %[[W:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x2x3xf32>)
// CHECK-COUNT-2: tensor.extract %[[X]]
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x3x3xf32>)
// CHECK-COUNT-2: tensor.extract %[[W]]
func.func @resize_linear_sizes(%x: tensor<1x1x2x4xf32>) -> tensor<1x1x3x3xf32> {
  %s = kiln.constant dense<[1, 1, 3, 3]> : tensor<4xi64>
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "pytorch_half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 0, 1>} : (tensor<1x1x2x4xf32>, tensor<4xi64>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Cubic with exclude_outside: four taps, the outside ones weighted 0 and
// the rest renormalized.
// CHECK-LABEL: func.func @resize_cubic_exclude_outside
// CHECK: linalg.generic
// CHECK: arith.divf
// CHECK-COUNT-4: tensor.extract
// CHECK-NOT: linalg.generic
func.func @resize_cubic_exclude_outside(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %s = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.5 : f32, exclude_outside = true, extrapolation_value = 0.0 : f32, mode = "cubic", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x4xf32>, tensor<2xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// tf_crop_and_resize reads its constant roi and writes the extrapolation
// value where the source coordinate leaves the input.
// CHECK-LABEL: func.func @resize_crop
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.select %{{.*}}, %cst{{.*}}, %{{.*}} : f32
func.func @resize_crop(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %r = kiln.constant dense<[0.0, 0.0, 0.4, 0.6, 1.0, 1.0, 1.2, 1.7]> : tensor<8xf32>
  %s = kiln.constant dense<[1, 1, 3, 3]> : tensor<4xi64>
  %0 = kiln.resize %x, %r, %s {antialias = false, coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 10.0 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 1, 0, 1>} : (tensor<1x1x4x4xf32>, tensor<8xf32>, tensor<4xi64>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Bilinear grid_sample with zeros padding: the grid's x (component 0) moves
// along the last dimension; four taps, each masked when outside the input.
// CHECK-LABEL: func.func @grid_sample_linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x4xf32>, %[[G:.*]]: tensor<1x5x6x2xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x5x6xf32>)
// CHECK: tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %c1]
// CHECK: tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %c0]
// CHECK-COUNT-4: tensor.extract %[[X]]
// CHECK: linalg.yield
func.func @grid_sample_linear(%x: tensor<1x2x3x4xf32>, %g: tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32> {
  %0 = kiln.grid_sample %x, %g {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x2x3x4xf32>, tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32>
  return %0 : tensor<1x2x5x6xf32>
}

// -----

// Bicubic reflection: 16 taps, each coordinate reflected back inside.
// CHECK-LABEL: func.func @grid_sample_cubic
// CHECK: linalg.generic
// CHECK-COUNT-16: tensor.extract %arg0
func.func @grid_sample_cubic(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %0 = kiln.grid_sample %x, %g {align_corners = true, mode = "cubic", padding_mode = "reflection"} : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %0 : tensor<1x1x2x4xf32>
}

// -----

// roi_align: the sampling grid of each bin is two reduction dimensions (an
// unread 2x2 tensor gives their extent); "avg" sums the bilinear samples
// divided by their count.
// CHECK-LABEL: func.func @roi_align_avg
// CHECK: %[[S:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[S]] : tensor<2x2xf32>) outs(%{{.*}} : tensor<3x1x5x5xf32>)
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: arith.divf
func.func @roi_align_avg(%x: tensor<1x1x10x10xf32>, %r: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<3x1x5x5xf32> {
  %0 = kiln.roi_align %x, %r, %i {coordinate_transformation_mode = "output_half_pixel", mode = "avg", output_height = 5 : i64, output_width = 5 : i64, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f32} : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
  return %0 : tensor<3x1x5x5xf32>
}
