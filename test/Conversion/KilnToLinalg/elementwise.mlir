// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// Numpy broadcasting: the size-1 and missing dimensions of an operand are
// read through its indexing map, never materialized.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<4xf32>, %[[C:.*]]: tensor<2x3x1xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[B]] : tensor<2x3x4xf32>, tensor<4xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK-SAME: ins(%[[S]], %[[C]]
// CHECK: arith.subf
func.func @add_broadcast(%x: tensor<2x3x4xf32>, %b: tensor<4xf32>, %c: tensor<2x3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.add %x, %b : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  %1 = kiln.sub %0, %c : tensor<2x3x4xf32>, tensor<2x3x1xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// A dynamic dimension given by one operand only is unambiguous: the result
// takes its size.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %c0
// CHECK: tensor.empty(%[[D]]) : tensor<?x8xf32>
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @dynamic_batch(%x: tensor<?x8xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %0 = kiln.mul %x, %b : tensor<?x8xf32>, tensor<8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @activations
// CHECK: linalg.generic
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[Z]] : f32
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK: math.erf
// CHECK: linalg.generic
// CHECK: math.tanh
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.relu %x : tensor<4xf32>
  %1 = kiln.sigmoid %0 : tensor<4xf32>
  %2 = kiln.gelu %1 {tanh_approximation = false} : tensor<4xf32>
  %3 = kiln.tanh %2 : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// f16 goes through the same float lowering.
// CHECK-LABEL: func.func @half
// CHECK: linalg.generic
// CHECK: ^bb0(%{{.*}}: f16, %{{.*}}: f16, %{{.*}}: f16):
// CHECK: arith.maximumf {{.*}} : f16
func.func @half(%x: tensor<4xf16>, %y: tensor<4xf16>) -> tensor<4xf16> {
  %0 = kiln.max %x, %y : tensor<4xf16>, tensor<4xf16> -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Comparisons produce i1; where selects; integers use arith's integer ops.
// CHECK-LABEL: func.func @compare_select
// CHECK: linalg.generic
// CHECK: arith.cmpf olt, {{.*}} : f32
// CHECK: -> tensor<2x3xi1>
// CHECK: linalg.generic
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: arith.divsi {{.*}} : i64
// CHECK: linalg.generic
// CHECK: arith.sitofp {{.*}} : i64 to f32
func.func @compare_select(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %i: tensor<2x3xi64>, %j: tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.less %x, %y : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  %1 = kiln.where %0, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = kiln.div %i, %j : tensor<2x3xi64>, tensor<i64> -> tensor<2x3xi64>
  %3 = kiln.cast %2 {saturate = true} : tensor<2x3xi64> -> tensor<2x3xf32>
  return %1, %3 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Identity-like ops disappear.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.identity %x : tensor<4xf32>
  %1 = kiln.dropout %0 {ratio = 5.000000e-01 : f32} : tensor<4xf32>
  return %1 : tensor<4xf32>
}
