// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK: arith.addf
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] {{.*}} : tensor<2xf32> into tensor<2x1x1xf32>
func.func @reduce_sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1, 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[N]]
func.func @reduce_mean(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = kiln.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Max starts from -inf; L2 squares inside the reduction, then takes sqrt.
// CHECK-LABEL: func.func @reduce_max_l2
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK: arith.mulf %[[E:.*]], %[[E]] : f32
// CHECK: arith.addf
// CHECK: math.sqrt
func.func @reduce_max_l2(%x: tensor<3x4xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  %1 = kiln.reduce_l2 %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @softmax
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x10xf32>
// CHECK: linalg.softmax dimension(1) ins(%{{.*}} : tensor<2x10xf32>) outs(%[[E]] : tensor<2x10xf32>)
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = kiln.softmax %x {axis = 1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @log_softmax
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %[[MAX]] :
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]], %[[SUM]] :
// CHECK: arith.subf
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = kiln.log_softmax %x {axis = 1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Log-sum-exp subtracts the maximum (0 where it is infinite) before exp and
// adds it back after the log.
// CHECK-LABEL: func.func @reduce_log_sum_exp
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SHIFT:.*]] = linalg.generic {{.*}} ins(%[[MAX]] : tensor<3xf32>)
// CHECK: math.absf
// CHECK: arith.cmpf oeq
// CHECK: arith.select
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %[[SHIFT]] : tensor<3x4xf32>, tensor<3xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[SHIFT]] :
// CHECK: %[[LOG:.*]] = math.log
// CHECK: arith.addf %[[LOG]]
// CHECK: tensor.expand_shape
func.func @reduce_log_sum_exp(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  %0 = kiln.reduce_log_sum_exp %x {axes = array<i64: 1>, keepdims = true} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// Booleans: max is or from false, min is and from true.
// CHECK-LABEL: func.func @reduce_bool
// CHECK: %[[F:.*]] = arith.constant false
// CHECK: linalg.fill ins(%[[F]] : i1)
// CHECK: arith.ori
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: linalg.fill ins(%[[T]] : i1)
// CHECK: arith.andi
func.func @reduce_bool(%x: tensor<3x4xi1>) -> (tensor<3xi1>, tensor<3xi1>) {
  %0 = kiln.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xi1>) -> tensor<3xi1>
  %1 = kiln.reduce_min %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xi1>) -> tensor<3xi1>
  return %0, %1 : tensor<3xi1>, tensor<3xi1>
}

// -----

// Argmax carries the best value and its index; select_last_index compares
// with >= so that a later equal value wins.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @argmax_last
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[VALS:.*]] = linalg.fill ins(%[[NEG]] : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[IDXS:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<2x4xi64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[VALS]], %[[IDXS]] : tensor<2x4xf32>, tensor<2x4xi64>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[BEST:.*]]: f32, %[[AT:.*]]: i64):
// CHECK: %[[GE:.*]] = arith.cmpf oge, %[[X]], %[[BEST]] : f32
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: arith.select %[[GE]], %[[X]], %[[BEST]] : f32
// CHECK: arith.select %[[GE]], %[[I64]], %[[AT]] : i64
// CHECK: tensor.expand_shape %[[R]]#1 {{\[\[}}0], [1, 2]] {{.*}} : tensor<2x4xi64> into tensor<2x1x4xi64>
func.func @argmax_last(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %0 = kiln.argmax %x {axis = 1 : i64, keepdims = true, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %0 : tensor<2x1x4xi64>
}

// -----

// Argmin on integers starts from the largest value and keeps the first
// minimum with a strict comparison.
// CHECK-LABEL: func.func @argmin_int
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.cmpi slt
// CHECK-NOT: tensor.expand_shape
func.func @argmin_int(%x: tensor<3x4xi32>) -> tensor<3xi64> {
  %0 = kiln.argmin %x {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<3x4xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Hardmax: the first argmax, then 1 where the axis index equals it.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @hardmax
// CHECK: %[[ARG:.*]]:2 = linalg.generic
// CHECK: arith.cmpf ogt
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ARG]]#1 : tensor<3xi64>)
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]]
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %[[I64]]
// CHECK: arith.select %[[HIT]]
func.func @hardmax(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.hardmax %x {axis = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Axes known only at run time: dimension j is reduced where an axis (taken
// modulo the rank) equals j, so the sizes are selects on the axes' values
// and the reduction is scalar loops: over the result, then over the reduced
// extents, reading the input at the sum of both. Without keepdims each
// result element goes to the position of the unreduced coordinates.
// CHECK-LABEL: func.func @reduce_mean_runtime_axes
// CHECK: %[[AXIS:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<1xi64>
// CHECK: arith.index_cast %[[AXIS]] : i64 to index
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: scf.for %[[O0:[a-z0-9_]+]] = {{.*}} iter_args(%{{.*}} = %[[EMPTY]]) -> (tensor<?xf32>)
// CHECK: scf.for %[[O1:[a-z0-9_]+]] = {{.*}} -> (tensor<?xf32>)
// CHECK: scf.for %[[K0:[a-z0-9_]+]] = {{.*}} -> (f32)
// CHECK: scf.for %[[K1:[a-z0-9_]+]] = {{.*}} -> (f32)
// CHECK-DAG: %[[I0:.*]] = arith.addi %[[O0]], %[[K0]] : index
// CHECK-DAG: %[[I1:.*]] = arith.addi %[[O1]], %[[K1]] : index
// CHECK: tensor.extract %{{.*}}[%[[I0]], %[[I1]]] : tensor<3x4xf32>
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}] : tensor<?xf32>
func.func @reduce_mean_runtime_axes(%x: tensor<3x4xf32>, %axes: tensor<1xi64>) -> tensor<?xf32> {
  %0 = kiln.reduce_mean %x, %axes {keepdims = false} : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
