// REQUIRES: mlir-runner
// Runs small kiln functions through kiln-convert-to-linalg, lowers them to
// LLVM with upstream passes and executes them on the CPU.
//
// RUN: kiln-opt %s --kiln-convert-to-linalg | %lower_to_llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_runner_libs | FileCheck %s
//
// Every expected value was computed independently with numpy (float32):
// explicit loops over np.pad for the convolution and the pooling windows,
// `a @ b` for the broadcast matmul, and exp(x - max) / sum for softmax.

// conv (pads 1, stride 2) + bias, then + a [2, 1, 1] broadcast, then relu.
func.func @conv_add_relu(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x2x2xf32>,
                         %b: tensor<2xf32>, %s: tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32> {
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
         pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = kiln.add %0, %s : tensor<1x2x2x2xf32>, tensor<2x1x1xf32> -> tensor<1x2x2x2xf32>
  %2 = kiln.relu %1 : tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// [2, 1, 2, 3] x [2, 3, 2]: the batch dimension 1 of the lhs broadcasts.
func.func @matmul_broadcast(%a: tensor<2x1x2x3xf32>, %b: tensor<2x3x2xf32>) -> tensor<2x2x2x2xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x2x3xf32>, tensor<2x3x2xf32>) -> tensor<2x2x2x2xf32>
  return %0 : tensor<2x2x2x2xf32>
}

func.func @softmax(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.log_softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// 2x2 windows, stride 1, pads 1 on every side, padding not counted.
func.func @avg_pool(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %0 = kiln.avg_pool %x {ceil_mode = false, count_include_pad = false,
         dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
         pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
       : (tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %w = arith.constant dense<[[[[1.0, 0.0], [0.0, -1.0]]], [[[0.5, 0.5], [0.5, 0.5]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<[2.0, -3.0]> : tensor<2xf32>
  %s = arith.constant dense<[[[0.5]], [[1.0]]]> : tensor<2x1x1xf32>
  %0 = call @conv_add_relu(%x, %w, %b, %s)
       : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %u0 = tensor.cast %0 : tensor<1x2x2x2xf32> to tensor<*xf32>
  // CHECK: sizes = [1, 2, 2, 2]
  // CHECK:      [1.5, 0],
  // CHECK-NEXT: [0, 0]],
  // CHECK:      [0, 0.5],
  // CHECK-NEXT: [3.5, 12]]]]
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()

  // a = arange(12).reshape(2, 1, 2, 3) / 4, b = arange(12).reshape(2, 3, 2) - 5
  %a = arith.constant dense<[[[[0.0, 0.25, 0.5], [0.75, 1.0, 1.25]]],
                             [[[1.5, 1.75, 2.0], [2.25, 2.5, 2.75]]]]> : tensor<2x1x2x3xf32>
  %m = arith.constant dense<[[[-5.0, -4.0], [-3.0, -2.0], [-1.0, 0.0]],
                             [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]> : tensor<2x3x2xf32>
  %1 = call @matmul_broadcast(%a, %m) : (tensor<2x1x2x3xf32>, tensor<2x3x2xf32>) -> tensor<2x2x2x2xf32>
  %u1 = tensor.cast %1 : tensor<2x2x2x2xf32> to tensor<*xf32>
  // CHECK: sizes = [2, 2, 2, 2]
  // CHECK:      {{\[}}[-1.25, -0.5],
  // CHECK-NEXT: [-8, -5]],
  // CHECK:      [3.25, 4],
  // CHECK-NEXT: [10, 13]]],
  // CHECK:      [-14.75, -9.5],
  // CHECK-NEXT: [-21.5, -14]],
  // CHECK:      [16.75, 22],
  // CHECK-NEXT: [23.5, 31]]]]
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  %t = arith.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]]> : tensor<2x3xf32>
  %2:2 = call @softmax(%t) : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  %u2 = tensor.cast %2#0 : tensor<2x3xf32> to tensor<*xf32>
  %u3 = tensor.cast %2#1 : tensor<2x3xf32> to tensor<*xf32>
  // CHECK: sizes = [2, 3]
  // CHECK:      {{\[}}[0.0900306, 0.244728, 0.665241],
  // CHECK-NEXT: [0.00657326, 0.017868, 0.975559]]
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  // CHECK: sizes = [2, 3]
  // CHECK:      {{\[}}[-2.40761, -1.40761, -0.407606],
  // CHECK-NEXT: [-5.02474, -4.02474, -0.0247449]]
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()

  %3 = call @avg_pool(%x) : (tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  %u4 = tensor.cast %3 : tensor<1x1x4x4xf32> to tensor<*xf32>
  // CHECK: sizes = [1, 1, 4, 4]
  // CHECK:      {{\[}}[1, 1.5, 2.5, 3],
  // CHECK-NEXT: [2.5, 3, 4, 4.5],
  // CHECK-NEXT: [5.5, 6, 7, 7.5],
  // CHECK-NEXT: [7, 7.5, 8.5, 9]]]]
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  return
}
