//===- BlockReduction.cpp - One output's reduction across a block ---------===//

#include "BlockReduction.h"

#include "KernelGroupOps.h"
#include "KernelGroups.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::cuda;

/// Outputs at which the plain mapping's one thread each fills the GPU well
/// enough (an H100/H200 holds about 270,000 resident threads).
static constexpr int64_t kManyOutputs = 32768;
/// The shortest reduction worth a block.
static constexpr int64_t kMinimumLength = 32;

namespace {

/// A reduction: out[parallel dims] = combine over the reduction dims of
/// out and a value of the inputs.
struct Reduction {
  KernelOps ops;
  /// The loops' extents; the parallel dimensions in the output's order and
  /// the reduction dimensions in loop order.
  SmallVector<int64_t> ranges;
  SmallVector<unsigned> outputDims, reductionDims;
  int64_t outputs = 1, length = 1;
  /// The op of the body that combines the output with the new value, and
  /// its operand that is the output.
  Operation *combiner = nullptr;
  unsigned outputOperand = 0;
};

} // namespace

/// Whether `op` is associative and commutative: partial results may be
/// combined in any order.
static bool isReorderable(Operation *op) {
  return isa<arith::AddFOp, arith::MulFOp, arith::MaxNumFOp, arith::MinNumFOp,
             arith::MaximumFOp, arith::MinimumFOp, arith::AddIOp, arith::MulIOp,
             arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp, arith::MinUIOp,
             arith::AndIOp, arith::OrIOp, arith::XOrIOp>(op);
}

static std::optional<Reduction> analyze(func::FuncOp fn) {
  std::optional<KernelOps> ops = matchKernelOps(fn);
  if (!ops)
    return std::nullopt;
  Reduction r;
  r.ops = *ops;
  linalg::LinalgOp op = ops->lead;
  r.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(r.ranges, ShapedType::isDynamic))
    return std::nullopt;
  if (!cpu::outputIndexesParallelLoops(op))
    return std::nullopt;
  OpOperand *out = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(out);
  for (unsigned i = 0; i < outMap.getNumResults(); ++i)
    r.outputDims.push_back(outMap.getDimPosition(i));
  for (auto [d, type] : llvm::enumerate(op.getIteratorTypesArray()))
    if (type == utils::IteratorType::reduction)
      r.reductionDims.push_back(d);
  for (unsigned d : r.outputDims)
    r.outputs *= r.ranges[d];
  for (unsigned d : r.reductionDims)
    r.length *= r.ranges[d];
  if (r.outputs >= kManyOutputs || r.length < kMinimumLength)
    return std::nullopt;

  // The body: the output's element used once, by a reorderable op whose
  // result is yielded.
  Block *body = op.getBlock();
  BlockArgument outArg = op.getMatchingBlockArgument(out);
  Value yielded = body->getTerminator()->getOperand(0);
  r.combiner = yielded.getDefiningOp();
  if (!r.combiner || r.combiner->getBlock() != body ||
      !isReorderable(r.combiner) || !outArg.hasOneUse() ||
      outArg.getUses().begin()->getOwner() != r.combiner)
    return std::nullopt;
  r.outputOperand = outArg.getUses().begin()->getOperandNumber();
  return r;
}

namespace {

/// Builds the kernel's body: each thread's partial result, the block's
/// halving steps, and thread 0's store.
class BlockReductionBuilder {
public:
  BlockReductionBuilder(OpBuilder &b, Location loc, Reduction &r,
                        IRMapping &mapping, int64_t threads)
      : b(b), loc(loc), r(r), mapping(mapping), threads(threads),
        dims(r.ranges.size()) {}

  void build(Value shared);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// Sets `dims` of `list` from `flat`, row-major.
  void delinearize(Value flat, ArrayRef<unsigned> list) {
    delinearizeLoops(b, loc, flat, list, extents, dims);
  }

  /// `combiner` applied to `x` (in the output's place) and `y`.
  Value combine(Value x, Value y) {
    IRMapping operands;
    operands.map(r.combiner->getOperand(r.outputOperand), x);
    operands.map(r.combiner->getOperand(1 - r.outputOperand), y);
    return b.clone(*r.combiner, operands)->getResult(0);
  }

  /// The value the body combines into the output at reduction position
  /// `k` (flattened), the output's position in `dims`.
  Value element(Value k) {
    delinearize(k, r.reductionDims);
    return cloneBodyAt(b, loc, r.ops.lead, mapping, dims, /*given=*/nullptr,
                       /*value=*/{}, /*skip=*/r.combiner,
                       r.combiner->getOperand(1 - r.outputOperand));
  }

  OpBuilder &b;
  Location loc;
  Reduction &r;
  IRMapping &mapping;
  int64_t threads;
  /// The value of every loop dimension at the position being built, and
  /// the (static) extents, as values at the kernel's start.
  SmallVector<Value> dims, extents;
};

} // namespace

void BlockReductionBuilder::build(Value shared) {
  for (int64_t range : r.ranges)
    extents.push_back(index(range));
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value block = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  // The block's output (the output's own dimension order, row-major).
  delinearize(block, r.outputDims);
  SmallVector<Value> outputDims;
  for (unsigned d : r.outputDims)
    outputDims.push_back(dims[d]);

  // The thread's elements tid, tid + threads, ...: it has at least one
  // (threads <= length).
  Value first = element(tid);
  auto loop = scf::ForOp::create(
      b, loc, arith::AddIOp::create(b, loc, tid, index(threads)),
      index(r.length), index(threads), ValueRange{first});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value next =
        combine(loop.getRegionIterArgs()[0], element(loop.getInductionVar()));
    scf::YieldOp::create(b, loc, next);
  }
  memref::StoreOp::create(b, loc, loop.getResult(0), shared, tid);
  gpu::BarrierOp::create(b, loc);

  // Halving steps: threads below `half` combine their partial with the one
  // `half` above.
  for (int64_t half = threads / 2; half >= 1; half /= 2) {
    Value active = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid,
                                         index(half));
    auto guarded = scf::IfOp::create(b, loc, active, /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(guarded.thenBlock());
      Value mine = memref::LoadOp::create(b, loc, shared, tid);
      Value other = memref::LoadOp::create(
          b, loc, shared,
          ValueRange{arith::AddIOp::create(b, loc, tid, index(half))});
      memref::StoreOp::create(b, loc, combine(mine, other), shared, tid);
    }
    gpu::BarrierOp::create(b, loc);
  }

  Value leader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, index(0));
  auto guarded = scf::IfOp::create(b, loc, leader, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(guarded.thenBlock());
  Value total = memref::LoadOp::create(b, loc, shared, index(0));
  Value initial = r.ops.initialValue(b, loc, mapping, outputDims);
  r.ops.storeResult(b, loc, mapping, outputDims, combine(initial, total));
}

std::optional<LaunchShape>
kiln::cuda::reduceAcrossBlocks(func::FuncOp fn, gpu::GPUModuleOp gpuModule) {
  std::optional<Reduction> r = analyze(fn);
  if (!r)
    return std::nullopt;
  int64_t threads = std::min<int64_t>(
      kReductionThreads, int64_t(1) << llvm::Log2_64(uint64_t(r->length)));
  LaunchShape shape;
  shape.grid[0] = r->outputs;
  shape.block[0] = threads;
  shape.reductionThreads = threads;

  IRMapping mapping;
  gpu::GPUFuncOp kernel = createKernelFunc(fn, gpuModule, shape, mapping);
  MLIRContext *ctx = fn.getContext();
  Type element =
      getElementTypeOrSelf(r->ops.lead.getDpsInitOperand(0)->get().getType());
  auto sharedType = MemRefType::get(
      {threads}, element, AffineMap(),
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
  Value shared = kernel.addWorkgroupAttribution(sharedType, fn.getLoc());

  Block &entry = kernel.getBody().front();
  auto b = OpBuilder::atBlockEnd(&entry);
  for (Operation &op : fn.getBody().front().without_terminator())
    if (!r->ops.contains(&op))
      b.clone(op, mapping);
  BlockReductionBuilder(b, fn.getLoc(), *r, mapping, threads).build(shared);
  gpu::ReturnOp::create(b, fn.getLoc());
  return shape;
}
