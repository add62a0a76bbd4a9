//===- KilnSignalOps.cpp - signal-processing operations -------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

/// Checks that `value` is a 0-d i64 tensor; returns its value when it is a
/// constant, so that result sizes depending on it can be static.
static FailureOr<std::optional<int64_t>>
getI64Scalar(std::optional<Location> loc, Value value, StringRef name) {
  RankedTensorType type = tensorType(value);
  if (type.getRank() != 0 || !type.getElementType().isSignlessInteger(64))
    return inferenceError(loc, "'", name, "' must be a 0-d i64 tensor, got ",
                          type);
  if (std::optional<SmallVector<int64_t>> values = getConstantInts(value))
    return std::optional<int64_t>(values->front());
  return std::optional<int64_t>();
}

/// `getI64Scalar` for a count that must be positive when it is known.
static FailureOr<std::optional<int64_t>>
getPositiveI64Scalar(std::optional<Location> loc, Value value, StringRef name) {
  FailureOr<std::optional<int64_t>> result = getI64Scalar(loc, value, name);
  if (succeeded(result) && *result && **result <= 0)
    return inferenceError(loc, "'", name, "' must be positive, got ", **result);
  return result;
}

/// Checks the trailing dimension of a signal: 1 for real values, 2 for
/// complex ones (or not yet known). Returns it.
static FailureOr<int64_t> getSignalParts(std::optional<Location> loc,
                                         RankedTensorType type,
                                         int64_t minRank) {
  if (!isa<FloatType>(type.getElementType()))
    return inferenceError(
        loc, "the signal must have a floating-point element type, got ",
        type.getElementType());
  if (type.getRank() < minRank)
    return inferenceError(loc, "the signal must have rank ", minRank,
                          " or more, got ", type.getRank());
  int64_t parts = type.getShape().back();
  if (!ShapedType::isDynamic(parts) && parts != 1 && parts != 2)
    return inferenceError(
        loc, "the last signal dimension must be 1 (real) or 2 (complex), got ",
        parts);
  return parts;
}

//===----------------------------------------------------------------------===//
// DFTOp
//===----------------------------------------------------------------------===//

LogicalResult DFTOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  FailureOr<int64_t> parts = getSignalParts(loc, input, /*minRank=*/2);
  if (failed(parts))
    return failure();
  bool inverse = adaptor.getInverse(), onesided = adaptor.getOnesided();
  if (onesided && !inverse && *parts == 2)
    return inferenceError(loc, "a one-sided forward DFT needs a real input");
  if (onesided && inverse && *parts == 1)
    return inferenceError(loc, "a one-sided inverse DFT needs a complex input");
  FailureOr<std::optional<int64_t>> length =
      getPositiveI64Scalar(loc, adaptor.getDftLength(), "dft_length");
  if (failed(length))
    return failure();
  int64_t transformed = kDynamic;
  if (*length)
    transformed = onesided && !inverse ? **length / 2 + 1 : **length;

  SmallVector<int64_t> shape(input.getShape());
  // An IRFFT returns a real signal; everything else is complex.
  shape.back() = onesided && inverse ? 1 : 2;
  std::optional<int64_t> axis = adaptor.getAxis();
  Value dynamicAxis = adaptor.getDynamicAxis();
  if (axis.has_value() == static_cast<bool>(dynamicAxis))
    return inferenceError(loc, "needs exactly one of an 'axis' attribute and a "
                               "'dynamic_axis' operand");
  if (axis) {
    if (*axis > input.getRank() - 2)
      return inferenceError(
          loc, "axis ", *axis, " is out of range: the last dimension of rank ",
          input.getRank(), " holds the real and imaginary parts");
    shape[*axis] = transformed;
  } else {
    if (failed(getI64Scalar(loc, dynamicAxis, "dynamic_axis")))
      return failure();
    // Any signal dimension may be the transformed one.
    for (int64_t &dim : MutableArrayRef<int64_t>(shape).drop_back())
      if (dim != transformed)
        dim = kDynamic;
  }
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// STFTOp
//===----------------------------------------------------------------------===//

LogicalResult STFTOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType signal = tensorType(adaptor.getSignal());
  if (signal.getRank() != 3)
    return inferenceError(
        loc, "the signal must be [batch, length, 1 or 2], got rank ",
        signal.getRank());
  FailureOr<int64_t> parts = getSignalParts(loc, signal, /*minRank=*/3);
  if (failed(parts))
    return failure();
  if (adaptor.getOnesided() && *parts == 2)
    return inferenceError(loc, "a one-sided STFT needs a real signal");
  FailureOr<std::optional<int64_t>> step =
      getPositiveI64Scalar(loc, adaptor.getFrameStep(), "frame_step");
  if (failed(step))
    return failure();
  RankedTensorType window = tensorType(adaptor.getWindow());
  if (window.getRank() != 1 ||
      window.getElementType() != signal.getElementType())
    return inferenceError(
        loc, "the window must be 1-D with the signal's element type, got ",
        window);

  int64_t length = signal.getDimSize(1), frameLength = window.getDimSize(0);
  bool known =
      !ShapedType::isDynamic(length) && !ShapedType::isDynamic(frameLength);
  if (known && frameLength > length)
    return inferenceError(loc, "the frame length (", frameLength,
                          ") exceeds the signal length (", length, ")");
  int64_t frames =
      known && *step ? 1 + (length - frameLength) / **step : kDynamic;
  int64_t bins = frameLength;
  if (!ShapedType::isDynamic(frameLength) && adaptor.getOnesided())
    bins = frameLength / 2 + 1;
  inferred.push_back(
      signal.clone({signal.getDimSize(0), frames, bins, /*complex=*/2}));
  return success();
}

//===----------------------------------------------------------------------===//
// Windows and the mel filter bank
//===----------------------------------------------------------------------===//

/// Result element types may be any integer or float type, as in ONNX.
static LogicalResult checkOutputType(std::optional<Location> loc, Type type) {
  if (!isa<IntegerType, FloatType>(type))
    return inferenceError(
        loc, "'output_type' must be an integer or floating-point type, got ",
        type);
  return success();
}

template <typename Adaptor>
static LogicalResult inferWindow(std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  FailureOr<std::optional<int64_t>> size =
      getI64Scalar(loc, adaptor.getSize(), "size");
  if (failed(size) || failed(checkOutputType(loc, adaptor.getOutputType())))
    return failure();
  if (*size && **size < 0)
    return inferenceError(loc, "'size' must be non-negative, got ", **size);
  inferred.push_back(RankedTensorType::get({size->value_or(kDynamic)},
                                           adaptor.getOutputType()));
  return success();
}

#define KILN_WINDOW_OP(OP)                                                     \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferWindow(loc, adaptor, inferred);                                \
  }
KILN_WINDOW_OP(HannWindowOp)
KILN_WINDOW_OP(HammingWindowOp)
KILN_WINDOW_OP(BlackmanWindowOp)
#undef KILN_WINDOW_OP

LogicalResult
MelWeightMatrixOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  FailureOr<std::optional<int64_t>> bins =
      getPositiveI64Scalar(loc, adaptor.getNumMelBins(), "num_mel_bins");
  if (failed(bins))
    return failure();
  FailureOr<std::optional<int64_t>> length =
      getPositiveI64Scalar(loc, adaptor.getDftLength(), "dft_length");
  if (failed(length) ||
      failed(
          getPositiveI64Scalar(loc, adaptor.getSampleRate(), "sample_rate")) ||
      failed(checkOutputType(loc, adaptor.getOutputType())))
    return failure();
  RankedTensorType lower = tensorType(adaptor.getLowerEdgeHertz());
  RankedTensorType upper = tensorType(adaptor.getUpperEdgeHertz());
  if (lower.getRank() != 0 || !isa<FloatType>(lower.getElementType()) ||
      lower != upper)
    return inferenceError(loc,
                          "the edge frequencies must be 0-d tensors of one "
                          "floating-point type, got ",
                          lower, " and ", upper);
  int64_t rows = *length ? **length / 2 + 1 : kDynamic;
  inferred.push_back(RankedTensorType::get({rows, bins->value_or(kDynamic)},
                                           adaptor.getOutputType()));
  return success();
}
