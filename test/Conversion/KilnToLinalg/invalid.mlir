// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// An op without any lowering is named.
func.func @no_lowering(%x: tensor<2x3x3xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{kiln.det is not supported by the CPU code generator yet}}
  %0 = kiln.det %x : (tensor<2x3x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// A dynamic result dimension needs a dynamic operand to size it.
func.func @static_operands_dynamic_result(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<?xf32> {
  // expected-error@+1 {{kiln.add is not supported by the CPU code generator yet for these operand types, shapes or attributes}}
  %0 = kiln.add %x, %y : tensor<3xf32>, tensor<3xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Every op that cannot be lowered is reported, not only the first.
func.func @several(%x: tensor<4xi64>, %y: tensor<2x3x3xf32>) -> (tensor<4xi64>, tensor<2xf32>) {
  // expected-error@+1 {{kiln.sqrt is not supported by the CPU code generator yet for these operand types, shapes or attributes}}
  %0 = kiln.sqrt %x : tensor<4xi64>
  // expected-error@+1 {{kiln.det is not supported by the CPU code generator yet}}
  %1 = kiln.det %y : (tensor<2x3x3xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<4xi64>, tensor<2xf32>
}
