// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// The index is read through the indexing map, counted from the end when
// negative, and the data element extracted at it.
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[D:.*]]: tensor<3x5xf32>, %[[I:.*]]: tensor<3x1xi64>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[I]] : tensor<3x1xi64>)
// CHECK: ^bb0(%[[IN:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: %[[IDX:.*]] = arith.index_cast %[[IN]] : i64 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[IDX]]
// CHECK: %[[WRAP:.*]] = arith.addi %[[IDX]], %c5
// CHECK: %[[COL:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[IDX]]
// CHECK: tensor.extract %[[D]][%[[ROW]], %[[COL]]] : tensor<3x5xf32>
func.func @gather_elements(%d: tensor<3x5xf32>, %i: tensor<3x1xi64>) -> tensor<3x1xf32> {
  %0 = kiln.gather_elements %d, %i {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME: (%[[D:.*]]: tensor<2x2x2xi32>, %[[I:.*]]: tensor<2x1xi64>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2xi32>)
// CHECK: %[[B:.*]] = linalg.index 0 : index
// CHECK: tensor.extract %[[I]][%[[B]], %{{.*}}] : tensor<2x1xi64>
// CHECK: %[[J:.*]] = arith.select
// CHECK: %[[S:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %[[D]][%[[B]], %[[J]], %[[S]]] : tensor<2x2x2xi32>
func.func @gather_nd(%d: tensor<2x2x2xi32>, %i: tensor<2x1xi64>) -> tensor<2x2xi32> {
  %0 = kiln.gather_nd %d, %i {batch_dims = 1 : i64} : (tensor<2x2x2xi32>, tensor<2x1xi64>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// One reduction loop over the update rows; the data element seeds the first
// step, and an update whose index names this row is added.
// CHECK-LABEL: func.func @scatter_elements
// CHECK-SAME: (%[[D:.*]]: tensor<3x3xf32>, %[[I:.*]]: tensor<2x3xi64>, %[[U:.*]]: tensor<2x3xf32>)
// CHECK: %[[ROWS:.*]] = tensor.empty() : tensor<2xi1>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[D]], %[[ROWS]] : tensor<3x3xf32>, tensor<2xi1>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i1, %[[OUT:.*]]: f32):
// CHECK: %[[K:.*]] = linalg.index 2 : index
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[K]]
// CHECK: %[[ACC:.*]] = arith.select %[[FIRST]], %[[IN]], %[[OUT]] : f32
// CHECK: tensor.extract %[[I]][%[[K]], %{{.*}}] : tensor<2x3xi64>
// CHECK: %[[HIT:.*]] = arith.cmpi eq
// CHECK: %[[V:.*]] = tensor.extract %[[U]][%[[K]], %{{.*}}] : tensor<2x3xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK: arith.select %[[HIT]], %[[SUM]], %[[ACC]] : f32
func.func @scatter_elements(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %0 = kiln.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "add"} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_nd
// CHECK-SAME: (%[[D:.*]]: tensor<4x4x4xf32>, %[[I:.*]]: tensor<2x1xi64>, %[[U:.*]]: tensor<2x4x4xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: %[[Y:.*]] = linalg.index 1 : index
// CHECK: %[[Z:.*]] = linalg.index 2 : index
// CHECK: %[[P:.*]] = linalg.index 3 : index
// CHECK: tensor.extract %[[I]][%[[P]], %{{.*}}] : tensor<2x1xi64>
// CHECK: tensor.extract %[[U]][%[[P]], %[[Y]], %[[Z]]] : tensor<2x4x4xf32>
func.func @scatter_nd(%d: tensor<4x4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4x4xf32>) -> tensor<4x4x4xf32> {
  %0 = kiln.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
  return %0 : tensor<4x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @triu
// CHECK-SAME: (%{{.*}}: tensor<4x5xi64>, %[[K:.*]]: tensor<i64>)
// CHECK: ^bb0(%[[IN:.*]]: i64, %{{.*}}: i64):
// CHECK: %[[R:.*]] = linalg.index 0 : index
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[DIAG:.*]] = arith.subi %[[C]], %[[R]] : index
// CHECK: tensor.extract %[[K]][] : tensor<i64>
// CHECK: %[[KEEP:.*]] = arith.cmpi sge, %[[DIAG]]
// CHECK: arith.select %[[KEEP]], %[[IN]], %{{.*}} : i64
func.func @triu(%x: tensor<4x5xi64>, %k: tensor<i64>) -> tensor<4x5xi64> {
  %0 = kiln.trilu %x, %k {upper = true} : (tensor<4x5xi64>, tensor<i64>) -> tensor<4x5xi64>
  return %0 : tensor<4x5xi64>
}

// -----

// CHECK-LABEL: func.func @tril
// CHECK: arith.cmpi sle
func.func @tril(%x: tensor<2x3x3xf32>, %k: tensor<i64>) -> tensor<2x3x3xf32> {
  %0 = kiln.trilu %x, %k {upper = false} : (tensor<2x3x3xf32>, tensor<i64>) -> tensor<2x3x3xf32>
  return %0 : tensor<2x3x3xf32>
}

// -----

// A run-time axis: the scanned loop spans the largest dimension and the
// body picks the axis's coordinate and size.
// CHECK-LABEL: func.func @cumsum_dynamic_axis
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf64>, %[[A:.*]]: tensor<i32>)
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<2x3xf64>)
// CHECK: %[[SPAN:.*]] = tensor.empty() : tensor<3xi1>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[SPAN]] : tensor<3xi1>) outs(%[[ZERO]] : tensor<2x3xf64>)
// CHECK: tensor.extract %[[A]][] : tensor<i32>
// CHECK: tensor.extract %[[X]]
// CHECK: arith.addf
func.func @cumsum_dynamic_axis(%x: tensor<2x3xf64>, %a: tensor<i32>) -> tensor<2x3xf64> {
  %0 = kiln.cumsum %x, %a {exclusive = false, reverse = false} : (tensor<2x3xf64>, tensor<i32>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// Reverse and exclusive: the elements strictly after this one.
// CHECK-LABEL: func.func @cumprod
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: %[[K:.*]] = linalg.index 1 : index
// CHECK: %[[J:.*]] = linalg.index 0 : index
// CHECK: %[[TAKE:.*]] = arith.cmpi ugt, %[[K]], %[[J]] : index
// CHECK: %[[X:.*]] = tensor.extract %{{.*}}[%[[K]]] : tensor<5xf32>
// CHECK: %[[P:.*]] = arith.mulf %{{.*}}, %[[X]] : f32
// CHECK: arith.select %[[TAKE]], %[[P]]
func.func @cumprod(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = kiln.cumprod %x {axis = 0 : i64, exclusive = true, reverse = true} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// A constant depth makes the result static.
// CHECK-LABEL: func.func @one_hot
// CHECK-SAME: (%[[I:.*]]: tensor<2xi64>, %[[V:.*]]: tensor<2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2xi64>) outs(%{{.*}} : tensor<2x10xf32>)
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %{{.*}}, %[[J]] : index
// CHECK: %[[OFF:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xf32>
// CHECK: %[[ON:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xf32>
// CHECK: arith.select %[[HIT]], %[[ON]], %[[OFF]] : f32
func.func @one_hot(%i: tensor<2xi64>, %v: tensor<2xf32>) -> tensor<2x10xf32> {
  %d = kiln.constant dense<10> : tensor<i64>
  %0 = kiln.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<2xi64>, tensor<i64>, tensor<2xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func.func @constant_of_shape
// CHECK: %[[C:.*]] = arith.constant dense<7> : tensor<2x3xi32>
// CHECK: return %[[C]]
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<2x3xi32> {
  %0 = kiln.constant_of_shape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @range
// CHECK-SAME: (%[[S:.*]]: tensor<f32>, %{{.*}}: tensor<f32>, %[[D:.*]]: tensor<f32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[I:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[START:.*]] = tensor.extract %[[S]][] : tensor<f32>
// CHECK: %[[DELTA:.*]] = tensor.extract %[[D]][] : tensor<f32>
// CHECK: %[[F:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK: %[[M:.*]] = arith.mulf %[[F]], %[[DELTA]] : f32
// CHECK: arith.addf %[[START]], %[[M]] : f32
func.func @range(%s: tensor<f32>, %l: tensor<f32>, %d: tensor<f32>) -> tensor<4xf32> {
  %0 = kiln.range %s, %l, %d : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
