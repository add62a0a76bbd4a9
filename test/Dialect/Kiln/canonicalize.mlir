// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @identity_and_dropout
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: kiln.identity
// CHECK-NOT: kiln.dropout
// CHECK: %[[R:.*]] = kiln.relu %[[X]]
// CHECK: return %[[R]]
func.func @identity_and_dropout(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.identity %x : tensor<2x3xf32>
  %1 = kiln.dropout %0 {ratio = 5.000000e-01 : f32} : tensor<2x3xf32>
  %2 = kiln.relu %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// A reshape to the operand's own static type is a no-op.
// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: kiln.reshape
// CHECK: return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = kiln.constant dense<[2, 3]> : tensor<2xi64>
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// With dynamic dimensions the same type does not prove a no-op (the shape
// operand may reorder the unknown extents), so the reshape stays.
// CHECK-LABEL: func.func @reshape_same_dynamic_type
// CHECK: kiln.reshape
func.func @reshape_same_dynamic_type(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = kiln.reshape %x, %s {allowzero = false} : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Only the last shape of a reshape chain matters.
// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[S:.*]] = kiln.constant dense<[4, 6]> : tensor<2xi64>
// CHECK-NEXT: %[[R:.*]] = kiln.reshape %[[X]], %[[S]] {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %s1 = kiln.constant dense<[6, 4]> : tensor<2xi64>
  %s2 = kiln.constant dense<[4, 6]> : tensor<2xi64>
  %0 = kiln.reshape %x, %s1 {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %1 = kiln.reshape %0, %s2 {allowzero = false} : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A 0 entry copies a dimension of the intermediate, so the chain must stay.
// CHECK-LABEL: func.func @reshape_chain_copying_dim
// CHECK: %[[R0:.*]] = kiln.reshape %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
// CHECK: kiln.reshape %[[R0]], %{{.*}} : (tensor<6x4xf32>, tensor<3xi64>) -> tensor<6x2x2xf32>
func.func @reshape_chain_copying_dim(%x: tensor<2x3x4xf32>) -> tensor<6x2x2xf32> {
  %s1 = kiln.constant dense<[6, 4]> : tensor<2xi64>
  %s2 = kiln.constant dense<[0, 2, 2]> : tensor<3xi64>
  %0 = kiln.reshape %x, %s1 {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %1 = kiln.reshape %0, %s2 {allowzero = false} : (tensor<6x4xf32>, tensor<3xi64>) -> tensor<6x2x2xf32>
  return %1 : tensor<6x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @inverse_transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT: kiln.transpose
// CHECK: return %[[X]]
func.func @inverse_transposes(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// Two transposes that are not inverses compose into one: result dim i of
// the pair is x's dim p1[p2[i]].
// CHECK-LABEL: func.func @composed_transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = kiln.transpose %[[X]] {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @composed_transposes(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 2, 0, 1>} : (tensor<3x2x4xf32>) -> tensor<4x3x2xf32>
  return %1 : tensor<4x3x2xf32>
}

// -----

// The shape arithmetic of an exported Flatten-like reshape: take the batch
// dimension with Shape + Gather, append -1, reshape. With a static input it
// all folds, leaving one reshape with a constant shape.
// CHECK-LABEL: func.func @shape_gather_concat_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT: kiln.shape
// CHECK-NOT: kiln.gather
// CHECK-NOT: kiln.concat
// CHECK: %[[S:.*]] = kiln.constant dense<[2, -1]> : tensor<2xi64>
// CHECK-NEXT: %[[R:.*]] = kiln.reshape %[[X]], %[[S]] {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
// CHECK-NEXT: return %[[R]]
func.func @shape_gather_concat_reshape(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %shape = kiln.shape %x {end = 3 : i64, start = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %zero = kiln.constant dense<0> : tensor<1xi64>
  %batch = kiln.gather %shape, %zero {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %minus1 = kiln.constant dense<-1> : tensor<1xi64>
  %target = kiln.concat %batch, %minus1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %0 = kiln.reshape %x, %target {allowzero = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

// With a dynamic batch dimension the Shape cannot fold and the chain stays.
// CHECK-LABEL: func.func @shape_gather_concat_reshape_dynamic
// CHECK: kiln.shape
// CHECK: kiln.gather
// CHECK: kiln.concat
// CHECK: kiln.reshape
func.func @shape_gather_concat_reshape_dynamic(%x: tensor<?x3x4xf32>) -> tensor<?x?xf32> {
  %shape = kiln.shape %x {end = 3 : i64, start = 0 : i64} : (tensor<?x3x4xf32>) -> tensor<3xi64>
  %zero = kiln.constant dense<0> : tensor<1xi64>
  %batch = kiln.gather %shape, %zero {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %minus1 = kiln.constant dense<-1> : tensor<1xi64>
  %target = kiln.concat %batch, %minus1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %0 = kiln.reshape %x, %target {allowzero = false} : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Gathering a static dimension out of a partly dynamic shape still folds.
// CHECK-LABEL: func.func @shape_slice_static_part
// CHECK: %[[C:.*]] = kiln.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_slice_static_part(%x: tensor<?x3x4xf32>) -> tensor<2xi64> {
  %shape = kiln.shape %x {end = 3 : i64, start = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<2xi64>
  return %shape : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_int_arithmetic
// CHECK-DAG: %[[ADD:.*]] = kiln.constant dense<[11, 22, 33]> : tensor<3xi64>
// CHECK-DAG: %[[MUL:.*]] = kiln.constant dense<{{\[}}[10, 20, 30], [20, 40, 60]]> : tensor<2x3xi64>
// CHECK-DAG: %[[SUB:.*]] = kiln.constant dense<[-9, -18, -27]> : tensor<3xi64>
// CHECK-DAG: %[[DIV:.*]] = kiln.constant dense<[-3, 3, 0]> : tensor<3xi32>
// CHECK: return %[[ADD]], %[[MUL]], %[[SUB]], %[[DIV]]
func.func @fold_int_arithmetic() -> (tensor<3xi64>, tensor<2x3xi64>, tensor<3xi64>, tensor<3xi32>) {
  %a = kiln.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = kiln.constant dense<[10, 20, 30]> : tensor<3xi64>
  %col = kiln.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %0 = kiln.add %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  // Broadcast [2, 1] against [3].
  %1 = kiln.mul %col, %b : tensor<2x1xi64>, tensor<3xi64> -> tensor<2x3xi64>
  %2 = kiln.sub %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  // Integer division truncates toward zero: -7 / 2 = -3, 7 / 2 = 3, 1 / 2 = 0.
  %n = kiln.constant dense<[-7, 7, 1]> : tensor<3xi32>
  %d = kiln.constant dense<2> : tensor<3xi32>
  %3 = kiln.div %n, %d : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  return %0, %1, %2, %3 : tensor<3xi64>, tensor<2x3xi64>, tensor<3xi64>, tensor<3xi32>
}

// -----

// Division by a zero constant is left for run time.
// CHECK-LABEL: func.func @no_fold_div_by_zero
// CHECK: kiln.div
func.func @no_fold_div_by_zero() -> tensor<2xi64> {
  %a = kiln.constant dense<[4, 6]> : tensor<2xi64>
  %z = kiln.constant dense<[2, 0]> : tensor<2xi64>
  %0 = kiln.div %a, %z : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_float_add
// CHECK: %[[C:.*]] = kiln.constant dense<[1.500000e+00, 2.500000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_float_add() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = kiln.constant dense<0.5> : tensor<f32>
  %0 = kiln.add %a, %b : tensor<2xf32>, tensor<f32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Run-time axes that turn out constant become the attribute form: sorted
// and non-negative. (The result type is kept; kiln-infer-shapes refines it.)
// CHECK-LABEL: func.func @reduce_constant_axes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = kiln.reduce_sum %[[X]] {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<?xf32>
// CHECK: kiln.reduce_max %[[X]] {axes = array<i64: 1>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<?x?x?xf32>
func.func @reduce_constant_axes(%x: tensor<2x3x4xf32>) -> (tensor<?xf32>, tensor<?x?x?xf32>) {
  %axes = kiln.constant dense<[2, -3]> : tensor<2xi64>
  %0 = kiln.reduce_sum %x, %axes {keepdims = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?xf32>
  %one = kiln.constant dense<-2> : tensor<1xi64>
  %1 = kiln.reduce_max %x, %one {keepdims = true} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %0, %1 : tensor<?xf32>, tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK-DAG: %[[I32:.*]] = kiln.constant dense<[-1, 300]> : tensor<2xi32>
// CHECK-DAG: %[[I8:.*]] = kiln.constant dense<[-1, 44]> : tensor<2xi8>
// CHECK-NOT: kiln.cast
// CHECK: return %[[X]], %[[I32]], %[[I8]]
func.func @cast(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xi32>, tensor<2xi8>) {
  // A cast to the operand's own type is a no-op.
  %0 = kiln.cast %x {saturate = false} : tensor<2xf32> -> tensor<2xf32>
  // Integer casts of constants fold: widening keeps the sign, narrowing
  // truncates (300 = 0x12C -> 0x2C = 44).
  %c = kiln.constant dense<[-1, 300]> : tensor<2xi64>
  %1 = kiln.cast %c {saturate = false} : tensor<2xi64> -> tensor<2xi32>
  %2 = kiln.cast %c {saturate = false} : tensor<2xi64> -> tensor<2xi8>
  return %0, %1, %2 : tensor<2xf32>, tensor<2xi32>, tensor<2xi8>
}

// -----

// Slicing a constant shape vector folds, forwards and backwards:
// [2, 3, 4, 5][1:3] = [3, 4] and [2, 3, 4, 5][-1::-2] = [5, 3].
// CHECK-LABEL: func.func @slice_shape_vector
// CHECK-DAG: %[[FWD:.*]] = kiln.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-DAG: %[[BWD:.*]] = kiln.constant dense<[5, 3]> : tensor<2xi64>
// CHECK-NOT: kiln.slice
// CHECK: return %[[FWD]], %[[BWD]]
func.func @slice_shape_vector(%x: tensor<2x3x4x5xf32>) -> (tensor<2xi64>, tensor<2xi64>) {
  %shape = kiln.shape %x {end = 4 : i64, start = 0 : i64} : (tensor<2x3x4x5xf32>) -> tensor<4xi64>
  %axes = kiln.constant dense<0> : tensor<1xi64>
  %start = kiln.constant dense<1> : tensor<1xi64>
  %end = kiln.constant dense<3> : tensor<1xi64>
  %step = kiln.constant dense<1> : tensor<1xi64>
  %0 = kiln.slice %shape, %start, %end, %axes, %step : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %rstart = kiln.constant dense<-1> : tensor<1xi64>
  %rend = kiln.constant dense<-5> : tensor<1xi64>
  %rstep = kiln.constant dense<-2> : tensor<1xi64>
  %1 = kiln.slice %shape, %rstart, %rend, %axes, %rstep : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2xi64>, tensor<2xi64>
}

// -----

// Python's remainder takes the divisor's sign, fmod the dividend's;
// unsigned remainders have no sign.
// CHECK-LABEL: func.func @fold_mod
// CHECK-DAG: %[[PY:.*]] = kiln.constant dense<[1, -1, 1, -1, 0]> : tensor<5xi64>
// CHECK-DAG: %[[F:.*]] = kiln.constant dense<[1, 1, -1, -1, 0]> : tensor<5xi64>
// CHECK-DAG: %[[U:.*]] = kiln.constant dense<[1, 0]> : tensor<2xui8>
// CHECK: return %[[PY]], %[[F]], %[[U]]
func.func @fold_mod() -> (tensor<5xi64>, tensor<5xi64>, tensor<2xui8>) {
  %a = kiln.constant dense<[7, 7, -7, -7, 6]> : tensor<5xi64>
  %b = kiln.constant dense<[3, -2, 2, -3, 3]> : tensor<5xi64>
  %0 = kiln.mod %a, %b {fmod = false} : tensor<5xi64>, tensor<5xi64> -> tensor<5xi64>
  %1 = kiln.mod %a, %b {fmod = true} : tensor<5xi64>, tensor<5xi64> -> tensor<5xi64>
  %c = kiln.constant dense<[250, 250]> : tensor<2xui8>
  %d = kiln.constant dense<[3, 5]> : tensor<2xui8>
  %2 = kiln.mod %c, %d {fmod = false} : tensor<2xui8>, tensor<2xui8> -> tensor<2xui8>
  return %0, %1, %2 : tensor<5xi64>, tensor<5xi64>, tensor<2xui8>
}

// -----

// A zero divisor is left for run time.
// CHECK-LABEL: func.func @no_fold_mod_by_zero
// CHECK: kiln.mod
func.func @no_fold_mod_by_zero() -> tensor<2xi64> {
  %a = kiln.constant dense<[4, 6]> : tensor<2xi64>
  %z = kiln.constant dense<[2, 0]> : tensor<2xi64>
  %0 = kiln.mod %a, %z {fmod = false} : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_logic
// CHECK-DAG: %[[NOT:.*]] = kiln.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: %[[AND:.*]] = kiln.constant dense<{{\[}}[true, false], [false, false]]> : tensor<2x2xi1>
// CHECK-DAG: %[[OR:.*]] = kiln.constant dense<{{\[}}[true, true], [true, false]]> : tensor<2x2xi1>
// CHECK-DAG: %[[XOR:.*]] = kiln.constant dense<{{\[}}[false, true], [true, false]]> : tensor<2x2xi1>
// CHECK: return %[[NOT]], %[[AND]], %[[OR]], %[[XOR]]
func.func @fold_logic() -> (tensor<2xi1>, tensor<2x2xi1>, tensor<2x2xi1>, tensor<2x2xi1>) {
  %a = kiln.constant dense<[true, false]> : tensor<2xi1>
  %col = kiln.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %0 = kiln.not %a : tensor<2xi1>
  // Broadcast [2, 1] against [2].
  %1 = kiln.and %col, %a : tensor<2x1xi1>, tensor<2xi1> -> tensor<2x2xi1>
  %2 = kiln.or %col, %a : tensor<2x1xi1>, tensor<2xi1> -> tensor<2x2xi1>
  %3 = kiln.xor %col, %a : tensor<2x1xi1>, tensor<2xi1> -> tensor<2x2xi1>
  return %0, %1, %2, %3 : tensor<2xi1>, tensor<2x2xi1>, tensor<2x2xi1>, tensor<2x2xi1>
}

// -----

// CHECK-LABEL: func.func @fold_compare
// CHECK-DAG: %[[GT:.*]] = kiln.constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: %[[GE:.*]] = kiln.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-DAG: %[[LE:.*]] = kiln.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: %[[UGT:.*]] = kiln.constant dense<true> : tensor<1xi1>
// CHECK: return %[[GT]], %[[GE]], %[[LE]], %[[UGT]]
func.func @fold_compare() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<1xi1>) {
  %a = kiln.constant dense<[-1, 2, 3]> : tensor<3xi64>
  %b = kiln.constant dense<2> : tensor<i64>
  %0 = kiln.greater %a, %b : tensor<3xi64>, tensor<i64> -> tensor<3xi1>
  %1 = kiln.greater_equal %a, %b : tensor<3xi64>, tensor<i64> -> tensor<3xi1>
  %2 = kiln.less_equal %a, %b : tensor<3xi64>, tensor<i64> -> tensor<3xi1>
  // 200 > 100 read as unsigned (as signed bytes, -56 < 100).
  %c = kiln.constant dense<200> : tensor<1xui8>
  %d = kiln.constant dense<100> : tensor<1xui8>
  %3 = kiln.greater %c, %d : tensor<1xui8>, tensor<1xui8> -> tensor<1xi1>
  return %0, %1, %2, %3 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<1xi1>
}

// -----

// The grouped-query attention test of ONNX's expanded Attention: the
// repeat count of the key and value heads is computed from their shapes
// with equal, not, div, mod, and and where, and must fold for the expand
// that uses it to get a static shape.
// CHECK-LABEL: func.func @fold_gqa_interleave
// CHECK: %[[C:.*]] = kiln.constant dense<[1, 2, 2, 3, 8]> : tensor<5xi64>
// CHECK: return %[[C]]
func.func @fold_gqa_interleave(%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<5xi64> {
  %qh = kiln.shape %q {end = 2 : i64, start = 1 : i64} : (tensor<1x4x3x8xf32>) -> tensor<1xi64>
  %kh = kiln.shape %k {end = 2 : i64, start = 1 : i64} : (tensor<1x2x3x8xf32>) -> tensor<1xi64>
  %rest = kiln.shape %k {end = 4 : i64, start = 2 : i64} : (tensor<1x2x3x8xf32>) -> tensor<2xi64>
  %batch = kiln.shape %k {end = 1 : i64, start = 0 : i64} : (tensor<1x2x3x8xf32>) -> tensor<1xi64>
  %zero = kiln.constant dense<0> : tensor<1xi64>
  %one = kiln.constant dense<1> : tensor<1xi64>
  %same = kiln.equal %qh, %kh : tensor<1xi64>, tensor<1xi64> -> tensor<1xi1>
  %grouped = kiln.not %same : tensor<1xi1>
  %ratio = kiln.div %qh, %kh : tensor<1xi64>, tensor<1xi64> -> tensor<1xi64>
  %rem = kiln.mod %qh, %kh {fmod = false} : tensor<1xi64>, tensor<1xi64> -> tensor<1xi64>
  %divides = kiln.equal %rem, %zero : tensor<1xi64>, tensor<1xi64> -> tensor<1xi1>
  %cond = kiln.and %grouped, %divides : tensor<1xi1>, tensor<1xi1> -> tensor<1xi1>
  %repeat = kiln.where %cond, %ratio, %one : (tensor<1xi1>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %shape = kiln.concat %batch, %kh, %repeat, %rest {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  return %shape : tensor<5xi64>
}
