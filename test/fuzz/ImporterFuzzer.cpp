//===- ImporterFuzzer.cpp - libFuzzer target for the ONNX importer --------===//
//
// Feeds arbitrary bytes to kiln::importONNXModelFromBuffer. A bad model must
// come back as an llvm::Error: a crash, abort, hang, leak or sanitizer report
// is a bug. A model that imports is verified and, when it verifies, run
// through kiln-compile's graph pipeline (canonicalize, kiln-fold-batchnorm,
// kiln-infer-shapes, canonicalize, cse; keep it in step with
// tools/kiln-compile).
//
// An imported module that does not verify, a pipeline that fails on a
// verified module, or a tensor type with a negative (not dynamic) dimension
// is a kiln bug too, but not a crash: by default the input
// is only counted (and printed with KILN_FUZZ_VERBOSE=1), so that fuzzing
// goes on. With KILN_FUZZ_STRICT=1 the fuzzer traps on it, so that libFuzzer
// saves the input as a crash.
//
// Build and run: see test/fuzz/CMakeLists.txt.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/ONNXToKiln/ONNXToKiln.h"
#include "kiln/Dialect/Kiln/IR/KilnDialect.h"
#include "kiln/Dialect/Kiln/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace mlir;

namespace {
bool envFlag(const char *name) {
  const char *value = std::getenv(name);
  return value && std::strcmp(value, "1") == 0;
}

/// Reports a bug that is not a crash: traps under KILN_FUZZ_STRICT=1.
void report(const char *what, const std::string &diagnostics) {
  static const bool strict = envFlag("KILN_FUZZ_STRICT");
  static const bool verbose = envFlag("KILN_FUZZ_VERBOSE");
  if (strict || verbose)
    llvm::errs() << "kiln-import-fuzzer: " << what << "\n" << diagnostics;
  if (strict)
    __builtin_trap();
}

/// The verifier takes types as given; a dimension that is negative but not
/// dynamic means some inference computed a bogus extent.
bool hasInvalidShape(ModuleOp module, std::string &diagnostics) {
  bool invalid = false;
  module->walk([&](Operation *op) {
    for (Value result : op->getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType()))
        if (llvm::any_of(type.getShape(), [](int64_t d) {
              return d < 0 && !ShapedType::isDynamic(d);
            })) {
          llvm::raw_string_ostream(diagnostics)
              << op->getName() << " has the result type " << type << "\n";
          invalid = true;
        }
  });
  return invalid;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: nothing (uniqued attributes, resource blobs)
  // carries over from one input to the next.
  DialectRegistry registry;
  kiln::registerImporterDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();

  // Collect diagnostics instead of printing them: the importer turns its own
  // into the llvm::Error; the verifier's and the passes' are kept for the
  // report.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diagnostics.size() < 16384) {
      llvm::raw_string_ostream os(diagnostics);
      os << diag.getLocation() << ": " << diag << "\n";
      for (const Diagnostic &note : diag.getNotes())
        os << "  note: " << note << "\n";
    }
    return success();
  });

  kiln::ImportOptions options;
  auto module = kiln::importONNXModelFromBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      "/nonexistent-kiln-fuzz", context, options);
  if (!module) {
    llvm::consumeError(module.takeError());
    return 0;
  }
  if (!*module) {
    report("the importer succeeded without a module", diagnostics);
    return 0;
  }
  if (failed(verify(**module))) {
    report("the imported module does not verify", diagnostics);
    return 0;
  }
  if (hasInvalidShape(**module, diagnostics)) {
    report("the imported module has a negative dimension", diagnostics);
    return 0;
  }

  PassManager pm(&context);
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createCanonicalizerPass());
  func.addPass(kiln::createKilnFoldBatchNorm());
  func.addPass(kiln::createKilnInferShapes());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
  if (failed(pm.run(**module)))
    report("the graph passes failed on a verified module", diagnostics);
  else if (hasInvalidShape(**module, diagnostics))
    report("the graph passes made a negative dimension", diagnostics);
  return 0;
}
