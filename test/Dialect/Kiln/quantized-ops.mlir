// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s

// Round trip of the integer and quantized ops; the result types written
// here are the ones inference derives.

// CHECK-LABEL: func.func @matmul_integer
// CHECK: kiln.matmul_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4x1xui8>, tensor<2xi8>) -> tensor<4x2xi32>
// CHECK: kiln.matmul_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<5x1x4x3xi8>, tensor<2x3x2xi8>, tensor<i8>, tensor<i8>) -> tensor<5x2x4x2xi32>
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %rows: tensor<4x1xui8>, %cols: tensor<2xi8>,
                          %ba: tensor<5x1x4x3xi8>, %bb: tensor<2x3x2xi8>, %z: tensor<i8>)
    -> (tensor<4x2xi32>, tensor<5x2x4x2xi32>) {
  // Per-row zero points of the left operand, per-column of the right.
  %0 = kiln.matmul_integer %a, %b, %rows, %cols : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4x1xui8>, tensor<2xi8>) -> tensor<4x2xi32>
  // Batch dimensions broadcast as for kiln.matmul.
  %1 = kiln.matmul_integer %ba, %bb, %z, %z : (tensor<5x1x4x3xi8>, tensor<2x3x2xi8>, tensor<i8>, tensor<i8>) -> tensor<5x2x4x2xi32>
  return %0, %1 : tensor<4x2xi32>, tensor<5x2x4x2xi32>
}

// -----

// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: kiln.qlinear_matmul %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x2x4xi8>, tensor<f16>, tensor<i8>, tensor<2x4x3xi8>, tensor<3xf16>, tensor<3xi8>, tensor<f16>, tensor<ui8>) -> tensor<2x2x3xui8>
func.func @qlinear_matmul(%a: tensor<2x2x4xi8>, %as: tensor<f16>, %az: tensor<i8>,
                          %b: tensor<2x4x3xi8>, %bs: tensor<3xf16>, %bz: tensor<3xi8>,
                          %ys: tensor<f16>, %yz: tensor<ui8>) -> tensor<2x2x3xui8> {
  // The result takes the element type of the output zero point.
  %0 = kiln.qlinear_matmul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<2x2x4xi8>, tensor<f16>, tensor<i8>, tensor<2x4x3xi8>, tensor<3xf16>, tensor<3xi8>, tensor<f16>, tensor<ui8>) -> tensor<2x2x3xui8>
  return %0 : tensor<2x2x3xui8>
}

// -----

// CHECK-LABEL: func.func @conv_integer
// CHECK: kiln.conv_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<2x1x2x2xui8>, tensor<ui8>, tensor<2xui8>) -> tensor<1x2x4x4xi32>
// CHECK: kiln.conv_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x4x9x9xi8>, tensor<6x2x3x3xi8>, tensor<i8>, tensor<i8>) -> tensor<?x6x4x4xi32>
func.func @conv_integer(%x: tensor<1x1x3x3xui8>, %w: tensor<2x1x2x2xui8>, %xz: tensor<ui8>, %wz: tensor<2xui8>,
                        %gx: tensor<?x4x9x9xi8>, %gw: tensor<6x2x3x3xi8>, %z: tensor<i8>)
    -> (tensor<1x2x4x4xi32>, tensor<?x6x4x4xi32>) {
  // Per-output-channel weight zero points.
  %0 = kiln.conv_integer %x, %w, %xz, %wz {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<2x1x2x2xui8>, tensor<ui8>, tensor<2xui8>) -> tensor<1x2x4x4xi32>
  // Grouped and strided, with a dynamic batch.
  %1 = kiln.conv_integer %gx, %gw, %z, %z {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x4x9x9xi8>, tensor<6x2x3x3xi8>, tensor<i8>, tensor<i8>) -> tensor<?x6x4x4xi32>
  return %0, %1 : tensor<1x2x4x4xi32>, tensor<?x6x4x4xi32>
}

// -----

// CHECK-LABEL: func.func @qlinear_conv
// CHECK: kiln.qlinear_conv %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x7x7xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x7x7xui8>
// CHECK: kiln.qlinear_conv %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 1 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<f32>, tensor<i8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
func.func @qlinear_conv(%x: tensor<1x1x7x7xui8>, %s: tensor<f32>, %z: tensor<ui8>, %w: tensor<1x1x1x1xui8>,
                        %sx: tensor<1x3x8x8xi8>, %zi: tensor<i8>, %sw: tensor<4x3x3x3xi8>, %ws: tensor<4xf32>,
                        %wz: tensor<4xi8>, %b: tensor<4xi32>)
    -> (tensor<1x1x7x7xui8>, tensor<1x4x8x8xi8>) {
  %0 = kiln.qlinear_conv %x, %s, %z, %w, %s, %z, %s, %z {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x7x7xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x7x7xui8>
  // Per-channel weight parameters and an i32 bias; dilated "same" padding.
  %1 = kiln.qlinear_conv %sx, %s, %zi, %sw, %ws, %wz, %s, %zi, %b {dilations = array<i64: 2, 2>, group = 1 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<f32>, tensor<i8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
  return %0, %1 : tensor<1x1x7x7xui8>, tensor<1x4x8x8xi8>
}
