// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// An op without any lowering is named.
func.func @no_lowering(%x: tensor<4x3xf32>) -> tensor<?x3xf32> {
  // expected-error@+1 {{kiln.unique is not supported by kiln's code generators yet}}
  %0:4 = kiln.unique %x {axis = 0 : i64, sorted = true} : (tensor<4x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %0#0 : tensor<?x3xf32>
}

// -----

// A dynamic result dimension needs a dynamic operand to size it.
func.func @static_operands_dynamic_result(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<?xf32> {
  // expected-error@+1 {{kiln.add is not supported by kiln's code generators yet for these operand types, shapes or attributes}}
  %0 = kiln.add %x, %y : tensor<3xf32>, tensor<3xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Every op that cannot be lowered is reported, not only the first.
func.func @several(%x: tensor<4xi64>, %y: tensor<2x6x6xf32>) -> (tensor<4xi64>, tensor<2xf32>) {
  // expected-error@+1 {{kiln.sqrt is not supported by kiln's code generators yet for these operand types, shapes or attributes}}
  %0 = kiln.sqrt %x : tensor<4xi64>
  // expected-error@+1 {{kiln.det is not supported by kiln's code generators yet}}
  %1 = kiln.det %y : (tensor<2x6x6xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<4xi64>, tensor<2xf32>
}
