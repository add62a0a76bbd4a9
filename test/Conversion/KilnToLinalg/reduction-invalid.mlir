// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// Axes known only at run time give data-dependent result sizes: rejected.
func.func @reduce_runtime_axes(%x: tensor<3x4xf32>, %axes: tensor<1xi64>) -> tensor<?x?xf32> {
  // expected-error@+1 {{kiln.reduce_sum is not supported by the CPU code generator yet}}
  %0 = kiln.reduce_sum %x, %axes {keepdims = true} : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
