// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s

// Round trip: every op prints in a form that parses back to the same op, and
// the result types written here are the ones inference derives.

// CHECK-LABEL: func.func @conv
// CHECK-SAME: %[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>
// CHECK: kiln.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: kiln.conv %[[X]], %{{.*}} {{{.*}}group = 3 : i64{{.*}}} : (tensor<1x3x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>,
                %dw: tensor<6x1x3x3xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x6x6x6xf32>) {
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %1 = kiln.conv %x, %dw {dilations = array<i64: 1, 1>, group = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0, %1 : tensor<1x4x4x4xf32>, tensor<1x6x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @conv_dynamic
// CHECK: kiln.conv {{.*}} : (tensor<?x3x?x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x6xf32>
func.func @conv_dynamic(%x: tensor<?x3x?x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x?x6xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x3x?x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x6xf32>
  return %0 : tensor<?x4x?x6xf32>
}

// -----

// CHECK-LABEL: func.func @conv_transpose
// CHECK: kiln.conv_transpose {{.*}}output_padding = array<i64: 1, 1>{{.*}} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x12x12xf32>
func.func @conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x12x12xf32> {
  // 2 * (5 - 1) + 1 + (3 - 1) * 1 + 1 - 0 - 0 = 12
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x12x12xf32>
  return %0 : tensor<1x2x12x12xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<8x1x4x16xf32>, tensor<3x16x32xf32>) -> tensor<8x3x4x32xf32>
// CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<?x4x16xf32>, tensor<16x?xf32>) -> tensor<?x4x?xf32>
func.func @matmul_batch_broadcast(%a: tensor<8x1x4x16xf32>, %b: tensor<3x16x32xf32>,
                                  %c: tensor<?x4x16xf32>, %d: tensor<16x?xf32>)
    -> (tensor<8x3x4x32xf32>, tensor<?x4x?xf32>) {
  %0 = kiln.matmul %a, %b : (tensor<8x1x4x16xf32>, tensor<3x16x32xf32>) -> tensor<8x3x4x32xf32>
  %1 = kiln.matmul %c, %d : (tensor<?x4x16xf32>, tensor<16x?xf32>) -> tensor<?x4x?xf32>
  return %0, %1 : tensor<8x3x4x32xf32>, tensor<?x4x?xf32>
}

// -----

// CHECK-LABEL: func.func @gemm
// CHECK: kiln.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_a = false, trans_b = true} : (tensor<2x3xf32>, tensor<5x3xf32>, tensor<5xf32>) -> tensor<2x5xf32>
// CHECK: kiln.gemm %{{.*}}, %{{.*}} {{{.*}}trans_a = true, trans_b = false} : (tensor<3x2xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
func.func @gemm(%a: tensor<2x3xf32>, %b: tensor<5x3xf32>, %c: tensor<5xf32>,
                %at: tensor<3x2xf32>, %bn: tensor<3x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>) {
  %0 = kiln.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = false, trans_b = true} : (tensor<2x3xf32>, tensor<5x3xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %1 = kiln.gemm %at, %bn {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = true, trans_b = false} : (tensor<3x2xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return %0, %1 : tensor<2x5xf32>, tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @pooling
// CHECK: kiln.max_pool %{{.*}} {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
// CHECK: kiln.avg_pool %{{.*}} {ceil_mode = true, count_include_pad = false, {{.*}}} : (tensor<1x8x32x32xf32>) -> tensor<1x8x11x11xf32>
// CHECK: kiln.lp_pool %{{.*}} {{{.*}}p = 2 : i64{{.*}}} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
// CHECK: kiln.global_avg_pool %{{.*}} : (tensor<?x8x32x32xf32>) -> tensor<?x8x1x1xf32>
// CHECK: kiln.global_max_pool %{{.*}} : (tensor<1x8x32x32xf32>) -> tensor<1x8x1x1xf32>
func.func @pooling(%x: tensor<1x8x32x32xf32>, %d: tensor<?x8x32x32xf32>)
    -> (tensor<1x8x16x16xf32>, tensor<1x8x11x11xf32>, tensor<1x8x16x16xf32>, tensor<?x8x1x1xf32>, tensor<1x8x1x1xf32>) {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  // ceil((32 - 3) / 3) + 1 = 11
  %1 = kiln.avg_pool %x {ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 3>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x11x11xf32>
  %2 = kiln.lp_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  %3 = kiln.global_avg_pool %d : (tensor<?x8x32x32xf32>) -> tensor<?x8x1x1xf32>
  %4 = kiln.global_max_pool %x : (tensor<1x8x32x32xf32>) -> tensor<1x8x1x1xf32>
  return %0, %1, %2, %3, %4 : tensor<1x8x16x16xf32>, tensor<1x8x11x11xf32>, tensor<1x8x16x16xf32>, tensor<?x8x1x1xf32>, tensor<1x8x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @normalizations
// CHECK: kiln.batch_norm {{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
// CHECK: kiln.layer_norm {{.*}} {axis = 2 : i64, epsilon = {{.*}}} : (tensor<?x4x8x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x4x8x8xf32>
// CHECK: kiln.group_norm {{.*}} {epsilon = {{.*}}, num_groups = 2 : i64} : (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
func.func @normalizations(%x: tensor<?x4x8x8xf32>, %c: tensor<4xf32>, %s: tensor<8x8xf32>, %b: tensor<8xf32>)
    -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) {
  %0 = kiln.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  %1 = kiln.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x4x8x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x4x8x8xf32>
  %2 = kiln.group_norm %x, %c, %c {epsilon = 1.0e-05 : f32, num_groups = 2 : i64} : (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  return %0, %1, %2 : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @reductions
// CHECK: kiln.reduce_sum %{{.*}} {axes = array<i64: 1, 3>, keepdims = true} : (tensor<2x3x4x5xf32>) -> tensor<2x1x4x1xf32>
// CHECK: kiln.reduce_mean %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<3x5xf32>
// CHECK: kiln.reduce_max %{{.*}} {axes = array<i64>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<f32>
// CHECK: kiln.reduce_l2 %{{.*}}, %{{.*}} {keepdims = true} : (tensor<2x3x4x5xf32>, tensor<?xi64>) -> tensor<?x?x?x?xf32>
// CHECK: kiln.reduce_prod %{{.*}}, %{{.*}} {keepdims = false} : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<?x?xf32>
// CHECK: kiln.argmax %{{.*}} {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5xi64>
// CHECK: kiln.cumsum %{{.*}} {axis = 3 : i64, exclusive = true, reverse = false} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
func.func @reductions(%x: tensor<2x3x4x5xf32>, %axes: tensor<?xi64>, %two: tensor<2xi64>)
    -> (tensor<2x1x4x1xf32>, tensor<3x5xf32>, tensor<f32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<2x4x5xi64>, tensor<2x3x4x5xf32>) {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1, 3>, keepdims = true} : (tensor<2x3x4x5xf32>) -> tensor<2x1x4x1xf32>
  %1 = kiln.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<3x5xf32>
  // An empty axes attribute reduces every dimension.
  %2 = kiln.reduce_max %x {axes = array<i64>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<f32>
  // Run-time axes: the rank is known (keepdims, or a static axes count).
  %3 = kiln.reduce_l2 %x, %axes {keepdims = true} : (tensor<2x3x4x5xf32>, tensor<?xi64>) -> tensor<?x?x?x?xf32>
  %4 = kiln.reduce_prod %x, %two {keepdims = false} : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %5 = kiln.argmax %x {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5xi64>
  %6 = kiln.cumsum %x {axis = 3 : i64, exclusive = true, reverse = false} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x1x4x1xf32>, tensor<3x5xf32>, tensor<f32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<2x4x5xi64>, tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @top_k
// CHECK: %[[K:.*]] = kiln.constant dense<2> : tensor<1xi64>
// CHECK: kiln.top_k %{{.*}}, %[[K]] {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK: kiln.top_k %{{.*}}, %{{.*}} {axis = 0 : i64, largest = false, sorted = false} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<?x5xf32>, tensor<?x5xi64>)
func.func @top_k(%x: tensor<3x5xf32>, %k: tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>, tensor<?x5xf32>) {
  %c = kiln.constant dense<2> : tensor<1xi64>
  %v, %i = kiln.top_k %x, %c {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  %v2, %i2 = kiln.top_k %x, %k {axis = 0 : i64, largest = false, sorted = false} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<?x5xf32>, tensor<?x5xi64>)
  return %v, %i, %v2 : tensor<3x2xf32>, tensor<3x2xi64>, tensor<?x5xf32>
}

// -----

// CHECK-LABEL: func.func @shape_ops
// CHECK: %[[S:.*]] = kiln.constant dense<[4, 6]> : tensor<2xi64>
// CHECK: kiln.reshape %{{.*}}, %[[S]] {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK: kiln.reshape %{{.*}}, %{{.*}} {allowzero = false} : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
// CHECK: kiln.flatten %{{.*}} {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
// CHECK: kiln.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK: kiln.squeeze %{{.*}} {axes = array<i64: 0, 2>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
// CHECK: kiln.unsqueeze %{{.*}} {axes = array<i64: 0, 3>} : (tensor<2x3xf32>) -> tensor<1x2x3x1xf32>
// CHECK: kiln.shape %{{.*}} {end = 3 : i64, start = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<2xi64>
// CHECK: kiln.size %{{.*}} : (tensor<?x3x4xf32>) -> tensor<i64>
func.func @shape_ops(%x: tensor<2x3x4xf32>, %s: tensor<3xi64>, %d: tensor<?x3x4xf32>,
                     %one: tensor<1x3x1xf32>, %m: tensor<2x3xf32>)
    -> (tensor<4x6xf32>, tensor<?x?x?xf32>, tensor<?x12xf32>, tensor<4x2x3xf32>, tensor<3xf32>, tensor<1x2x3x1xf32>, tensor<2xi64>, tensor<i64>) {
  %shape = kiln.constant dense<[4, 6]> : tensor<2xi64>
  %0 = kiln.reshape %x, %shape {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  // A shape known only at run time: the rank is known, the extents are not.
  %1 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %2 = kiln.flatten %d {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  %3 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %4 = kiln.squeeze %one {axes = array<i64: 0, 2>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  %5 = kiln.unsqueeze %m {axes = array<i64: 0, 3>} : (tensor<2x3xf32>) -> tensor<1x2x3x1xf32>
  %6 = kiln.shape %d {end = 3 : i64, start = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<2xi64>
  %7 = kiln.size %d : (tensor<?x3x4xf32>) -> tensor<i64>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4x6xf32>, tensor<?x?x?xf32>, tensor<?x12xf32>, tensor<4x2x3xf32>, tensor<3xf32>, tensor<1x2x3x1xf32>, tensor<2xi64>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @slice_gather_concat_split
// CHECK: kiln.slice {{.*}} : (tensor<10x8xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<4x3xf32>
// CHECK: kiln.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<10x2x3xf32>
// CHECK: kiln.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<10x8xf32>, tensor<?x8xf32>, tensor<2x8xf32>) -> tensor<?x8xf32>
// CHECK: kiln.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<10x8xf32>, tensor<10x8xf32>) -> tensor<10x16xf32>
// CHECK: kiln.split %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<10x8xf32>, tensor<2xi64>) -> (tensor<10x3xf32>, tensor<10x5xf32>)
func.func @slice_gather_concat_split(%x: tensor<10x8xf32>, %i: tensor<2x3xi64>, %d: tensor<?x8xf32>, %t: tensor<2x8xf32>)
    -> (tensor<4x3xf32>, tensor<10x2x3xf32>, tensor<?x8xf32>, tensor<10x16xf32>, tensor<10x3xf32>, tensor<10x5xf32>) {
  // Rows 1, 3, 5, 7 (start 1, end -2 = 8, step 2); columns 7, 6, 5 (start -1, end 4, step -1).
  %starts = kiln.constant dense<[1, -1]> : tensor<2xi64>
  %ends = kiln.constant dense<[-2, 4]> : tensor<2xi64>
  %axes = kiln.constant dense<[0, 1]> : tensor<2xi64>
  %steps = kiln.constant dense<[2, -1]> : tensor<2xi64>
  %0 = kiln.slice %x, %starts, %ends, %axes, %steps : (tensor<10x8xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<4x3xf32>
  %1 = kiln.gather %x, %i {axis = 1 : i64} : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<10x2x3xf32>
  %2 = kiln.concat %x, %d, %t {axis = 0 : i64} : (tensor<10x8xf32>, tensor<?x8xf32>, tensor<2x8xf32>) -> tensor<?x8xf32>
  %3 = kiln.concat %x, %x {axis = 1 : i64} : (tensor<10x8xf32>, tensor<10x8xf32>) -> tensor<10x16xf32>
  %sizes = kiln.constant dense<[3, 5]> : tensor<2xi64>
  %4:2 = kiln.split %x, %sizes {axis = 1 : i64} : (tensor<10x8xf32>, tensor<2xi64>) -> (tensor<10x3xf32>, tensor<10x5xf32>)
  return %0, %1, %2, %3, %4#0, %4#1 : tensor<4x3xf32>, tensor<10x2x3xf32>, tensor<?x8xf32>, tensor<10x16xf32>, tensor<10x3xf32>, tensor<10x5xf32>
}

// -----

// CHECK-LABEL: func.func @resize
// CHECK: kiln.resize %{{.*}}, %{{.*}} {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4xf32>) -> tensor<1x3x16x12xf32>
// CHECK: kiln.resize %{{.*}}, %{{.*}} {{{.*}}mode = "nearest"{{.*}}operandSegmentSizes = array<i32: 1, 0, 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4xi64>) -> tensor<1x3x5x7xf32>
func.func @resize(%x: tensor<1x3x8x8xf32>) -> (tensor<1x3x16x12xf32>, tensor<1x3x5x7xf32>) {
  %scales = kiln.constant dense<[1.0, 1.0, 2.0, 1.5]> : tensor<4xf32>
  %0 = kiln.resize %x, %scales {antialias = false, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4xf32>) -> tensor<1x3x16x12xf32>
  %sizes = kiln.constant dense<[1, 3, 5, 7]> : tensor<4xi64>
  %1 = kiln.resize %x, %sizes {antialias = false, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor", operandSegmentSizes = array<i32: 1, 0, 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4xi64>) -> tensor<1x3x5x7xf32>
  return %0, %1 : tensor<1x3x16x12xf32>, tensor<1x3x5x7xf32>
}

// -----

// CHECK-LABEL: func.func @einsum
// CHECK: kiln.einsum %{{.*}}, %{{.*}} {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
// CHECK: kiln.einsum %{{.*}} {equation = "...ij->...ji"} : (tensor<6x2x3x4xf32>) -> tensor<6x2x4x3xf32>
func.func @einsum(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>, %c: tensor<6x2x3x4xf32>)
    -> (tensor<2x3x5xf32>, tensor<6x2x4x3xf32>) {
  %0 = kiln.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  %1 = kiln.einsum %c {equation = "...ij->...ji"} : (tensor<6x2x3x4xf32>) -> tensor<6x2x4x3xf32>
  return %0, %1 : tensor<2x3x5xf32>, tensor<6x2x4x3xf32>
}

// -----

// CHECK-LABEL: func.func @elementwise
// CHECK: kiln.add %{{.*}}, %{{.*}} : tensor<4x1x3xf32>, tensor<5x1xf32> -> tensor<4x5x3xf32>
// CHECK: kiln.less %{{.*}}, %{{.*}} : tensor<4x1x3xf32>, tensor<5x1xf32> -> tensor<4x5x3xi1>
// CHECK: kiln.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x5x3xi1>, tensor<4x1x3xf32>, tensor<5x1xf32>) -> tensor<4x5x3xf32>
// CHECK: kiln.relu %{{.*}} : tensor<4x5x3xf32>
// CHECK: kiln.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<4x5x3xf32>
// CHECK: kiln.cast %{{.*}} {saturate = false} : tensor<4x5x3xf32> -> tensor<4x5x3xf16>
// CHECK: kiln.is_nan %{{.*}} : (tensor<?xf32>) -> tensor<?xi1>
func.func @elementwise(%a: tensor<4x1x3xf32>, %b: tensor<5x1xf32>, %d: tensor<?xf32>)
    -> (tensor<4x5x3xf16>, tensor<?xi1>) {
  %0 = kiln.add %a, %b : tensor<4x1x3xf32>, tensor<5x1xf32> -> tensor<4x5x3xf32>
  %1 = kiln.less %a, %b : tensor<4x1x3xf32>, tensor<5x1xf32> -> tensor<4x5x3xi1>
  %2 = kiln.where %1, %a, %b : (tensor<4x5x3xi1>, tensor<4x1x3xf32>, tensor<5x1xf32>) -> tensor<4x5x3xf32>
  %3 = kiln.relu %2 : tensor<4x5x3xf32>
  %4 = kiln.leaky_relu %3 {alpha = 0.1 : f32} : tensor<4x5x3xf32>
  %5 = kiln.cast %4 {saturate = false} : tensor<4x5x3xf32> -> tensor<4x5x3xf16>
  %6 = kiln.is_nan %d : (tensor<?xf32>) -> tensor<?xi1>
  return %5, %6 : tensor<4x5x3xf16>, tensor<?xi1>
}

// -----

// CHECK-LABEL: func.func @constants
// CHECK: kiln.constant dense<[1, 3, 224, 224]> : tensor<4xi64>
// CHECK: kiln.constant dense<1.500000e+00> : tensor<2x2xf32>
// CHECK: kiln.constant dense_resource<weights> : tensor<2xf32>
// CHECK: kiln.constant_of_shape %{{.*}} {value = dense<0.000000e+00> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
// CHECK: kiln.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
func.func @constants(%shape: tensor<2xi64>, %s: tensor<i64>)
    -> (tensor<4xi64>, tensor<2x2xf32>, tensor<2xf32>, tensor<?x?xf32>, tensor<?xi64>) {
  %0 = kiln.constant dense<[1, 3, 224, 224]> : tensor<4xi64>
  %1 = kiln.constant dense<1.5> : tensor<2x2xf32>
  %2 = kiln.constant dense_resource<weights> : tensor<2xf32>
  %3 = kiln.constant_of_shape %shape {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  %4 = kiln.range %s, %s, %s : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0, %1, %2, %3, %4 : tensor<4xi64>, tensor<2x2xf32>, tensor<2xf32>, tensor<?x?xf32>, tensor<?xi64>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @quantization_grid_sample_scan
// CHECK: kiln.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, block_size = 0 : i64, saturate = true} : (tensor<1x3x8x8xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x8x8xi8>
// CHECK: kiln.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64, block_size = 0 : i64} : (tensor<1x3x8x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x3x8x8xf32>
// CHECK: kiln.grid_sample %{{.*}}, %{{.*}} {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x5x2xf32>) -> tensor<1x3x4x5xf32>
// CHECK: kiln.cumsum %{{.*}}, %{{.*}} {exclusive = false, reverse = true} : (tensor<1x3x8x8xf32>, tensor<i64>) -> tensor<1x3x8x8xf32>
func.func @quantization_grid_sample_scan(%x: tensor<1x3x8x8xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>,
                                         %s0: tensor<f32>, %z0: tensor<i8>, %g: tensor<1x4x5x2xf32>, %axis: tensor<i64>)
    -> (tensor<1x3x8x8xf32>, tensor<1x3x4x5xf32>, tensor<1x3x8x8xf32>) {
  // Per-axis quantization (scale along dimension 1), per-tensor dequantization.
  %q = kiln.quantize_linear %x, %s, %z {axis = 1 : i64, block_size = 0 : i64, saturate = true} : (tensor<1x3x8x8xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x8x8xi8>
  %d = kiln.dequantize_linear %q, %s0, %z0 {axis = 0 : i64, block_size = 0 : i64} : (tensor<1x3x8x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x3x8x8xf32>
  // Result [N, C] + the grid's [4, 5].
  %0 = kiln.grid_sample %x, %g {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x5x2xf32>) -> tensor<1x3x4x5xf32>
  // A scan axis known only at run time is an operand.
  %1 = kiln.cumsum %x, %axis {exclusive = false, reverse = true} : (tensor<1x3x8x8xf32>, tensor<i64>) -> tensor<1x3x8x8xf32>
  return %d, %0, %1 : tensor<1x3x8x8xf32>, tensor<1x3x4x5xf32>, tensor<1x3x8x8xf32>
}
