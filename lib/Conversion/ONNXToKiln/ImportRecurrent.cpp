//===- ImportRecurrent.cpp - RNN, GRU, LSTM, ReverseSequence --------------===//

#include "GraphImporter.h"

#include <array>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// An activation function of ONNX's recurrent ops: its name as kiln spells
/// it, whether it takes an alpha and a beta, and their defaults (those of
/// the ONNX operator of the same name).
struct Activation {
  llvm::StringLiteral name;
  bool hasAlpha, hasBeta;
  float alpha, beta;
};

constexpr Activation kActivations[] = {
    {"Relu", false, false, 0, 0},
    {"Tanh", false, false, 0, 0},
    {"Sigmoid", false, false, 0, 0},
    {"Affine", true, true, 1, 0},
    {"LeakyRelu", true, false, 0.01f, 0},
    {"ThresholdedRelu", true, false, 1, 0},
    {"ScaledTanh", true, true, 1, 1},
    {"HardSigmoid", true, true, 0.2f, 0.5f},
    {"Elu", true, false, 1, 0},
    {"Softsign", false, false, 0, 0},
    {"Softplus", false, false, 0, 0},
};

/// ONNX's names are matched without regard to case, as onnxruntime does
/// (exporters write "tanh" as well as "Tanh").
const Activation *findActivation(StringRef name) {
  for (const Activation &a : kActivations)
    if (a.name.equals_insensitive(name))
      return &a;
  return nullptr;
}

/// The attributes RNN, GRU and LSTM share, with ONNX's defaults filled in.
struct RecurrentAttrs {
  StringAttr direction;
  IntegerAttr hiddenSize;
  ArrayAttr activations;
  DenseF32ArrayAttr alphas, betas;
  FloatAttr clip; ///< null: no clipping
  IntegerAttr layout;
};

/// Reads the shared attributes of a node with `gates` gate blocks in its
/// weights and `defaults` as the activations of each direction.
FailureOr<RecurrentAttrs> readRecurrentAttrs(NodeImporter &n, int64_t gates,
                                             ArrayRef<StringRef> defaults) {
  RecurrentAttrs attrs;
  std::string direction = n.getString("direction", "forward");
  int64_t numDirections;
  if (direction == "forward" || direction == "reverse")
    numDirections = 1;
  else if (direction == "bidirectional")
    numDirections = 2;
  else
    return n.fail("unknown direction '" + direction + "'");
  attrs.direction = n.strAttr(direction);

  // hidden_size may be left out: R is [num_directions, G * hidden,
  // hidden], W is [num_directions, G * hidden, input].
  int64_t hidden;
  RankedTensorType w = n.inputType(1), r = n.inputType(2);
  if (n.hasAttr("hidden_size"))
    hidden = n.getInt("hidden_size", 0);
  else if (r.getRank() == 3 && !r.isDynamicDim(2))
    hidden = r.getDimSize(2);
  else if (w.getRank() == 3 && !w.isDynamicDim(1))
    hidden = w.getDimSize(1) / gates;
  else
    return n.fail("hidden_size is absent and the shapes of W and R do not "
                  "give it");
  if (hidden <= 0)
    return n.fail("hidden_size must be positive, got " + Twine(hidden));
  attrs.hiddenSize = n.i64Attr(hidden);

  SmallVector<StringRef> names(defaults);
  if (const onnx::AttributeProto *a = n.attr("activations"))
    names.assign(a->strings().begin(), a->strings().end());
  // The defaults, and some exporters, list the functions of one direction
  // only; a bidirectional node then uses them, parameters included, for
  // both directions.
  bool repeat = numDirections == 2 && names.size() == defaults.size();
  if (!repeat && names.size() != defaults.size() * numDirections)
    return n.fail("expected " + Twine(defaults.size() * numDirections) +
                  " activations, got " + Twine(names.size()));

  // activation_alpha and activation_beta are consumed in order by the
  // functions that take the parameter (as onnxruntime reads them); a
  // function with no value left gets its operator's default.
  SmallVector<float> alphaList =
      n.getFloats("activation_alpha").value_or(SmallVector<float>{});
  SmallVector<float> betaList =
      n.getFloats("activation_beta").value_or(SmallVector<float>{});
  ArrayRef<float> alphaIn = alphaList, betaIn = betaList;
  auto take = [](bool used, ArrayRef<float> &values, float fallback) {
    if (!used)
      return 0.0f;
    if (values.empty())
      return fallback;
    float v = values.front();
    values = values.drop_front();
    return v;
  };
  SmallVector<Attribute> canonical;
  SmallVector<float> alphas, betas;
  for (StringRef name : names) {
    const Activation *act = findActivation(name);
    if (!act)
      return n.fail("unknown activation '" + name + "'");
    canonical.push_back(n.strAttr(act->name));
    alphas.push_back(take(act->hasAlpha, alphaIn, act->alpha));
    betas.push_back(take(act->hasBeta, betaIn, act->beta));
  }
  if (repeat) {
    canonical.append(SmallVector<Attribute>(canonical));
    alphas.append(SmallVector<float>(alphas));
    betas.append(SmallVector<float>(betas));
  }
  attrs.activations = n.b.getArrayAttr(canonical);
  attrs.alphas = n.b.getDenseF32ArrayAttr(alphas);
  attrs.betas = n.b.getDenseF32ArrayAttr(betas);

  if (n.hasAttr("clip"))
    attrs.clip = n.f32Attr(n.getFloat("clip", 0));
  // layout arrived in opset 14; before it, the sequence axis is first.
  int64_t layout = n.opset >= 14 ? n.getInt("layout", 0) : 0;
  if (layout != 0 && layout != 1)
    return n.fail("layout must be 0 or 1, got " + Twine(layout));
  attrs.layout = n.i64Attr(layout);
  return attrs;
}

/// X, W and R, which every recurrent node has.
FailureOr<std::array<Value, 3>> requiredRecurrentInputs(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), w = n.requiredInput(1),
                   r = n.requiredInput(2);
  if (failed(x) || failed(w) || failed(r))
    return failure();
  return std::array<Value, 3>{*x, *w, *r};
}

LogicalResult importRNN(NodeImporter &n) {
  FailureOr<std::array<Value, 3>> xwr = requiredRecurrentInputs(n);
  if (failed(xwr))
    return failure();
  FailureOr<RecurrentAttrs> a = readRecurrentAttrs(n, 1, {"Tanh"});
  if (failed(a))
    return failure();
  auto [x, w, r] = *xwr;
  FailureOr<SmallVector<Value>> results = n.create<RNNOp>(
      x, w, r, n.input(3), n.input(4), n.input(5), a->direction, a->hiddenSize,
      a->activations, a->alphas, a->betas, a->clip, a->layout);
  if (failed(results))
    return failure();
  return n.setOutputs(*results);
}

LogicalResult importGRU(NodeImporter &n) {
  FailureOr<std::array<Value, 3>> xwr = requiredRecurrentInputs(n);
  if (failed(xwr))
    return failure();
  FailureOr<RecurrentAttrs> a = readRecurrentAttrs(n, 3, {"Sigmoid", "Tanh"});
  if (failed(a))
    return failure();
  auto [x, w, r] = *xwr;
  FailureOr<SmallVector<Value>> results = n.create<GRUOp>(
      x, w, r, n.input(3), n.input(4), n.input(5), a->direction, a->hiddenSize,
      a->activations, a->alphas, a->betas, a->clip, a->layout,
      n.boolAttr(n.getInt("linear_before_reset", 0) != 0));
  if (failed(results))
    return failure();
  return n.setOutputs(*results);
}

LogicalResult importLSTM(NodeImporter &n) {
  FailureOr<std::array<Value, 3>> xwr = requiredRecurrentInputs(n);
  if (failed(xwr))
    return failure();
  FailureOr<RecurrentAttrs> a =
      readRecurrentAttrs(n, 4, {"Sigmoid", "Tanh", "Tanh"});
  if (failed(a))
    return failure();
  auto [x, w, r] = *xwr;
  FailureOr<SmallVector<Value>> results = n.create<LSTMOp>(
      x, w, r, n.input(3), n.input(4), n.input(5), n.input(6), n.input(7),
      a->direction, a->hiddenSize, a->activations, a->alphas, a->betas, a->clip,
      a->layout, n.boolAttr(n.getInt("input_forget", 0) != 0));
  if (failed(results))
    return failure();
  return n.setOutputs(*results);
}

LogicalResult importReverseSequence(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), lens = n.requiredInput(1);
  if (failed(x) || failed(lens))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  FailureOr<int64_t> batchAxis =
      n.normalizeAxis(n.getInt("batch_axis", 1), rank);
  FailureOr<int64_t> timeAxis = n.normalizeAxis(n.getInt("time_axis", 0), rank);
  if (failed(batchAxis) || failed(timeAxis))
    return failure();
  FailureOr<Value> y = n.create1<ReverseSequenceOp>(
      *x, *lens, n.i64Attr(*batchAxis), n.i64Attr(*timeAxis));
  return n.setResult(y);
}

} // namespace

void registerRecurrentHandlers(OpRegistry &r) {
  // One handler covers every version: opset 1's output_sequence changes no
  // result, and layout (opset 14) is read only where it exists.
  r.add("RNN", 1, importRNN);
  r.add("GRU", 1, importGRU);
  r.add("LSTM", 1, importLSTM);
  r.add("ReverseSequence", 10, importReverseSequence);
}

} // namespace kiln::onnx_import
