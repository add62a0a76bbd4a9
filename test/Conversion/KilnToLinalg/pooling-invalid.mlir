// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// The windows are laid out at compile time: a dynamic spatial size is not
// lowered.
func.func @max_pool_dynamic_spatial(%x: tensor<1x1x?x4xf32>) -> tensor<1x1x?x2xf32> {
  // expected-error@+1 {{kiln.max_pool is not supported by kiln's code generators yet}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
         kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
         strides = array<i64: 2, 2>} : (tensor<1x1x?x4xf32>) -> tensor<1x1x?x2xf32>
  return %0 : tensor<1x1x?x2xf32>
}
