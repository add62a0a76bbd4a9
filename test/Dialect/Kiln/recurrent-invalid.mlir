// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// One case per error of the recurrent ops. Errors from result-type inference
// are followed by "failed to infer returned types"; errors from an op's
// verifier carry the 'kiln.<op>' op prefix.

func.func @rnn_direction(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+2 {{direction must be forward, reverse or bidirectional, got 'backward'}}
  // expected-error@+1 {{failed to infer returned types}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "backward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

func.func @rnn_input_rank(%x: tensor<2x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+2 {{input must be 3-D [seq_length, batch_size, input_size], got 'tensor<2x5xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

func.func @rnn_input_element_type(%x: tensor<2x3x5xi32>, %w: tensor<1x4x5xi32>, %r: tensor<1x4x4xi32>) -> tensor<2x1x3x4xi32> {
  // expected-error@+2 {{input must have a floating-point element type, got 'tensor<2x3x5xi32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xi32>, tensor<1x4x5xi32>, tensor<1x4x4xi32>) -> (tensor<2x1x3x4xi32>, tensor<1x3x4xi32>)
  return %y : tensor<2x1x3x4xi32>
}

// -----

func.func @rnn_weight_element_type(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf16>, %r: tensor<1x4x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+2 {{weight must have the input's element type 'f32', got 'tensor<1x4x5xf16>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xf32>, tensor<1x4x5xf16>, tensor<1x4x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

// The weights stack G = 3 gate blocks for GRU.
func.func @gru_weight_shape(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x12x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+2 {{weight must be [num_directions, 3 * hidden_size, input_size] = [1, 12, 5], got 'tensor<1x4x5xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %y, %y_h = kiln.gru %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = false} : (tensor<2x3x5xf32>, tensor<1x4x5xf32>, tensor<1x12x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

func.func @rnn_sequence_lens(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>, %lens: tensor<2xi32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+2 {{sequence_lens must be an integer [batch_size] = [3], got 'tensor<2xi32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %y, %y_h = kiln.rnn %x, %w, %r sequence_lens(%lens) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>, tensor<2xi32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

// A bidirectional GRU needs two activations per direction.
func.func @gru_activation_count(%x: tensor<2x3x5xf32>, %w: tensor<2x12x5xf32>, %r: tensor<2x12x4xf32>) -> tensor<2x2x3x4xf32> {
  // expected-error@+1 {{'kiln.gru' op needs 4 activations (2 per direction), got 2}}
  %y, %y_h = kiln.gru %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], direction = "bidirectional", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = false} : (tensor<2x3x5xf32>, tensor<2x12x5xf32>, tensor<2x12x4xf32>) -> (tensor<2x2x3x4xf32>, tensor<2x3x4xf32>)
  return %y : tensor<2x2x3x4xf32>
}

// -----

// Names are the capitalized ONNX ones.
func.func @rnn_unknown_activation(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+1 {{'kiln.rnn' op unknown activation 'tanh'}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

func.func @rnn_activation_params(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+1 {{'kiln.rnn' op needs one activation_alpha and one activation_beta per activation (1), got 0 and 1}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

func.func @rnn_clip(%x: tensor<2x3x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>) -> tensor<2x1x3x4xf32> {
  // expected-error@+1 {{'kiln.rnn' op clip must be positive, got 0.000000e+00}}
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], clip = 0.0 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64} : (tensor<2x3x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %y : tensor<2x1x3x4xf32>
}

// -----

func.func @reverse_sequence_axes_range(%x: tensor<4x6xf32>, %lens: tensor<4xi64>) -> tensor<4x6xf32> {
  // expected-error@+2 {{batch_axis (2) and time_axis (0) must be below the rank (2)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reverse_sequence %x, %lens {batch_axis = 2 : i64, time_axis = 0 : i64} : (tensor<4x6xf32>, tensor<4xi64>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @reverse_sequence_same_axes(%x: tensor<4x6xf32>, %lens: tensor<4xi64>) -> tensor<4x6xf32> {
  // expected-error@+2 {{batch_axis and time_axis must differ, both are 0}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reverse_sequence %x, %lens {batch_axis = 0 : i64, time_axis = 0 : i64} : (tensor<4x6xf32>, tensor<4xi64>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @reverse_sequence_lens(%x: tensor<4x6xf32>, %lens: tensor<6xi64>) -> tensor<4x6xf32> {
  // expected-error@+2 {{sequence_lens must be an integer [batch_size] = [4], got 'tensor<6xi64>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.reverse_sequence %x, %lens {batch_axis = 0 : i64, time_axis = 1 : i64} : (tensor<4x6xf32>, tensor<6xi64>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}
