// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s

// Round trip of the signal ops; the result types written here are the ones
// inference derives. Sizes that depend on a constant operand are static.

// CHECK-LABEL: func.func @dft
// CHECK: kiln.dft %{{.*}}, %{{.*}} {axis = 1 : i64, inverse = false, onesided = false} : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x16x10x2xf32>
// CHECK: kiln.dft %{{.*}}, %{{.*}} {axis = 2 : i64, inverse = false, onesided = true} : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x10x9x2xf32>
// CHECK: kiln.dft %{{.*}}, %{{.*}} {axis = 1 : i64, inverse = true, onesided = true} : (tensor<1x9x10x2xf32>, tensor<i64>) -> tensor<1x16x10x1xf32>
// CHECK: kiln.dft %{{.*}}, %{{.*}} {axis = 0 : i64, inverse = true, onesided = false} : (tensor<10x2xf64>, tensor<i64>) -> tensor<?x2xf64>
func.func @dft(%x: tensor<1x10x10x1xf32>, %spectrum: tensor<1x9x10x2xf32>, %c: tensor<10x2xf64>,
               %n: tensor<i64>)
    -> (tensor<1x16x10x2xf32>, tensor<1x10x9x2xf32>, tensor<1x16x10x1xf32>, tensor<?x2xf64>) {
  %len = kiln.constant dense<16> : tensor<i64>
  // Zero-padded to 16 points along axis 1.
  %0 = kiln.dft %x, %len {axis = 1 : i64, inverse = false, onesided = false} : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x16x10x2xf32>
  // RFFT: 16 / 2 + 1 = 9 frequencies.
  %1 = kiln.dft %x, %len {axis = 2 : i64, inverse = false, onesided = true} : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x10x9x2xf32>
  // IRFFT: 9 frequencies back to a real signal of 16 points.
  %2 = kiln.dft %spectrum, %len {axis = 1 : i64, inverse = true, onesided = true} : (tensor<1x9x10x2xf32>, tensor<i64>) -> tensor<1x16x10x1xf32>
  // A length known only at run time.
  %3 = kiln.dft %c, %n {axis = 0 : i64, inverse = true, onesided = false} : (tensor<10x2xf64>, tensor<i64>) -> tensor<?x2xf64>
  return %0, %1, %2, %3 : tensor<1x16x10x2xf32>, tensor<1x10x9x2xf32>, tensor<1x16x10x1xf32>, tensor<?x2xf64>
}

// -----

// CHECK-LABEL: func.func @dft_dynamic_axis
// CHECK: kiln.dft %{{.*}}, %{{.*}}, %{{.*}} {inverse = false, onesided = false} : (tensor<1x10x10x2xf32>, tensor<i64>, tensor<i64>) -> tensor<?x10x10x2xf32>
// CHECK: kiln.dft %{{.*}}, %{{.*}}, %{{.*}} {inverse = false, onesided = false} : (tensor<1x10x10x2xf32>, tensor<i64>, tensor<i64>) -> tensor<?x?x?x2xf32>
func.func @dft_dynamic_axis(%x: tensor<1x10x10x2xf32>, %axis: tensor<i64>, %n: tensor<i64>)
    -> (tensor<?x10x10x2xf32>, tensor<?x?x?x2xf32>) {
  %len = kiln.constant dense<10> : tensor<i64>
  // Whichever axis is transformed, dimensions of size 10 stay 10.
  %0 = kiln.dft %x, %len, %axis {inverse = false, onesided = false} : (tensor<1x10x10x2xf32>, tensor<i64>, tensor<i64>) -> tensor<?x10x10x2xf32>
  %1 = kiln.dft %x, %n, %axis {inverse = false, onesided = false} : (tensor<1x10x10x2xf32>, tensor<i64>, tensor<i64>) -> tensor<?x?x?x2xf32>
  return %0, %1 : tensor<?x10x10x2xf32>, tensor<?x?x?x2xf32>
}

// -----

// CHECK-LABEL: func.func @stft
// CHECK: kiln.stft %{{.*}}, %{{.*}}, %{{.*}} {onesided = true} : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
// CHECK: kiln.stft %{{.*}}, %{{.*}}, %{{.*}} {onesided = false} : (tensor<2x128x2xf32>, tensor<i64>, tensor<16xf32>) -> tensor<2x?x16x2xf32>
// CHECK: kiln.stft %{{.*}}, %{{.*}}, %{{.*}} {onesided = true} : (tensor<1x?x1xf32>, tensor<i64>, tensor<?xf32>) -> tensor<1x?x?x2xf32>
func.func @stft(%x: tensor<1x128x1xf32>, %c: tensor<2x128x2xf32>, %w: tensor<16xf32>,
                %step: tensor<i64>, %d: tensor<1x?x1xf32>, %dw: tensor<?xf32>)
    -> (tensor<1x15x9x2xf32>, tensor<2x?x16x2xf32>, tensor<1x?x?x2xf32>) {
  %eight = kiln.constant dense<8> : tensor<i64>
  // 1 + (128 - 16) / 8 = 15 frames of 16 / 2 + 1 = 9 bins.
  %0 = kiln.stft %x, %eight, %w {onesided = true} : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
  %1 = kiln.stft %c, %step, %w {onesided = false} : (tensor<2x128x2xf32>, tensor<i64>, tensor<16xf32>) -> tensor<2x?x16x2xf32>
  %2 = kiln.stft %d, %eight, %dw {onesided = true} : (tensor<1x?x1xf32>, tensor<i64>, tensor<?xf32>) -> tensor<1x?x?x2xf32>
  return %0, %1, %2 : tensor<1x15x9x2xf32>, tensor<2x?x16x2xf32>, tensor<1x?x?x2xf32>
}

// -----

// CHECK-LABEL: func.func @windows
// CHECK: kiln.hann_window %{{.*}} {output_type = f32, periodic = true} : (tensor<i64>) -> tensor<10xf32>
// CHECK: kiln.hamming_window %{{.*}} {output_type = f16, periodic = false} : (tensor<i64>) -> tensor<10xf16>
// CHECK: kiln.blackman_window %{{.*}} {output_type = i32, periodic = true} : (tensor<i64>) -> tensor<?xi32>
func.func @windows(%size: tensor<i64>) -> (tensor<10xf32>, tensor<10xf16>, tensor<?xi32>) {
  %ten = kiln.constant dense<10> : tensor<i64>
  %0 = kiln.hann_window %ten {output_type = f32, periodic = true} : (tensor<i64>) -> tensor<10xf32>
  %1 = kiln.hamming_window %ten {output_type = f16, periodic = false} : (tensor<i64>) -> tensor<10xf16>
  %2 = kiln.blackman_window %size {output_type = i32, periodic = true} : (tensor<i64>) -> tensor<?xi32>
  return %0, %1, %2 : tensor<10xf32>, tensor<10xf16>, tensor<?xi32>
}

// -----

// CHECK-LABEL: func.func @mel_weight_matrix
// CHECK: kiln.mel_weight_matrix %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {output_type = f32} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
// CHECK: kiln.mel_weight_matrix %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {output_type = f64} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x8xf64>
func.func @mel_weight_matrix(%rate: tensor<i64>, %n: tensor<i64>, %lo: tensor<f32>, %hi: tensor<f32>)
    -> (tensor<9x8xf32>, tensor<?x8xf64>) {
  %bins = kiln.constant dense<8> : tensor<i64>
  %len = kiln.constant dense<16> : tensor<i64>
  // [16 / 2 + 1, 8]
  %0 = kiln.mel_weight_matrix %bins, %len, %rate, %lo, %hi {output_type = f32} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
  %1 = kiln.mel_weight_matrix %bins, %n, %rate, %lo, %hi {output_type = f64} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x8xf64>
  return %0, %1 : tensor<9x8xf32>, tensor<?x8xf64>
}
