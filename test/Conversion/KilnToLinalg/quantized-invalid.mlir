// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics

// Grouped integer convolutions are not lowered yet.
func.func @conv_integer_grouped(%x: tensor<1x4x9x9xi8>, %w: tensor<6x2x3x3xi8>, %z: tensor<i8>) -> tensor<1x6x4x4xi32> {
  // expected-error@+1 {{kiln.conv_integer is not supported by kiln's code generators yet}}
  %0 = kiln.conv_integer %x, %w, %z, %z {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xi8>, tensor<6x2x3x3xi8>, tensor<i8>, tensor<i8>) -> tensor<1x6x4x4xi32>
  return %0 : tensor<1x6x4x4xi32>
}

// -----

// A blocked quantization whose axis is dynamic cannot replicate its blocks.
func.func @quantize_blocked_dynamic(%x: tensor<3x?xf32>, %s: tensor<3x2xf32>, %z: tensor<3x2xi8>) -> tensor<3x?xi8> {
  // expected-error@+1 {{kiln.quantize_linear is not supported by kiln's code generators yet}}
  %0 = kiln.quantize_linear %x, %s, %z {axis = 1 : i64, block_size = 2 : i64, saturate = true} : (tensor<3x?xf32>, tensor<3x2xf32>, tensor<3x2xi8>) -> tensor<3x?xi8>
  return %0 : tensor<3x?xi8>
}
