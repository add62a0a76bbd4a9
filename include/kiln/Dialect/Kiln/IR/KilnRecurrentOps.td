//===- KilnRecurrentOps.td - recurrent operations ----------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNRECURRENTOPS_TD
#define KILN_DIALECT_KILN_IR_KILNRECURRENTOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

//===----------------------------------------------------------------------===//
// One-layer recurrent networks (ONNX RNN, GRU, LSTM).
//===----------------------------------------------------------------------===//

/// The operands and attributes that RNN, GRU and LSTM share, with ONNX's
/// names and meanings and every default filled in by the importer. `gates`
/// is G, the number of gate blocks stacked in the weights (1, 3 or 4);
/// `numActivations` the activation functions each direction uses.
class Kiln_RecurrentOp<string mnemonic, string summaryText,
                       string equations, int gates, int numActivations,
                       dag extraOperands, dag extraAttrs, dag extraResults,
                       string extraOperandFormat>
    : Kiln_InferredOp<mnemonic, [AttrSizedOperandSegments]> {
  let summary = summaryText;
  let description = equations # [{

    Operands, with num_directions 2 for "bidirectional" and 1 for "forward"
    and "reverse", and G = }] # gates # [{:

    * `input` X: [seq_length, batch_size, input_size]
      ([batch_size, seq_length, input_size] when `layout` is 1);
    * `weight` W: [num_directions, G * hidden_size, input_size];
    * `recurrence` R: [num_directions, G * hidden_size, hidden_size];
    * `bias` B (optional, zero when absent): [num_directions,
      2 * G * hidden_size], the input biases then the recurrence biases;
    * `sequence_lens` (optional, seq_length for every batch entry when
      absent): an integer [batch_size];
    * `initial_h` (optional, zero when absent), and for LSTM `initial_c`:
      [num_directions, batch_size, hidden_size] ([batch_size,
      num_directions, hidden_size] when `layout` is 1).

    Results: `output` Y, every hidden state, [seq_length, num_directions,
    batch_size, hidden_size] ([batch_size, seq_length, num_directions,
    hidden_size] when `layout` is 1); `last_h` Y_h, the last hidden state,
    laid out like `initial_h` (and for LSTM `last_c`, the last cell state).

    `activations` lists the capitalized ONNX names of the }] # numActivations
    # [{ functions of the first direction, then those of the second.
    `activation_alpha` and `activation_beta` hold one value per activation:
    its parameter, or 0 for a function without one. No `clip` means no
    clipping. For example, an RNN:

    ```mlir
    %y, %y_h = kiln.rnn %x, %w, %r bias(%b) {activation_alpha = array<f32: 0.0>,
        activation_beta = array<f32: 0.0>, activations = ["Tanh"],
        direction = "forward", hidden_size = 5 : i64, layout = 0 : i64}
      : (tensor<2x3x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>)
      -> (tensor<2x1x3x5xf32>, tensor<1x3x5xf32>)
    ```
  }];
  let arguments = !con(
      (ins Kiln_Tensor:$input, Kiln_Tensor:$weight, Kiln_Tensor:$recurrence,
           Optional<Kiln_Tensor>:$bias, Optional<Kiln_Tensor>:$sequence_lens,
           Optional<Kiln_Tensor>:$initial_h),
      extraOperands,
      (ins StrAttr:$direction, ConfinedAttr<I64Attr, [IntPositive]>:$hidden_size,
           StrArrayAttr:$activations, DenseF32ArrayAttr:$activation_alpha,
           DenseF32ArrayAttr:$activation_beta, OptionalAttr<F32Attr>:$clip,
           ConfinedAttr<I64Attr, [IntMinValue<0>, IntMaxValue<1>]>:$layout),
      extraAttrs);
  let results = !con((outs Kiln_Tensor:$output, Kiln_Tensor:$last_h),
                     extraResults);
  // Optional operands are named, so that which ones are present reads
  // without an operandSegmentSizes attribute.
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` `(` $bias^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)? }] # extraOperandFormat # [{
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_RNNOp : Kiln_RecurrentOp<"rnn", "simple (Elman) recurrent network", [{
    `H[t] = f(X[t] * W^T + H[t-1] * R^T + Wb + Rb)` (f defaults to Tanh).
  }], /*gates=*/1, /*numActivations=*/1, (ins), (ins), (outs), "">;

def Kiln_GRUOp : Kiln_RecurrentOp<"gru", "gated recurrent unit network", [{
    Gates in the order z (update), r (reset), h (hidden); activations f
    (gates, default Sigmoid) and g (hidden, default Tanh). With
    `linear_before_reset` the reset gate scales `H[t-1] * Rh^T + Rbh`
    rather than `H[t-1]`.
  }], /*gates=*/3, /*numActivations=*/2, (ins),
    (ins BoolAttr:$linear_before_reset), (outs), "">;

def Kiln_LSTMOp : Kiln_RecurrentOp<"lstm", "long short-term memory network", [{
    Gates in the order i (input), o (output), f (forget), c (cell);
    activations f (gates, default Sigmoid), g (cell input, default Tanh) and
    h (output, default Tanh). `peepholes` P (optional, zero when absent) is
    [num_directions, 3 * hidden_size], the i, o and f peephole weights. With
    `input_forget` the input and forget gates are coupled.
  }], /*gates=*/4, /*numActivations=*/3,
    (ins Optional<Kiln_Tensor>:$initial_c, Optional<Kiln_Tensor>:$peepholes),
    (ins BoolAttr:$input_forget), (outs Kiln_Tensor:$last_c), [{
    (`initial_c` `(` $initial_c^ `)`)? (`peepholes` `(` $peepholes^ `)`)?
  }]>;

//===----------------------------------------------------------------------===//
// Sequence reversal.
//===----------------------------------------------------------------------===//

def Kiln_ReverseSequenceOp : Kiln_InferredOp<"reverse_sequence"> {
  let summary = "reverse the first sequence_lens[b] steps of each batch entry";
  let description = [{
    For every index b along `batch_axis`, the first `sequence_lens[b]`
    slices along `time_axis` are reversed and the rest are copied.
    `sequence_lens` is an integer [batch_size]; the axes differ.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$sequence_lens,
                   Kiln_Axis:$batch_axis, Kiln_Axis:$time_axis);
  let results = (outs Kiln_Tensor:$output);
}

#endif // KILN_DIALECT_KILN_IR_KILNRECURRENTOPS_TD
