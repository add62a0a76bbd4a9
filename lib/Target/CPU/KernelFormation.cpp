//===- KernelFormation.cpp - Splitting a model into CPU kernels -----------===//

#include "KernelFormation.h"
#include "DataDependentSizes.h"
#include "KernelGroups.h"
#include "SizeAnalysis.h"

#include "kiln-runtime/kernel_abi.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

#include <limits>

using namespace mlir;
using namespace kiln;
using namespace kiln::cpu;
using artifact::BindingKind;

kiln_dtype_t kiln::cpu::getDType(Type t) {
  if (t.isF32())
    return KILN_DTYPE_FLOAT32;
  if (t.isF16())
    return KILN_DTYPE_FLOAT16;
  if (t.isBF16())
    return KILN_DTYPE_BFLOAT16;
  if (t.isF64())
    return KILN_DTYPE_FLOAT64;
  if (isa<Float8E4M3FNType>(t))
    return KILN_DTYPE_FLOAT8E4M3FN;
  if (isa<Float8E4M3FNUZType>(t))
    return KILN_DTYPE_FLOAT8E4M3FNUZ;
  if (isa<Float8E5M2Type>(t))
    return KILN_DTYPE_FLOAT8E5M2;
  if (isa<Float8E5M2FNUZType>(t))
    return KILN_DTYPE_FLOAT8E5M2FNUZ;
  if (isa<Float8E8M0FNUType>(t))
    return KILN_DTYPE_FLOAT8E8M0;
  if (isa<Float4E2M1FNType>(t))
    return KILN_DTYPE_FLOAT4E2M1;
  auto i = dyn_cast<IntegerType>(t);
  if (!i)
    return KILN_DTYPE_INVALID;
  bool isUnsigned = i.isUnsigned();
  switch (i.getWidth()) {
  case 1:
    return KILN_DTYPE_BOOL;
  case 2:
    return isUnsigned ? KILN_DTYPE_UINT2 : KILN_DTYPE_INT2;
  case 4:
    return isUnsigned ? KILN_DTYPE_UINT4 : KILN_DTYPE_INT4;
  case 8:
    return isUnsigned ? KILN_DTYPE_UINT8 : KILN_DTYPE_INT8;
  case 16:
    return isUnsigned ? KILN_DTYPE_UINT16 : KILN_DTYPE_INT16;
  case 32:
    return isUnsigned ? KILN_DTYPE_UINT32 : KILN_DTYPE_INT32;
  case 64:
    return isUnsigned ? KILN_DTYPE_UINT64 : KILN_DTYPE_INT64;
  default:
    return KILN_DTYPE_INVALID;
  }
}

int64_t kiln::cpu::getStorageBytes(Type t) {
  if (t.isInteger(1))
    return 1;
  if (t.isIntOrFloat() && t.getIntOrFloatBitWidth() % 8 == 0)
    return t.getIntOrFloatBitWidth() / 8;
  return 0;
}

/// The bytes of a global's initial value in the runtime's layout.
static FailureOr<std::vector<uint8_t>>
getConstantBytes(memref::GlobalOp global) {
  auto value = dyn_cast_or_null<ElementsAttr>(global.getInitialValueAttr());
  if (!value)
    return failure();
  Type elementType = value.getElementType();
  int64_t width = getStorageBytes(elementType);
  if (width == 0)
    return failure();
  std::vector<uint8_t> bytes;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != value.getNumElements() * width)
      return failure();
    bytes.assign(data.begin(), data.end());
    return bytes;
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return failure();
  bytes.reserve(value.getNumElements() * width);
  auto append = [&](const APInt &bits) {
    for (int64_t b = 0; b < width; ++b)
      bytes.push_back(static_cast<uint8_t>(
          b * 8 < bits.getBitWidth()
              ? bits.extractBitsAsZExtValue(
                    std::min<unsigned>(8, bits.getBitWidth() - b * 8), b * 8)
              : 0));
  };
  if (isa<FloatType>(elementType)) {
    for (const APFloat &f : dense.getValues<APFloat>())
      append(f.bitcastToAPInt());
  } else {
    for (const APInt &i : dense.getValues<APInt>())
      append(i);
  }
  return bytes;
}

namespace {

/// A buffer a kernel can bind: an input, an output, an arena buffer or a
/// constant, with its memref type and dimensions.
struct Root {
  Value value;
  BindingKind kind;
  uint32_t index;
  MemRefType type;
  std::vector<SymbolicSize> dims;
};

class KernelFormer {
public:
  KernelFormer(ModuleOp module, func::FuncOp main, CPUProgram &program)
      : module(module), main(main), program(program),
        sizes([this](BlockArgument arg, unsigned dim) {
          return argumentDim(arg, dim);
        }) {}

  LogicalResult run();

private:
  std::optional<SymbolicSize> argumentDim(BlockArgument arg, unsigned dim);
  LogicalResult addRoot(Value value, BindingKind kind, uint32_t index);
  LogicalResult addConstant(memref::GetGlobalOp getGlobal);
  LogicalResult addBuffer(Value value);
  LogicalResult formKernel(Operation *op);
  LogicalResult formShapeKernel();
  LogicalResult traceUses(Operation *user, llvm::SetVector<Value> used,
                          SmallVector<Operation *> &ordered,
                          llvm::SetVector<unsigned> &bound);
  func::FuncOp beginKernel(OpBuilder &b, Location loc, ProgramKernel &kernel,
                           unsigned number,
                           const llvm::SetVector<unsigned> &bound,
                           IRMapping &mapping,
                           DenseMap<uint32_t, Value> &symbolValues);
  Value emitSize(OpBuilder &b, Location loc, const SymbolicSize &size,
                 Value dimsTable, DenseMap<uint32_t, Value> &symbolValues);

  ModuleOp module;
  func::FuncOp main;
  CPUProgram &program;
  SizeAnalysis sizes;
  DenseMap<Value, unsigned> rootOf;
  std::vector<Root> roots;
  llvm::StringMap<uint32_t> constantOfGlobal;
};

} // namespace

std::optional<SymbolicSize> KernelFormer::argumentDim(BlockArgument arg,
                                                      unsigned dim) {
  if (arg.getOwner()->getParentOp() != main)
    return std::nullopt;
  unsigned n = arg.getArgNumber();
  const ProgramTensor &t = n < program.inputs.size()
                               ? program.inputs[n]
                               : program.outputs[n - program.inputs.size()];
  if (dim >= t.dims.size())
    return std::nullopt;
  return t.dims[dim];
}

LogicalResult KernelFormer::addRoot(Value value, BindingKind kind,
                                    uint32_t index) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || !type.getLayout().isIdentity())
    return emitError(value.getLoc())
           << "kiln codegen: expected a memref with the identity layout, "
              "got "
           << value.getType();
  Root root{value, kind, index, type, {}};
  for (unsigned d = 0; d < type.getRank(); ++d) {
    std::optional<SymbolicSize> size = sizes.dimOf(value, d);
    if (!size)
      return emitError(value.getLoc())
             << "kiln codegen: dimension " << d << " of " << type
             << " depends on data or on arithmetic over symbolic dimensions "
                "that the artifact cannot express; pin the input shapes "
                "with --input-shape";
    root.dims.push_back(*size);
  }
  rootOf[value] = roots.size();
  roots.push_back(std::move(root));
  return success();
}

LogicalResult KernelFormer::addConstant(memref::GetGlobalOp getGlobal) {
  auto [it, inserted] = constantOfGlobal.try_emplace(
      getGlobal.getName(), static_cast<uint32_t>(program.constants.size()));
  if (inserted) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        getGlobal, getGlobal.getNameAttr());
    FailureOr<std::vector<uint8_t>> bytes = failure();
    if (global)
      bytes = getConstantBytes(global);
    if (failed(bytes))
      return getGlobal.emitError()
             << "kiln codegen: cannot read the data of constant "
             << getGlobal.getName();
    MemRefType type = getGlobal.getType();
    ProgramConstant constant;
    constant.name = getGlobal.getName().str();
    constant.dtype = getDType(type.getElementType());
    constant.dims.assign(type.getShape().begin(), type.getShape().end());
    constant.data = std::move(*bytes);
    program.constants.push_back(std::move(constant));
  }
  return addRoot(getGlobal.getResult(), BindingKind::Constant, it->second);
}

LogicalResult KernelFormer::addBuffer(Value value) {
  auto type = cast<MemRefType>(value.getType());
  uint32_t index = program.buffers.size();
  if (failed(addRoot(value, BindingKind::Buffer, index)))
    return failure();
  int64_t elementBytes = getStorageBytes(type.getElementType());
  if (elementBytes == 0)
    return emitError(value.getLoc())
           << "kiln codegen: unsupported element type "
           << type.getElementType();
  std::optional<SymbolicSize> bytes = SymbolicSize::constant(elementBytes);
  for (const SymbolicSize &d : roots.back().dims)
    if (bytes)
      bytes = bytes->mul(d);
  if (!bytes)
    return emitError(value.getLoc())
           << "kiln codegen: the size of " << type << " overflows";
  ProgramBuffer buffer;
  buffer.name = "buffer" + std::to_string(index);
  buffer.bytes = *bytes;
  // Narrowed to the kernels that bind it by formKernel.
  buffer.firstKernel = std::numeric_limits<unsigned>::max();
  program.buffers.push_back(std::move(buffer));
  return success();
}

Value KernelFormer::emitSize(OpBuilder &b, Location loc,
                             const SymbolicSize &size, Value dimsTable,
                             DenseMap<uint32_t, Value> &symbolValues) {
  Type i64 = b.getI64Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  auto symbol = [&](uint32_t s) {
    Value &v = symbolValues[s];
    if (!v) {
      auto ptr = LLVM::LLVMPointerType::get(b.getContext());
      Value address = LLVM::GEPOp::create(b, loc, ptr, i64, dimsTable,
                                          ArrayRef<LLVM::GEPArg>{int32_t(s)});
      v = LLVM::LoadOp::create(b, loc, i64, address);
    }
    return v;
  };
  Value sum;
  for (const auto &[monomial, coeff] : size.getTerms()) {
    Value term = constant(coeff);
    for (uint32_t s : monomial)
      term = arith::MulIOp::create(b, loc, term, symbol(s));
    sum = sum ? arith::AddIOp::create(b, loc, sum, term) : term;
  }
  if (!sum)
    sum = constant(0);
  if (int64_t d = size.getDivisor(); d != 1)
    sum = arith::DivSIOp::create(
        b, loc, arith::AddIOp::create(b, loc, sum, constant(d - 1)),
        constant(d));
  return sum;
}

/// A short description of what a kernel op computes, for --report.
static std::string describe(Operation *op) {
  if (isKernelGroup(op)) {
    std::string text;
    for (Operation &inner : op->getRegion(0).front().without_terminator())
      if (isa<linalg::LinalgOp>(inner))
        text += (text.empty() ? "" : " + ") + describe(&inner);
    return text;
  }
  std::string text = op->getName().getStringRef().str();
  if (isa<linalg::GenericOp, scf::ForallOp>(op)) {
    llvm::SetVector<StringRef> names;
    op->walk([&](Operation *inner) {
      if (inner != op && !isa<linalg::YieldOp, scf::InParallelOp,
                              memref::SubViewOp, arith::ConstantOp>(inner))
        names.insert(inner->getName().getStringRef());
    });
    text += "(";
    llvm::raw_string_ostream os(text);
    llvm::interleave(names, os, ", ");
    text += ")";
  }
  return text;
}

/// The ops of the main function that `user` (with the values `used` from
/// above) depends on, in order, and the roots they bind.
LogicalResult KernelFormer::traceUses(Operation *user,
                                      llvm::SetVector<Value> used,
                                      SmallVector<Operation *> &ordered,
                                      llvm::SetVector<unsigned> &bound) {
  // Every value used from the main function, traced back through views and
  // index arithmetic to the buffers they come from.
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> worklist(used.begin(), used.end());
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto it = rootOf.find(v); it != rootOf.end()) {
      bound.insert(it->second);
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != &main.getBody().front())
      return user->emitError("kiln codegen: unexpected value from "
                             "outside the main function's body");
    if (!slice.insert(def))
      continue;
    worklist.append(def->getOperands().begin(), def->getOperands().end());
    llvm::SetVector<Value> nested;
    getUsedValuesDefinedAbove(def->getRegions(), nested);
    worklist.append(nested.begin(), nested.end());
  }
  ordered.assign(slice.begin(), slice.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return success();
}

/// A kernel function with the kernel ABI whose entry block maps the
/// `bound` roots to memrefs over the binding table; `b` is left at its end.
func::FuncOp KernelFormer::beginKernel(
    OpBuilder &b, Location loc, ProgramKernel &kernel, unsigned number,
    const llvm::SetVector<unsigned> &bound, IRMapping &mapping,
    DenseMap<uint32_t, Value> &symbolValues) {
  MLIRContext *ctx = module.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = b.getI64Type();
  b.setInsertionPoint(main);
  auto fn = func::FuncOp::create(
      b, loc, kernel.symbol, b.getFunctionType({ptr, ptr, i64, i64, i64}, {}));
  fn->setAttr("kiln.kernel", b.getUnitAttr());
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value bindingTable = entry->getArgument(0);
  Value dimsTable = entry->getArgument(1);
  // Memref descriptors over the binding table's pointers, in the layout
  // the LLVM lowering of memrefs uses; the casts meet their inverse there.
  for (auto [slot, rootIndex] : llvm::enumerate(bound)) {
    const Root &root = roots[rootIndex];
    kernel.bindings.push_back({root.kind, root.index});
    if (root.kind == BindingKind::Buffer) {
      ProgramBuffer &buffer = program.buffers[root.index];
      buffer.firstKernel = std::min(buffer.firstKernel, number);
      buffer.lastKernel = std::max(buffer.lastKernel, number);
    }
    Value address = LLVM::GEPOp::create(b, loc, ptr, ptr, bindingTable,
                                        ArrayRef<LLVM::GEPArg>{int32_t(slot)});
    Value base = LLVM::LoadOp::create(b, loc, ptr, address);
    int64_t rank = root.type.getRank();
    SmallVector<Type> fields = {ptr, ptr, i64};
    if (rank > 0) {
      fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
      fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    }
    auto descriptorType = LLVM::LLVMStructType::getLiteral(ctx, fields);
    Value d = LLVM::PoisonOp::create(b, loc, descriptorType);
    d = LLVM::InsertValueOp::create(b, loc, d, base, ArrayRef<int64_t>{0});
    d = LLVM::InsertValueOp::create(b, loc, d, base, ArrayRef<int64_t>{1});
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    d = LLVM::InsertValueOp::create(b, loc, d, zero, ArrayRef<int64_t>{2});
    Value stride = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1));
    for (int64_t k = rank - 1; k >= 0; --k) {
      Value size = emitSize(b, loc, root.dims[k], dimsTable, symbolValues);
      d = LLVM::InsertValueOp::create(b, loc, d, size, ArrayRef<int64_t>{3, k});
      d = LLVM::InsertValueOp::create(b, loc, d, stride,
                                      ArrayRef<int64_t>{4, k});
      if (k > 0)
        stride = arith::MulIOp::create(b, loc, stride, size);
    }
    Value memref =
        UnrealizedConversionCastOp::create(b, loc, root.type, d).getResult(0);
    mapping.map(root.value, memref);
  }

  return fn;
}

LogicalResult KernelFormer::formKernel(Operation *op) {
  llvm::SetVector<Value> used(op->getOperands().begin(),
                              op->getOperands().end());
  getUsedValuesDefinedAbove(op->getRegions(), used);
  SmallVector<Operation *> ordered;
  llvm::SetVector<unsigned> bound;
  if (failed(traceUses(op, used, ordered, bound)))
    return failure();

  unsigned number = program.kernels.size();
  ProgramKernel kernel;
  kernel.symbol = "kiln_kernel_" + std::to_string(number);
  kernel.description = describe(op);
  Location loc = op->getLoc();
  OpBuilder b(main);
  IRMapping mapping;
  DenseMap<uint32_t, Value> symbolValues;
  func::FuncOp fn =
      beginKernel(b, loc, kernel, number, bound, mapping, symbolValues);
  Block *entry = &fn.getBody().front();

  for (Operation *def : ordered)
    b.clone(*def, mapping);

  if (auto forall = dyn_cast<scf::ForallOp>(op);
      forall && forall.getRank() <= 3 && forall.getOutputs().empty()) {
    // The loop's iterations are the workgroups.
    std::optional<SmallVector<int64_t>> lbs =
        getConstantIntValues(forall.getMixedLowerBound());
    std::optional<SmallVector<int64_t>> steps =
        getConstantIntValues(forall.getMixedStep());
    bool ok = lbs && steps;
    SmallVector<SymbolicSize> counts;
    for (auto [i, ub] : llvm::enumerate(forall.getMixedUpperBound())) {
      if (!ok)
        break;
      std::optional<SymbolicSize> upper =
          isa<Attribute>(ub)
              ? std::optional(SymbolicSize::constant(*getConstantIntValue(ub)))
              : sizes.sizeOf(cast<Value>(ub));
      std::optional<SymbolicSize> extent =
          upper ? upper->add(SymbolicSize::constant(-(*lbs)[i])) : std::nullopt;
      std::optional<SymbolicSize> count =
          extent ? extent->ceilDiv((*steps)[i]) : std::nullopt;
      ok = count.has_value();
      if (ok)
        counts.push_back(*count);
    }
    if (ok) {
      for (auto [i, count] : llvm::enumerate(counts)) {
        kernel.grid[i] = count;
        Value id = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                              entry->getArgument(2 + i));
        Value step = arith::ConstantIndexOp::create(b, loc, (*steps)[i]);
        Value lb = arith::ConstantIndexOp::create(b, loc, (*lbs)[i]);
        Value iv = arith::AddIOp::create(
            b, loc, lb, arith::MulIOp::create(b, loc, id, step));
        mapping.map(forall.getInductionVar(i), iv);
      }
      for (Operation &inner : forall.getBody()->without_terminator())
        b.clone(inner, mapping);
      func::ReturnOp::create(b, loc);
      program.kernels.push_back(std::move(kernel));
      return success();
    }
  }

  if (isKernelGroup(op)) {
    fn->setAttr(kKernelGroupAttr, b.getUnitAttr());
    for (Operation &inner : op->getRegion(0).front().without_terminator())
      b.clone(inner, mapping);
  } else {
    b.clone(*op, mapping);
  }
  func::ReturnOp::create(b, loc);
  program.kernels.push_back(std::move(kernel));
  return success();
}

/// The shape function (DataDependentSizes.h), bufferized, as a kernel run
/// before the others on the inputs alone, writing every computed symbol
/// into the symbols table.
LogicalResult KernelFormer::formShapeKernel() {
  auto shapes = module.lookupSymbol<func::FuncOp>(kShapeFunctionName);
  if (!shapes)
    return success();
  llvm::SetVector<unsigned> bound;
  for (BlockArgument arg : shapes.getArguments())
    if (!arg.use_empty())
      bound.insert(rootOf.lookup(main.getArgument(arg.getArgNumber())));
  ProgramKernel kernel;
  kernel.symbol = "kiln_shape_kernel";
  kernel.description = "sizes computed from the inputs' values";
  Location loc = shapes.getLoc();
  OpBuilder b(main);
  IRMapping mapping;
  DenseMap<uint32_t, Value> symbolValues;
  func::FuncOp fn =
      beginKernel(b, loc, kernel, 0, bound, mapping, symbolValues);
  for (BlockArgument arg : shapes.getArguments())
    if (!arg.use_empty())
      mapping.map(arg, mapping.lookup(main.getArgument(arg.getArgNumber())));
  auto ret = cast<func::ReturnOp>(shapes.getBody().front().getTerminator());
  for (Operation &op : shapes.getBody().front().without_terminator())
    b.clone(op, mapping);
  Value dimsTable = fn.getArgument(1);
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  for (auto [symbol, value] :
       llvm::zip(program.computedSymbols, ret.getOperands())) {
    Value address =
        LLVM::GEPOp::create(b, loc, ptr, b.getI64Type(), dimsTable,
                            ArrayRef<LLVM::GEPArg>{int32_t(symbol)});
    LLVM::StoreOp::create(b, loc, mapping.lookup(value), address);
  }
  func::ReturnOp::create(b, loc);
  shapes.erase();
  program.shapeKernel = std::move(kernel);
  return success();
}

LogicalResult KernelFormer::run() {
  Block &body = main.getBody().front();
  unsigned numInputs = program.inputs.size();
  if (main.getNumArguments() != numInputs + program.outputs.size())
    return main.emitError("kiln codegen: the main function's arguments do "
                          "not match the model's inputs and outputs");
  for (BlockArgument arg : body.getArguments()) {
    bool isInput = arg.getArgNumber() < numInputs;
    uint32_t index =
        isInput ? arg.getArgNumber() : arg.getArgNumber() - numInputs;
    if (failed(addRoot(arg, isInput ? BindingKind::Input : BindingKind::Output,
                       index)))
      return failure();
  }
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (isa<func::ReturnOp, memref::DeallocOp>(op))
      continue;
    if (auto getGlobal = dyn_cast<memref::GetGlobalOp>(op)) {
      if (failed(addConstant(getGlobal)))
        return failure();
      continue;
    }
    if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
      if (failed(addBuffer(op.getResult(0))))
        return failure();
      continue;
    }
    // Reads of input elements (for data-dependent sizes) are cloned into
    // the kernels that need them.
    if (isMemoryEffectFree(&op) || isa<memref::LoadOp>(op))
      continue;
    if (failed(formKernel(&op)))
      return failure();
  }
  return formShapeKernel();
}

LogicalResult kiln::cpu::formKernels(ModuleOp module, func::FuncOp main,
                                     CPUProgram &program) {
  KernelFormer former(module, main, program);
  if (failed(former.run()))
    return failure();
  // A buffer no kernel binds (written only through an erased op) lives
  // for no kernel at all.
  for (ProgramBuffer &buffer : program.buffers)
    if (buffer.firstKernel > buffer.lastKernel)
      buffer.firstKernel = buffer.lastKernel = 0;
  main.erase();
  // Globals only the main function read are now artifact constants.
  for (auto global :
       llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    if (SymbolTable::symbolKnownUseEmpty(global, module))
      global.erase();
  return success();
}
