// RUN: kiln-opt %s -canonicalize | FileCheck %s

// Constant run-time axes that repeat a dimension (-3 is 0 again here) are
// not turned into the attribute form: that would change the op's meaning.

// CHECK-LABEL: func.func @duplicate_axes
// CHECK: kiln.reduce_sum %{{.*}}, %{{.*}} {keepdims = false}
func.func @duplicate_axes(%x: tensor<2x3x4xf32>) -> tensor<f32> {
  %axes = kiln.constant dense<[2, -3, 0]> : tensor<3xi64>
  %0 = kiln.reduce_sum %x, %axes {keepdims = false} : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}
