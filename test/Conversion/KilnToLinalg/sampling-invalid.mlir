// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// Scales that are graph inputs make the result shape data-dependent.
func.func @resize_runtime_scales(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error@+1 {{kiln.resize is not supported by kiln's code generators yet}}
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// The adaptive sampling grid (sampling_ratio 0) depends on the rois' values.
func.func @roi_align_adaptive(%x: tensor<1x1x10x10xf32>, %r: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<3x1x5x5xf32> {
  // expected-error@+1 {{kiln.roi_align is not supported by kiln's code generators yet}}
  %0 = kiln.roi_align %x, %r, %i {coordinate_transformation_mode = "half_pixel", mode = "max", output_height = 5 : i64, output_width = 5 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32} : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
  return %0 : tensor<3x1x5x5xf32>
}
