// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// Max pooling pads with -inf and starts from -inf. ceil_mode makes the
// output 4x4 from 8x8 with 3x3 windows, stride 2: the end is padded by one
// more so that the last window fits.
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]] : f32
// CHECK: linalg.fill ins(%[[NEG]] : f32)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %[[WIN]] : tensor<1x2x9x9xf32>, tensor<3x3xf32>)
func.func @max_pool_ceil(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>,
         kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>,
         strides = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Without padding every window covers 4 elements: one scalar divisor.
// CHECK-LABEL: func.func @avg_pool
// CHECK: linalg.pooling_nchw_sum
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %[[FOUR]] : f32
func.func @avg_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %0 = kiln.avg_pool %x {ceil_mode = false, count_include_pad = false,
         dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// Padding not counted: the divisors per output position are a constant.
// CHECK-LABEL: func.func @avg_pool_pad
// CHECK: linalg.pooling_nchw_sum
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 1.000000e+00], [2.000000e+00, 4.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[DIV]] : tensor<1x1x3x3xf32>, tensor<3x3xf32>)
// CHECK: arith.divf
func.func @avg_pool_pad(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.avg_pool %x {ceil_mode = false, count_include_pad = false,
         dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
         pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
       : (tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[NC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @global_avg_pool
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[NC]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.addf
// CHECK: %[[N:.*]] = arith.constant 4.900000e+01 : f32
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] {{.*}} : tensor<1x8xf32> into tensor<1x8x1x1xf32>
func.func @global_avg_pool(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32> {
  %0 = kiln.global_avg_pool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return %0 : tensor<1x8x1x1xf32>
}

// -----

// Other ranks pool with a generic over [N, C, O..., K...]: 1-D max pooling.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2 + d3)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @max_pool_1d
// CHECK: %[[W:.*]] = tensor.empty() : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[W]] : tensor<1x3x8xf32>, tensor<2xf32>)
// CHECK: arith.maximumf
func.func @max_pool_1d(%x: tensor<1x3x8xf32>) -> tensor<1x3x4xf32> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1>,
         kernel_shape = array<i64: 2>, pads = array<i64: 0, 0>,
         strides = array<i64: 2>} : (tensor<1x3x8xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

// Unsigned max pooling compares the signless bits with maxui; the padding
// and the accumulator start at 0, the lowest uint8.
// CHECK-LABEL: func.func @max_pool_uint8
// CHECK: %[[C0:.*]] = arith.constant 0 : i8
// CHECK: %[[LOWEST:.*]] = builtin.unrealized_conversion_cast %[[C0]] : i8 to ui8
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[LOWEST]] : ui8) outs(%{{.*}} : tensor<1x1x2x2xui8>)
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[LOWEST]] : ui8
// CHECK: linalg.generic {{.*}} outs(%[[ACC]] : tensor<1x1x2x2xui8>)
// CHECK: ^bb0(%[[IN:.*]]: ui8, %{{.*}}: ui8, %[[OUT:.*]]: ui8):
// CHECK: %[[X:.*]] = builtin.unrealized_conversion_cast %[[IN]] : ui8 to i8
// CHECK: %[[BEST:.*]] = builtin.unrealized_conversion_cast %[[OUT]] : ui8 to i8
// CHECK: %[[MAX:.*]] = arith.maxui %[[X]], %[[BEST]] : i8
// CHECK: %[[R:.*]] = builtin.unrealized_conversion_cast %[[MAX]] : i8 to ui8
// CHECK: linalg.yield %[[R]] : ui8
func.func @max_pool_uint8(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
         kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 0>,
         strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  return %0 : tensor<1x1x2x2xui8>
}

// -----

// 3-D average pooling with end padding not counted: divisors per position.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-LABEL: func.func @avg_pool_3d
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0, 0] high[0, 0, 1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK: arith.addf
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[\[\[}}8.000000e+00, 4.000000e+00], [4.000000e+00, 2.000000e+00]], {{\[\[}}4.000000e+00, 2.000000e+00], [2.000000e+00, 1.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK: arith.divf
func.func @avg_pool_3d(%x: tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32> {
  %0 = kiln.avg_pool %x {ceil_mode = false, count_include_pad = false,
         dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>,
         pads = array<i64: 0, 0, 0, 1, 1, 1>, strides = array<i64: 2, 2, 2>}
       : (tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32>
  return %0 : tensor<1x1x2x2x2xf32>
}

// -----

// Lp pooling: sum of |x|^p over the window, then the p-th root.
// CHECK-LABEL: func.func @lp_pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: %[[P:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: %[[A:.*]] = math.absf
// CHECK: math.powf %[[A]], %[[P]]
// CHECK: arith.addf
// CHECK: %[[R:.*]] = arith.constant 0.333333343 : f32
// CHECK: math.powf %{{.*}}, %[[R]]
func.func @lp_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.lp_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
         kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
         strides = array<i64: 1, 1>, p = 3 : i64}
       : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// The indices output tracks the maximum with its flat position: channel
// times 25, plus (with column_major) h + 5 * w.
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
// CHECK: arith.constant 25 : i64
// CHECK: arith.constant 5 : i64
// CHECK: %[[GT:.*]] = arith.cmpf ogt
// CHECK: arith.select %[[GT]]
// CHECK: arith.select %[[GT]]
// CHECK: return %[[R]]#1
func.func @max_pool_indices(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xi64> {
  %0 = kiln.max_pool_indices %x {ceil_mode = false, column_major = true,
         dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xi64>
  return %0 : tensor<1x1x2x2xi64>
}
