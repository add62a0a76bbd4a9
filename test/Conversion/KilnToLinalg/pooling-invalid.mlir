// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// Unsigned integers are not lowered (arith takes signless integers only).
func.func @max_pool_uint8(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  // expected-error@+1 {{kiln.max_pool is not supported by the CPU code generator yet}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
         kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
         strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  return %0 : tensor<1x1x2x2xui8>
}
