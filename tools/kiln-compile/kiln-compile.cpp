//===- kiln-compile.cpp - compile an ONNX model with kiln -----------------===//
//
//   kiln-compile model.onnx -o model.kiln [--target=cpu|cuda[:sm_XY]]
//                [--report] [--input-shape x=1x3x224x224]
//   kiln-compile model.onnx --emit=kiln|linalg|kernels|llvm|ptx [-o out]
//
// Imports the model, verifies it, runs the graph-level passes and generates
// code for the CPU (lib/Target/CPU) or NVIDIA GPUs (lib/Target/CUDA) into a
// .kiln artifact that libkiln_runtime runs. --emit stops after a stage and
// prints it.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/ONNXToKiln/ONNXToKiln.h"
#include "kiln/Dialect/Kiln/IR/KilnDialect.h"
#include "kiln/Dialect/Kiln/Transforms/Passes.h"
#include "kiln/Target/CPU/CPUCompiler.h"
#include "kiln/Target/CUDA/CUDACompiler.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
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
static cl::opt<std::string> emit(
    "emit",
    cl::desc("What to write: 'artifact' (a .kiln file; the default when -o "
             "ends in .kiln), 'kiln' (the graph dialect after graph passes; "
             "the default otherwise), 'onnx-import' (the importer's output "
             "as is), 'linalg' (linalg on tensors after fusion), 'kernels' "
             "(bufferized kernels with the memory plan; for cuda, mapped onto "
             "threads), 'llvm' (optimized LLVM IR; cpu), 'ptx' (the PTX of "
             "all kernels as one module; cuda)"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string>
    target("target",
           cl::desc("Code generation target: 'cpu' (the host) or "
                    "'cuda[:CHIP]' (NVIDIA GPUs; CHIP is sm_80, sm_86, sm_89, "
                    "sm_90 or sm_90a; 'cuda' alone means sm_90)"),
           cl::init("cpu"), cl::cat(category));
static cl::opt<bool> cpuVectorize(
    "cpu-vectorize",
    cl::desc("CPU: register tiles, vector code and packed weights (default "
             "on; off gives plain loops over weights in their ONNX layout, "
             "e.g. for a reference that shares its constants with a cuda "
             "artifact)"),
    cl::init(true), cl::cat(category));
static cl::opt<int64_t> cudaOutputsPerThread(
    "cuda-outputs-per-thread",
    cl::desc("cuda, experimental: outputs of a reduction (matrix product, "
             "convolution) each thread computes, 1 to 16 (default 1)"),
    cl::init(1), cl::cat(category));
static cl::opt<bool> cudaKernelGroups(
    "cuda-kernel-groups",
    cl::desc("cuda: run each matrix product, convolution or reduction in one "
             "kernel with its initial value (zero, bias) and its elementwise "
             "consumer (activation, residual add), the result kept in "
             "registers in between (default on; =false for one kernel per "
             "op)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> cudaBlockReductions(
    "cuda-block-reductions",
    cl::desc("cuda, experimental: a reduction with few outputs and long rows "
             "(layer norm statistics, a sum to a scalar) gives each output a "
             "block of up to 256 threads that combine its elements in shared "
             "memory (default off)"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> cudaTileContractions(
    "cuda-tile-contractions",
    cl::desc("cuda, experimental: compute matrix products and convolutions "
             "in 64x64 (or smaller) output tiles per block, staged through "
             "shared memory with 16-byte vector loads (default off)"),
    cl::init(false), cl::cat(category));
static cl::opt<int64_t> cudaMaxRegisterTile(
    "cuda-max-register-tile",
    cl::desc("cuda, experimental, with --cuda-tile-contractions: the "
             "largest side of a thread's register tile, 2, 4 (default) or 8 "
             "(up to 128x128 outputs a block where a product fills the GPU "
             "with them)"),
    cl::init(4), cl::cat(category));
static cl::opt<bool> cudaHostEmulation(
    "cuda-host-emulation",
    cl::desc("cuda, for testing without a GPU: write an artifact that runs "
             "the CUDA kernels on the host CPU (kiln-run --device=cpu), "
             "their threads and barriers emulated; slow"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string>
    ptxasPath("ptxas",
              cl::desc("cuda: the ptxas that assembles the cubin (default: "
                       "$KILN_PTXAS, PATH, /usr/local/cuda/bin; 'none': "
                       "PTX only, compiled by the driver at load)"),
              cl::value_desc("path"), cl::init(""), cl::cat(category));
static cl::opt<bool>
    report("report",
           cl::desc("Print the arena size and the kernels of the artifact"),
           cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix, cl::cat(category));
static cl::opt<uint64_t> externalWeights(
    "external-weights",
    cl::desc("Store constants of at least this many bytes in a parameter "
             "file next to the artifact (ARTIFACT.params); 0 keeps them all "
             "inside"),
    cl::value_desc("bytes"), cl::init(0), cl::cat(category));
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

  if (emit.empty())
    emit = StringRef(outputFile).ends_with(".kiln") ? "artifact" : "kiln";
  std::string chip;
  if (target != "cpu") {
    auto [name, requested] = StringRef(target).split(':');
    if (name != "cuda")
      return fail("--target=" + target +
                  " is not a target; use cpu, cuda or cuda:CHIP");
    chip = requested.empty() ? kiln::cuda::kDefaultChip : requested.str();
    if (!kiln::cuda::isSupportedChip(chip))
      return fail("--target=" + target + ": unsupported chip; use " +
                  kiln::cuda::listSupportedChips());
  }
  bool cuda = !chip.empty();
  static const llvm::StringMap<std::optional<kiln::cpu::CompileStage>> stages =
      {{"onnx-import", std::nullopt},
       {"kiln", std::nullopt},
       {"linalg", kiln::cpu::CompileStage::Linalg},
       {"kernels", kiln::cpu::CompileStage::Kernels},
       {"llvm", kiln::cpu::CompileStage::LLVMIR},
       {"ptx", kiln::cpu::CompileStage::Artifact},
       {"artifact", kiln::cpu::CompileStage::Artifact}};
  auto stage = stages.find(emit);
  if (stage == stages.end())
    return fail("--emit=" + emit +
                " is not a stage; use artifact, onnx-import, kiln, linalg, "
                "kernels, llvm (cpu) or ptx (cuda)");
  if (cuda && emit == "llvm")
    return fail("--emit=llvm is for --target=cpu; for cuda use --emit=ptx");
  if (!cuda && emit == "ptx")
    return fail("--emit=ptx needs --target=cuda[:CHIP]");
  if (cudaHostEmulation && (!cuda || emit == "ptx"))
    return fail("--cuda-host-emulation makes a cuda artifact run on the host: "
                "it needs --target=cuda[:CHIP] and no --emit=ptx");
  if (emit == "artifact" && outputFile == "-")
    return fail("an artifact is binary: name its file with -o model.kiln");
  kiln::ImportOptions options;
  options.verifyDeclaredTypes = verifyDeclaredTypes;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (failed(parseInputShape(spec, options, error)))
      return fail(error);
  }

  DialectRegistry registry;
  kiln::registerImporterDialects(registry);
  kiln::cpu::registerCPUCompilerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  auto module = kiln::importONNXModel(inputFile, context, options);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  if (failed(verify(**module)))
    return fail(inputFile + ": the imported graph does not verify (a kiln bug; "
                            "please report it with the model)");

  if (emit != "onnx-import") {
    PassManager pm(&context);
    OpPassManager &func = pm.nest<func::FuncOp>();
    func.addPass(createCanonicalizerPass());
    func.addPass(kiln::createKilnFoldBatchNorm());
    func.addPass(kiln::createKilnInferShapes());
    func.addPass(createCanonicalizerPass());
    func.addPass(createCSEPass());
    if (failed(pm.run(**module)))
      return fail(inputFile + ": the graph passes failed");
  }

  kiln::artifact::ArtifactDesc artifact;
  std::string compiledText; // LLVM IR or PTX
  std::string parameterFile =
      externalWeights > 0
          ? llvm::sys::path::filename(outputFile).str() + ".params"
          : "";
  if (stage->second && cuda) {
    static const llvm::StringMap<kiln::cuda::CUDAStage> cudaStages = {
        {"linalg", kiln::cuda::CUDAStage::Linalg},
        {"kernels", kiln::cuda::CUDAStage::Kernels},
        {"ptx", kiln::cuda::CUDAStage::PTX},
        {"artifact", kiln::cuda::CUDAStage::Artifact}};
    kiln::cuda::CUDACompileOptions options;
    options.stage = cudaStages.lookup(emit);
    options.chip = chip;
    options.optLevel = optLevel;
    options.externalWeightThreshold = externalWeights;
    options.parameterFile = parameterFile;
    options.ptxasPath = ptxasPath;
    options.outputsPerThread = cudaOutputsPerThread;
    options.tileContractions = cudaTileContractions;
    options.groupKernels = cudaKernelGroups;
    options.blockReductions = cudaBlockReductions;
    options.maxRegisterTile = cudaMaxRegisterTile;
    options.hostEmulation = cudaHostEmulation;
    kiln::cuda::CUDACompileResult compiled;
    if (llvm::Error e = kiln::cuda::compileForCUDA(**module, options, compiled))
      return fail(inputFile + ": " + llvm::toString(std::move(e)));
    if (!compiled.warning.empty())
      llvm::WithColor::warning(llvm::errs(), "kiln-compile")
          << compiled.warning << "\n";
    if (report)
      llvm::outs() << compiled.report;
    artifact = std::move(compiled.artifact);
    compiledText = std::move(compiled.ptx);
  } else if (stage->second) {
    kiln::cpu::CPUCompileOptions options;
    options.stage = *stage->second;
    options.optLevel = optLevel;
    options.vectorize = cpuVectorize;
    options.externalWeightThreshold = externalWeights;
    options.parameterFile = parameterFile;
    kiln::cpu::CPUCompileResult compiled;
    if (llvm::Error e = kiln::cpu::compileForCPU(**module, options, compiled))
      return fail(inputFile + ": " + llvm::toString(std::move(e)));
    if (report)
      llvm::outs() << compiled.report;
    artifact = std::move(compiled.artifact);
    compiledText = std::move(compiled.llvmIR);
  }
  if (emit == "artifact") {
    std::string error;
    if (!kiln::artifact::writeArtifactFile(artifact, outputFile, error))
      return fail(outputFile + ": " + error);
    return 0;
  }

  std::string error;
  auto output = openOutputFile(outputFile, &error);
  if (!output)
    return fail(error);
  if (emit == "llvm" || emit == "ptx") {
    output->os() << compiledText;
  } else if (emitBytecode) {
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
