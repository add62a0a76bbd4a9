//===- ONNXToKiln.h - import ONNX models into the kiln dialect --*- C++ -*-===//

#ifndef KILN_CONVERSION_ONNXTOKILN_ONNXTOKILN_H
#define KILN_CONVERSION_ONNXTOKILN_ONNXTOKILN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"
#include <map>
#include <string>
#include <vector>

namespace kiln {

/// What the importer needs besides the model.
struct ImportOptions {
  /// Graph input name -> static shape; pins the input's dynamic dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Fail when a graph output's declared type contradicts kiln's inferred
  /// one (used by the conformance tests to check type inference).
  bool verifyDeclaredTypes = false;
  /// Name of the function the graph becomes.
  std::string functionName = "main";
};

/// Imports the ONNX model at `path` (external data files are read from its
/// folder) into a new module holding one function. Every error names the
/// file and, where one is involved, the node, op type and opset.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(llvm::StringRef path, mlir::MLIRContext &context,
                const ImportOptions &options = {});

/// Imports a model held in memory. `name` prefixes error messages;
/// external data files are looked up in `externalDataDirectory`.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModelFromBuffer(llvm::StringRef bytes, llvm::StringRef name,
                          llvm::StringRef externalDataDirectory,
                          mlir::MLIRContext &context,
                          const ImportOptions &options = {});

/// Registers the dialects the importer produces.
void registerImporterDialects(mlir::DialectRegistry &registry);

} // namespace kiln

#endif // KILN_CONVERSION_ONNXTOKILN_ONNXTOKILN_H
