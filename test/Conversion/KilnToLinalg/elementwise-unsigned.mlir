// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// Unsigned elements are computed on as signless integers of their width
// (arith has no unsigned types) with the unsigned flavour of each op, and
// given their signedness back for the result.
// CHECK-LABEL: func.func @unsigned
// CHECK: ^bb0(%[[A:.*]]: ui8, %[[B:.*]]: ui8, %{{.*}}: ui8):
// CHECK: %[[SA:.*]] = builtin.unrealized_conversion_cast %[[A]] : ui8 to i8
// CHECK: %[[SB:.*]] = builtin.unrealized_conversion_cast %[[B]] : ui8 to i8
// CHECK: %[[M:.*]] = arith.maxui %[[SA]], %[[SB]] : i8
// CHECK: %[[R:.*]] = builtin.unrealized_conversion_cast %[[M]] : i8 to ui8
// CHECK: linalg.yield %[[R]] : ui8
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
// CHECK-NEXT: linalg.yield %{{.*}} : i1
// CHECK: arith.remui
// CHECK: arith.shrui
func.func @unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xui8>, tensor<4xui8>) {
  %0 = kiln.max %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %1 = kiln.less %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xi1>
  %2 = kiln.mod %a, %b {fmod = false} : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %3 = kiln.bit_shift %a, %b {shift_left = false} : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  return %0, %1, %2, %3 : tensor<4xui8>, tensor<4xi1>, tensor<4xui8>, tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @casts
// CHECK: arith.uitofp %{{.*}} : i32 to f32
// CHECK: %[[T:.*]] = arith.fptoui %{{.*}} : f32 to i8
// CHECK-NEXT: builtin.unrealized_conversion_cast %[[T]] : i8 to ui8
// CHECK: arith.extui %{{.*}} : i32 to i64
func.func @casts(%a: tensor<4xui32>, %f: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xui8>, tensor<4xi64>) {
  %0 = kiln.cast %a {saturate = true} : tensor<4xui32> -> tensor<4xf32>
  %1 = kiln.cast %f {saturate = true} : tensor<4xf32> -> tensor<4xui8>
  %2 = kiln.cast %a {saturate = true} : tensor<4xui32> -> tensor<4xi64>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xui8>, tensor<4xi64>
}

// -----

// Booleans are stored in a byte: their bit cast to uint8 zero-extends.
// CHECK-LABEL: func.func @bit_cast
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.extui %{{.*}} : i1 to i8
func.func @bit_cast(%f: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xui8>) {
  %0 = kiln.bit_cast %f {dtype = i32} : (tensor<4xf32>) -> tensor<4xi32>
  %1 = kiln.bit_cast %b {dtype = ui8} : (tensor<4xi1>) -> tensor<4xui8>
  return %0, %1 : tensor<4xi32>, tensor<4xui8>
}

// -----

// Integer powers multiply out the exponent's bits (no math.ipowi, which
// has no LLVM lowering); an integer base with a float exponent goes
// through the float power.
// CHECK-LABEL: func.func @pow
// CHECK: linalg.generic
// CHECK-NOT: math.ipowi
// CHECK: arith.muli
// CHECK: linalg.generic
// CHECK: %[[B:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK: %[[P:.*]] = math.powf %[[B]], %{{.*}} : f32
// CHECK: arith.fptosi %[[P]] : f32 to i32
func.func @pow(%x: tensor<4xi32>, %e: tensor<4xi32>, %f: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xi32>) {
  %0 = kiln.pow %x, %e : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %1 = kiln.pow %x, %f : tensor<4xi32>, tensor<4xf32> -> tensor<4xi32>
  return %0, %1 : tensor<4xi32>, tensor<4xi32>
}
