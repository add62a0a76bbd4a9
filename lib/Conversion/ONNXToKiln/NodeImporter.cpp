//===- NodeImporter.cpp - what an op handler sees of the importer ---------===//

#include "NodeImporter.h"

#include "GraphImporter.h"
#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln::onnx_import {

Value NodeImporter::input(int64_t i) const {
  if (i >= node.input_size() || node.input(i).empty())
    return {};
  return graph.lookup(node.input(i));
}

FailureOr<Value> NodeImporter::requiredInput(int64_t i) const {
  if (Value v = input(i))
    return v;
  return fail("input " + llvm::Twine(i) + " is required");
}

RankedTensorType NodeImporter::inputType(int64_t i) const {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

bool NodeImporter::hasOutput(int64_t i) const {
  return i < node.output_size() && !node.output(i).empty();
}

void NodeImporter::setOutput(int64_t i, Value value) {
  if (hasOutput(i))
    graph.bind(node.output(i), value);
}

LogicalResult NodeImporter::setOutputs(ValueRange values) {
  for (int64_t i = values.size(); i < numOutputs(); ++i)
    if (hasOutput(i))
      return unsupported("output " + llvm::Twine(i) + " ('" + node.output(i) +
                         "')");
  for (auto [i, v] : llvm::enumerate(values))
    setOutput(i, v);
  return success();
}

const onnx::AttributeProto *NodeImporter::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeImporter::getInt(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : defaultValue;
}

float NodeImporter::getFloat(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : defaultValue;
}

std::string NodeImporter::getString(StringRef name,
                                    StringRef defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : defaultValue.str();
}

std::optional<SmallVector<int64_t>>
NodeImporter::getInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>>
NodeImporter::getFloats(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

LogicalResult NodeImporter::fail(const llvm::Twine &message) const {
  if (graph.model.error.empty())
    graph.model.error = message.str();
  return failure();
}

LogicalResult NodeImporter::failInference() const {
  std::string diagnostic = graph.model.diagnostic;
  graph.model.diagnostic.clear();
  return fail(diagnostic.empty() ? "result type inference failed" : diagnostic);
}

FailureOr<SmallVector<Value>> NodeImporter::finish(OperationState &state) {
  Operation *op = b.create(state);
  // Attribute checks (a mode name, say) live in verifiers: a bad model
  // fails here with the verifier's message rather than later as a whole.
  if (failed(verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    return failInference();
  }
  SmallVector<Value> results;
  if (succeeded(b.tryFold(op, results)) && !results.empty()) {
    op->erase();
    return results;
  }
  return SmallVector<Value>(op->getResults());
}

Value NodeImporter::constI64(ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
  return ConstantOp::create(b, loc, DenseIntElementsAttr::get(type, values));
}

Value NodeImporter::scalarI64(int64_t value) {
  auto type = RankedTensorType::get({}, b.getI64Type());
  return ConstantOp::create(b, loc, DenseIntElementsAttr::get(type, {value}));
}

Value NodeImporter::scalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (auto f = dyn_cast<FloatType>(elementType)) {
    APFloat v(value);
    bool lost;
    v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    attr = DenseElementsAttr::get(type, v);
  } else {
    auto i = cast<IntegerType>(elementType);
    // Values beyond int64 saturate (a plain cast would be undefined); the
    // result wraps to the element width.
    int64_t n = std::isnan(value) ? 0
                : value >= 0x1p63 ? std::numeric_limits<int64_t>::max()
                : value < -0x1p63 ? std::numeric_limits<int64_t>::min()
                                  : static_cast<int64_t>(value);
    APInt v(i.getWidth(), n, /*isSigned=*/!i.isUnsigned(),
            /*implicitTrunc=*/true);
    attr = DenseElementsAttr::get(type, v);
  }
  return ConstantOp::create(b, loc, cast<ElementsAttr>(attr));
}

std::optional<SmallVector<int64_t>> NodeImporter::constInts(Value value) const {
  return getConstantInts(value);
}

std::optional<SmallVector<double>>
NodeImporter::constFloats(Value value) const {
  return getConstantFloats(value);
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis,
                                               int64_t rank) const {
  if (axis < -rank || axis >= rank)
    return fail("axis " + llvm::Twine(axis) + " is out of range for rank " +
                llvm::Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
NodeImporter::normalizeAxes(ArrayRef<int64_t> axes, int64_t rank) const {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> n = normalizeAxis(axis, rank);
    if (failed(n))
      return failure();
    result.push_back(*n);
  }
  llvm::sort(result);
  result.erase(llvm::unique(result), result.end());
  return result;
}

void OpRegistry::add(StringRef opType, int64_t sinceVersion,
                     OpHandler handler) {
  auto &list = handlers[opType];
  list.emplace_back(sinceVersion, std::move(handler));
  llvm::sort(list,
             [](const auto &a, const auto &b) { return a.first < b.first; });
}

const OpHandler *OpRegistry::lookup(StringRef opType, int64_t opset) const {
  auto it = handlers.find(opType);
  if (it == handlers.end())
    return nullptr;
  const OpHandler *best = nullptr;
  for (const auto &[since, handler] : it->second)
    if (since <= opset)
      best = &handler;
  return best;
}

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseHandlers(r);
    registerNNHandlers(r);
    registerReductionHandlers(r);
    registerTensorHandlers(r);
    registerControlFlowHandlers(r);
    registerLossHandlers(r);
    registerAttentionHandlers(r);
    registerRecurrentHandlers(r);
    registerSignalHandlers(r);
    registerQuantizedHandlers(r);
    registerDetectionHandlers(r);
    registerRandomHandlers(r);
    registerSelectionHandlers(r);
    return r;
  }();
  return registry;
}

} // namespace kiln::onnx_import
