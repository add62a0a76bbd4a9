// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @reshapes
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<1x2x3x4xf32> into tensor<1x24xf32>
// CHECK: %[[U:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2]] {{.*}} : tensor<1x24xf32> into tensor<1x1x24xf32>
// CHECK: tensor.expand_shape %[[U]] {{\[\[}}0], [1], [2, 3]] {{.*}} : tensor<1x1x24xf32> into tensor<1x1x6x4xf32>
func.func @reshapes(%x: tensor<1x2x3x4xf32>) -> tensor<1x1x6x4xf32> {
  %0 = kiln.flatten %x {axis = 1 : i64} : (tensor<1x2x3x4xf32>) -> tensor<1x24xf32>
  %1 = kiln.unsqueeze %0 {axes = array<i64: 0>} : (tensor<1x24xf32>) -> tensor<1x1x24xf32>
  %s = kiln.constant dense<[1, 1, 6, 4]> : tensor<4xi64>
  %2 = kiln.reshape %1, %s {allowzero = false} : (tensor<1x1x24xf32>, tensor<4xi64>) -> tensor<1x1x6x4xf32>
  return %2 : tensor<1x1x6x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x2x4xf32>, %[[B:.*]]: tensor<1x3x4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x5x4xf32>
// CHECK: %[[I:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0] [1, 2, 4] [1, 1, 1]
// CHECK: tensor.insert_slice %[[B]] into %[[I]][0, 2, 0] [1, 3, 4] [1, 1, 1]
func.func @concat(%a: tensor<1x2x4xf32>, %b: tensor<1x3x4xf32>) -> tensor<1x5x4xf32> {
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>) -> tensor<1x5x4xf32>
  return %0 : tensor<1x5x4xf32>
}

// -----

// ONNX clamping: end 100 is clamped to 10; start -4 is 6 on axis 1.
// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[1, 6] [2, 2] [1, 2] : tensor<4x10xf32> to tensor<2x2xf32>
func.func @slice(%x: tensor<4x10xf32>) -> tensor<2x2xf32> {
  %starts = kiln.constant dense<[1, -4]> : tensor<2xi64>
  %ends = kiln.constant dense<[3, 100]> : tensor<2xi64>
  %axes = kiln.constant dense<[0, 1]> : tensor<2xi64>
  %steps = kiln.constant dense<[1, 2]> : tensor<2xi64>
  %0 = kiln.slice %x, %starts, %ends, %axes, %steps
       : (tensor<4x10xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[D:.*]]: tensor<3x5x2xf32>, %[[I:.*]]: tensor<4xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], {{.*}}]} ins(%[[I]] : tensor<4xi64>)
// CHECK: %[[CAST:.*]] = arith.index_cast
// CHECK: %[[FIX:.*]] = arith.select
// CHECK: %[[I0:.*]] = linalg.index 0
// CHECK: %[[I2:.*]] = linalg.index 2
// CHECK: tensor.extract %[[D]][%[[I0]], %[[FIX]], %[[I2]]]
func.func @gather(%d: tensor<3x5x2xf32>, %i: tensor<4xi64>) -> tensor<3x4x2xf32> {
  %0 = kiln.gather %d, %i {axis = 1 : i64} : (tensor<3x5x2xf32>, tensor<4xi64>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @pad_and_expand
// CHECK: %[[V:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: tensor.pad %{{.*}} low[0, 1] high[2, 0]
// CHECK: tensor.yield %[[V]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<5x4xf32>) outs(%{{.*}} : tensor<2x5x4xf32>)
func.func @pad_and_expand(%x: tensor<3x3xf32>, %v: tensor<f32>) -> tensor<2x5x4xf32> {
  %p = kiln.constant dense<[0, 1, 2, 0]> : tensor<4xi64>
  %0 = kiln.pad %x, %p, %v {mode = "constant"} : (tensor<3x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<5x4xf32>
  %s = kiln.constant dense<[2, 5, 4]> : tensor<3xi64>
  %1 = kiln.expand %0, %s : (tensor<5x4xf32>, tensor<3xi64>) -> tensor<2x5x4xf32>
  return %1 : tensor<2x5x4xf32>
}

// -----

// CHECK-LABEL: func.func @constant
// CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: return %[[C]]
func.func @constant() -> tensor<2xf32> {
  %0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Expand to a shape known only at run time: result dimension d is shape[d]
// where the input's is 1, else the input's (-1, an error at run time,
// unless shape[d] is 1 or equal to it); the input is read through
// constant-0 indices along its unit dimensions.
// CHECK: func.func @expand_runtime_shape
// CHECK: %[[S0:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi64>
// CHECK: %[[D0:.*]] = arith.index_cast %[[S0]] : i64 to index
// CHECK: %[[S1:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi64>
// CHECK: %[[W1:.*]] = arith.index_cast %[[S1]] : i64 to index
// CHECK: %[[FITS:.*]] = arith.ori
// CHECK: %[[D1:.*]] = arith.select %[[FITS]], %{{.*}}, %{{.*}} : index
// CHECK: tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
func.func @expand_runtime_shape(%x: tensor<1x4xf32>, %shape: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = kiln.expand %x, %shape : (tensor<1x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Reshape to a shape known only at run time: 0 copies the input's
// dimension, a -1 takes what is left, and a shape that does not hold the
// 12 elements makes every size -1; result element i is input element i,
// read at its row-major linear index.
// CHECK: func.func @reshape_runtime_shape
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi64>
// CHECK: arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x4xf32> into tensor<12xf32>
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: tensor.extract %[[FLAT]][%{{.*}}] : tensor<12xf32>
func.func @reshape_runtime_shape(%x: tensor<3x4xf32>, %shape: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = kiln.reshape %x, %shape {allowzero = false} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
