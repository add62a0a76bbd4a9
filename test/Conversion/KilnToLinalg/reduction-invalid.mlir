// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// Run-time axes of unknown count: the result's rank is not known.
func.func @reduce_runtime_axes(%x: tensor<3x4xf32>, %axes: tensor<?xi64>) -> tensor<?x?xf32> {
  // expected-error@+1 {{kiln.reduce_sum is not supported by kiln's code generators yet}}
  %0 = kiln.reduce_sum %x, %axes {keepdims = true} : (tensor<3x4xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
