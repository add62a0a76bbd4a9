// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// Each piece is a slice at the running offset; an empty piece is an empty
// tensor (a slice at the very end would be out of bounds).
// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
// CHECK: %[[A:.*]] = tensor.extract_slice %[[X]][0, 0] [2, 2] [1, 1] : tensor<2x6xf32> to tensor<2x2xf32>
// CHECK: %[[B:.*]] = tensor.empty() : tensor<2x0xf32>
// CHECK: %[[C:.*]] = tensor.extract_slice %[[X]][0, 2] [2, 4] [1, 1] : tensor<2x6xf32> to tensor<2x4xf32>
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @split(%x: tensor<2x6xf32>) -> (tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x4xf32>) {
  %s = kiln.constant dense<[2, 0, 4]> : tensor<3xi64>
  %0:3 = kiln.split %x, %s {axis = 1 : i64} : (tensor<2x6xf32>, tensor<3xi64>) -> (tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x4xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x4xf32>
}

// -----

// Tiling broadcasts into [repeats, size] pairs, collapsed pairwise.
// CHECK-LABEL: func.func @tile
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x2x3x3xf32>
// CHECK: %[[B:.*]] = linalg.broadcast ins(%{{.*}} : tensor<2x3xf32>) outs(%[[E]] : tensor<2x2x3x3xf32>) dimensions = [0, 2]
// CHECK: tensor.collapse_shape %[[B]] {{\[\[}}0, 1], [2, 3]] : tensor<2x2x3x3xf32> into tensor<4x9xf32>
func.func @tile(%x: tensor<2x3xf32>) -> tensor<4x9xf32> {
  %r = kiln.constant dense<[2, 3]> : tensor<2xi64>
  %0 = kiln.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x9xf32>
  return %0 : tensor<4x9xf32>
}

// -----

// Reflect padding (with a negative pad that crops first) reads the input
// at mirrored indices.
// CHECK-LABEL: func.func @pad_reflect
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<5x4xf32>)
// CHECK: linalg.index 0
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi sgt
// CHECK: linalg.index 1
// CHECK: %[[J:.*]] = arith.addi %{{.*}}, %c1{{.*}} : index
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%{{.*}}, %[[J]]] : tensor<3x4xf32>
// CHECK: linalg.yield %[[V]]
func.func @pad_reflect(%x: tensor<3x4xf32>) -> tensor<5x4xf32> {
  %p = kiln.constant dense<[1, -1, 1, 1]> : tensor<4xi64>
  %v = kiln.constant dense<0.0> : tensor<f32>
  %0 = kiln.pad %x, %p, %v {mode = "reflect"} : (tensor<3x4xf32>, tensor<4xi64>, tensor<f32>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

// Constant padding with a crop selects the pad value outside the input.
// CHECK-LABEL: func.func @pad_constant_crop
// CHECK: linalg.generic
// CHECK: arith.cmpi ult
// CHECK: %[[IN:.*]] = tensor.extract %{{.*}} : tensor<3x4xf32>
// CHECK: %[[PAD:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: arith.select %{{.*}}, %[[IN]], %[[PAD]] : f32
func.func @pad_constant_crop(%x: tensor<3x4xf32>) -> tensor<4x3xf32> {
  %p = kiln.constant dense<[1, -1, 0, 0]> : tensor<4xi64>
  %v = kiln.constant dense<2.0> : tensor<f32>
  %0 = kiln.pad %x, %p, %v {mode = "constant"} : (tensor<3x4xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// arith.constant holds signless integers only: an unsigned constant is its
// signless bits, reinterpreted element by element.
// CHECK-LABEL: func.func @unsigned_constant
// CHECK: %[[C:.*]] = arith.constant dense<[1, -56]> : tensor<2xi8>
// CHECK: linalg.generic {{.*}} ins(%[[C]] : tensor<2xi8>) outs(%{{.*}} : tensor<2xui8>)
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i8 to ui8
func.func @unsigned_constant() -> tensor<2xui8> {
  %0 = kiln.constant dense<[1, 200]> : tensor<2xui8>
  return %0 : tensor<2xui8>
}
