// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// One case per error of the integer and quantized ops. All come from
// result-type inference, so each is followed by "failed to infer returned
// types". The convolutions' shape rules, and their messages, are
// kiln.conv's.

func.func @matmul_integer_type(%a: tensor<4x3xi16>, %b: tensor<3x2xi8>, %z: tensor<i16>, %zb: tensor<i8>) -> tensor<4x2xi32> {
  // expected-error@+2 {{'lhs' must have an 8-bit integer element type, got 'i16'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul_integer %a, %b, %z, %zb : (tensor<4x3xi16>, tensor<3x2xi8>, tensor<i16>, tensor<i8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

func.func @matmul_integer_rank(%a: tensor<3xi8>, %b: tensor<3x2xi8>, %z: tensor<i8>) -> tensor<2xi32> {
  // expected-error@+2 {{operands must have rank 2 or more, got 1 and 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul_integer %a, %b, %z, %z : (tensor<3xi8>, tensor<3x2xi8>, tensor<i8>, tensor<i8>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @matmul_integer_contraction(%a: tensor<4x3xi8>, %b: tensor<5x2xi8>, %z: tensor<i8>) -> tensor<4x2xi32> {
  // expected-error@+2 {{contraction sizes differ: lhs has 3 columns, rhs has 5 rows}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul_integer %a, %b, %z, %z : (tensor<4x3xi8>, tensor<5x2xi8>, tensor<i8>, tensor<i8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

func.func @matmul_integer_zero_point_type(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %z: tensor<i8>) -> tensor<4x2xi32> {
  // expected-error@+2 {{'lhs_zero_point' must have element type 'ui8', got 'i8'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul_integer %a, %b, %z, %z : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<i8>, tensor<i8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// ONNX's per-row zero point [M] of the left operand is [M, 1] in kiln.
func.func @matmul_integer_zero_point_shape(%a: tensor<4x3xi8>, %b: tensor<3x2xi8>, %rows: tensor<4xi8>, %z: tensor<i8>) -> tensor<4x2xi32> {
  // expected-error@+2 {{'lhs_zero_point' of type 'tensor<4xi8>' does not broadcast to 'tensor<4x3xi8>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.matmul_integer %a, %b, %rows, %z : (tensor<4x3xi8>, tensor<3x2xi8>, tensor<4xi8>, tensor<i8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

func.func @qlinear_matmul_type(%a: tensor<2x4xi8>, %s: tensor<f32>, %z: tensor<i8>, %b: tensor<4x3xi8>, %yz: tensor<i32>) -> tensor<2x3xi32> {
  // expected-error@+2 {{'output_zero_point' must have an 8-bit element type, got 'i32'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.qlinear_matmul %a, %s, %z, %b, %s, %z, %s, %yz : (tensor<2x4xi8>, tensor<f32>, tensor<i8>, tensor<4x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @qlinear_matmul_scale_shape(%a: tensor<2x4xi8>, %s: tensor<f32>, %z: tensor<i8>, %b: tensor<4x3xi8>,
                                      %bs: tensor<3xf32>) -> tensor<2x3xi8> {
  // expected-error@+2 {{'rhs_scale' must be a float tensor shaped like its zero point, got 'tensor<3xf32>' for 'tensor<i8>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.qlinear_matmul %a, %s, %z, %b, %bs, %z, %s, %z : (tensor<2x4xi8>, tensor<f32>, tensor<i8>, tensor<4x3xi8>, tensor<3xf32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @qlinear_matmul_scale_types(%a: tensor<2x4xi8>, %s: tensor<f32>, %z: tensor<i8>, %b: tensor<4x3xi8>,
                                      %hs: tensor<f16>) -> tensor<2x3xi8> {
  // expected-error@+2 {{scales must have one element type, got 'f32' and 'f16'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.qlinear_matmul %a, %s, %z, %b, %hs, %z, %s, %z : (tensor<2x4xi8>, tensor<f32>, tensor<i8>, tensor<4x3xi8>, tensor<f16>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @conv_integer_channels(%x: tensor<1x3x8x8xi8>, %w: tensor<4x2x3x3xi8>, %z: tensor<i8>) -> tensor<1x4x6x6xi32> {
  // expected-error@+2 {{input channels (3) must equal weight channels (2) times groups (1)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv_integer %x, %w, %z, %z {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<4x2x3x3xi8>, tensor<i8>, tensor<i8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @conv_integer_input_zero_point(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %zx: tensor<1xi8>, %z: tensor<i8>) -> tensor<1x4x6x6xi32> {
  // expected-error@+2 {{'input_zero_point' must be 0-d, got 'tensor<1xi8>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv_integer %x, %w, %zx, %z {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<1xi8>, tensor<i8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @conv_integer_weight_zero_point(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %z: tensor<i8>, %zw: tensor<3xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error@+2 {{'weight_zero_point' must be 0-d or 1-D with 4 entries, got 'tensor<3xi8>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.conv_integer %x, %w, %z, %zw {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<i8>, tensor<3xi8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @qlinear_conv_bias(%x: tensor<1x3x8x8xi8>, %s: tensor<f32>, %z: tensor<i8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xf32>) -> tensor<1x4x6x6xi8> {
  // expected-error@+2 {{bias must have element type i32, got 'f32'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<f32>, tensor<i8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>, tensor<4xf32>) -> tensor<1x4x6x6xi8>
  return %0 : tensor<1x4x6x6xi8>
}
