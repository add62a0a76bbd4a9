// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// An op without any lowering is named.
func.func @no_lowering(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{kiln.hardmax is not supported by the CPU code generator yet}}
  %0 = kiln.hardmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Two dynamic extents for one dimension: either could be 1 at run time.
func.func @ambiguous_broadcast(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error@+1 {{kiln.add is not supported by the CPU code generator yet for these operand types, shapes or attributes}}
  %0 = kiln.add %x, %y : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Every op that cannot be lowered is reported, not only the first.
func.func @several(%x: tensor<4xi64>, %y: tensor<2x3xf32>) -> (tensor<4xi64>, tensor<2x3xf32>) {
  // expected-error@+1 {{kiln.sqrt is not supported by the CPU code generator yet for these operand types, shapes or attributes}}
  %0 = kiln.sqrt %x : tensor<4xi64>
  // expected-error@+1 {{kiln.hardmax is not supported by the CPU code generator yet}}
  %1 = kiln.hardmax %y {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<4xi64>, tensor<2x3xf32>
}
