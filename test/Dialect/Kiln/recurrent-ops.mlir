// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-infer-shapes | FileCheck %s --check-prefix=INFER

// Round trip of the recurrent ops: the optional operands print by name, and
// the result types written here are the ones inference derives (except in
// @lstm_dynamic, which checks that -kiln-infer-shapes refines them).

// CHECK-LABEL: func.func @rnn
// CHECK: kiln.rnn %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) {activation_alpha = array<f32: 0.000000e+00>, activation_beta = array<f32: 0.000000e+00>, activations = ["Tanh"], direction = "forward", hidden_size = 5 : i64, layout = 0 : i64} : (tensor<2x3x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>) -> (tensor<2x1x3x5xf32>, tensor<1x3x5xf32>)
func.func @rnn(%x: tensor<2x3x4xf32>, %w: tensor<1x5x4xf32>, %r: tensor<1x5x5xf32>,
               %b: tensor<1x10xf32>) -> (tensor<2x1x3x5xf32>, tensor<1x3x5xf32>) {
  %y, %y_h = kiln.rnn %x, %w, %r bias(%b) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 5 : i64, layout = 0 : i64} : (tensor<2x3x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>) -> (tensor<2x1x3x5xf32>, tensor<1x3x5xf32>)
  return %y, %y_h : tensor<2x1x3x5xf32>, tensor<1x3x5xf32>
}

// -----

// Bidirectional, batch-first (layout 1), with sequence lengths, an initial
// state and clipping.
// CHECK-LABEL: func.func @gru_bidirectional
// CHECK: kiln.gru %{{.*}}, %{{.*}}, %{{.*}} sequence_lens(%{{.*}}) initial_h(%{{.*}}) {activation_alpha = array<f32: 0.000000e+00, 2.000000e-01, 0.000000e+00, 0.000000e+00>, activation_beta = array<f32: 0.000000e+00, 5.000000e-01, 0.000000e+00, 0.000000e+00>, activations = ["Sigmoid", "HardSigmoid", "Sigmoid", "Tanh"], clip = 3.000000e+00 : f32, direction = "bidirectional", hidden_size = 6 : i64, layout = 1 : i64, linear_before_reset = true} : (tensor<4x5x3xf32>, tensor<2x18x3xf32>, tensor<2x18x6xf32>, tensor<4xi32>, tensor<4x2x6xf32>) -> (tensor<4x5x2x6xf32>, tensor<4x2x6xf32>)
func.func @gru_bidirectional(%x: tensor<4x5x3xf32>, %w: tensor<2x18x3xf32>, %r: tensor<2x18x6xf32>,
                             %lens: tensor<4xi32>, %h: tensor<4x2x6xf32>) -> (tensor<4x5x2x6xf32>, tensor<4x2x6xf32>) {
  %y, %y_h = kiln.gru %x, %w, %r sequence_lens(%lens) initial_h(%h) {activation_alpha = array<f32: 0.0, 0.2, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.5, 0.0, 0.0>, activations = ["Sigmoid", "HardSigmoid", "Sigmoid", "Tanh"], clip = 3.0 : f32, direction = "bidirectional", hidden_size = 6 : i64, layout = 1 : i64, linear_before_reset = true} : (tensor<4x5x3xf32>, tensor<2x18x3xf32>, tensor<2x18x6xf32>, tensor<4xi32>, tensor<4x2x6xf32>) -> (tensor<4x5x2x6xf32>, tensor<4x2x6xf32>)
  return %y, %y_h : tensor<4x5x2x6xf32>, tensor<4x2x6xf32>
}

// -----

// LSTM with its cell-state and peephole operands but no bias: the operands
// that are present are told apart by name.
// CHECK-LABEL: func.func @lstm
// CHECK: kiln.lstm %{{.*}}, %{{.*}}, %{{.*}} initial_c(%{{.*}}) peepholes(%{{.*}}) {activation_alpha = array<f32: 0.000000e+00, 0.000000e+00, 0.000000e+00>, activation_beta = array<f32: 0.000000e+00, 0.000000e+00, 0.000000e+00>, activations = ["Sigmoid", "Tanh", "Tanh"], direction = "reverse", hidden_size = 3 : i64, input_forget = false, layout = 0 : i64} : (tensor<7x2x4xf32>, tensor<1x12x4xf32>, tensor<1x12x3xf32>, tensor<1x2x3xf32>, tensor<1x9xf32>) -> (tensor<7x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
func.func @lstm(%x: tensor<7x2x4xf32>, %w: tensor<1x12x4xf32>, %r: tensor<1x12x3xf32>,
                %c: tensor<1x2x3xf32>, %p: tensor<1x9xf32>)
    -> (tensor<7x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %y, %y_h, %y_c = kiln.lstm %x, %w, %r initial_c(%c) peepholes(%p) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], direction = "reverse", hidden_size = 3 : i64, input_forget = false, layout = 0 : i64} : (tensor<7x2x4xf32>, tensor<1x12x4xf32>, tensor<1x12x3xf32>, tensor<1x2x3xf32>, tensor<1x9xf32>) -> (tensor<7x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %y, %y_h, %y_c : tensor<7x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

// -----

// A dynamic batch in the input is taken from the initial state; the
// sequence length stays dynamic.
// CHECK-LABEL: func.func @lstm_dynamic
// INFER-LABEL: func.func @lstm_dynamic
// INFER: kiln.lstm {{.*}} -> (tensor<?x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
func.func @lstm_dynamic(%x: tensor<?x?x4xf32>, %w: tensor<1x12x4xf32>, %r: tensor<1x12x3xf32>,
                        %h: tensor<1x2x3xf32>)
    -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>) {
  %y, %y_h, %y_c = kiln.lstm %x, %w, %r initial_h(%h) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], direction = "forward", hidden_size = 3 : i64, input_forget = true, layout = 0 : i64} : (tensor<?x?x4xf32>, tensor<1x12x4xf32>, tensor<1x12x3xf32>, tensor<1x2x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>)
  return %y, %y_h, %y_c : tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>
}

// -----

// CHECK-LABEL: func.func @reverse_sequence
// CHECK: kiln.reverse_sequence %{{.*}}, %{{.*}} {batch_axis = 0 : i64, time_axis = 1 : i64} : (tensor<4x6x2xf32>, tensor<4xi64>) -> tensor<4x6x2xf32>
func.func @reverse_sequence(%x: tensor<4x6x2xf32>, %lens: tensor<4xi64>) -> tensor<4x6x2xf32> {
  %0 = kiln.reverse_sequence %x, %lens {batch_axis = 0 : i64, time_axis = 1 : i64} : (tensor<4x6x2xf32>, tensor<4xi64>) -> tensor<4x6x2xf32>
  return %0 : tensor<4x6x2xf32>
}
