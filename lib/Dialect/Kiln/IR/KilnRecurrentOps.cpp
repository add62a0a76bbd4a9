//===- KilnRecurrentOps.cpp - recurrent operations ------------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

//===----------------------------------------------------------------------===//
// RNN, GRU, LSTM
//===----------------------------------------------------------------------===//

/// 2 for "bidirectional", 1 for "forward" and "reverse", else nullopt.
static std::optional<int64_t> numDirections(StringRef direction) {
  return llvm::StringSwitch<std::optional<int64_t>>(direction)
      .Case("forward", 1)
      .Case("reverse", 1)
      .Case("bidirectional", 2)
      .Default(std::nullopt);
}

namespace {
/// What RNN, GRU and LSTM share for result-type inference; the LSTM-only
/// operands are null for the other two.
struct RecurrentParts {
  Value input, weight, recurrence, bias, sequenceLens, initialH, initialC,
      peepholes;
  StringRef direction;
  int64_t hiddenSize;
  bool batchFirst;
  /// G, the number of gate blocks stacked in the weights.
  int64_t gates;
  /// 2 for RNN and GRU (output, last_h), 3 for LSTM (and last_c).
  unsigned numResults;
};
} // namespace

/// "[1, ?, 5]": a shape as the messages below spell it.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << '?';
    else
      os << dim;
  });
  return text + "]";
}

/// "4 * hidden_size", or "hidden_size" for a factor of 1.
static std::string timesHidden(int64_t factor) {
  return factor == 1 ? "hidden_size"
                     : std::to_string(factor) + " * hidden_size";
}

/// Checks that the optional operand `value` has `elementType` and a shape
/// compatible with `expected`, which `meaning` spells out symbolically.
static LogicalResult checkOperand(std::optional<Location> loc, Value value,
                                  StringRef name, Type elementType,
                                  ArrayRef<int64_t> expected,
                                  const Twine &meaning) {
  if (!value)
    return success();
  RankedTensorType type = tensorType(value);
  if (type.getElementType() != elementType)
    return inferenceError(loc, name, " must have the input's element type ",
                          elementType, ", got ", type);
  if (failed(verifyCompatibleShape(type.getShape(), expected)))
    return inferenceError(loc, name, " must be ", meaning, " = ",
                          formatShape(expected), ", got ", type);
  return success();
}

/// Takes a dimension from `other` where `dim` is unknown.
static void refineDim(int64_t &dim, int64_t other) {
  if (ShapedType::isDynamic(dim))
    dim = other;
}

/// Result types of RNN, GRU and LSTM, after checking every operand against
/// the input, the number of directions and hidden_size. A batch size the
/// input leaves dynamic is taken from sequence_lens or the initial states.
static LogicalResult inferRecurrent(std::optional<Location> loc,
                                    const RecurrentParts &p,
                                    SmallVectorImpl<Type> &inferred) {
  std::optional<int64_t> numDir = numDirections(p.direction);
  if (!numDir)
    return inferenceError(
        loc, "direction must be forward, reverse or bidirectional, got '",
        p.direction, "'");
  // The attribute's own constraint reports a non-positive hidden_size; the
  // shapes below must not be built from one.
  int64_t hidden = p.hiddenSize;
  if (hidden <= 0)
    return failure();
  // Bounded so that the row counts below (up to 8 * hidden_size) fit int64.
  if (hidden > (int64_t(1) << 40))
    return inferenceError(loc, "hidden_size ", hidden, " is too large");

  RankedTensorType input = tensorType(p.input);
  StringRef inputMeaning = p.batchFirst
                               ? "[batch_size, seq_length, input_size]"
                               : "[seq_length, batch_size, input_size]";
  if (input.getRank() != 3)
    return inferenceError(loc, "input must be 3-D ", inputMeaning, ", got ",
                          input);
  Type elementType = input.getElementType();
  if (!isa<FloatType>(elementType))
    return inferenceError(
        loc, "input must have a floating-point element type, got ", input);
  int64_t seq = input.getDimSize(p.batchFirst ? 1 : 0);
  int64_t batch = input.getDimSize(p.batchFirst ? 0 : 1);
  int64_t inputSize = input.getDimSize(2);
  int64_t gateRows = p.gates * hidden;

  std::string rows = timesHidden(p.gates);
  if (failed(checkOperand(loc, p.weight, "weight", elementType,
                          {*numDir, gateRows, inputSize},
                          "[num_directions, " + rows + ", input_size]")))
    return failure();
  if (failed(checkOperand(loc, p.recurrence, "recurrence", elementType,
                          {*numDir, gateRows, hidden},
                          "[num_directions, " + rows + ", hidden_size]")))
    return failure();
  if (failed(checkOperand(
          loc, p.bias, "bias", elementType, {*numDir, 2 * gateRows},
          "[num_directions, " + timesHidden(2 * p.gates) + "]")))
    return failure();
  if (failed(checkOperand(loc, p.peepholes, "peepholes", elementType,
                          {*numDir, 3 * hidden},
                          "[num_directions, " + timesHidden(3) + "]")))
    return failure();

  if (Value lens = p.sequenceLens) {
    RankedTensorType type = tensorType(lens);
    if (!type.getElementType().isInteger() ||
        failed(verifyCompatibleShape(type.getShape(), {batch})))
      return inferenceError(loc,
                            "sequence_lens must be an integer [batch_size] = ",
                            formatShape({batch}), ", got ", type);
    refineDim(batch, type.getDimSize(0));
  }

  // initial_h and initial_c are laid out like the last_h and last_c results.
  auto stateShape = [&] {
    return p.batchFirst ? SmallVector<int64_t>{batch, *numDir, hidden}
                        : SmallVector<int64_t>{*numDir, batch, hidden};
  };
  StringRef stateMeaning = p.batchFirst
                               ? "[batch_size, num_directions, hidden_size]"
                               : "[num_directions, batch_size, hidden_size]";
  for (auto [value, name] : {std::pair(p.initialH, "initial_h"),
                             std::pair(p.initialC, "initial_c")}) {
    if (failed(checkOperand(loc, value, name, elementType, stateShape(),
                            stateMeaning)))
      return failure();
    if (value)
      refineDim(batch, tensorType(value).getDimSize(p.batchFirst ? 0 : 1));
  }

  SmallVector<int64_t> output =
      p.batchFirst ? SmallVector<int64_t>{batch, seq, *numDir, hidden}
                   : SmallVector<int64_t>{seq, *numDir, batch, hidden};
  inferred.push_back(RankedTensorType::get(output, elementType));
  auto state = RankedTensorType::get(stateShape(), elementType);
  inferred.append(p.numResults - 1, state);
  return success();
}

/// Checks the activation attributes: `perDirection` functions with known
/// names for each direction, and one alpha and one beta for each.
template <typename OpTy>
static LogicalResult verifyActivations(OpTy op, int64_t perDirection) {
  // Result-type inference, which runs first, has rejected a bad direction.
  int64_t expected =
      perDirection * numDirections(op.getDirection()).value_or(1);
  ArrayAttr activations = op.getActivations();
  if ((int64_t)activations.size() != expected)
    return op.emitOpError("needs ")
           << expected << " activations (" << perDirection
           << " per direction), got " << activations.size();
  for (StringRef name : activations.getAsValueRange<StringAttr>())
    if (!llvm::is_contained({"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu",
                             "ThresholdedRelu", "ScaledTanh", "HardSigmoid",
                             "Elu", "Softsign", "Softplus"},
                            name))
      return op.emitOpError("unknown activation '") << name << "'";
  if ((int64_t)op.getActivationAlpha().size() != expected ||
      (int64_t)op.getActivationBeta().size() != expected)
    return op.emitOpError("needs one activation_alpha and one "
                          "activation_beta per activation (")
           << expected << "), got " << op.getActivationAlpha().size() << " and "
           << op.getActivationBeta().size();
  // Written so that NaN fails too.
  if (std::optional<APFloat> clip = op.getClip();
      clip && !(clip->convertToDouble() > 0))
    return op.emitOpError("clip must be positive, got ")
           << clip->convertToDouble();
  return success();
}

LogicalResult RNNOp::verify() { return verifyActivations(*this, 1); }
LogicalResult GRUOp::verify() { return verifyActivations(*this, 2); }
LogicalResult LSTMOp::verify() { return verifyActivations(*this, 3); }

/// The parts of `adaptor` that RNN, GRU and LSTM have in common.
template <typename Adaptor>
static RecurrentParts commonParts(Adaptor adaptor, int64_t gates) {
  RecurrentParts p;
  p.input = adaptor.getInput();
  p.weight = adaptor.getWeight();
  p.recurrence = adaptor.getRecurrence();
  p.bias = adaptor.getBias();
  p.sequenceLens = adaptor.getSequenceLens();
  p.initialH = adaptor.getInitialH();
  p.direction = adaptor.getDirection();
  p.hiddenSize = adaptor.getHiddenSize();
  p.batchFirst = adaptor.getLayout() == 1;
  p.gates = gates;
  p.numResults = 2;
  return p;
}

LogicalResult RNNOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferRecurrent(loc, commonParts(adaptor, /*gates=*/1), inferred);
}

LogicalResult GRUOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferRecurrent(loc, commonParts(adaptor, /*gates=*/3), inferred);
}

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RecurrentParts p = commonParts(adaptor, /*gates=*/4);
  p.initialC = adaptor.getInitialC();
  p.peepholes = adaptor.getPeepholes();
  p.numResults = 3;
  return inferRecurrent(loc, p, inferred);
}

//===----------------------------------------------------------------------===//
// ReverseSequence
//===----------------------------------------------------------------------===//

LogicalResult
ReverseSequenceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t batchAxis = adaptor.getBatchAxis();
  int64_t timeAxis = adaptor.getTimeAxis();
  if (batchAxis >= input.getRank() || timeAxis >= input.getRank())
    return inferenceError(loc, "batch_axis (", batchAxis, ") and time_axis (",
                          timeAxis, ") must be below the rank (",
                          input.getRank(), ")");
  if (batchAxis == timeAxis)
    return inferenceError(loc,
                          "batch_axis and time_axis must differ, both "
                          "are ",
                          batchAxis);
  RankedTensorType lens = tensorType(adaptor.getSequenceLens());
  int64_t batch = input.getDimSize(batchAxis);
  if (!lens.getElementType().isInteger() ||
      failed(verifyCompatibleShape(lens.getShape(), {batch})))
    return inferenceError(loc,
                          "sequence_lens must be an integer [batch_size] = ",
                          formatShape({batch}), ", got ", lens);
  inferred.push_back(input);
  return success();
}
