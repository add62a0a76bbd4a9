// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// Per tensor: the 0-d scale and zero point are read through an empty map;
// ui8 elements are computed on as i8 and saturated to [0, 255].
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[SCALAR]], #[[ID]]]
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %[[Z:.*]]: ui8, %{{.*}}: ui8):
// CHECK: %[[ZI:.*]] = builtin.unrealized_conversion_cast %[[Z]] : ui8 to i8
// CHECK: %[[Q:.*]] = arith.divf %[[X]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[Q]] : f32
// CHECK: %[[ZF:.*]] = arith.uitofp %[[ZI]] : i8 to f32
// CHECK: %[[V:.*]] = arith.addf %[[R]], %[[ZF]] : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[C:.*]] = arith.maxnumf %[[V]], %[[LO]] : f32
// CHECK: %[[D:.*]] = arith.minnumf %[[C]], %[[HI]] : f32
// CHECK: %[[I:.*]] = arith.fptoui %[[D]] : f32 to i8
// CHECK: %[[U:.*]] = builtin.unrealized_conversion_cast %[[I]] : i8 to ui8
// CHECK: linalg.yield %[[U]] : ui8
func.func @quantize_per_tensor(%x: tensor<6xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<6xui8> {
  %0 = kiln.quantize_linear %x, %s, %z {axis = 0 : i64, block_size = 0 : i64, saturate = true} : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  return %0 : tensor<6xui8>
}

// -----

// Per axis: the parameters follow the axis' loop; signed bytes saturate to
// [-128, 127].
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AXIS]], #[[AXIS]], #[[ID]]]
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK-DAG: arith.constant 1.270000e+02 : f32
// CHECK-DAG: arith.constant -1.280000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_per_axis(%x: tensor<1x3x2xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<1x3x2xi8> {
  %0 = kiln.quantize_linear %x, %s, %z {axis = 1 : i64, block_size = 0 : i64, saturate = true} : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x2xi8>
  return %0 : tensor<1x3x2xi8>
}

// -----

// Blocked: each parameter is broadcast over its block, the blocks merged
// into the axis and the partial last block cropped (5 = 3 blocks of 2 - 1).
// CHECK-LABEL: func.func @quantize_blocked
// CHECK: %[[B:.*]] = linalg.broadcast ins(%{{.*}} : tensor<3x3xf32>) outs(%{{.*}} : tensor<3x3x2xf32>) dimensions = [2]
// CHECK: %[[M:.*]] = tensor.collapse_shape %[[B]] {{\[}}[0], [1, 2]] : tensor<3x3x2xf32> into tensor<3x6xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[M]][0, 0] [3, 5] [1, 1] : tensor<3x6xf32> to tensor<3x5xf32>
// CHECK: %[[ZB:.*]] = linalg.broadcast ins(%{{.*}} : tensor<3x3xui16>)
// CHECK: %[[ZM:.*]] = tensor.collapse_shape %[[ZB]]
// CHECK: %[[Z:.*]] = tensor.extract_slice %[[ZM]]
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %[[S]], %[[Z]] : tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xui16>)
// CHECK: arith.constant 6.553500e+04 : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i16
func.func @quantize_blocked(%x: tensor<3x5xf32>, %s: tensor<3x3xf32>, %z: tensor<3x3xui16>) -> tensor<3x5xui16> {
  %0 = kiln.quantize_linear %x, %s, %z {axis = 1 : i64, block_size = 2 : i64, saturate = true} : (tensor<3x5xf32>, tensor<3x3xf32>, tensor<3x3xui16>) -> tensor<3x5xui16>
  return %0 : tensor<3x5xui16>
}

// -----

// The difference in f32, the product rounded to the f16 scale's type; the
// dynamic batch is read from the input.
// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xui8>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: tensor.empty(%[[N]]) : tensor<?x3xf16>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[E:.*]]: ui8, %[[S:.*]]: f16, %[[Z:.*]]: ui8, %{{.*}}: f16):
// CHECK-DAG: %[[EI:.*]] = builtin.unrealized_conversion_cast %[[E]] : ui8 to i8
// CHECK-DAG: %[[ZI:.*]] = builtin.unrealized_conversion_cast %[[Z]] : ui8 to i8
// CHECK-DAG: %[[ZF:.*]] = arith.uitofp %[[ZI]] : i8 to f32
// CHECK-DAG: %[[EF:.*]] = arith.uitofp %[[EI]] : i8 to f32
// CHECK: %[[D:.*]] = arith.subf %[[EF]], %[[ZF]] : f32
// CHECK: %[[SF:.*]] = arith.extf %[[S]] : f16 to f32
// CHECK: %[[P:.*]] = arith.mulf %[[D]], %[[SF]] : f32
// CHECK: %[[R:.*]] = arith.truncf %[[P]] : f32 to f16
// CHECK: linalg.yield %[[R]] : f16
func.func @dequantize(%x: tensor<?x3xui8>, %s: tensor<3xf16>, %z: tensor<3xui8>) -> tensor<?x3xf16> {
  %0 = kiln.dequantize_linear %x, %s, %z {axis = 1 : i64, block_size = 0 : i64} : (tensor<?x3xui8>, tensor<3xf16>, tensor<3xui8>) -> tensor<?x3xf16>
  return %0 : tensor<?x3xf16>
}

// -----

// The operands minus their zero points in i32 (ui8 zero-extended, i8
// sign-extended; the per-row zero point broadcast), then an i32 matmul.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @matmul_integer
// CHECK: %[[A:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
// CHECK-SAME: outs(%{{.*}} : tensor<4x3xi32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: %[[B:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<3x2xi32>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<4x3xi32>, tensor<3x2xi32>)
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %az: tensor<4x1xui8>, %bz: tensor<i8>) -> tensor<4x2xi32> {
  %0 = kiln.matmul_integer %a, %b, %az, %bz : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// The i32 product requantized in f64 with the multiplier computed in the
// scales' f16, the per-column scale broadcast along the last dimension.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: %[[P:.*]] = linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x2x4xi32>, tensor<2x4x3xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[COL]], #[[SCALAR]], #[[SCALAR]], #[[ID]]]
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<2x2x3xi32>, tensor<f16>, tensor<3xf16>, tensor<f16>, tensor<ui8>)
// CHECK: ^bb0(%[[ACC:.*]]: i32, %[[AS:.*]]: f16, %[[BS:.*]]: f16, %[[YS:.*]]: f16, %{{.*}}: ui8, %{{.*}}: ui8):
// CHECK: %[[M1:.*]] = arith.mulf %[[AS]], %[[BS]] : f16
// CHECK: %[[M:.*]] = arith.divf %[[M1]], %[[YS]] : f16
// CHECK: %[[MW:.*]] = arith.extf %[[M]] : f16 to f64
// CHECK: %[[AF:.*]] = arith.sitofp %[[ACC]] : i32 to f64
// CHECK: %[[V:.*]] = arith.mulf %[[AF]], %[[MW]] : f64
// CHECK: arith.uitofp %{{.*}} : i8 to f64
// CHECK: arith.addf
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: arith.fptoui %{{.*}} : f64 to i8
func.func @qlinear_matmul(%a: tensor<2x2x4xi8>, %as: tensor<f16>, %az: tensor<i8>,
                          %b: tensor<2x4x3xi8>, %bs: tensor<3xf16>, %bz: tensor<3xi8>,
                          %ys: tensor<f16>, %yz: tensor<ui8>) -> tensor<2x2x3xui8> {
  %0 = kiln.qlinear_matmul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<2x2x4xi8>, tensor<f16>, tensor<i8>, tensor<2x4x3xi8>, tensor<3xf16>, tensor<3xi8>, tensor<f16>, tensor<ui8>) -> tensor<2x2x3xui8>
  return %0 : tensor<2x2x3xui8>
}

// -----

// Per-output-channel weight zero points follow the weight's first
// dimension; the shifted input is padded with 0 (its zero point).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[FILTER:.*]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-LABEL: func.func @conv_integer
// CHECK: %[[X:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x1x3x3xi32>)
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[FILTER]], #[[ID]]]
// CHECK-SAME: outs(%{{.*}} : tensor<2x1x2x2xi32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : i32
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : i32)
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %[[W]] : tensor<1x1x5x5xi32>, tensor<2x1x2x2xi32>) outs(%[[F]] : tensor<1x2x4x4xi32>)
func.func @conv_integer(%x: tensor<1x1x3x3xui8>, %w: tensor<2x1x2x2xui8>, %xz: tensor<ui8>, %wz: tensor<2xui8>) -> tensor<1x2x4x4xi32> {
  %0 = kiln.conv_integer %x, %w, %xz, %wz {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<2x1x2x2xui8>, tensor<ui8>, tensor<2xui8>) -> tensor<1x2x4x4xi32>
  return %0 : tensor<1x2x4x4xi32>
}

// -----

// The bias is broadcast into the accumulator; the per-channel weight scale
// follows the result's channel dimension in the requantizing epilogue.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2, d3) -> ()>
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @qlinear_conv
// CHECK: %[[B:.*]] = linalg.broadcast ins(%{{.*}} : tensor<4xi32>) outs(%{{.*}} : tensor<1x4x8x8xi32>) dimensions = [0, 2, 3]
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} {{.*}} outs(%[[B]] : tensor<1x4x8x8xi32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #[[CHANNEL]], #[[SCALAR]], #[[SCALAR]], #{{.*}}]
// CHECK-SAME: ins(%[[C]], {{.*}} : tensor<1x4x8x8xi32>, tensor<f32>, tensor<4xf32>, tensor<f32>, tensor<i8>)
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i8
func.func @qlinear_conv(%x: tensor<1x3x8x8xi8>, %s: tensor<f32>, %zi: tensor<i8>, %w: tensor<4x3x3x3xi8>, %ws: tensor<4xf32>,
                        %wz: tensor<4xi8>, %b: tensor<4xi32>) -> tensor<1x4x8x8xi8> {
  %0 = kiln.qlinear_conv %x, %s, %zi, %w, %ws, %wz, %s, %zi, %b {dilations = array<i64: 2, 2>, group = 1 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<f32>, tensor<i8>, tensor<4x3x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
  return %0 : tensor<1x4x8x8xi8>
}
