// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// A transposed convolution is a stride-1 convolution over the input spread
// out by the strides and padded by (kernel - 1) * dilation - pads, with a
// flipped, channel-swapped weight.
// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3xf32>, %[[W:.*]]: tensor<2x4x3x3xf32>)
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<1x2x8x8xf32>
// CHECK: %[[S:.*]] = tensor.insert_slice %[[X]] into %[[Z]][0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 2, 2]
// CHECK: %[[F:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4x2x3x3xf32>)
// CHECK: tensor.extract %[[W]]
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[S]], %[[F]] : tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) {{.*}} -> tensor<1x4x6x6xf32>
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
         output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
         strides = array<i64: 2, 2>}
       : (tensor<1x2x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
