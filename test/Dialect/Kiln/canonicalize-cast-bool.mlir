// RUN: kiln-opt %s -canonicalize | FileCheck %s

// Casting booleans to integers gives 1 for true (zero extension).

// CHECK-LABEL: func.func @cast_bool_to_int
// CHECK: %[[C:.*]] = kiln.constant dense<[1, 0]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @cast_bool_to_int() -> tensor<2xi64> {
  %c = kiln.constant dense<[true, false]> : tensor<2xi1>
  %0 = kiln.cast %c {saturate = false} : tensor<2xi1> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
