// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg | FileCheck %s

// One scf.for over the time steps carrying Y and the packed [h, c] state;
// each step multiplies by W and R transposed in place, accumulating into the
// broadcast biases, and one generic applies the activation.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @rnn_forward
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[W:.*]]: tensor<1x5x4xf32>, %[[R:.*]]: tensor<1x5x5xf32>, %[[B:.*]]: tensor<1x10xf32>)
// CHECK: %[[WB:.*]] = linalg.broadcast ins(%{{.*}} : tensor<5xf32>) outs(%{{.*}} : tensor<3x5xf32>) dimensions = [0]
// CHECK: %[[RB:.*]] = linalg.broadcast ins(%{{.*}} : tensor<5xf32>) outs(%{{.*}} : tensor<3x5xf32>) dimensions = [0]
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Y:.*]] = %{{.*}}, %[[S:.*]] = %{{.*}}) -> (tensor<2x1x3x5xf32>, tensor<2x3x5xf32>)
// CHECK: %[[H:.*]] = tensor.extract_slice %[[S]][0, 0, 0] [1, 3, 5] [1, 1, 1] : tensor<2x3x5xf32> to tensor<3x5xf32>
// CHECK: %[[XT:.*]] = tensor.extract_slice %[[X]][%[[T]], 0, 0] [1, 3, 4] [1, 1, 1] : tensor<2x3x4xf32> to tensor<3x4xf32>
// CHECK: %[[XW:.*]] = linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%[[XT]], %{{.*}} : tensor<3x4xf32>, tensor<5x4xf32>) outs(%[[WB]] : tensor<3x5xf32>)
// CHECK: %[[HR:.*]] = linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%[[H]], %{{.*}} : tensor<3x5xf32>, tensor<5x5xf32>) outs(%[[RB]] : tensor<3x5xf32>)
// CHECK: %[[NEW:.*]] = linalg.generic {{.*}} ins(%[[XW]], %[[HR]] : tensor<3x5xf32>, tensor<3x5xf32>)
// CHECK: arith.addf
// CHECK: math.tanh
// CHECK: %[[YN:.*]] = tensor.insert_slice %[[NEW]] into %[[Y]][%[[T]], %{{.*}}, %{{.*}}, %{{.*}}] [1, 1, 3, 5]
// CHECK: %[[SN:.*]] = tensor.insert_slice %[[NEW]] into %[[S]][0, 0, 0] [1, 3, 5]
// CHECK: scf.yield %[[YN]], %[[SN]]
// CHECK: %[[LAST:.*]] = tensor.extract_slice %[[LOOP]]#1[0, 0, 0] [1, 3, 5]
// CHECK: %[[YH:.*]] = tensor.insert_slice %[[LAST]] into %{{.*}}[0, 0, 0] [1, 3, 5] [1, 1, 1] : tensor<3x5xf32> into tensor<1x3x5xf32>
// CHECK: return %[[LOOP]]#0, %[[YH]]
func.func @rnn_forward(%x: tensor<2x3x4xf32>, %w: tensor<1x5x4xf32>, %r: tensor<1x5x5xf32>, %b: tensor<1x10xf32>) -> (tensor<2x1x3x5xf32>, tensor<1x3x5xf32>) {
  %y, %y_h = kiln.rnn %x, %w, %r bias(%b) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 5 : i64, layout = 0 : i64} : (tensor<2x3x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>) -> (tensor<2x1x3x5xf32>, tensor<1x3x5xf32>)
  return %y, %y_h : tensor<2x1x3x5xf32>, tensor<1x3x5xf32>
}

// -----

// Bidirectional, batch-major: the input is transposed in, two loops (the
// second walking backwards) fill Y, and the results are transposed out. The
// GRU without linear_before_reset multiplies r * H by Rh in a third matmul.
// CHECK-LABEL: func.func @gru_bidirectional_batch_major
// CHECK: %[[XT:.*]] = linalg.transpose ins(%{{.*}} : tensor<3x3x2xf32>) outs(%{{.*}} : tensor<3x3x2xf32>) permutation = [1, 0, 2]
// CHECK: %[[RH:.*]] = tensor.extract_slice %{{.*}}[12, 0] [6, 6] [1, 1] : tensor<18x6xf32> to tensor<6x6xf32>
// CHECK: %[[FWD:.*]]:2 = scf.for
// CHECK: linalg.matmul
// CHECK: linalg.matmul
// CHECK: %[[RESET:.*]] = linalg.generic
// CHECK: linalg.matmul {{.*}} ins(%[[RESET]], %[[RH]] : tensor<3x6xf32>, tensor<6x6xf32>)
// CHECK: linalg.generic
// CHECK: scf.yield
// CHECK: %[[BWD:.*]]:2 = scf.for %[[T:.*]] = {{.*}} iter_args(%{{.*}} = %[[FWD]]#0, %{{.*}} = %{{.*}})
// CHECK: %[[REV:.*]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK: tensor.extract_slice %[[XT]][%[[REV]], 0, 0]
// CHECK: scf.yield
// CHECK: linalg.transpose ins(%[[BWD]]#0 : tensor<3x2x3x6xf32>) outs(%{{.*}} : tensor<3x3x2x6xf32>) permutation = [2, 0, 1, 3]
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x6xf32>) outs(%{{.*}} : tensor<3x2x6xf32>) permutation = [1, 0, 2]
func.func @gru_bidirectional_batch_major(%x: tensor<3x3x2xf32>, %w: tensor<2x18x2xf32>, %r: tensor<2x18x6xf32>) -> (tensor<3x3x2x6xf32>, tensor<3x2x6xf32>) {
  %y, %y_h = kiln.gru %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Sigmoid", "Tanh"], direction = "bidirectional", hidden_size = 6 : i64, layout = 1 : i64, linear_before_reset = false} : (tensor<3x3x2xf32>, tensor<2x18x2xf32>, tensor<2x18x6xf32>) -> (tensor<3x3x2x6xf32>, tensor<3x2x6xf32>)
  return %y, %y_h : tensor<3x3x2x6xf32>, tensor<3x2x6xf32>
}

// -----

// LSTM with peepholes, clip and sequence_lens: the cell generic yields h and
// c (the peepholes broadcast along the batch); a second generic keeps the
// state of finished entries and zeroes their outputs.
// CHECK-DAG: #[[VEC:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[LEN:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @lstm_peepholes
// CHECK-SAME: %[[LENS:[^:]*]]: tensor<2xi32>
// CHECK: scf.for
// CHECK: %[[CELL:.*]]:2 = linalg.generic {indexing_maps = [{{.*}}#[[VEC]], #[[VEC]], #[[VEC]]{{.*}}]
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK: arith.minimumf
// CHECK: arith.constant -3.000000e+00 : f32
// CHECK: arith.maximumf
// CHECK: linalg.yield %{{.*}}, %{{.*}} : f32, f32
// CHECK: %[[MASK:.*]]:3 = linalg.generic {indexing_maps = [#[[LEN]], {{.*}}]{{.*}} ins(%[[LENS]], %[[CELL]]#0, %{{.*}}, %[[CELL]]#1, %{{.*}} :
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.cmpi slt
// CHECK: tensor.insert_slice %[[MASK]]#1 into
// CHECK: tensor.insert_slice %[[MASK]]#0 into %{{.*}}[0, 0, 0]
// CHECK: tensor.insert_slice %[[MASK]]#2 into %{{.*}}[1, 0, 0]
func.func @lstm_peepholes(%x: tensor<1x2x4xf32>, %w: tensor<1x12x4xf32>, %r: tensor<1x12x3xf32>, %b: tensor<1x24xf32>, %lens: tensor<2xi32>, %h0: tensor<1x2x3xf32>, %c0: tensor<1x2x3xf32>, %p: tensor<1x9xf32>) -> tensor<1x2x3xf32> {
  %y, %y_h, %y_c = kiln.lstm %x, %w, %r bias(%b) sequence_lens(%lens) initial_h(%h0) initial_c(%c0) peepholes(%p) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 3.0 : f32, direction = "reverse", hidden_size = 3 : i64, input_forget = false, layout = 0 : i64} : (tensor<1x2x4xf32>, tensor<1x12x4xf32>, tensor<1x12x3xf32>, tensor<1x24xf32>, tensor<2xi32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x9xf32>) -> (tensor<1x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %y_h : tensor<1x2x3xf32>
}
