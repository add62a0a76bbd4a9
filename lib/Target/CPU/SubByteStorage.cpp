//===- SubByteStorage.cpp - A byte per sub-byte element -------------------===//

#include "SubByteStorage.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

bool isSubByte(Type type) {
  if (auto i = dyn_cast<IntegerType>(type))
    return i.getWidth() > 1 && i.getWidth() < 8;
  if (auto f = dyn_cast<FloatType>(type))
    return f.getWidth() < 8;
  return false;
}

/// The 8-bit type holding a sub-byte element: same signedness for the
/// integers, signless for the floats.
Type storageOf(Type element) {
  if (auto i = dyn_cast<IntegerType>(element))
    return IntegerType::get(element.getContext(), 8, i.getSignedness());
  return IntegerType::get(element.getContext(), 8);
}

bool isSubByteTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isSubByte(tensor.getElementType());
}

Type widen(Type type) {
  if (!isSubByteTensor(type))
    return type;
  auto tensor = cast<RankedTensorType>(type);
  return tensor.clone(storageOf(tensor.getElementType()));
}

/// Reinterprets `x` as `type` of the same width (signedness only).
Value retag(OpBuilder &b, Location loc, Value x, Type type) {
  if (x.getType() == type)
    return x;
  return UnrealizedConversionCastOp::create(b, loc, type, x).getResult(0);
}

/// The sub-byte scalar `x` in its storage byte (zero-extended bits).
Value toStorage(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Type bitsType = b.getIntegerType(type.getIntOrFloatBitWidth());
  Value bits = isa<FloatType>(type)
                   ? arith::BitcastOp::create(b, loc, bitsType, x).getResult()
                   : retag(b, loc, x, bitsType);
  Value byte = arith::ExtUIOp::create(b, loc, b.getI8Type(), bits);
  return retag(b, loc, byte, storageOf(type));
}

/// The storage byte `x` as the sub-byte scalar type `original`.
Value fromStorage(OpBuilder &b, Location loc, Value x, Type original) {
  Type bitsType = b.getIntegerType(original.getIntOrFloatBitWidth());
  Value bits = arith::TruncIOp::create(b, loc, bitsType,
                                       retag(b, loc, x, b.getI8Type()));
  if (isa<FloatType>(original))
    return arith::BitcastOp::create(b, loc, original, bits);
  return retag(b, loc, bits, original);
}

/// Gives `value` (of sub-byte type) its storage type; its users read the
/// narrow value back through a truncation built after `setInsertionPoint`.
void widenScalar(OpBuilder &b, Value value) {
  Type original = value.getType();
  auto uses =
      llvm::map_to_vector(value.getUses(), [](OpOperand &use) { return &use; });
  value.setType(storageOf(original));
  Value narrow = fromStorage(b, value.getLoc(), value, original);
  for (OpOperand *use : uses)
    use->set(narrow);
}

LogicalResult widenPayload(OpBuilder &b, linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isSubByteTensor(operand.get().getType()))
      continue;
    BlockArgument arg = body.getArgument(operand.getOperandNumber());
    if (!isSubByte(arg.getType()))
      continue;
    b.setInsertionPointToStart(&body);
    widenScalar(b, arg);
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  for (OpOperand &init : op.getDpsInitsMutable()) {
    if (!isSubByteTensor(init.get().getType()))
      continue;
    OpOperand &yielded =
        yield->getOpOperand(op.getTiedOpResult(&init).getResultNumber());
    b.setInsertionPoint(yield);
    yielded.set(toStorage(b, yield.getLoc(), yielded.get()));
  }
  return success();
}

FailureOr<Attribute> widenConstant(ElementsAttr value) {
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return failure();
  auto type = cast<RankedTensorType>(widen(dense.getType()));
  SmallVector<APInt> bytes;
  if (isa<FloatType>(dense.getElementType())) {
    for (const APFloat &f : dense.getValues<APFloat>())
      bytes.push_back(f.bitcastToAPInt().zext(8));
  } else {
    for (const APInt &i : dense.getValues<APInt>())
      bytes.push_back(i.zext(8));
  }
  return Attribute(DenseElementsAttr::get(type, bytes));
}

} // namespace

LogicalResult kiln::cpu::widenSubByteStorage(ModuleOp module) {
  bool any = false;
  module.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      any |= isSubByteTensor(t);
    for (Type t : op->getOperandTypes())
      any |= isSubByteTensor(t);
    if (auto fn = dyn_cast<func::FuncOp>(op))
      for (Type t : fn.getFunctionType().getInputs())
        any |= isSubByteTensor(t);
  });
  if (!any)
    return success();

  IRRewriter rewriter(module.getContext());
  // Named ops carry implicit bodies: spell them out first.
  SmallVector<linalg::LinalgOp> named;
  module.walk([&](linalg::LinalgOp op) {
    if (!isa<linalg::GenericOp>(op) &&
        llvm::any_of(op->getOperandTypes(), isSubByteTensor))
      named.push_back(op);
  });
  for (linalg::LinalgOp op : named) {
    rewriter.setInsertionPoint(op);
    if (failed(linalg::generalizeNamedOp(rewriter, op)))
      return op->emitError("kiln cannot store the sub-byte elements of this "
                           "op a byte each");
  }

  // Where scalars meet tensors: bodies, extracts, inserts and constants.
  WalkResult walk = module.walk([&](Operation *op) -> WalkResult {
    OpBuilder b(op);
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      return widenPayload(b, generic);
    if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
      if (!isSubByte(extract.getType()))
        return WalkResult::advance();
      b.setInsertionPointAfter(extract);
      widenScalar(b, extract.getResult());
      return WalkResult::advance();
    }
    if (isa<tensor::InsertOp, tensor::FromElementsOp, tensor::SplatOp,
            tensor::YieldOp>(op)) {
      for (OpOperand &operand : op->getOpOperands())
        if (isSubByte(operand.get().getType()))
          operand.set(toStorage(b, op->getLoc(), operand.get()));
      return WalkResult::advance();
    }
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      if (!isSubByteTensor(constant.getType()))
        return WalkResult::advance();
      FailureOr<Attribute> widened =
          widenConstant(cast<ElementsAttr>(constant.getValue()));
      if (failed(widened)) {
        constant.emitError("kiln cannot store the sub-byte elements of this "
                           "constant a byte each (not a dense constant)");
        return WalkResult::interrupt();
      }
      constant.setValueAttr(cast<TypedAttr>(*widened));
      return WalkResult::advance();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  // Every tensor value and signature.
  module.walk([&](Operation *op) {
    for (Value result : op->getResults())
      result.setType(widen(result.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(widen(arg.getType()));
    if (auto fn = dyn_cast<func::FuncOp>(op)) {
      SmallVector<Type> inputs, results;
      for (Type t : fn.getFunctionType().getInputs())
        inputs.push_back(widen(t));
      for (Type t : fn.getFunctionType().getResults())
        results.push_back(widen(t));
      fn.setFunctionType(
          FunctionType::get(module.getContext(), inputs, results));
    }
  });
  return module.verify();
}
