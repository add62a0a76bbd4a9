//===- HostEmulation.cpp - CUDA kernels compiled for the host -------------===//

#include "HostEmulation.h"

#include "NativeCode.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::cuda;

static constexpr llvm::StringLiteral kLaunch = "kiln_cuda_emulator_launch";
static constexpr llvm::StringLiteral kBarrier = "kiln_cuda_emulator_barrier";
static constexpr llvm::StringLiteral kAlignment =
    "kiln_cuda_emulator_check_alignment";

namespace {

/// The arguments a per-thread function gets for the special registers.
struct ThreadArguments {
  Value thread, block, barrier;
};

} // namespace

/// Replaces the special-register reads and barriers of `fn` by its thread
/// arguments and emulator calls; the error names an NVVM op it cannot
/// emulate. Sets `usesBarriers`.
static llvm::Error emulateNVVMOps(LLVM::LLVMFuncOp fn, ThreadArguments args,
                                  EmulatedLaunch launch, bool &usesBarriers) {
  SmallVector<Operation *> ops;
  fn.walk([&](Operation *op) {
    if (isa<NVVM::NVVMDialect>(op->getDialect()))
      ops.push_back(op);
  });
  usesBarriers = false;
  for (Operation *op : ops) {
    OpBuilder b(op);
    auto constant = [&](int64_t v) -> Value {
      return LLVM::ConstantOp::create(
          b, op->getLoc(), op->getResult(0).getType(),
          b.getIntegerAttr(op->getResult(0).getType(), v));
    };
    Value replacement;
    if (isa<NVVM::ThreadIdXOp>(op))
      replacement = args.thread;
    else if (isa<NVVM::BlockIdXOp>(op))
      replacement = args.block;
    else if (isa<NVVM::BlockDimXOp>(op))
      replacement = constant(launch.block);
    else if (isa<NVVM::GridDimXOp>(op))
      replacement = constant(launch.grid);
    else if (isa<NVVM::ThreadIdYOp, NVVM::ThreadIdZOp, NVVM::BlockIdYOp,
                 NVVM::BlockIdZOp>(op))
      replacement = constant(0);
    else if (isa<NVVM::BlockDimYOp, NVVM::BlockDimZOp, NVVM::GridDimYOp,
                 NVVM::GridDimZOp>(op))
      replacement = constant(1);
    if (replacement && replacement.getType() != op->getResult(0).getType())
      return llvm::createStringError("kernel " + fn.getName() + ": " +
                                     op->getName().getStringRef() +
                                     " has an unexpected type (a kiln bug)");
    if (replacement) {
      op->getResult(0).replaceAllUsesWith(replacement);
      op->erase();
      continue;
    }
    bool barrier = isa<NVVM::Barrier0Op>(op) ||
                   (isa<NVVM::BarrierOp>(op) && op->getNumOperands() == 0 &&
                    op->use_empty());
    if (!barrier)
      return llvm::createStringError(
          "kernel " + fn.getName() + " uses " + op->getName().getStringRef() +
          ", which the host emulation of CUDA kernels does not "
          "support yet");
    LLVM::CallOp::create(b, op->getLoc(), TypeRange(), kBarrier,
                         ValueRange{args.barrier});
    op->erase();
    usesBarriers = true;
  }
  return llvm::Error::success();
}

/// Checks before every vector load and store of `fn` that its address has
/// the alignment the access claims: the host forgives a misaligned vector
/// access, the GPU does not.
static void checkVectorAlignment(LLVM::LLVMFuncOp fn) {
  auto ptr = LLVM::LLVMPointerType::get(fn.getContext());
  auto i64 = IntegerType::get(fn.getContext(), 64);
  fn.walk([&](Operation *op) {
    Value address;
    Type accessed;
    std::optional<uint64_t> alignment;
    if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
      address = load.getAddr();
      accessed = load.getType();
      alignment = load.getAlignment();
    } else if (auto store = dyn_cast<LLVM::StoreOp>(op)) {
      address = store.getAddr();
      accessed = store.getValue().getType();
      alignment = store.getAlignment();
    }
    if (!address || !isa<VectorType>(accessed) || !alignment || *alignment <= 1)
      return;
    OpBuilder b(op);
    Location loc = op->getLoc();
    if (address.getType() != ptr)
      address = LLVM::AddrSpaceCastOp::create(b, loc, ptr, address);
    Value bytes =
        LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(*alignment));
    LLVM::CallOp::create(b, loc, TypeRange(), kAlignment,
                         ValueRange{address, bytes});
  });
}

/// libdevice's math functions (__nv_expf, ...) as the C library's (expf).
static void useLibm(ModuleOp module) {
  for (auto fn :
       llvm::make_early_inc_range(module.getOps<LLVM::LLVMFuncOp>())) {
    StringRef name = fn.getName();
    if (!fn.isExternal() || !name.consume_front("__nv_"))
      continue;
    auto newName = StringAttr::get(module.getContext(), name);
    if (failed(SymbolTable::replaceAllSymbolUses(fn, newName, module)))
      continue;
    fn.setSymName(newName);
  }
}

llvm::Expected<std::vector<uint8_t>>
kiln::cuda::emitHostEmulation(ModuleOp module,
                              const llvm::StringMap<EmulatedLaunch> &launches,
                              unsigned optLevel) {
  MLIRContext *ctx = module.getContext();
  auto gpuModules = module.getOps<gpu::GPUModuleOp>();
  if (gpuModules.empty())
    return llvm::createStringError("no kernels to emulate (a kiln bug)");
  gpu::GPUModuleOp gpuModule = *gpuModules.begin();

  // The kernels and what they use, in a module of their own.
  OwningOpRef<ModuleOp> host = ModuleOp::create(module.getLoc());
  for (Operation &op :
       llvm::make_early_inc_range(gpuModule.getBody()->getOperations()))
    if (!op.hasTrait<OpTrait::IsTerminator>())
      op.moveBefore(host->getBody(), host->getBody()->end());
  gpuModule.erase();
  useLibm(*host);

  auto b = OpBuilder::atBlockEnd(host->getBody());
  Location loc = module.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i32 = IntegerType::get(ctx, 32);
  auto i64 = IntegerType::get(ctx, 64);
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  LLVM::LLVMFuncOp::create(
      b, loc, kLaunch,
      LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, ptr, i64, i64, i32}));
  LLVM::LLVMFuncOp::create(b, loc, kBarrier,
                           LLVM::LLVMFunctionType::get(voidType, {ptr}));
  LLVM::LLVMFuncOp::create(b, loc, kAlignment,
                           LLVM::LLVMFunctionType::get(voidType, {ptr, i64}));

  SmallVector<LLVM::LLVMFuncOp> kernels;
  for (auto fn : host->getOps<LLVM::LLVMFuncOp>())
    if (launches.contains(fn.getName()))
      kernels.push_back(fn);
  for (LLVM::LLVMFuncOp fn : kernels) {
    std::string name = fn.getName().str();
    EmulatedLaunch launch = launches.lookup(name);
    // The GPU kernel becomes the per-thread function, its special registers
    // three more arguments (cuda_host_emulation.h).
    auto threadName = StringAttr::get(ctx, name + ".thread");
    fn.setSymName(threadName);
    fn.setLinkage(LLVM::Linkage::Internal);
    for (NamedAttribute attr : llvm::to_vector(fn->getDiscardableAttrs()))
      fn->removeAttr(attr.getName());
    fn.setArgAttrsAttr(nullptr);
    SmallVector<Type> params(fn.getFunctionType().getParams());
    params.append({i32, i32, ptr});
    fn.setFunctionType(LLVM::LLVMFunctionType::get(voidType, params));
    Block &entry = fn.getBody().front();
    ThreadArguments args{entry.addArgument(i32, loc),
                         entry.addArgument(i32, loc),
                         entry.addArgument(ptr, loc)};
    bool usesBarriers = false;
    if (llvm::Error e = emulateNVVMOps(fn, args, launch, usesBarriers))
      return std::move(e);
    checkVectorAlignment(fn);

    // The CPU kernel (kernel_abi.h): one workgroup that launches the grid.
    b.setInsertionPointToEnd(host->getBody());
    auto cpuKernel = LLVM::LLVMFuncOp::create(
        b, loc, name,
        LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, i64, i64, i64}));
    Block *body = cpuKernel.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    auto constant = [&](Type type, int64_t v) -> Value {
      return LLVM::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
    };
    Value thread = LLVM::AddressOfOp::create(b, loc, ptr, threadName);
    LLVM::CallOp::create(
        b, loc, TypeRange(), kLaunch,
        ValueRange{thread, body->getArgument(0), body->getArgument(1),
                   constant(i64, launch.grid), constant(i64, launch.block),
                   constant(i32, usesBarriers)});
    LLVM::ReturnOp::create(b, loc, ValueRange());
  }
  // What is left of NVVM (the kernels' target attributes) is not the host's.
  for (NamedAttribute attr : llvm::to_vector((*host)->getDiscardableAttrs()))
    (*host)->removeAttr(attr.getName());
  return cpu::emitSharedObject(*host, cpu::getHostTarget(), optLevel);
}
