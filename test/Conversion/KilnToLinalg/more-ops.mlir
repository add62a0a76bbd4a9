// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// The mean and the squared deviations reduce the spatial dimensions into
// [N, C] rows; the last generic reads them per row and scale/bias per channel.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @instance_norm
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]], #[[ROW]], #[[CH]], #[[CH]], #{{.*}}]
// CHECK: math.sqrt
// CHECK-NOT: kiln.instance_norm
func.func @instance_norm(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x4x5xf32> {
  %0 = kiln.instance_norm %x, %s, %b {epsilon = 1.0e-02 : f32}
       : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// The time index (dimension 0) is mirrored below sequence_lens[d1].
// CHECK-LABEL: func.func @reverse_sequence
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x4xf32>, %[[L:[^:]*]]: tensor<4xi64>
// CHECK: linalg.generic
// CHECK: %[[T:.*]] = linalg.index 0
// CHECK: %[[B:.*]] = linalg.index 1
// CHECK: %[[LEN:.*]] = tensor.extract %[[L]][%[[B]]]
// CHECK: arith.cmpi slt, %[[T]]
// CHECK: %[[SRC:.*]] = arith.select
// CHECK: tensor.extract %[[X]][%[[SRC]], %[[B]]]
func.func @reverse_sequence(%x: tensor<4x4xf32>, %l: tensor<4xi64>) -> tensor<4x4xf32> {
  %0 = kiln.reverse_sequence %x, %l {batch_axis = 1 : i64, time_axis = 0 : i64}
       : (tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// One determinant per batch entry, a - d * c * b for 2x2.
// CHECK-LABEL: func.func @det
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
// CHECK-COUNT-4: tensor.extract
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.subf
func.func @det(%x: tensor<3x2x2xf32>) -> tensor<3xf32> {
  %0 = kiln.det %x : (tensor<3x2x2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// A single matrix gives a 0-d result.
// CHECK-LABEL: func.func @det_2d
// CHECK: linalg.generic {{.*}} iterator_types = []
// CHECK-NOT: kiln.det
func.func @det_2d(%x: tensor<3x3xf32>) -> tensor<f32> {
  %0 = kiln.det %x : (tensor<3x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Every result element scans the input and keeps the value whose index is
// its own flat position.
// CHECK-LABEL: func.func @max_unpool
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @max_unpool(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>, %s: tensor<4xi64>) -> tensor<1x1x4x4xf32> {
  %0 = kiln.max_unpool %x, %i, %s
       : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<4xi64>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
