//===- kiln-compile.cpp - compile an ONNX model with kiln -----------------===//
//
//   kiln-compile model.onnx --emit=kiln|linalg [-o out.mlir] [--input-shape
//   x=1x3x224x224]
//
// Imports the model, verifies it, runs the graph-level passes and writes
// the kiln dialect, or lowers it further to linalg on tensors. Later stages
// (--emit=llvm|ptx, artifacts) are added by the codegen work; asking for
// them says so.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "kiln/Conversion/ONNXToKiln/ONNXToKiln.h"
#include "kiln/Dialect/Kiln/IR/KilnDialect.h"
#include "kiln/Dialect/Kiln/Transforms/Passes.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("kiln-compile options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o",
                                       cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::opt<std::string>
    emit("emit",
         cl::desc("Stage to stop after: 'kiln' (the graph dialect after graph "
                  "passes), 'linalg' (linalg/tensor/arith/math on tensors) "
                  "or 'onnx-import' (the importer's output as is)"),
         cl::init("kiln"), cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Pin a graph input's shape, NAME=1x3x224x224 or NAME=scalar "
             "(repeatable, once per input)"),
    cl::value_desc("name=dims"), cl::cat(category));
static cl::opt<bool>
    emitBytecode("emit-bytecode",
                 cl::desc("Write MLIR bytecode instead of text"),
                 cl::cat(category));
static cl::opt<bool> printWeights(
    "print-weights",
    cl::desc("Print weight blobs in text output (elided by default)"),
    cl::cat(category));

static cl::opt<bool> verifyDeclaredTypes(
    "verify-declared-types",
    cl::desc("Fail when a graph output's declared type contradicts the "
             "inferred one"),
    cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "kiln-compile") << message << "\n";
  return 1;
}

/// Parses NAME=D0xD1x... into `options`.
static LogicalResult parseInputShape(StringRef spec,
                                     kiln::ImportOptions &options,
                                     std::string &error) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || !spec.contains('=')) {
    error =
        "--input-shape '" + spec.str() + "' must look like NAME=1x3x224x224";
    return failure();
  }
  if (options.inputShapes.count(name.str())) {
    error = "--input-shape names '" + name.str() + "' twice";
    return failure();
  }
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  if (dims != "scalar")
    dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0) {
      error = "--input-shape '" + spec.str() + "': '" + part.str() +
              "' is not a non-negative dimension";
      return failure();
    }
    shape.push_back(d);
  }
  options.inputShapes[name.str()] = shape;
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "kiln: compile an ONNX model\n");

  if (emit != "kiln" && emit != "linalg" && emit != "onnx-import")
    return fail("--emit=" + emit +
                " is not available yet (this build stops at "
                "'kiln', 'linalg' or 'onnx-import')");
  kiln::ImportOptions options;
  options.verifyDeclaredTypes = verifyDeclaredTypes;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (failed(parseInputShape(spec, options, error)))
      return fail(error);
  }

  DialectRegistry registry;
  kiln::registerImporterDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  auto module = kiln::importONNXModel(inputFile, context, options);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  if (failed(verify(**module)))
    return fail(inputFile + ": the imported graph does not verify (a kiln bug; "
                            "please report it with the model)");

  if (emit == "kiln" || emit == "linalg") {
    PassManager pm(&context);
    OpPassManager &func = pm.nest<func::FuncOp>();
    func.addPass(createCanonicalizerPass());
    func.addPass(kiln::createKilnFoldBatchNorm());
    func.addPass(kiln::createKilnInferShapes());
    func.addPass(createCanonicalizerPass());
    func.addPass(createCSEPass());
    if (emit == "linalg") {
      func.addPass(kiln::createKilnConvertToLinalg());
      func.addPass(createCanonicalizerPass());
    }
    if (failed(pm.run(**module)))
      return fail(inputFile + (emit == "linalg" ? ": lowering to linalg failed"
                                                : ": the graph passes failed"));
  }

  std::string error;
  auto output = openOutputFile(outputFile, &error);
  if (!output)
    return fail(error);
  if (emitBytecode) {
    if (failed(writeBytecodeToFile(**module, output->os())))
      return fail("cannot write bytecode to " + outputFile);
  } else {
    OpPrintingFlags flags;
    if (!printWeights)
      flags.elideLargeResourceString(256);
    (*module)->print(output->os(), flags);
  }
  output->keep();
  return 0;
}
