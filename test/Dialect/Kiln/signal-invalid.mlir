// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// One case per error of the signal ops. All come from result-type
// inference, so each is followed by "failed to infer returned types".

func.func @dft_float(%x: tensor<4x1xi32>, %n: tensor<i64>) -> tensor<4x2xi32> {
  // expected-error@+2 {{the signal must have a floating-point element type, got 'i32'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = false, onesided = false} : (tensor<4x1xi32>, tensor<i64>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

func.func @dft_rank(%x: tensor<4xf32>, %n: tensor<i64>) -> tensor<4xf32> {
  // expected-error@+2 {{the signal must have rank 2 or more, got 1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = false, onesided = false} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dft_parts(%x: tensor<4x3xf32>, %n: tensor<i64>) -> tensor<4x2xf32> {
  // expected-error@+2 {{the last signal dimension must be 1 (real) or 2 (complex), got 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = false, onesided = false} : (tensor<4x3xf32>, tensor<i64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @rfft_complex(%x: tensor<8x2xf32>, %n: tensor<i64>) -> tensor<?x2xf32> {
  // expected-error@+2 {{a one-sided forward DFT needs a real input}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = false, onesided = true} : (tensor<8x2xf32>, tensor<i64>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @irfft_real(%x: tensor<5x1xf32>, %n: tensor<i64>) -> tensor<?x1xf32> {
  // expected-error@+2 {{a one-sided inverse DFT needs a complex input}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = true, onesided = true} : (tensor<5x1xf32>, tensor<i64>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

func.func @dft_length_type(%x: tensor<8x1xf32>, %n: tensor<i32>) -> tensor<?x2xf32> {
  // expected-error@+2 {{'dft_length' must be a 0-d i64 tensor, got 'tensor<i32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = false, onesided = false} : (tensor<8x1xf32>, tensor<i32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @dft_length_positive(%x: tensor<8x1xf32>) -> tensor<?x2xf32> {
  %n = kiln.constant dense<0> : tensor<i64>
  // expected-error@+2 {{'dft_length' must be positive, got 0}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 0 : i64, inverse = false, onesided = false} : (tensor<8x1xf32>, tensor<i64>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @dft_axis_form(%x: tensor<8x1xf32>, %n: tensor<i64>, %axis: tensor<i64>) -> tensor<?x2xf32> {
  // expected-error@+2 {{needs exactly one of an 'axis' attribute and a 'dynamic_axis' operand}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n, %axis {axis = 0 : i64, inverse = false, onesided = false} : (tensor<8x1xf32>, tensor<i64>, tensor<i64>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @dft_axis_range(%x: tensor<8x1xf32>, %n: tensor<i64>) -> tensor<8x2xf32> {
  // expected-error@+2 {{axis 1 is out of range: the last dimension of rank 2 holds the real and imaginary parts}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n {axis = 1 : i64, inverse = false, onesided = false} : (tensor<8x1xf32>, tensor<i64>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}

// -----

func.func @stft_rank(%x: tensor<128x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<?x?x9x2xf32> {
  // expected-error@+2 {{the signal must be [batch, length, 1 or 2], got rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.stft %x, %step, %w {onesided = true} : (tensor<128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<?x?x9x2xf32>
  return %0 : tensor<?x?x9x2xf32>
}

// -----

func.func @stft_onesided_complex(%x: tensor<1x128x2xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<1x?x9x2xf32> {
  // expected-error@+2 {{a one-sided STFT needs a real signal}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.stft %x, %step, %w {onesided = true} : (tensor<1x128x2xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return %0 : tensor<1x?x9x2xf32>
}

// -----

func.func @stft_window(%x: tensor<1x128x1xf32>, %step: tensor<i64>, %w: tensor<16xf64>) -> tensor<1x?x9x2xf32> {
  // expected-error@+2 {{the window must be 1-D with the signal's element type, got 'tensor<16xf64>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.stft %x, %step, %w {onesided = true} : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf64>) -> tensor<1x?x9x2xf32>
  return %0 : tensor<1x?x9x2xf32>
}

// -----

func.func @stft_frame_length(%x: tensor<1x8x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<1x?x9x2xf32> {
  // expected-error@+2 {{the frame length (16) exceeds the signal length (8)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.stft %x, %step, %w {onesided = true} : (tensor<1x8x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return %0 : tensor<1x?x9x2xf32>
}

// -----

func.func @window_size(%x: tensor<1x8x1xf32>) -> tensor<?xf32> {
  %size = kiln.constant dense<-1> : tensor<i64>
  // expected-error@+2 {{'size' must be non-negative, got -1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.hann_window %size {output_type = f32, periodic = true} : (tensor<i64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @window_output_type(%size: tensor<i64>) -> tensor<?xindex> {
  // expected-error@+2 {{'output_type' must be an integer or floating-point type, got 'index'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.blackman_window %size {output_type = index, periodic = true} : (tensor<i64>) -> tensor<?xindex>
  return %0 : tensor<?xindex>
}

// -----

func.func @mel_edges(%n: tensor<i64>, %lo: tensor<f32>, %hi: tensor<f64>) -> tensor<?x?xf32> {
  // expected-error@+2 {{the edge frequencies must be 0-d tensors of one floating-point type, got 'tensor<f32>' and 'tensor<f64>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.mel_weight_matrix %n, %n, %n, %lo, %hi {output_type = f32} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
