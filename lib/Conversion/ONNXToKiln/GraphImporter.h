//===- GraphImporter.h - importing an ONNX graph's body ---------*- C++ -*-===//
//
// Private to the importer. A GraphImporter owns the name -> value scope of
// one ONNX graph; a subgraph (a branch of a constant-condition If) gets a
// child scope that sees its parents' names.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_ONNXTOKILN_GRAPHIMPORTER_H
#define KILN_LIB_CONVERSION_ONNXTOKILN_GRAPHIMPORTER_H

#include "NodeImporter.h"

namespace kiln::onnx_import {

/// Model-wide state: where the file is, its opset, the error being built.
struct ModelState {
  mlir::MLIRContext &context;
  std::string path;       ///< as given by the user
  std::string directory;  ///< for external data
  int64_t opset = 0;      ///< default-domain opset
  std::string error;      ///< the first error, fully formatted
  std::string diagnostic; ///< the last MLIR diagnostic (inference errors)
};

/// Element type of an ONNX TensorProto data type, or an error message.
FailureOr<Type> convertElementType(int32_t dataType, mlir::MLIRContext &ctx,
                                   std::string &error);

/// A constant attribute holding `tensor`'s data (raw, typed fields, or an
/// external file under `directory`).
FailureOr<mlir::ElementsAttr> convertTensor(const onnx::TensorProto &tensor,
                                            llvm::StringRef directory,
                                            mlir::MLIRContext &ctx,
                                            std::string &error);

class GraphImporter {
public:
  GraphImporter(ModelState &model, const GraphImporter *parent = nullptr)
      : model(model), parent(parent) {}

  ModelState &model;

  /// The value named `name` in this scope or an enclosing one.
  Value lookup(llvm::StringRef name) const;
  void bind(llvm::StringRef name, Value value) { values[name] = value; }

  /// Imports initializers (as constants) and nodes at the builder's point.
  LogicalResult importBody(const onnx::GraphProto &graph,
                           mlir::OpBuilder &builder);

  /// Records an error for the graph as a whole (not tied to a node).
  LogicalResult fail(const llvm::Twine &message);

private:
  /// Imports the `index`-th node of the graph.
  LogicalResult importNode(const onnx::NodeProto &node, size_t index,
                           mlir::OpBuilder &builder);

  const GraphImporter *parent;
  llvm::StringMap<Value> values;
};

} // namespace kiln::onnx_import

#endif // KILN_LIB_CONVERSION_ONNXTOKILN_GRAPHIMPORTER_H
