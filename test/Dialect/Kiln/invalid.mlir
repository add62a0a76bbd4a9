// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// One case per user-facing error of the kiln ops. Errors from result-type
// inference are reported at the op, followed by "failed to infer returned
// types"; errors from an op's verifier carry the 'kiln.<op>' op prefix.

//===----------------------------------------------------------------------===//
// Result types and broadcasting
//===----------------------------------------------------------------------===//

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+2 {{operands are not broadcast-compatible: dimension 0 is 2 in one and 4 in another}}
  // expected-error@+1 {{'kiln.add' op failed to infer returned types}}
  %0 = kiln.add %a, %b : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A declared result type may be less static than the inferred one, never
// different in a static dimension.
func.func @add_wrong_result_type(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{'kiln.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error@+1 {{'kiln.add' op failed to infer returned types}}
  %0 = kiln.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @add_element_types(%a: tensor<2xf32>, %b: tensor<2xi32>) -> tensor<2xf32> {
  // expected-error@+2 {{operand element types differ: 'f32' and 'i32'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : tensor<2xf32>, tensor<2xi32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @where_condition(%c: tensor<2xf32>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{condition must be a tensor of i1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.where %c, %a, %a : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @where_branches(%c: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xf16>) -> tensor<2xf32> {
  // expected-error@+2 {{x and y element types differ: 'f32' and 'f16'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.where %c, %a, %b : (tensor<2xi1>, tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @clip_bounds(%x: tensor<4xf32>, %lo: tensor<1xf32>, %hi: tensor<f32>) -> tensor<4xf32> {
  // expected-error@+2 {{min and max must be 0-d tensors of 'f32'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.clip %x, %lo, %hi : (tensor<4xf32>, tensor<1xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @is_nan_integer(%x: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error@+2 {{operand must have a floating-point element type}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.is_nan %x : (tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @cast_shape(%x: tensor<4xf32>) -> tensor<5xi32> {
  // The Elementwise trait rejects the shape change before the op's verifier.
  // expected-error@+1 {{'kiln.cast' op all non-scalar operands/results must have the same shape and base type}}
  %0 = kiln.cast %x {saturate = false} : tensor<4xf32> -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x2xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{operands must have rank 2 or more, got 1 and 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<3x4xf32>, %b: tensor<5x2xf32>) -> tensor<3x2xf32> {
  // expected-error@+2 {{contraction sizes differ: lhs has 4 columns, rhs has 5 rows}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<3x4xf32>, tensor<5x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x2xf32>) -> tensor<2x3x2xf32> {
  // expected-error@+2 {{operands are not broadcast-compatible: dimension 0 is 2 in one and 3 in another}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x2xf32>) -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}

// -----

func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error@+2 {{a and b must be 2-D, got rank 3 and 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @gemm_contraction(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<2x3xf32> {
  // trans_b makes b [5, 3]^T: the contraction is 3 against 5.
  // expected-error@+2 {{contraction sizes differ: 3 and 5}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_c(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<1x2x5xf32>) -> tensor<2x5xf32> {
  // expected-error@+2 {{c does not broadcast to [2, 5]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<1x2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

// -----

func.func @conv_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+2 {{input and weight must have the same rank >= 3, got 4 and 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+2 {{input channels (3) must equal weight channels (2) times groups (1)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_groups(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+2 {{output channels (4) must be a multiple of groups (3)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_group_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+1 {{'kiln.conv' op attribute 'group' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+2 {{bias must be 1-D with 4 entries}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_pads_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error@+2 {{'pads' has 2 entries, expected 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+2 {{strides must be positive}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+2 {{dilations must be positive}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: -1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  // expected-error@+2 {{input channels (3) must equal weight dimension 0 (4)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  // expected-error@+2 {{'output_padding' has 1 entries, expected 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

func.func @conv_transpose_negative_extent(%x: tensor<1x4x1x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x1x7xf32> {
  // 1 * (1 - 1) + 0 + (3 - 1) + 1 - 3 - 3 = -3
  // expected-error@+2 {{output extent of spatial dimension 0 is negative (-3)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 3, 0, 3, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x1x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x1x7xf32>
  return %0 : tensor<1x2x1x7xf32>
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+2 {{input must have rank 2 or more}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @batch_norm_channels(%x: tensor<1x4x2x2xf32>, %c: tensor<4xf32>, %v: tensor<3xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error@+2 {{scale, bias, mean and variance operands must be 1-D with 4 entries, got 'tensor<3xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %c, %c, %c, %v {epsilon = 1.0e-05 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

func.func @instance_norm_rank(%x: tensor<2x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{input must have rank 3 or more}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.instance_norm %x, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @group_norm_groups(%x: tensor<1x6x2x2xf32>, %c: tensor<6xf32>) -> tensor<1x6x2x2xf32> {
  // expected-error@+2 {{channels (6) must be a multiple of num_groups (4)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.group_norm %x, %c, %c {epsilon = 1.0e-05 : f32, num_groups = 4 : i64} : (tensor<1x6x2x2xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x2x2xf32>
  return %0 : tensor<1x6x2x2xf32>
}

// -----

func.func @layer_norm_axis(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) -> tensor<2x3x4xf32> {
  // expected-error@+2 {{axis 3 is out of range for rank 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s {axis = 3 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @layer_norm_scale(%x: tensor<2x3x4xf32>, %s: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  // axis 2 normalizes over [4]; a [3, 4] scale has more dimensions than that.
  // expected-error@+2 {{scale and bias must broadcast to the normalized dimensions}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @lrn_rank(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{input must have rank 3 or more}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.lrn %x {alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32, size = 3 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.softmax %x {axis = 2 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @softmax_negative_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // Axes are normalized by the importer; the op takes non-negative ones only.
  // expected-error@+1 {{'kiln.softmax' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  %0 = kiln.softmax %x {axis = -1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

func.func @pool_rank(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{input must have rank 3 or more}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64>, kernel_shape = array<i64>, pads = array<i64>, strides = array<i64>} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @pool_kernel_size(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x7x7xf32> {
  // expected-error@+2 {{'kernel_shape' has 1 entries, expected 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x7x7xf32>
  return %0 : tensor<1x1x7x7xf32>
}

// -----

func.func @pool_kernel_positive(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  // expected-error@+2 {{kernel_shape must be positive}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.avg_pool %x {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

func.func @pool_padding(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x11x11xf32> {
  // expected-error@+2 {{padding must be smaller than the window}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x11x11xf32>
  return %0 : tensor<1x1x11x11xf32>
}

// -----

func.func @global_pool_rank(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{input must have rank 3 or more}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.global_avg_pool %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_axes_form(%x: tensor<2x3xf32>, %axes: tensor<1xi64>) -> tensor<2x1xf32> {
  // expected-error@+1 {{'kiln.reduce_sum' op needs exactly one of an 'axes' attribute and an axes operand}}
  %0 = kiln.reduce_sum %x, %axes {axes = array<i64: 1>, keepdims = true} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_no_axes(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error@+1 {{'kiln.reduce_mean' op needs exactly one of an 'axes' attribute and an axes operand}}
  %0 = kiln.reduce_mean %x {keepdims = true} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @reduce_axis_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reduce_max %x {axes = array<i64: 2>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error@+2 {{axes must be sorted and unique}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reduce_min %x {axes = array<i64: 1, 0>, keepdims = true} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @reduce_dynamic_axes_count(%x: tensor<2x3xf32>, %axes: tensor<?xi64>) -> tensor<?xf32> {
  // expected-error@+2 {{the number of run-time axes must be static when keepdims is false}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reduce_sum %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @argmax_axis(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.argmax %x {axis = 2 : i64, keepdims = false, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @cumsum_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+2 {{axis 5 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.cumsum %x {axis = 5 : i64, exclusive = false, reverse = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @top_k_k_shape(%x: tensor<3x5xf32>, %k: tensor<2xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  // expected-error@+2 {{k must hold exactly one value}}
  // expected-error@+1 {{failed to infer returned types}}
  %v, %i = kiln.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<2xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v, %i : tensor<3x?xf32>, tensor<3x?xi64>
}

// -----

func.func @top_k_k_range(%x: tensor<3x5xf32>) -> (tensor<3x7xf32>, tensor<3x7xi64>) {
  %k = kiln.constant dense<7> : tensor<1xi64>
  // expected-error@+2 {{k (7) is out of range for a dimension of 5}}
  // expected-error@+1 {{failed to infer returned types}}
  %v, %i = kiln.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x7xf32>, tensor<3x7xi64>)
  return %v, %i : tensor<3x7xf32>, tensor<3x7xi64>
}

// -----

func.func @top_k_axis(%x: tensor<3x5xf32>, %k: tensor<1xi64>) -> (tensor<3x5xf32>, tensor<3x5xi64>) {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %v, %i = kiln.top_k %x, %k {axis = 2 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return %v, %i : tensor<3x5xf32>, tensor<3x5xi64>
}

//===----------------------------------------------------------------------===//
// Shapes: shape, reshape, flatten, squeeze, unsqueeze, transpose
//===----------------------------------------------------------------------===//

// -----

func.func @shape_range(%x: tensor<2x3x4xf32>) -> tensor<0xi64> {
  // expected-error@+1 {{'kiln.shape' op needs 0 <= start <= end <= rank (3), got start 2 and end 1}}
  %0 = kiln.shape %x {end = 1 : i64, start = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<0xi64>
  return %0 : tensor<0xi64>
}

// -----

func.func @reshape_shape_operand(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<?x?xf32> {
  // expected-error@+2 {{'shape' must be a 1-D integer tensor, got 'tensor<2xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_shape_length(%x: tensor<2x3xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  // expected-error@+2 {{'shape' must have a static length}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_copy_past_rank(%x: tensor<2x3xf32>) -> tensor<6x1x1xf32> {
  %s = kiln.constant dense<[6, 1, 0]> : tensor<3xi64>
  // expected-error@+2 {{shape entry 2 is 0 (copy) but the input has rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<6x1x1xf32>
  return %0 : tensor<6x1x1xf32>
}

// -----

func.func @reshape_two_inferred(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %s = kiln.constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error@+2 {{shape has more than one -1 entry}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_negative(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %s = kiln.constant dense<[3, -2]> : tensor<2xi64>
  // expected-error@+2 {{shape entry 1 is negative (-2)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_inferred_indivisible(%x: tensor<2x3x4xf32>) -> tensor<5x?xf32> {
  %s = kiln.constant dense<[5, -1]> : tensor<2xi64>
  // expected-error@+2 {{cannot reshape 24 elements into a shape with 5 elements and one -1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<5x?xf32>
  return %0 : tensor<5x?xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3x4xf32>) -> tensor<5x5xf32> {
  %s = kiln.constant dense<[5, 5]> : tensor<2xi64>
  // expected-error@+2 {{cannot reshape 24 elements into 25}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<5x5xf32>
  return %0 : tensor<5x5xf32>
}

// -----

func.func @flatten_axis(%x: tensor<2x3x4xf32>) -> tensor<24x1xf32> {
  // expected-error@+2 {{axis 4 is out of range for rank 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.flatten %x {axis = 4 : i64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  return %0 : tensor<24x1xf32>
}

// -----

func.func @squeeze_axes_form(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error@+1 {{'kiln.squeeze' op needs exactly one of an 'axes' attribute and an axes operand}}
  %0 = kiln.squeeze %x : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @squeeze_size(%x: tensor<1x3xf32>) -> tensor<1xf32> {
  // expected-error@+2 {{cannot squeeze dimension 1 of size 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : (tensor<1x3xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @squeeze_axis_range(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error@+2 {{axis 4 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: 4>} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @unsqueeze_axes(%x: tensor<2x3xf32>) -> tensor<1x2x3xf32> {
  // Axes index the result (rank 2 + 1): 3 is past its end.
  // (kiln bug: UnsqueezeOp::inferReturnTypes reads past the input's shape
  // before it reports this; the message is right, the read is undefined.)
  // expected-error@+2 {{axes must be unique and in [0, 3)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.unsqueeze %x {axes = array<i64: 3>} : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}

// -----

func.func @unsqueeze_axes_form(%x: tensor<2x3xf32>, %a: tensor<1xi64>) -> tensor<?x?x?xf32> {
  // expected-error@+1 {{'kiln.unsqueeze' op needs exactly one of an 'axes' attribute and an axes operand}}
  %0 = kiln.unsqueeze %x, %a {axes = array<i64: 0>} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error@+2 {{'perm' has 2 entries, expected 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3x4xf32>) -> tensor<3x3x4xf32> {
  // expected-error@+2 {{perm must be a permutation of [0, 3)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<3x3x4xf32>
  return %0 : tensor<3x3x4xf32>
}

//===----------------------------------------------------------------------===//
// Concat and split
//===----------------------------------------------------------------------===//

// -----

func.func @concat_empty() -> tensor<1xf32> {
  // expected-error@+2 {{needs at least one input}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.concat {axis = 0 : i64} : () -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_types(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<4x3xf32> {
  // expected-error@+2 {{inputs must share rank and element type, got 'tensor<2x3xf32>' and 'tensor<2x3xi32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error@+2 {{inputs differ in dimension 1: 3 and 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @split_axis(%x: tensor<2x8xf32>, %s: tensor<2xi64>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  // expected-error@+1 {{'kiln.split' op axis 2 is out of range for rank 2}}
  %0:2 = kiln.split %x, %s {axis = 2 : i64} : (tensor<2x8xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

func.func @split_count(%x: tensor<2x8xf32>, %s: tensor<3xi64>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  // expected-error@+1 {{'kiln.split' op has 2 results but 3 sizes}}
  %0:2 = kiln.split %x, %s {axis = 1 : i64} : (tensor<2x8xf32>, tensor<3xi64>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

func.func @split_result_type(%x: tensor<2x8xf32>, %s: tensor<2xi64>) -> (tensor<2x4xf32>, tensor<2x4xf16>) {
  // expected-error@+1 {{'kiln.split' op result 1 must have the input's rank and element type}}
  %0:2 = kiln.split %x, %s {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<2x4xf16>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2x4xf16>
}

// -----

func.func @split_other_dim(%x: tensor<2x8xf32>, %s: tensor<2xi64>) -> (tensor<3x4xf32>, tensor<2x4xf32>) {
  // expected-error@+1 {{'kiln.split' op result 0 differs from the input in dimension 0}}
  %0:2 = kiln.split %x, %s {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2xi64>) -> (tensor<3x4xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<2x4xf32>
}

// -----

func.func @split_piece_size(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x4xf32>) {
  %s = kiln.constant dense<[3, 5]> : tensor<2xi64>
  // expected-error@+1 {{'kiln.split' op result 1 has size 4 along the axis, expected 5}}
  %0:2 = kiln.split %x, %s {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x4xf32>
}

// -----

func.func @split_total(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x4xf32>) {
  %s = kiln.constant dense<[3, 4]> : tensor<2xi64>
  // expected-error@+1 {{'kiln.split' op sizes add up to 7, not the axis extent 8}}
  %0:2 = kiln.split %x, %s {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x4xf32>
}

//===----------------------------------------------------------------------===//
// Slicing, gathering, scattering
//===----------------------------------------------------------------------===//

// -----

func.func @slice_lengths(%x: tensor<4x4xf32>, %a: tensor<2xi64>, %b: tensor<1xi64>) -> tensor<?x?xf32> {
  // expected-error@+2 {{starts, ends, axes and steps must have equal lengths}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %b, %a : (tensor<4x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_axis(%x: tensor<4x4xf32>, %a: tensor<1xi64>) -> tensor<?x?xf32> {
  %axes = kiln.constant dense<3> : tensor<1xi64>
  // expected-error@+2 {{axis 3 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %axes, %a : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_step(%x: tensor<4x4xf32>, %a: tensor<1xi64>) -> tensor<?x4xf32> {
  %axes = kiln.constant dense<0> : tensor<1xi64>
  %steps = kiln.constant dense<0> : tensor<1xi64>
  // expected-error@+2 {{steps must be non-zero}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %axes, %steps : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @slice_operand_type(%x: tensor<4x4xf32>, %a: tensor<1xi64>, %f: tensor<1xf32>) -> tensor<?x?xf32> {
  // expected-error@+2 {{'steps' must be a 1-D integer tensor, got 'tensor<1xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %a, %f : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @gather_axis(%x: tensor<4x4xf32>, %i: tensor<2xi64>) -> tensor<4x4xf32> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 2 : i64} : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @gather_indices(%x: tensor<4x4xf32>, %i: tensor<2xf32>) -> tensor<2x4xf32> {
  // expected-error@+2 {{indices must be integers}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 0 : i64} : (tensor<4x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_elements_rank(%x: tensor<4x4xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error@+2 {{data and indices must have equal rank above axis}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_nd_depth(%x: tensor<4x4xf32>, %i: tensor<2x?xi64>) -> tensor<?xf32> {
  // expected-error@+2 {{the last dimension of indices must be static}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<4x4xf32>, tensor<2x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @gather_nd_rank(%x: tensor<2x4x4xf32>, %i: tensor<2x3xi64>) -> tensor<2xf32> {
  // expected-error@+2 {{batch_dims (1) plus index depth (3) exceed the data rank (3)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<2x4x4xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @scatter_elements_shapes(%x: tensor<4x4xf32>, %i: tensor<2x4xi64>, %u: tensor<3x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'kiln.scatter_elements' op indices and updates must have the same shape}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "none"} : (tensor<4x4xf32>, tensor<2x4xi64>, tensor<3x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_elements_reduction(%x: tensor<4x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'kiln.scatter_elements' op reduction must be none, add, mul, max or min, got 'sub'}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "sub"} : (tensor<4x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_elements_rank(%x: tensor<4x4xf32>, %i: tensor<4xi64>, %u: tensor<4xf32>) -> tensor<4x4xf32> {
  // expected-error@+2 {{data and indices must have equal rank above axis}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "add"} : (tensor<4x4xf32>, tensor<4xi64>, tensor<4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_reduction(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'kiln.scatter_nd' op reduction must be none, add, mul, max or min, got 'replace'}}
  %0 = kiln.scatter_nd %x, %i, %u {reduction = "replace"} : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

//===----------------------------------------------------------------------===//
// Expand, tile, pad, resize, depth/space
//===----------------------------------------------------------------------===//

// -----

func.func @expand_incompatible(%x: tensor<3x1xf32>) -> tensor<4x5xf32> {
  %s = kiln.constant dense<[4, 5]> : tensor<2xi64>
  // expected-error@+2 {{operands are not broadcast-compatible: dimension 0 is 3 in one and 4 in another}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.expand %x, %s : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @tile_repeats(%x: tensor<2x3xf32>, %r: tensor<3xi64>) -> tensor<?x?xf32> {
  // expected-error@+2 {{repeats has 3 entries for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.tile %x, %r : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @pad_mode(%x: tensor<2x3xf32>, %p: tensor<4xi64>, %v: tensor<f32>) -> tensor<?x?xf32> {
  // expected-error@+1 {{'kiln.pad' op mode must be constant, reflect, edge or wrap, got 'mirror'}}
  %0 = kiln.pad %x, %p, %v {mode = "mirror"} : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @pad_length(%x: tensor<2x3xf32>, %p: tensor<3xi64>, %v: tensor<f32>) -> tensor<?x?xf32> {
  // expected-error@+2 {{pads has 3 entries, expected 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.pad %x, %p, %v {mode = "constant"} : (tensor<2x3xf32>, tensor<3xi64>, tensor<f32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @pad_value(%x: tensor<2x3xf32>, %p: tensor<4xi64>, %v: tensor<i32>) -> tensor<?x?xf32> {
  // expected-error@+2 {{value must be a 0-d tensor of 'f32'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.pad %x, %p, %v {mode = "constant"} : (tensor<2x3xf32>, tensor<4xi64>, tensor<i32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @resize_neither(%x: tensor<1x1x4x4xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error@+1 {{'kiln.resize' op needs exactly one of scales and sizes}}
  %0 = kiln.resize %x {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 0, 0>} : (tensor<1x1x4x4xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @resize_mode(%x: tensor<1x1x4x4xf32>, %s: tensor<4xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error@+1 {{'kiln.resize' op mode must be nearest, linear or cubic, got 'area'}}
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "area", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x1x4x4xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @resize_sizes_length(%x: tensor<1x1x4x4xf32>, %s: tensor<2xi64>) -> tensor<?x?x?x?xf32> {
  // expected-error@+2 {{sizes must have one entry per dimension}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 0, 1>} : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @resize_scales_length(%x: tensor<1x1x4x4xf32>, %s: tensor<2xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error@+2 {{scales must have one entry per dimension}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x1x4x4xf32>, tensor<2xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @depth_to_space_rank(%x: tensor<1x8x4xf32>) -> tensor<1x2x8xf32> {
  // expected-error@+2 {{input must be 4-D}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.depth_to_space %x {blocksize = 2 : i64, column_row_depth = false} : (tensor<1x8x4xf32>) -> tensor<1x2x8xf32>
  return %0 : tensor<1x2x8xf32>
}

// -----

func.func @depth_to_space_channels(%x: tensor<1x6x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error@+2 {{channels (6) must be a multiple of blocksize^2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.depth_to_space %x {blocksize = 2 : i64, column_row_depth = false} : (tensor<1x6x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @space_to_depth_spatial(%x: tensor<1x1x5x4xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error@+2 {{spatial size 5 is not a multiple of blocksize 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x1x5x4xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

//===----------------------------------------------------------------------===//
// Generators and einsum
//===----------------------------------------------------------------------===//

// -----

func.func @constant_not_tensor() {
  // The result type is inferred from the value while parsing.
  // expected-error@+1 {{value must be a ranked tensor attribute}}
  %0 = kiln.constant dense<1.0> : vector<2xf32>
  return
}

// -----

func.func @constant_of_shape_value(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error@+2 {{value must hold exactly one element}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.constant_of_shape %s {value = dense<[0.0, 1.0]> : tensor<2xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @constant_of_shape_negative() -> tensor<?x?xf32> {
  %s = kiln.constant dense<[2, -1]> : tensor<2xi64>
  // expected-error@+2 {{shape entries must be non-negative}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @range_types(%a: tensor<i64>, %b: tensor<i32>) -> tensor<?xi64> {
  // expected-error@+2 {{start, limit and delta must be 0-d tensors of one type}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.range %a, %b, %a : (tensor<i64>, tensor<i32>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @trilu_rank(%x: tensor<4xf32>, %k: tensor<1xi64>) -> tensor<4xf32> {
  // expected-error@+2 {{input must have rank 2 or more}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x, %k {upper = true} : (tensor<4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @trilu_k(%x: tensor<4x4xf32>, %k: tensor<2xi64>) -> tensor<4x4xf32> {
  // expected-error@+2 {{k must hold exactly one value}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x, %k {upper = true} : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<3xf32>) -> tensor<3x?xf32> {
  // expected-error@+2 {{values must be 1-D with 2 entries [off, on]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<3xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

func.func @one_hot_axis(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<2xf32>) -> tensor<3x?xf32> {
  // expected-error@+2 {{axis 2 is out of range}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.one_hot %i, %d, %v {axis = 2 : i64} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

func.func @einsum_implicit(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error@+2 {{equation 'ij' needs an explicit '->'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.einsum %a {equation = "ij"} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @einsum_input_count(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error@+2 {{equation has 2 inputs, op has 1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.einsum %a {equation = "ij,jk->ik"} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @einsum_term_rank(%a: tensor<2x3x4xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{term 'ij' does not match rank 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.einsum %a {equation = "ij->i"} : (tensor<2x3x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @einsum_bad_character(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{bad character '1' in equation}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.einsum %a {equation = "i1->i"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @einsum_label_sizes(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error@+2 {{label 'j' has sizes 3 and 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @einsum_output_label(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{output label 'z' does not appear in any input}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.einsum %a {equation = "ij->z"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

//===----------------------------------------------------------------------===//
// Quantization, scans with run-time axes, grid sampling
//===----------------------------------------------------------------------===//

// -----

func.func @quantize_zero_point_shape(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<1xi8>) -> tensor<2x3xi8> {
  // expected-error@+2 {{scale and zero_point must have the same shape}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.quantize_linear %x, %s, %z {axis = 1 : i64, block_size = 0 : i64, saturate = true} : (tensor<2x3xf32>, tensor<3xf32>, tensor<1xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @quantize_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3xi8> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.quantize_linear %x, %s, %z {axis = 2 : i64, block_size = 0 : i64, saturate = true} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @dequantize_layout(%x: tensor<2x3xi8>, %s: tensor<2x3xf32>, %z: tensor<2x3xi8>) -> tensor<2x3xf32> {
  // A scale of the input's rank needs a block size.
  // expected-error@+2 {{scale must be 0-d, 1-D along the axis, or blocked with the input's rank}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dequantize_linear %x, %s, %z {axis = 1 : i64, block_size = 0 : i64} : (tensor<2x3xi8>, tensor<2x3xf32>, tensor<2x3xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cumsum_axis_form(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'kiln.cumsum' op needs exactly one of an 'axis' attribute and an axis operand}}
  %0 = kiln.cumsum %x {exclusive = false, reverse = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cumprod_axis_operand(%x: tensor<2x3xf32>, %a: tensor<2xi64>) -> tensor<2x3xf32> {
  // expected-error@+2 {{the axis operand must hold one value}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.cumprod %x, %a {exclusive = false, reverse = false} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @grid_sample_rank(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x2xf32>) -> tensor<1x3x4xf32> {
  // expected-error@+2 {{input must be [N, C, D...] and grid [N, O..., k] of the same rank}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.grid_sample %x, %g {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x2xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @grid_sample_coordinates(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32> {
  // expected-error@+2 {{grid's last dimension (3) must equal the 2 spatial dimensions}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.grid_sample %x, %g {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
  return %0 : tensor<1x3x4x5xf32>
}

// -----

func.func @grid_sample_mode(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x5x2xf32>) -> tensor<1x3x4x5xf32> {
  // Opset 16's "bilinear" is renamed "linear" by the importer.
  // expected-error@+1 {{'kiln.grid_sample' op mode must be linear, nearest or cubic, got 'bilinear'}}
  %0 = kiln.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x5x2xf32>) -> tensor<1x3x4x5xf32>
  return %0 : tensor<1x3x4x5xf32>
}

// -----

func.func @grid_sample_padding_mode(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x5x2xf32>) -> tensor<1x3x4x5xf32> {
  // expected-error@+1 {{'kiln.grid_sample' op padding_mode must be zeros, border or reflection, got 'wrap'}}
  %0 = kiln.grid_sample %x, %g {align_corners = false, mode = "linear", padding_mode = "wrap"} : (tensor<1x3x8x8xf32>, tensor<1x4x5x2xf32>) -> tensor<1x3x4x5xf32>
  return %0 : tensor<1x3x4x5xf32>
}
