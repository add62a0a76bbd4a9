// RUN: kiln-opt %s -split-input-file -canonicalize -kiln-infer-shapes | FileCheck %s

// A static dimension picked out of a partially dynamic shape folds to a
// constant; the dynamic one stays a run-time value.
// CHECK-LABEL: func.func @gather_static_dim
// CHECK: %[[C:.*]] = kiln.constant dense<16> : tensor<i64>
// CHECK: return %[[C]]
func.func @gather_static_dim(%x: tensor<?x16x8x8xf32>) -> tensor<i64> {
  %s = kiln.shape %x {start = 0 : i64, end = 4 : i64} : (tensor<?x16x8x8xf32>) -> tensor<4xi64>
  %i = kiln.constant dense<1> : tensor<i64>
  %c = kiln.gather %s, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  return %c : tensor<i64>
}

// -----

// CHECK-LABEL: func.func @gather_dynamic_dim
// CHECK: kiln.gather
func.func @gather_dynamic_dim(%x: tensor<?x16xf32>) -> tensor<i64> {
  %s = kiln.shape %x {start = 0 : i64, end = 2 : i64} : (tensor<?x16xf32>) -> tensor<2xi64>
  %i = kiln.constant dense<0> : tensor<i64>
  %c = kiln.gather %s, %i {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  return %c : tensor<i64>
}

// -----

// The head-split reshape exporters write: [batch, seq] read at run time,
// [heads, head_size] constant. The constant entries make those dimensions
// static.
// CHECK-LABEL: func.func @head_split
// CHECK: kiln.reshape {{.*}} -> tensor<?x?x4x16xf32>
// CHECK: return {{.*}} : tensor<?x?x4x16xf32>
func.func @head_split(%x: tensor<?x?x64xf32>) -> tensor<?x?x?x?xf32> {
  %s = kiln.shape %x {start = 0 : i64, end = 2 : i64} : (tensor<?x?x64xf32>) -> tensor<2xi64>
  %h = kiln.constant dense<[4, 16]> : tensor<2xi64>
  %shape = kiln.concat %s, %h {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = kiln.reshape %x, %shape {allowzero = false} : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}
