//===- CUDACompiler.cpp - kiln's CUDA code generator ----------------------===//

#include "kiln/Target/CUDA/CUDACompiler.h"

#include "BlockReduction.h"
#include "ContractionTiling.h"
#include "GroupLoopFusion.h"
#include "HostEmulation.h"
#include "KernelProgram.h"
#include "NativeCode.h"
#include "Ptxas.h"
#include "ThreadMapping.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::cuda;

bool kiln::cuda::isSupportedChip(llvm::StringRef chip) {
  return llvm::is_contained(kSupportedChips, chip);
}

std::string kiln::cuda::listSupportedChips() {
  std::string text;
  size_t n = std::size(kSupportedChips);
  for (size_t i = 0; i < n; ++i)
    text += std::string(i == 0       ? ""
                        : i + 1 == n ? " or "
                                     : ", ") +
            kSupportedChips[i];
  return text;
}

/// The kernels as gpu.funcs in one gpu.module, their launch shapes in
/// `program` and `shapes` (by kernel).
static llvm::Error mapKernels(ModuleOp module, cpu::CPUProgram &program,
                              const CUDACompileOptions &options,
                              std::vector<LaunchShape> &shapes) {
  MLIRContext *ctx = module.getContext();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(ctx));
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(), "kiln_kernels");
  llvm::StringMap<unsigned> kernelIndex;
  for (auto [i, kernel] : llvm::enumerate(program.kernels))
    kernelIndex[kernel.symbol] = i;
  shapes.assign(program.kernels.size(), LaunchShape());
  if (program.shapeKernel)
    kernelIndex[program.shapeKernel->symbol] = shapes.size();
  // Records the launch of kernel function `fn`, now a gpu.func.
  auto mapped = [&](func::FuncOp fn, const LaunchShape &shape) {
    unsigned i = kernelIndex.lookup(fn.getName());
    // The shape kernel writes the computed sizes on one thread.
    bool isShapeKernel = i == shapes.size();
    cpu::ProgramKernel &kernel =
        isShapeKernel ? *program.shapeKernel : program.kernels[i];
    for (int d = 0; d < 3; ++d)
      kernel.grid[d] = cpu::SymbolicSize::constant(shape.grid[d]);
    if (!isShapeKernel)
      shapes[i] = shape;
    fn.erase();
  };
  for (func::FuncOp fn :
       llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
    if (!kernelIndex.contains(fn.getName()))
      return llvm::createStringError(
          "function " + fn.getName() +
          " is not a kernel of the plan (a kiln bug)");
    std::optional<LaunchShape> shape;
    if (options.tileContractions)
      shape =
          tileContractionInSharedMemory(fn, gpuModule, options.maxRegisterTile);
    if (!shape && options.blockReductions)
      shape = reduceAcrossBlocks(fn, gpuModule);
    if (shape)
      mapped(fn, *shape);
  }

  if (failed(lowerKernelsToParallelLoops(module)))
    return llvm::createStringError(
        "lowering the kernels to loops failed (see the errors "
        "above)");
  for (func::FuncOp fn :
       llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
    if (failed(fuseGroupLoops(fn)))
      return llvm::createStringError("fusing kernel group " + fn.getName() +
                                     " failed (see the errors above)");
    FailureOr<LaunchShape> shape =
        mapKernelToThreads(fn, gpuModule, options.outputsPerThread);
    if (failed(shape))
      return llvm::createStringError(
          "mapping kernel " + fn.getName() +
          " onto GPU threads failed (see the errors above)");
    mapped(fn, *shape);
  }
  return llvm::Error::success();
}

/// The gpu.module's lowering to the LLVM and NVVM dialects, shared by the
/// PTX and the host emulation.
static constexpr llvm::StringLiteral kLowerToNVVM =
    "gpu.module(expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "convert-gpu-to-nvvm,canonicalize,cse,reconcile-unrealized-casts)";

/// The PTX of the gpu.module, through NVVM and LLVM NVPTX, with math
/// functions from the libdevice of `toolkit` (when there is one).
static llvm::Expected<std::string>
emitPTX(ModuleOp module, const CUDACompileOptions &options,
        const std::optional<std::string> &toolkit) {
  std::string pipeline =
      kLowerToNVVM.str() + ",nvvm-attach-target{chip=" + options.chip +
      " features=+ptx80 O=" + std::to_string(options.optLevel) +
      "},gpu-module-to-binary{format=isa" +
      (toolkit ? " toolkit=" + *toolkit : "") + "}";
  if (llvm::Error e = cpu::runPipeline(
          module, "lowering the kernels to PTX",
          [&](PassManager &pm) { return cpu::addPipeline(pm, pipeline); }))
    return std::move(e);
  std::string ptx;
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects())
      if (auto o = dyn_cast<gpu::ObjectAttr>(object))
        ptx += o.getObject().getValue().str();
  });
  if (ptx.empty())
    return llvm::createStringError(
        "the NVPTX backend produced no PTX (a kiln bug)");
  if (!toolkit && StringRef(ptx).contains(".extern .func"))
    return llvm::createStringError(
        "the kernels call math functions from CUDA's libdevice, "
        "which was not found: install the CUDA toolkit or set "
        "CUDA_HOME to it");
  return ptx;
}

static std::string makeReport(const cpu::CPUProgram &program,
                              const std::vector<LaunchShape> &shapes,
                              const llvm::StringMap<KernelResources> *resources,
                              const std::string &chip) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "target: cuda:" << chip << "\n" << cpu::describePlan(program);
  os << "kernels: " << program.kernels.size() << "\n";
  for (auto [kernel, shape] : llvm::zip(program.kernels, shapes)) {
    os << "  " << kernel.symbol << "  grid [" << shape.grid[0] << ", "
       << shape.grid[1] << ", " << shape.grid[2] << "]  block ["
       << shape.block[0] << ", " << shape.block[1] << ", " << shape.block[2]
       << "]";
    if (shape.singleThread)
      os << " (one thread)";
    if (shape.outputsPerThread > 1)
      os << " (" << shape.outputsPerThread << " outputs a thread)";
    if (shape.reductionThreads)
      os << " (one output a block)";
    if (shape.sharedTile[0])
      os << " (shared-memory tile " << shape.sharedTile[0] << "x"
         << shape.sharedTile[1] << "x" << shape.sharedTile[2] << ")";
    if (resources) {
      auto it = resources->find(kernel.symbol);
      if (it != resources->end())
        os << "  registers " << it->second.registers << "  spills "
           << it->second.spillStores << "/" << it->second.spillLoads
           << " B  stack " << it->second.stackFrame << " B  smem "
           << it->second.sharedBytes << " B";
    }
    os << "  " << kernel.description << "\n";
  }
  return text;
}

/// The artifact of the host emulation (HostEmulation.h): a CPU artifact
/// whose kernels each launch their whole grid from one workgroup.
static llvm::Error emulateOnHost(ModuleOp module, cpu::CPUProgram &program,
                                 const std::vector<LaunchShape> &shapes,
                                 const CUDACompileOptions &options,
                                 const cpu::CPUCompileOptions &common,
                                 CUDACompileResult &result) {
  if (llvm::Error e = cpu::runPipeline(
          module, "lowering the kernels to NVVM",
          [](PassManager &pm) { return cpu::addPipeline(pm, kLowerToNVVM); }))
    return e;
  llvm::StringMap<EmulatedLaunch> launches;
  for (auto [kernel, shape] : llvm::zip(program.kernels, shapes))
    launches[kernel.symbol] = {shape.grid[0], shape.block[0]};
  if (program.shapeKernel)
    launches[program.shapeKernel->symbol] = {1, 1};
  auto code = emitHostEmulation(module, launches, options.optLevel);
  if (!code)
    return code.takeError();
  result.report = makeReport(program, shapes, nullptr, options.chip);
  for (cpu::ProgramKernel &kernel : program.kernels)
    kernel.grid = {cpu::SymbolicSize::constant(1),
                   cpu::SymbolicSize::constant(1),
                   cpu::SymbolicSize::constant(1)};
  result.artifact = cpu::toArtifact(program, common);
  result.artifact.producer =
      "kiln-compile (cuda:" + options.chip + ", emulated on the host)";
  result.artifact.codeObject = std::move(*code);
  result.artifact.codeTriple = cpu::getHostTarget().triple;
  return llvm::Error::success();
}

llvm::Error kiln::cuda::compileForCUDA(ModuleOp module,
                                       const CUDACompileOptions &options,
                                       CUDACompileResult &result) {
  if (!isSupportedChip(options.chip))
    return llvm::createStringError("chip '" + options.chip +
                                   "' is not supported; use " +
                                   listSupportedChips());
  cpu::CPUCompileOptions common;
  common.stage = options.stage == CUDAStage::Linalg
                     ? cpu::CompileStage::Linalg
                     : cpu::CompileStage::Artifact;
  common.vectorize = false;
  common.externalWeightThreshold = options.externalWeightThreshold;
  common.parameterFile = options.parameterFile;
  common.groupKernels = options.groupKernels;
  cpu::CPUProgram program;
  if (llvm::Error e = cpu::formKernelProgram(module, common,
                                             cpu::KernelStyle::GPU, program))
    return e;
  if (options.stage == CUDAStage::Linalg)
    return llvm::Error::success();
  std::vector<LaunchShape> shapes;
  if (!llvm::is_contained({2, 4, 8}, options.maxRegisterTile))
    return llvm::createStringError(
        "the largest register tile side must be 2, 4 or 8, not " +
        llvm::Twine(options.maxRegisterTile));
  if (options.outputsPerThread < 1 || options.outputsPerThread > 16)
    return llvm::createStringError(
        "outputs per thread must be from 1 to 16, not " +
        llvm::Twine(options.outputsPerThread));
  if (llvm::Error e = mapKernels(module, program, options, shapes))
    return e;
  if (options.stage == CUDAStage::Kernels) {
    result.report = makeReport(program, shapes, nullptr, options.chip);
    return llvm::Error::success();
  }
  if (options.hostEmulation)
    return emulateOnHost(module, program, shapes, options, common, result);

  llvm::Expected<std::optional<std::string>> ptxas =
      findPtxas(options.ptxasPath);
  if (!ptxas)
    return ptxas.takeError();
  llvm::Expected<std::string> ptx =
      emitPTX(module, options, findLibdeviceToolkit(ptxas->value_or("")));
  if (!ptx)
    return ptx.takeError();
  result.ptx = std::move(*ptx);

  std::optional<AssembledPTX> assembled;
  if (*ptxas) {
    llvm::Expected<AssembledPTX> a =
        assemblePTX(**ptxas, result.ptx, options.chip, options.optLevel);
    if (!a)
      return a.takeError();
    assembled = std::move(*a);
  } else if (options.ptxasPath != "none") {
    result.warning = "ptxas not found (set KILN_PTXAS or put the CUDA "
                     "toolkit's bin on PATH): the artifact carries PTX only, "
                     "which the driver compiles when the model is loaded";
  }
  result.report =
      makeReport(program, shapes, assembled ? &assembled->resources : nullptr,
                 options.chip);
  if (options.stage == CUDAStage::PTX)
    return llvm::Error::success();

  result.artifact = cpu::toArtifact(program, common);
  result.artifact.producer = "kiln-compile (cuda:" + options.chip + ")";
  for (auto [desc, shape] : llvm::zip(result.artifact.kernels, shapes))
    desc.block = shape.block;
  // The shape kernel keeps the default launch: one block of one thread.
  result.artifact.codeFormat = artifact::ArtifactDesc::CodeFormat::Cuda;
  result.artifact.codeTriple = "nvptx64-nvidia-cuda";
  result.artifact.codeChip = options.chip;
  result.artifact.codePtx.assign(result.ptx.begin(), result.ptx.end());
  if (assembled)
    result.artifact.codeObject = std::move(assembled->cubin);
  return llvm::Error::success();
}
