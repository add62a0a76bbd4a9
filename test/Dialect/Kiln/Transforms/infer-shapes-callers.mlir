// RUN: kiln-opt %s -kiln-infer-shapes | FileCheck %s

// A function with callers keeps its signature: the refined value is cast
// back to the declared result type, so every call still verifies.

// CHECK-LABEL: func.func @callee
// CHECK-SAME: -> tensor<?x?xf32>
// CHECK: %[[R:.*]] = kiln.reshape {{.*}} -> tensor<2x6xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[R]] : tensor<2x6xf32> to tensor<?x?xf32>
// CHECK: return %[[C]]
// CHECK-LABEL: func.func @caller
// CHECK: call @callee
func.func @callee(%x: tensor<3x4xf32>) -> tensor<?x?xf32> {
  %s = kiln.constant dense<[2, 6]> : tensor<2xi64>
  %r = kiln.reshape %x, %s {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

func.func @caller(%x: tensor<3x4xf32>) -> tensor<?x?xf32> {
  %0 = func.call @callee(%x) : (tensor<3x4xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
