//===- KilnSignalOps.td - signal-processing operations -----*- tablegen -*-===//
//
// Fourier transforms, window functions and the mel filter bank. Complex
// tensors are real tensors with a trailing dimension of 2 (real, imaginary);
// a real signal has a trailing dimension of 1. Integer scalars (lengths,
// steps, sizes) are 0-d i64 tensors: the importer has cast ONNX's int32
// forms and filled in every default (lengths, windows), so the only optional
// operand is a DFT axis known only at run time, which stands in for the
// attribute.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_KILN_IR_KILNSIGNALOPS_TD
#define KILN_DIALECT_KILN_IR_KILNSIGNALOPS_TD

include "kiln/Dialect/Kiln/IR/KilnBase.td"

def Kiln_DFTOp : Kiln_InferredOp<"dft"> {
  let summary = "discrete Fourier transform along one axis";
  let description = [{
    `input` is [..., 1] (real) or [..., 2] (complex); the transform runs
    along one of the other dimensions, zero-padding or truncating it to
    `dft_length` first. The result is complex ([..., 2]) with the axis
    dimension `dft_length`, except:

    - `onesided` forward transforms (RFFT) take a real input and keep the
      `dft_length / 2 + 1` non-redundant frequencies;
    - `onesided` inverse transforms (IRFFT) take those frequencies and
      return a real signal ([..., 1]) of `dft_length` samples.

    Inverse transforms are scaled by `1 / dft_length`.

    The axis is an attribute in [0, rank - 2] when known at compile time,
    else a 0-d i64 operand `dynamic_axis` with ONNX's meaning (negative
    values count from the back). `dft_length` is always given; the importer
    fills in ONNX's default (the axis dimension, or `2 * (n - 1)` for
    IRFFT).

    ```mlir
    %0 = kiln.dft %x, %len {axis = 1 : i64, inverse = false, onesided = true}
         : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x6x10x2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$dft_length,
                   Optional<Kiln_Tensor>:$dynamic_axis,
                   OptionalAttr<Kiln_Axis>:$axis, BoolAttr:$inverse,
                   BoolAttr:$onesided);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_STFTOp : Kiln_InferredOp<"stft"> {
  let summary = "short-time Fourier transform of a batch of signals";
  let description = [{
    `signal` is [batch, length, 1] (real) or [batch, length, 2] (complex).
    Frames of `frame_length` samples (the length of the 1-D `window`) start
    every `frame_step` samples; each is multiplied by `window` and
    transformed. The result is [batch, frames, bins, 2] with
    `frames = 1 + (length - frame_length) / frame_step` and `bins` equal to
    `frame_length`, or `frame_length / 2 + 1` when `onesided` (real
    signals only). The importer fills in ONNX's rectangular default window.

    ```mlir
    %0 = kiln.stft %signal, %step, %window {onesided = true}
         : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$signal, Kiln_Tensor:$frame_step,
                   Kiln_Tensor:$window, BoolAttr:$onesided);
  let results = (outs Kiln_Tensor:$output);
}

class Kiln_WindowOp<string mnemonic, string summaryText>
    : Kiln_InferredOp<mnemonic> {
  let summary = summaryText;
  let description = [{
    A 1-D window of `size` (a 0-d i64) points `w[n]`, n in [0, size), with
    element type `output_type`. In the formula, N is `size` for a
    `periodic` window (the first `size` points of a symmetric window one
    point longer) and `size - 1` for a symmetric one.
  }];
  let arguments = (ins Kiln_Tensor:$size, BoolAttr:$periodic,
                   TypeAttr:$output_type);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_HannWindowOp : Kiln_WindowOp<"hann_window",
    "Hann window: 0.5 - 0.5 cos(2 pi n / N)">;
def Kiln_HammingWindowOp : Kiln_WindowOp<"hamming_window",
    "Hamming window: 25/46 - 21/46 cos(2 pi n / N)">;
def Kiln_BlackmanWindowOp : Kiln_WindowOp<"blackman_window",
    "Blackman window: 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)">;

def Kiln_MelWeightMatrixOp : Kiln_InferredOp<"mel_weight_matrix"> {
  let summary = "triangular mel filter bank over one-sided DFT bins";
  let description = [{
    A [dft_length / 2 + 1, num_mel_bins] matrix of `output_type` that maps
    a linear spectrum to `num_mel_bins` mel bands between
    `lower_edge_hertz` and `upper_edge_hertz`, with
    `mel(f) = 2595 log10(1 + f / 700)`. The three counts are 0-d i64; the
    two edges are 0-d floats of one type.
  }];
  let arguments = (ins Kiln_Tensor:$num_mel_bins, Kiln_Tensor:$dft_length,
                   Kiln_Tensor:$sample_rate, Kiln_Tensor:$lower_edge_hertz,
                   Kiln_Tensor:$upper_edge_hertz, TypeAttr:$output_type);
  let results = (outs Kiln_Tensor:$output);
}

#endif // KILN_DIALECT_KILN_IR_KILNSIGNALOPS_TD
