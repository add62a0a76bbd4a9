//===- CPUCompiler.cpp - kiln's CPU code generator ------------------------===//

#include "kiln/Target/CPU/CPUCompiler.h"

#include "ColumnPhaseConvolution.h"
#include "ConvolutionPadding.h"
#include "DataDependentSizes.h"
#include "FlatConvolution.h"
#include "Fusion.h"
#include "KernelFormation.h"
#include "KernelGroups.h"
#include "KernelProgram.h"
#include "LayoutFolding.h"
#include "MemoryPlanner.h"
#include "NativeCode.h"
#include "PadLowering.h"
#include "Parallelization.h"
#include "PointwiseConvolution.h"
#include "SizeAnalysis.h"
#include "StridedConvolution.h"
#include "SubByteStorage.h"
#include "Vectorization.h"
#include "WeightPacking.h"

#include "kiln-runtime/cuda_kernel_abi.h"
#include "kiln-runtime/kernel_abi.h"
#include "kiln/Conversion/KilnToLinalg/KilnToLinalg.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

using namespace mlir;
using namespace kiln;
using namespace kiln::cpu;

void kiln::cpu::registerCPUCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
}

llvm::Error kiln::cpu::addPipeline(OpPassManager &pm, StringRef pipeline) {
  static std::once_flag registered;
  std::call_once(registered, [] { registerAllPasses(); });
  std::string message;
  llvm::raw_string_ostream os(message);
  if (failed(parsePassPipeline(pipeline, pm, os)))
    return llvm::createStringError("internal pipeline '" + pipeline +
                                   "': " + message);
  return llvm::Error::success();
}

llvm::Error
kiln::cpu::runPipeline(ModuleOp module, StringRef what,
                       llvm::function_ref<llvm::Error(PassManager &)> build) {
  PassManager pm(module.getContext());
  if (llvm::Error e = build(pm))
    return e;
  if (failed(pm.run(module)))
    return llvm::createStringError(what + " failed (see the errors above)");
  return llvm::Error::success();
}

/// Inputs from the main function's arguments: dynamic dimensions become
/// symbols named by their ONNX dim_param, or INPUT_dimK without one.
static llvm::Error recordInputs(func::FuncOp main, CPUProgram &program) {
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(main.getArgument(i).getType());
    auto nameAttr = main.getArgAttrOfType<StringAttr>(i, "kiln.name");
    std::string name = nameAttr ? nameAttr.str() : "input" + std::to_string(i);
    if (!type || getDType(type.getElementType()) == KILN_DTYPE_INVALID)
      return llvm::createStringError("input '" + name +
                                     "' has a type the CPU target does "
                                     "not support");
    auto dimParams = main.getArgAttrOfType<ArrayAttr>(i, "kiln.dim_params");
    ProgramTensor tensor{name, getDType(type.getElementType()), {}};
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        tensor.dims.push_back(SymbolicSize::constant(type.getDimSize(d)));
        continue;
      }
      std::string symbol;
      if (dimParams && d < static_cast<int64_t>(dimParams.size()))
        if (auto s = dyn_cast<StringAttr>(dimParams[d]))
          symbol = s.str();
      if (symbol.empty())
        symbol = name + "_dim" + std::to_string(d);
      tensor.dims.push_back(
          SymbolicSize::symbol(program.getOrAddSymbol(symbol)));
    }
    program.inputs.push_back(std::move(tensor));
  }
  return llvm::Error::success();
}

/// Outputs from the returned tensors, their dynamic dimensions expressed
/// over the inputs' symbols.
static llvm::Error recordOutputs(func::FuncOp main, CPUProgram &program) {
  SizeAnalysis sizes(
      [&](BlockArgument arg, unsigned dim) -> std::optional<SymbolicSize> {
        if (arg.getOwner()->getParentOp() != main.getOperation() ||
            arg.getArgNumber() >= program.inputs.size())
          return std::nullopt;
        return program.inputs[arg.getArgNumber()].dims[dim];
      });
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    auto nameAttr = main.getResultAttrOfType<StringAttr>(i, "kiln.name");
    std::string name = nameAttr ? nameAttr.str() : "output" + std::to_string(i);
    if (!type || getDType(type.getElementType()) == KILN_DTYPE_INVALID)
      return llvm::createStringError(
          "output '" + name + "' has a type the CPU target does not support");
    ProgramTensor tensor{name, getDType(type.getElementType()), {}};
    for (int64_t d = 0; d < type.getRank(); ++d) {
      std::optional<SymbolicSize> size = sizes.dimOf(value, d);
      if (!size)
        return llvm::createStringError(
            "dimension " + std::to_string(d) + " of output '" + name +
            "' depends on data or cannot be expressed over the "
            "symbolic input dimensions; pin the input shapes "
            "with --input-shape");
      tensor.dims.push_back(*size);
    }
    program.outputs.push_back(std::move(tensor));
  }
  return llvm::Error::success();
}

/// Rewrites ops that are a composition of others (linalg.softmax) into
/// those others, which the loop lowering understands.
static void decomposeAggregatedOps(ModuleOp module) {
  SmallVector<linalg::AggregatedOpInterface> ops;
  module.walk([&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
  IRRewriter rewriter(module.getContext());
  for (linalg::AggregatedOpInterface op : ops) {
    rewriter.setInsertionPoint(op);
    FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
    if (succeeded(results))
      rewriter.replaceOp(op, *results);
  }
}

/// A result that is a buffer, or a reshape of one, can reach its
/// out-parameter through a copy (when bufferization saw the reshape).
/// Where the copy is the out-parameter's only use, the buffer becomes the
/// out-parameter itself (or its inverse reshape) and the copy goes.
static void writeReshapedResultsInPlace(func::FuncOp main) {
  SmallVector<memref::CopyOp> copies;
  for (auto copy : main.getBody().front().getOps<memref::CopyOp>())
    copies.push_back(copy);
  IRRewriter rewriter(main.getContext());
  for (memref::CopyOp copy : copies) {
    auto out = dyn_cast<BlockArgument>(copy.getTarget());
    if (!out || !out.hasOneUse() ||
        !cast<MemRefType>(out.getType()).getLayout().isIdentity())
      continue;
    if (auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
        alloc && alloc.getType() == out.getType()) {
      rewriter.eraseOp(copy);
      rewriter.replaceOp(alloc, out);
      continue;
    }
    auto collapse = copy.getSource().getDefiningOp<memref::CollapseShapeOp>();
    auto alloc = collapse ? collapse.getSrc().getDefiningOp<memref::AllocOp>()
                          : memref::AllocOp();
    if (!alloc || !alloc.getType().getLayout().isIdentity())
      continue;
    rewriter.setInsertionPoint(alloc);
    SmallVector<OpFoldResult> sizes;
    unsigned dynamic = 0;
    for (int64_t size : alloc.getType().getShape())
      sizes.push_back(ShapedType::isDynamic(size)
                          ? OpFoldResult(alloc.getDynamicSizes()[dynamic++])
                          : OpFoldResult(rewriter.getIndexAttr(size)));
    Value view = memref::ExpandShapeOp::create(
        rewriter, alloc.getLoc(), alloc.getType(), out,
        collapse.getReassociationIndices(), sizes);
    rewriter.eraseOp(copy);
    rewriter.replaceOp(alloc, view);
  }
}

/// Copies of at least this many bytes left at the top level by
/// bufferization are split into workgroups.
constexpr int64_t kMinDistributedCopyBytes = 64 * 1024;

/// Splits each large static top-level copy of `main` into up to 16
/// workgroups along its first dimension longer than 1 (pieces of a size
/// that divides it): a kernel of its own would otherwise run on one thread.
static void distributeCopies(func::FuncOp main) {
  SmallVector<memref::CopyOp> copies;
  for (Operation &op : main.getBody().front())
    if (auto copy = dyn_cast<memref::CopyOp>(op))
      copies.push_back(copy);
  IRRewriter b(main.getContext());
  for (memref::CopyOp copy : copies) {
    auto type = cast<MemRefType>(copy.getSource().getType());
    if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat() ||
        type.getElementType().getIntOrFloatBitWidth() % 8 != 0 ||
        type.getNumElements() * type.getElementTypeBitWidth() / 8 <
            kMinDistributedCopyBytes)
      continue;
    ArrayRef<int64_t> shape = type.getShape();
    auto dim = llvm::find_if(shape, [](int64_t s) { return s > 1; });
    if (dim == shape.end())
      continue;
    int64_t d = dim - shape.begin(), size = *dim;
    int64_t chunk = llvm::divideCeil(size, 16);
    while (size % chunk != 0)
      ++chunk;
    Location loc = copy.getLoc();
    b.setInsertionPoint(copy);
    scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(size / chunk)},
        ValueRange{}, std::nullopt,
        [&](OpBuilder &nb, Location l, ValueRange ivs) {
          Value offset = arith::MulIOp::create(
              nb, l, ivs[0], arith::ConstantIndexOp::create(nb, l, chunk));
          SmallVector<OpFoldResult> offsets(shape.size(), nb.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes,
              strides(shape.size(), nb.getIndexAttr(1));
          for (int64_t extent : shape)
            sizes.push_back(nb.getIndexAttr(extent));
          offsets[d] = offset;
          sizes[d] = nb.getIndexAttr(chunk);
          Value from = memref::SubViewOp::create(nb, l, copy.getSource(),
                                                 offsets, sizes, strides);
          Value to = memref::SubViewOp::create(nb, l, copy.getTarget(), offsets,
                                               sizes, strides);
          memref::CopyOp::create(nb, l, from, to);
        });
    b.eraseOp(copy);
  }
}

/// Whether `type` has a static shape and unit stride along its last
/// dimension.
static bool hasContiguousRows(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.hasStaticShape() && type.getRank() > 0 &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// A copy between views with contiguous rows of up to this many elements
/// moves each row as one vector; the rest lower to scalar loops.
constexpr int64_t kMaxVectorRow = 64;

/// `copy` as loops over its rows, each moved as one vector. False (and
/// nothing changed) when the rows are not short and contiguous.
static bool copyRowsAsVectors(RewriterBase &rewriter, memref::CopyOp copy) {
  auto source = cast<MemRefType>(copy.getSource().getType());
  auto target = cast<MemRefType>(copy.getTarget().getType());
  if (!hasContiguousRows(source) || !hasContiguousRows(target) ||
      !source.getElementType().isIntOrFloat() ||
      // Vectors of sub-byte elements (i1) are bit-packed; memory is not.
      source.getElementType().getIntOrFloatBitWidth() % 8 != 0 ||
      source.getShape().back() > kMaxVectorRow)
    return false;
  Location loc = copy.getLoc();
  rewriter.setInsertionPoint(copy);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t size : source.getShape().drop_back()) {
    lbs.push_back(zero);
    ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, size));
    steps.push_back(one);
  }
  auto row =
      VectorType::get({source.getShape().back()}, source.getElementType());
  bool inBounds[] = {true};
  scf::buildLoopNest(rewriter, loc, lbs, ubs, steps,
                     [&](OpBuilder &b, Location l, ValueRange ivs) {
                       SmallVector<Value> indices(ivs);
                       indices.push_back(zero);
                       Value value = vector::TransferReadOp::create(
                           b, l, row, copy.getSource(), indices, std::nullopt,
                           ArrayRef<bool>(inBounds));
                       vector::TransferWriteOp::create(
                           b, l, value, copy.getTarget(), indices,
                           ArrayRef<bool>(inBounds));
                     });
  rewriter.eraseOp(copy);
  return true;
}

/// memref.copy between strided views lowers to a call into a support
/// library that artifacts do not carry: short contiguous rows become vector
/// moves (bufferization leaves a copy where a vectorized tile only moved
/// data), anything else a linalg copy, which lowers to loops.
static void replaceMemrefCopies(ModuleOp module, bool vectorRows) {
  SmallVector<memref::CopyOp> copies;
  module.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
  IRRewriter rewriter(module.getContext());
  for (memref::CopyOp copy : copies) {
    if (vectorRows && copyRowsAsVectors(rewriter, copy))
      continue;
    rewriter.setInsertionPoint(copy);
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
  }
}

static std::string formatSize(const SymbolicSize &size,
                              const std::vector<std::string> &symbols) {
  std::string text;
  llvm::raw_string_ostream os(text);
  bool first = true;
  for (const auto &[monomial, coeff] : size.getTerms()) {
    os << (first ? "" : " + ") << coeff;
    for (uint32_t s : monomial)
      os << "*" << symbols[s];
    first = false;
  }
  if (first)
    os << 0;
  if (size.getDivisor() != 1)
    os << " (ceil-divided by " << size.getDivisor() << ")";
  return text;
}

artifact::ArtifactDesc kiln::cpu::toArtifact(const CPUProgram &program,
                                             const CPUCompileOptions &options) {
  artifact::ArtifactDesc desc;
  desc.producer = "kiln-compile (cpu)";
  desc.symbols = program.symbols;
  auto tensors = [](const std::vector<ProgramTensor> &from) {
    std::vector<artifact::TensorDesc> to;
    for (const ProgramTensor &t : from) {
      artifact::TensorDesc d{t.name, t.dtype, {}};
      for (const SymbolicSize &s : t.dims)
        d.dims.push_back(s.toExpr());
      to.push_back(std::move(d));
    }
    return to;
  };
  desc.inputs = tensors(program.inputs);
  desc.outputs = tensors(program.outputs);
  for (const ProgramConstant &c : program.constants) {
    artifact::ConstantDesc d{c.name, c.dtype, c.dims, c.data, false};
    d.external = options.externalWeightThreshold > 0 &&
                 c.data.size() >= options.externalWeightThreshold;
    desc.constants.push_back(std::move(d));
  }
  desc.parameterFile = options.parameterFile;
  desc.arenaSize = program.arenaBytes.toExpr();
  for (const ProgramBuffer &b : program.buffers)
    desc.buffers.push_back({b.name, b.offset.toExpr(), b.bytes.toExpr()});
  auto kernelDesc = [](const ProgramKernel &k) {
    artifact::KernelDesc d;
    d.name = k.description;
    d.symbol = k.symbol;
    for (int i = 0; i < 3; ++i)
      d.grid[i] = k.grid[i].toExpr();
    d.bindings = k.bindings;
    return d;
  };
  for (const ProgramKernel &k : program.kernels)
    desc.kernels.push_back(kernelDesc(k));
  if (program.shapeKernel) {
    desc.shapeKernel = kernelDesc(*program.shapeKernel);
    desc.computedSymbols = program.computedSymbols;
  }
  return desc;
}

std::string kiln::cpu::describePlan(const CPUProgram &program) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "arena: " << formatSize(program.arenaBytes, program.symbols)
     << " bytes for " << program.buffers.size() << " buffers\n";
  uint64_t weightBytes = 0;
  for (const ProgramConstant &c : program.constants)
    weightBytes += c.data.size();
  os << "weights: " << weightBytes << " bytes in " << program.constants.size()
     << " constants\n";
  if (program.shapeKernel) {
    os << "computed before a run from the inputs' values:";
    for (uint32_t s : program.computedSymbols)
      os << " " << program.symbols[s];
    os << " (" << program.shapeKernel->symbol << ")\n";
  }
  return text;
}

std::string kiln::cpu::makeReport(const CPUProgram &program) {
  std::string text = describePlan(program);
  llvm::raw_string_ostream os(text);
  os << "kernels: " << program.kernels.size() << "\n";
  for (const ProgramKernel &k : program.kernels) {
    os << "  " << k.symbol << "  grid [";
    for (int i = 0; i < 3; ++i)
      os << (i ? ", " : "") << formatSize(k.grid[i], program.symbols);
    os << "]  " << k.description << "\n";
  }
  return text;
}

llvm::Error kiln::cpu::formKernelProgram(ModuleOp module,
                                         const CPUCompileOptions &options,
                                         KernelStyle style,
                                         CPUProgram &program) {
  bool cpu = style == KernelStyle::CPU;
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.isExternal())
    return llvm::createStringError(
        "the module has no function 'main' to compile");
  if (llvm::Error e = recordInputs(main, program))
    return e;

  // Tensors: linalg, compositions decomposed, elementwise chains fused into
  // their producers.
  if (llvm::Error e =
          runPipeline(module, "lowering to linalg", [](PassManager &pm) {
            OpPassManager &fn = pm.nest<func::FuncOp>();
            fn.addPass(createKilnConvertToLinalg());
            fn.addPass(createCanonicalizerPass());
            return llvm::Error::success();
          }))
    return e;
  decomposeAggregatedOps(module);
  if (failed(fuseElementwiseOps(module, /*recomputeMath=*/!cpu)))
    return llvm::createStringError("fusing elementwise ops failed");
  // Powers with small constant exponents (a variance's square) become
  // multiplications: the math library's powf is slow on either target.
  RewritePatternSet powers(module.getContext());
  populateMathAlgebraicSimplificationPatterns(powers);
  if (failed(applyPatternsGreedily(module, std::move(powers))))
    return llvm::createStringError("simplifying powers failed");
  if (llvm::Error e =
          runPipeline(module, "fusion cleanup", [](PassManager &pm) {
            return addPipeline(pm, "func.func(canonicalize,cse)");
          }))
    return e;
  if (options.stage == CompileStage::Linalg)
    return llvm::Error::success();
  // Every reduction with its own initial value: the CPU's workgroups then
  // compute it tile by tile, and a GPU kernel group in registers.
  if (options.groupKernels)
    cloneSharedInitializers(main);
  if (!cpu)
    foldTransposesIntoConsumers(main);
  tagDataDependentSizes(main, program);
  if (llvm::Error e = recordOutputs(main, program))
    return e;
  if (failed(widenSubByteStorage(module)))
    return llvm::createStringError(
        "storing sub-byte elements a byte each failed (see the "
        "errors above)");
  if (cpu && options.vectorize) {
    splitColumnPhases(main);
    flattenNarrowConvolutions(main);
    decomposeStridedConvolutions(main);
    convertPointwiseConvolutions(main);
    padConvolutionRows(main);
    packConstantWeights(main);
  }
  lowerPads(main);
  if (cpu && failed(distributeToWorkgroups(main, options.targetWorkgroups,
                                           options.minWorkPerWorkgroup)))
    return llvm::createStringError("splitting ops into workgroups failed");
  if (cpu && options.vectorize)
    vectorizeWorkgroups(main);

  // Buffers: the model becomes one function over memrefs, outputs written
  // through out-parameters.
  if (llvm::Error e = runPipeline(module, "bufferization", [](PassManager &pm) {
        return addPipeline(
            pm, "canonicalize,eliminate-empty-tensors,"
                "one-shot-bufferize{bufferize-function-boundaries "
                "function-boundary-type-conversion=identity-layout-map},"
                "buffer-results-to-out-params{modify-public-functions "
                "hoist-static-allocs hoist-dynamic-allocs},"
                "canonicalize,cse");
      }))
    return e;
  main = module.lookupSymbol<func::FuncOp>("main");
  writeReshapedResultsInPlace(main);
  if (cpu)
    distributeCopies(main);
  else if (options.groupKernels)
    groupContractionKernels(main);
  if (failed(formKernels(module, main, program)))
    return llvm::createStringError(
        "forming kernels failed (see the errors above)");
  if (llvm::Error e =
          runPipeline(module, "kernel cleanup", [](PassManager &pm) {
            return addPipeline(pm, "canonicalize,cse");
          }))
    return e;
  replaceMemrefCopies(module, /*vectorRows=*/cpu);
  std::string planError;
  if (!planMemory(program, planError,
                  cpu ? KILN_BUFFER_ALIGNMENT : KILN_CUDA_BUFFER_ALIGNMENT))
    return llvm::createStringError("memory planning: " + planError);
  return llvm::Error::success();
}

/// The CPU kernels' last steps on the loop level: vector transfers out of
/// their loops, and erf and exp as polynomials. erf has no LLVM intrinsic,
/// and the C library's erf and exp are scalar: polynomials keep vectorized
/// GELUs and softmaxes vectorized (f32; other types keep the library calls).
static llvm::Error finishCPUKernels(ModuleOp module,
                                    const CPUCompileOptions &options) {
  if (options.vectorize)
    hoistVectorTransfers(module);
  RewritePatternSet patterns(module.getContext());
  populatePolynomialApproximateErfPattern(patterns);
  populateMathPolynomialApproximationPatterns(
      patterns, [](StringRef name) { return name == "math.exp"; });
  if (failed(applyPatternsGreedily(module, std::move(patterns))))
    return llvm::createStringError("expanding erf and exp failed");
  return llvm::Error::success();
}

llvm::Error kiln::cpu::compileForCPU(ModuleOp module,
                                     const CPUCompileOptions &options,
                                     CPUCompileResult &result) {
  CPUProgram program;
  if (llvm::Error e =
          formKernelProgram(module, options, KernelStyle::CPU, program))
    return e;
  if (options.stage == CompileStage::Linalg)
    return llvm::Error::success();
  if (llvm::Error e = finishCPUKernels(module, options))
    return e;
  result.report = makeReport(program);
  if (options.stage == CompileStage::Kernels)
    return llvm::Error::success();

  if (llvm::Error e =
          runPipeline(module, "lowering to LLVM", [](PassManager &pm) {
            return addPipeline(
                pm, "func.func(convert-linalg-to-loops),"
                    "convert-vector-to-scf{full-unroll=true},"
                    "func.func(lower-vector-mask),"
                    "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
                    "convert-vector-to-llvm{vector-contract-lowering="
                    "outerproduct},"
                    "convert-math-to-llvm,convert-math-to-libm,"
                    "finalize-memref-to-llvm,convert-arith-to-llvm,"
                    "convert-index-to-llvm,convert-cf-to-llvm,"
                    "convert-func-to-llvm,convert-ub-to-llvm,reconcile-"
                    "unrealized-casts");
          }))
    return e;
  if (options.stage == CompileStage::LLVMDialect)
    return llvm::Error::success();

  NativeTarget target = getHostTarget();
  auto code = emitSharedObject(
      module, target, options.optLevel,
      options.stage == CompileStage::LLVMIR ? &result.llvmIR : nullptr);
  if (!code)
    return code.takeError();
  if (options.stage == CompileStage::LLVMIR)
    return llvm::Error::success();
  result.artifact = toArtifact(program, options);
  result.artifact.codeObject = std::move(*code);
  result.artifact.codeTriple = target.triple;
  return llvm::Error::success();
}
