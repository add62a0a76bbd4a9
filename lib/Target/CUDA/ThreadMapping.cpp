//===- ThreadMapping.cpp - CPU-style kernels onto GPU threads -------------===//

#include "ThreadMapping.h"

#include "AccumulatorPromotion.h"
#include "KernelGroups.h"
#include "KernelProgram.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::cuda;

/// `op` as a linalg.generic whose parallel loops come first, so that the
/// loop lowering makes one parallel loop of them around the reductions.
static void moveParallelLoopsOutward(RewriterBase &rewriter,
                                     linalg::LinalgOp op) {
  rewriter.setInsertionPoint(op);
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> generalized =
        linalg::generalizeNamedOp(rewriter, op);
    if (failed(generalized))
      return;
    generic = *generalized;
  }
  SmallVector<unsigned> order;
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  // The parallel loops in the order of the output's dimensions where it
  // indexes each once: consecutive threads then write consecutive
  // elements, and a kernel group's ops (KernelGroups.h) all iterate the
  // output in its own order.
  if (cpu::outputIndexesParallelLoops(generic)) {
    AffineMap out =
        generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
    for (unsigned r = 0; r < out.getNumResults(); ++r)
      order.push_back(out.getDimPosition(r));
  } else {
    for (auto [i, type] : llvm::enumerate(iterators))
      if (type == utils::IteratorType::parallel)
        order.push_back(i);
  }
  for (auto [i, type] : llvm::enumerate(iterators))
    if (type != utils::IteratorType::parallel)
      order.push_back(i);
  bool identity = llvm::all_of(llvm::enumerate(order),
                               [](auto e) { return e.index() == e.value(); });
  if (!identity)
    (void)linalg::interchangeGenericOp(rewriter, generic, order);
}

LogicalResult kiln::cuda::lowerKernelsToParallelLoops(ModuleOp module) {
  SmallVector<linalg::LinalgOp> ops;
  module.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
  IRRewriter rewriter(module.getContext());
  for (linalg::LinalgOp op : ops)
    moveParallelLoopsOutward(rewriter, op);
  if (llvm::Error e = cpu::runPipeline(
          module, "lowering kernels to loops", [](PassManager &pm) {
            return cpu::addPipeline(
                pm, "func.func(convert-linalg-to-parallel-loops,"
                    "canonicalize,cse)");
          })) {
    emitError(module.getLoc()) << llvm::toString(std::move(e));
    return failure();
  }
  return success();
}

bool kiln::cuda::isReadOnly(Operation *op) {
  if (isMemoryEffectFree(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects || op->getNumRegions() != 0)
    return false;
  return effects.onlyHasEffect<MemoryEffects::Read>();
}

/// The one loop of `body` that writes, with every other op at most
/// reading; null when the kernel's work has another form.
static scf::ParallelOp findThreadLoop(Block &body) {
  scf::ParallelOp loop;
  for (Operation &op : body.without_terminator()) {
    auto parallel = dyn_cast<scf::ParallelOp>(op);
    if (parallel && !loop && parallel.getNumResults() == 0) {
      loop = parallel;
      continue;
    }
    if (!isReadOnly(&op))
      return {};
  }
  return loop;
}

/// Clones the ops of `body` once per mapping, in lockstep: a loop whose
/// bounds are the same in every copy becomes one loop carrying every copy's
/// values, its body cloned in lockstep again, so that a load the copies
/// share is issued once per iteration. Legal because the copies are
/// iterations of a parallel loop: independent, in any interleaving.
static void cloneInLockstep(OpBuilder &b, Block &body,
                            MutableArrayRef<IRMapping> copies) {
  for (Operation &op : body.without_terminator()) {
    auto loop = dyn_cast<scf::ForOp>(op);
    auto same = [&](Value v) {
      return llvm::all_of(copies, [&](IRMapping &m) {
        return m.lookupOrDefault(v) == copies.front().lookupOrDefault(v);
      });
    };
    if (!loop || !same(loop.getLowerBound()) || !same(loop.getUpperBound()) ||
        !same(loop.getStep())) {
      for (IRMapping &mapping : copies)
        b.clone(op, mapping);
      continue;
    }
    IRMapping &first = copies.front();
    SmallVector<Value> inits;
    for (IRMapping &mapping : copies)
      for (Value init : loop.getInitArgs())
        inits.push_back(mapping.lookupOrDefault(init));
    auto jammed = scf::ForOp::create(
        b, loop.getLoc(), first.lookupOrDefault(loop.getLowerBound()),
        first.lookupOrDefault(loop.getUpperBound()),
        first.lookupOrDefault(loop.getStep()), inits);
    size_t carried = loop.getInitArgs().size();
    for (auto [c, mapping] : llvm::enumerate(copies)) {
      mapping.map(loop.getInductionVar(), jammed.getInductionVar());
      for (size_t i = 0; i < carried; ++i)
        mapping.map(loop.getRegionIterArgs()[i],
                    jammed.getRegionIterArgs()[c * carried + i]);
    }
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(jammed.getBody());
    cloneInLockstep(b, *loop.getBody(), copies);
    SmallVector<Value> yielded;
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    for (IRMapping &mapping : copies)
      for (Value v : yield.getOperands())
        yielded.push_back(mapping.lookupOrDefault(v));
    if (!yielded.empty() || jammed.getBody()->empty() ||
        !isa<scf::YieldOp>(jammed.getBody()->back()))
      scf::YieldOp::create(b, loop.getLoc(), yielded);
    for (auto [c, mapping] : llvm::enumerate(copies))
      for (size_t i = 0; i < carried; ++i)
        mapping.map(loop.getResult(i), jammed.getResult(c * carried + i));
  }
}

/// The parallel dimension whose iterations a thread takes `factor` of
/// (blocked), or nullopt: only for loops with static `extents` whose body
/// reduces (an scf.for), never the innermost dimension (which keeps a
/// warp's accesses coalesced), and the longest that `factor` divides.
static std::optional<unsigned> chooseCoarsenedDim(scf::ParallelOp loop,
                                                  ArrayRef<int64_t> extents,
                                                  int64_t factor) {
  if (factor <= 1 || extents.size() < 2 ||
      loop.getBody()->getOps<scf::ForOp>().empty())
    return std::nullopt;
  std::optional<unsigned> best;
  for (unsigned d = 0; d + 1 < extents.size(); ++d)
    if (extents[d] % factor == 0 && extents[d] >= factor &&
        (!best || extents[d] > extents[*best]))
      best = d;
  return best;
}

/// Whether every write in `loop`'s body is a store directly in it that
/// indexes with induction variable `dim`: iterations that differ along
/// `dim` then never write the same element.
static bool writesOnlyItsOwn(scf::ParallelOp loop, unsigned dim) {
  Value iv = loop.getInductionVars()[dim];
  WalkResult writes = loop.getBody()->walk([&](Operation *op) {
    auto store = dyn_cast<memref::StoreOp>(op);
    bool own = store && store->getBlock() == loop.getBody() &&
               llvm::is_contained(store.getIndices(), iv);
    return !own && hasEffect<MemoryEffects::Write>(op) ? WalkResult::interrupt()
                                                       : WalkResult::advance();
  });
  return !writes.wasInterrupted();
}

gpu::GPUFuncOp kiln::cuda::createKernelFunc(func::FuncOp fn,
                                            gpu::GPUModuleOp gpuModule,
                                            const LaunchShape &shape,
                                            IRMapping &mapping) {
  Location loc = fn.getLoc();
  auto b = OpBuilder::atBlockEnd(gpuModule.getBody());
  auto ptr = LLVM::LLVMPointerType::get(fn.getContext());
  auto kernel = gpu::GPUFuncOp::create(b, loc, fn.getName(),
                                       b.getFunctionType({ptr, ptr}, {}));
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  kernel.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(shape.block[0]), int32_t(shape.block[1]),
                              int32_t(shape.block[2])}));
  Block &entry = kernel.getBody().front();
  b.setInsertionPointToStart(&entry);
  mapping.map(fn.getArgument(0), entry.getArgument(0));
  mapping.map(fn.getArgument(1), entry.getArgument(1));
  // No workgroup grid on the GPU: every kernel is workgroup (0, 0, 0).
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  for (unsigned i = 2; i < fn.getNumArguments(); ++i)
    mapping.map(fn.getArgument(i), zero);
  return kernel;
}

FailureOr<LaunchShape>
kiln::cuda::mapKernelToThreads(func::FuncOp fn, gpu::GPUModuleOp gpuModule,
                               int64_t coarsening) {
  Location loc = fn.getLoc();
  Block &body = fn.getBody().front();
  scf::ParallelOp loop = findThreadLoop(body);

  // Static extents give a grid of one thread per iteration; extents known
  // only at run time (symbolic or computed sizes) a fixed grid whose
  // threads stride over the iterations.
  LaunchShape shape;
  std::optional<int64_t> iterations = 1;
  SmallVector<int64_t> staticExtents;
  std::optional<unsigned> coarsened;
  if (loop) {
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      std::optional<int64_t> l = getConstantIntValue(lb),
                             u = getConstantIntValue(ub),
                             s = getConstantIntValue(step);
      if (l && u && s && *s > 0 && iterations) {
        staticExtents.push_back(
            std::max<int64_t>(0, llvm::divideCeil(*u - *l, *s)));
        *iterations *= staticExtents.back();
      } else {
        iterations = std::nullopt;
      }
    }
    if (iterations)
      coarsened = chooseCoarsenedDim(loop, staticExtents, coarsening);
    if (coarsened) {
      // Its accumulators in registers first, so that the copies' reductions
      // become one loop carrying all of them; then every write must be one
      // copy's own (a store at the coarsened index, outside the reductions),
      // or the copies could not interleave.
      promoteAccumulators(loop.getOperation());
      if (!writesOnlyItsOwn(loop, *coarsened))
        coarsened = std::nullopt;
    }
    if (coarsened) {
      *iterations /= coarsening;
      shape.outputsPerThread = coarsening;
    }
    if (iterations) {
      shape.block[0] =
          std::min(kThreadsPerBlock,
                   std::max<int64_t>(32, llvm::alignTo(*iterations, 32)));
      shape.grid[0] = llvm::divideCeil(*iterations, shape.block[0]);
    } else {
      shape.block[0] = kThreadsPerBlock;
      shape.grid[0] = kStridingBlocks;
    }
  } else if (llvm::all_of(body.without_terminator(),
                          [](Operation &op) { return isReadOnly(&op); })) {
    // Nothing left to write (a copy onto itself folded away): no launch.
    shape.grid[0] = 0;
  } else {
    shape.singleThread = true;
  }

  IRMapping mapping;
  gpu::GPUFuncOp kernel = createKernelFunc(fn, gpuModule, shape, mapping);
  Block &entry = kernel.getBody().front();
  auto b = OpBuilder::atBlockEnd(&entry);
  Value threadId = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value blockId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value id = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, blockId, index(shape.block[0])),
      threadId);

  if (!loop) {
    Value first =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, id, index(0));
    auto guard = scf::IfOp::create(b, loc, first, /*withElse=*/false);
    b.setInsertionPointToStart(guard.thenBlock());
    for (Operation &op : body.without_terminator())
      b.clone(op, mapping);
    b.setInsertionPointToEnd(&entry);
    gpu::ReturnOp::create(b, loc);
    return shape;
  }

  for (Operation &op : body.without_terminator())
    if (&op != loop.getOperation())
      b.clone(op, mapping);
  SmallVector<Value> lbs, steps, extents;
  Value total = index(1);
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    lbs.push_back(mapping.lookupOrDefault(lb));
    steps.push_back(mapping.lookupOrDefault(step));
    if (coarsened && extents.size() == *coarsened) {
      // The threads along the coarsened dimension: a static extent.
      extents.push_back(index(staticExtents[*coarsened] / coarsening));
    } else {
      Value span = arith::SubIOp::create(b, loc, mapping.lookupOrDefault(ub),
                                         lbs.back());
      extents.push_back(arith::CeilDivSIOp::create(b, loc, span, steps.back()));
    }
    total = arith::MulIOp::create(b, loc, total, extents.back());
  }
  // Each thread takes iterations id, id + threads, ... (one of them when
  // the grid covers the loop).
  Value threads = index(shape.block[0] * shape.grid[0]);
  auto stride = scf::ForOp::create(b, loc, id, total, threads);
  b.setInsertionPointToStart(stride.getBody());
  // Innermost dimension fastest: consecutive threads, consecutive elements.
  Value rest = stride.getInductionVar();
  for (int64_t d = extents.size() - 1; d >= 0; --d) {
    Value position =
        d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, extents[d]);
    if (coarsened && d == *coarsened)
      position = arith::MulIOp::create(b, loc, position, index(coarsening));
    Value iv = arith::AddIOp::create(
        b, loc, lbs[d], arith::MulIOp::create(b, loc, position, steps[d]));
    mapping.map(loop.getInductionVars()[d], iv);
    if (d > 0)
      rest = arith::DivUIOp::create(b, loc, rest, extents[d]);
  }
  if (!coarsened) {
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, mapping);
  } else {
    // The thread's `coarsening` consecutive iterations along the dimension.
    SmallVector<IRMapping> copies(coarsening, mapping);
    Value base = mapping.lookup(loop.getInductionVars()[*coarsened]);
    for (int64_t c = 1; c < coarsening; ++c)
      copies[c].map(
          loop.getInductionVars()[*coarsened],
          arith::AddIOp::create(
              b, loc, base,
              arith::MulIOp::create(b, loc, index(c), steps[*coarsened])));
    cloneInLockstep(b, *loop.getBody(), copies);
  }
  b.setInsertionPointToEnd(&entry);
  gpu::ReturnOp::create(b, loc);
  promoteAccumulators(kernel);
  return shape;
}
