// RUN: kiln-opt %s -split-input-file -kiln-fold-batchnorm | FileCheck %s

// Every case uses the same batch norm over 2 channels, with epsilon 1:
//   scale [3, 1], bias [1, 0.5], mean [2, 1], variance [3, 0]
//   factor = scale / sqrt(variance + 1)  = [3 / 2, 1 / 1]  = [1.5, 1]
//   offset = bias - mean * factor        = [1 - 3, 0.5 - 1] = [-2, -0.5]
// so y = x * factor + offset per channel.

// Conv without bias: each output channel's weights scale by its factor and
// the offset becomes the bias.
// CHECK-LABEL: func.func @conv_no_bias
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK-DAG: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}3.000000e+00, -3.000000e+00]]], {{\[\[\[}}4.000000e+00, 8.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<[-2.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
// CHECK-NOT: kiln.batch_norm
// CHECK: return %[[Y]]
func.func @conv_no_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w = kiln.constant dense<[[[[2.0, -2.0]]], [[[4.0, 8.0]]]]> : tensor<2x1x1x2xf32>
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x4x3xf32>
  %y = kiln.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %y : tensor<1x2x4x3xf32>
}

// -----

// Conv with bias [1, -1]: new bias = old * factor + offset
//   = [1 * 1.5 - 2, -1 * 1 - 0.5] = [-0.5, -1.5].
// CHECK-LABEL: func.func @conv_bias
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK-DAG: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<[-5.000000e-01, -1.500000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<1x2x4x4xf32>
// CHECK-NOT: kiln.batch_norm
// CHECK: return %[[Y]]
func.func @conv_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %b = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Gemm with trans_b: b is [N, K], so row n scales by factor[n]. The bias
// folds through beta: new c = beta * c * factor + offset
//   = [2 * 1 * 1.5 - 2, 2 * -1 * 1 - 0.5] = [1, -2.5], and beta becomes 1;
// alpha stays on the product.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-SAME: (%[[A:.*]]: tensor<1x3xf32>)
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<{{\[\[}}1.500000e+00, 3.000000e+00, 4.500000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[C:.*]] = kiln.constant dense<[1.000000e+00, -2.500000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.gemm %[[A]], %[[B]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 1.000000e+00 : f32, trans_a = false, trans_b = true} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NOT: kiln.batch_norm
// CHECK: return %[[Y]]
func.func @gemm_trans_b(%a: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %b = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %g = kiln.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = false, trans_b = true} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %y = kiln.batch_norm %g, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Gemm without trans_b: b is [K, N], so column n scales by factor[n].
// CHECK-LABEL: func.func @gemm_no_trans_b
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<{{\[\[}}1.500000e+00, 2.000000e+00], [4.500000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = kiln.constant dense<[-2.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK: kiln.gemm %{{.*}}, %[[B]], %[[C]] {{.*}}trans_b = false
// CHECK-NOT: kiln.batch_norm
func.func @gemm_no_trans_b(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %b = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %g = kiln.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %y = kiln.batch_norm %g, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A weight known only at run time cannot be folded: nothing changes.
// CHECK-LABEL: func.func @conv_weight_not_constant
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>, %[[W:.*]]: tensor<2x1x1x1xf32>)
// CHECK: %[[C:.*]] = kiln.conv %[[X]], %[[W]] {
// CHECK: %[[Y:.*]] = kiln.batch_norm %[[C]],
// CHECK: return %[[Y]]
func.func @conv_weight_not_constant(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The conv result is used elsewhere too: folding would change that use.
// CHECK-LABEL: func.func @conv_with_other_use
// CHECK: %[[C:.*]] = kiln.conv
// CHECK: %[[Y:.*]] = kiln.batch_norm %[[C]],
// CHECK: return %[[Y]], %[[C]]
func.func @conv_with_other_use(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = kiln.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Transposed conv, weight [C_in = 2, M / group = 1, 1, 1] with group 2:
// output channel o comes from input channel o, so weight[o] scales by
// factor[o]: [2 * 1.5, 4 * 1] = [3, 4]; no old bias, so the bias is the
// offset [-2, -0.5].
// CHECK-LABEL: func.func @conv_transpose_grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3xf32>)
// CHECK-DAG: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<[-2.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv_transpose %[[X]], %[[W]], %[[B]] {{.*}}group = 2
// CHECK-NOT: kiln.batch_norm
// CHECK: return %[[Y]]
func.func @conv_transpose_grouped(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %scale = kiln.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %y = kiln.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
