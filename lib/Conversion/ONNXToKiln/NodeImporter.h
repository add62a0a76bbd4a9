//===- NodeImporter.h - what an op handler sees of the importer -*- C++ -*-===//
//
// Private to the importer. A handler turns one ONNX node into kiln ops: it
// reads inputs and attributes (with ONNX's defaults) through NodeImporter,
// builds ops with `create`, which checks result-type inference first (a bad
// model is an error, never an abort) and folds constants on the way, and
// binds the node's outputs.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_ONNXTOKILN_NODEIMPORTER_H
#define KILN_LIB_CONVERSION_ONNXTOKILN_NODEIMPORTER_H

#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <optional>
#include <string>

/// Binds `var` to the result of `expr` (a FailureOr) and returns failure
/// from the enclosing handler when it failed.
#define KILN_TRY(var, expr)                                                    \
  auto var = (expr);                                                           \
  if (mlir::failed(var))                                                       \
    return mlir::failure();

namespace kiln::onnx_import {

using mlir::FailureOr;
using mlir::LogicalResult;
using mlir::Type;
using mlir::Value;

class GraphImporter;

/// One ONNX node being imported.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, int64_t opset,
               mlir::OpBuilder &builder, mlir::Location loc)
      : graph(graph), node(node), opset(opset), b(builder), loc(loc) {}

  GraphImporter &graph;
  const onnx::NodeProto &node;
  const int64_t opset;
  mlir::OpBuilder &b;
  const mlir::Location loc;

  //===--- inputs and outputs ---------------------------------------------===//
  int64_t numInputs() const { return node.input_size(); }
  /// The i-th input, or a null Value when absent (omitted or named "").
  Value input(int64_t i) const;
  /// The i-th input, which the op requires; fails with a message if absent.
  FailureOr<Value> requiredInput(int64_t i) const;
  mlir::RankedTensorType inputType(int64_t i) const;
  int64_t numOutputs() const { return node.output_size(); }
  /// True when the i-th output exists and has a name.
  bool hasOutput(int64_t i) const;
  /// Binds output i to `value`.
  void setOutput(int64_t i, Value value);
  /// Binds output 0 to `value` when it was built; passes a failure on.
  LogicalResult setResult(FailureOr<Value> value) {
    if (mlir::failed(value))
      return mlir::failure();
    setOutput(0, *value);
    return mlir::success();
  }
  LogicalResult setOutputs(mlir::ValueRange values);

  //===--- attributes -----------------------------------------------------===//
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t getInt(llvm::StringRef name, int64_t defaultValue) const;
  float getFloat(llvm::StringRef name, float defaultValue) const;
  std::string getString(llvm::StringRef name,
                        llvm::StringRef defaultValue) const;
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>> getFloats(llvm::StringRef name) const;

  //===--- errors ---------------------------------------------------------===//
  /// Fails the node with `message`; the importer adds file, node, op type
  /// and opset.
  LogicalResult fail(const llvm::Twine &message) const;
  LogicalResult unsupported(const llvm::Twine &what) const {
    return fail(what + " is not supported yet");
  }

  //===--- building -------------------------------------------------------===//
  /// Builds `OpTy` from its attribute-typed builder arguments, checking type
  /// inference first, and folds it where its operands are constants.
  /// Returns the op's results.
  template <typename OpTy, typename... Args>
  FailureOr<llvm::SmallVector<Value>> create(Args &&...args) {
    constexpr unsigned numResults = fixedResultCount<OpTy>();
    llvm::SmallVector<Type, 2> placeholders(numResults, b.getNoneType());
    mlir::OperationState state(loc, OpTy::getOperationName());
    OpTy::build(b, state, mlir::TypeRange(placeholders),
                std::forward<Args>(args)...);
    // Inference relies on the attribute constraints of the op definition
    // (a positive group, say), which the verifier checks only later.
    typename OpTy::Adaptor adaptor(
        state.operands, state.attributes.getDictionary(b.getContext()),
        state.getRawProperties(), state.regions);
    if (mlir::failed(adaptor.verify(loc)))
      return failInference();
    llvm::SmallVector<Type, 2> inferred;
    if (mlir::failed(OpTy::inferReturnTypes(
            b.getContext(), loc, state.operands,
            state.attributes.getDictionary(b.getContext()),
            state.getRawProperties(), state.regions, inferred)))
      return failInference();
    state.types.assign(inferred.begin(), inferred.end());
    return finish(state);
  }

  /// `create` for single-result ops.
  template <typename OpTy, typename... Args>
  FailureOr<Value> create1(Args &&...args) {
    FailureOr<llvm::SmallVector<Value>> results =
        create<OpTy>(std::forward<Args>(args)...);
    if (mlir::failed(results))
      return mlir::failure();
    return results->front();
  }

  /// Builds an op whose result types the handler computed.
  template <typename OpTy, typename... Args>
  FailureOr<llvm::SmallVector<Value>> createWithTypes(mlir::TypeRange types,
                                                      Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    OpTy::build(b, state, types, std::forward<Args>(args)...);
    return finish(state);
  }

  //===--- constants and small helpers ------------------------------------===//
  Value constI64(llvm::ArrayRef<int64_t> values);
  Value scalarI64(int64_t value);
  /// A 0-d constant of `elementType` holding `value`.
  Value scalar(Type elementType, double value);
  std::optional<llvm::SmallVector<int64_t>> constInts(Value value) const;
  std::optional<llvm::SmallVector<double>> constFloats(Value value) const;
  /// Normalizes an axis against `rank`, failing the node when out of range.
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) const;
  /// Normalizes, sorts and deduplicates axes.
  FailureOr<llvm::SmallVector<int64_t>>
  normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank) const;

  mlir::IntegerAttr i64Attr(int64_t v) { return b.getI64IntegerAttr(v); }
  mlir::FloatAttr f32Attr(double v) { return b.getF32FloatAttr(v); }
  mlir::BoolAttr boolAttr(bool v) { return b.getBoolAttr(v); }
  mlir::DenseI64ArrayAttr i64ArrayAttr(llvm::ArrayRef<int64_t> v) {
    return b.getDenseI64ArrayAttr(v);
  }
  mlir::StringAttr strAttr(llvm::StringRef v) { return b.getStringAttr(v); }

private:
  /// The number of results of an op with a fixed result count (1 to 4).
  template <typename OpTy> static constexpr unsigned fixedResultCount() {
    using namespace mlir::OpTrait;
    if constexpr (OpTy::template hasTrait<OneResult>())
      return 1;
    else if constexpr (OpTy::template hasTrait<NResults<2>::Impl>())
      return 2;
    else if constexpr (OpTy::template hasTrait<NResults<3>::Impl>())
      return 3;
    else
      return 4;
  }

  FailureOr<llvm::SmallVector<Value>> finish(mlir::OperationState &state);
  LogicalResult failInference() const;
};

/// Imports one node; `NodeImporter::fail` explains a failure.
using OpHandler = std::function<LogicalResult(NodeImporter &)>;

/// Handlers keyed by op type, each valid from an opset version on: the one
/// chosen for a node is the newest whose version is at most the model's.
class OpRegistry {
public:
  void add(llvm::StringRef opType, int64_t sinceVersion, OpHandler handler);
  /// The handler for `opType` at `opset`, or null.
  const OpHandler *lookup(llvm::StringRef opType, int64_t opset) const;
  bool knows(llvm::StringRef opType) const { return handlers.count(opType); }
  /// The registry with every handler kiln has.
  static const OpRegistry &get();

private:
  llvm::StringMap<std::vector<std::pair<int64_t, OpHandler>>> handlers;
};

// Each op family registers its handlers (one file per family).
void registerElementwiseHandlers(OpRegistry &registry);
void registerNNHandlers(OpRegistry &registry);
void registerReductionHandlers(OpRegistry &registry);
void registerTensorHandlers(OpRegistry &registry);
void registerControlFlowHandlers(OpRegistry &registry);
void registerLossHandlers(OpRegistry &registry);
void registerAttentionHandlers(OpRegistry &registry);
void registerRecurrentHandlers(OpRegistry &registry);
void registerSignalHandlers(OpRegistry &registry);
void registerQuantizedHandlers(OpRegistry &registry);
void registerDetectionHandlers(OpRegistry &registry);
void registerRandomHandlers(OpRegistry &registry);
void registerSelectionHandlers(OpRegistry &registry);

} // namespace kiln::onnx_import

#endif // KILN_LIB_CONVERSION_ONNXTOKILN_NODEIMPORTER_H
