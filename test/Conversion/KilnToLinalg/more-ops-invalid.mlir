// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// det expands by cofactors only up to 5x5.
func.func @det_large(%x: tensor<6x6xf32>) -> tensor<f32> {
  // expected-error@+1 {{kiln.det is not supported by kiln's code generators yet for these operand types, shapes or attributes}}
  %0 = kiln.det %x : (tensor<6x6xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// max_unpool needs a static result shape.
func.func @max_unpool_dynamic(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>, %s: tensor<4xi64>) -> tensor<?x?x?x?xf32> {
  // expected-error@+1 {{kiln.max_unpool is not supported by kiln's code generators yet for these operand types, shapes or attributes}}
  %0 = kiln.max_unpool %x, %i, %s
       : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}
