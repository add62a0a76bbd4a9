// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics | FileCheck %s

// A loop per label, the summed j last; each operand is read off its labels.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @einsum_batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[Y]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @einsum_batch_matmul(%x: tensor<5x2x3xf64>, %y: tensor<5x3x4xf64>) -> tensor<5x2x4xf64> {
  %0 = kiln.einsum %x, %y {equation = "bij,bjk->bik"} : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  return %0 : tensor<5x2x4xf64>
}

// -----

// A repeated label reads the diagonal; the ellipsis is a loop of its own.
// CHECK-DAG: #[[DIAG:.*]] = affine_map<(d0, d1) -> (d0, d1, d1)>
// CHECK-LABEL: func.func @einsum_diagonal
// CHECK: linalg.generic {indexing_maps = [#[[DIAG]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
func.func @einsum_diagonal(%x: tensor<3x5x5xf64>) -> tensor<3x5xf64> {
  %0 = kiln.einsum %x {equation = "...ii->...i"} : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
  return %0 : tensor<3x5xf64>
}

// -----

// RFFT: a reduction over the input's axis (read at channel 0), the angle
// reduced modulo the length and its cosine and sine taken in f64.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d4, d2, 0)>
// CHECK-LABEL: func.func @dft_rfft
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<1x10x10x1xf32>) outs(%{{.*}} : tensor<1x6x10x2xf32>)
// CHECK: %[[K:.*]] = linalg.index 1 : index
// CHECK: %[[J:.*]] = linalg.index 4 : index
// CHECK: %[[JK:.*]] = arith.muli %[[J]], %[[K]] : index
// CHECK: arith.remui %[[JK]], %c10
// CHECK: math.cos %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f64
// CHECK: arith.negf
func.func @dft_rfft(%x: tensor<1x10x10x1xf32>) -> tensor<1x6x10x2xf32> {
  %n = kiln.constant dense<10> : tensor<i64>
  %0 = kiln.dft %x, %n {axis = 1 : i64, inverse = false, onesided = true} : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x6x10x2xf32>
  return %0 : tensor<1x6x10x2xf32>
}

// -----

// CHECK-LABEL: func.func @eye_like
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x5xf32>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: %[[IK:.*]] = arith.addi %[[I]], %c1 : index
// CHECK: arith.cmpi eq, %[[J]], %[[IK]] : index
func.func @eye_like(%x: tensor<4x5xi32>) -> tensor<4x5xf32> {
  %0 = kiln.eye_like %x {dtype = f32, k = 1 : i64} : (tensor<4x5xi32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Each element's rank counts the better ones (ties to the lower index);
// position r then takes the element of rank r.
// CHECK-LABEL: func.func @top_k
// CHECK: %[[RANKS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<3x4xf32>) outs(%{{.*}} : tensor<3x4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: %{{.*}}:2 = linalg.generic {{.*}} ins(%{{.*}}, %[[RANKS]] : tensor<3x4xf32>, tensor<3x4xi64>) outs(%{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<3x2xi64>)
func.func @top_k(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = kiln.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

func.func @top_k_dynamic_k(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  // expected-error@+1 {{kiln.top_k is not supported by kiln's code generators yet for these operand types, shapes or attributes}}
  %v, %i = kiln.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v, %i : tensor<3x?xf32>, tensor<3x?xi64>
}
