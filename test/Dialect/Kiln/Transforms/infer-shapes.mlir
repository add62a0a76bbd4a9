// RUN: kiln-opt %s -split-input-file -kiln-infer-shapes | FileCheck %s

// A reshape whose shape operand is a constant gets its static type, the
// refinement flows forward through later ops, and the function signature
// follows its return.
// CHECK-LABEL: func.func @refine_chain
// CHECK-SAME: -> tensor<6x2xf32>
// CHECK: kiln.reshape {{.*}} -> tensor<2x6xf32>
// CHECK: kiln.relu %{{.*}} : tensor<2x6xf32>
// CHECK: kiln.transpose {{.*}} : (tensor<2x6xf32>) -> tensor<6x2xf32>
// CHECK: return %{{.*}} : tensor<6x2xf32>
func.func @refine_chain(%x: tensor<3x4xf32>) -> tensor<?x?xf32> {
  %s = kiln.constant dense<[2, 6]> : tensor<2xi64>
  %r = kiln.reshape %x, %s {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %a = kiln.relu %r : tensor<?x?xf32>
  %t = kiln.transpose %a {perm = array<i64: 1, 0>} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %t : tensor<?x?xf32>
}

// -----

// Refinement only ever adds static information: a declared static extent
// that inference cannot derive (a run-time shape) is kept.
// CHECK-LABEL: func.func @keep_declared_static
// CHECK: kiln.reshape %{{.*}}, %{{.*}} {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x?xf32>
// CHECK: return %{{.*}} : tensor<2x?xf32>
func.func @keep_declared_static(%x: tensor<3x4xf32>, %s: tensor<2xi64>) -> tensor<2x?xf32> {
  %r = kiln.reshape %x, %s {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x?xf32>
  return %r : tensor<2x?xf32>
}

// -----

// Partly known: the 0 entry copies the input's (dynamic) dimension 0 and the
// 2 is static; the -1 entry stays dynamic because the element count is.
// CHECK-LABEL: func.func @partly_static
// CHECK-SAME: -> tensor<?x2x?xf32>
// CHECK: kiln.reshape {{.*}} : (tensor<?x3x4xf32>, tensor<3xi64>) -> tensor<?x2x?xf32>
func.func @partly_static(%x: tensor<?x3x4xf32>) -> tensor<?x?x?xf32> {
  %s = kiln.constant dense<[0, 2, -1]> : tensor<3xi64>
  %r = kiln.reshape %x, %s {allowzero = false} : (tensor<?x3x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

// -----

// Multi-result ops: top_k with a constant k gets static values and indices.
// CHECK-LABEL: func.func @top_k
// CHECK: kiln.top_k {{.*}} -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK: return {{.*}} : tensor<3x2xf32>, tensor<3x2xi64>
func.func @top_k(%x: tensor<3x5xf32>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  %k = kiln.constant dense<2> : tensor<1xi64>
  %v, %i = kiln.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v, %i : tensor<3x?xf32>, tensor<3x?xi64>
}

// -----

// Ops without result-type inference (kiln.cast) keep their declared type;
// ops after them infer from that type.
// CHECK-LABEL: func.func @stops_at_cast
// CHECK: kiln.reshape {{.*}} -> tensor<2x6xf32>
// CHECK: kiln.cast %{{.*}} {saturate = false} : tensor<2x6xf32> -> tensor<?x?xf16>
// CHECK: kiln.relu %{{.*}} : tensor<?x?xf16>
func.func @stops_at_cast(%x: tensor<3x4xf32>) -> tensor<?x?xf16> {
  %s = kiln.constant dense<[2, 6]> : tensor<2xi64>
  %r = kiln.reshape %x, %s {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %c = kiln.cast %r {saturate = false} : tensor<?x?xf32> -> tensor<?x?xf16>
  %a = kiln.relu %c : tensor<?x?xf16>
  return %a : tensor<?x?xf16>
}
