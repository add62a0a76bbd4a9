//===- SizeAnalysis.cpp - Index values as symbolic sizes ------------------===//

#include "SizeAnalysis.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::cpu;

using MaybeSize = std::optional<SymbolicSize>;

std::optional<SymbolicSize> SizeAnalysis::sizeOf(Value value) {
  auto it = cache.find(value);
  if (it != cache.end())
    return it->second;
  MaybeSize result = compute(value);
  cache[value] = result;
  return result;
}

std::optional<SymbolicSize> SizeAnalysis::dimOf(Value shaped, unsigned dim) {
  auto type = dyn_cast<ShapedType>(shaped.getType());
  if (!type || !type.hasRank() || dim >= type.getRank())
    return std::nullopt;
  if (!type.isDynamicDim(dim))
    return SymbolicSize::constant(type.getDimSize(dim));
  if (auto arg = dyn_cast<BlockArgument>(shaped))
    return argumentDim(arg, dim);
  Operation *def = shaped.getDefiningOp();
  // The n-th dynamic dimension of an allocation is its n-th size operand.
  auto dynamicIndex = [&](ShapedType t) {
    unsigned n = 0;
    for (unsigned i = 0; i < dim; ++i)
      n += t.isDynamicDim(i);
    return n;
  };
  if (auto alloc = dyn_cast<memref::AllocOp>(def))
    return sizeOf(alloc.getDynamicSizes()[dynamicIndex(type)]);
  if (auto alloca = dyn_cast<memref::AllocaOp>(def))
    return sizeOf(alloca.getDynamicSizes()[dynamicIndex(type)]);
  if (auto empty = dyn_cast<tensor::EmptyOp>(def))
    return sizeOf(empty.getDynamicSizes()[dynamicIndex(type)]);
  if (auto cast = dyn_cast<memref::CastOp>(def))
    return dimOf(cast.getSource(), dim);
  // A loop's tensor result has its initial value's shape, as does an insert.
  if (auto loop = dyn_cast<scf::ForOp>(def))
    return dimOf(loop.getInitArgs()[cast<OpResult>(shaped).getResultNumber()],
                 dim);
  if (auto insert = dyn_cast<tensor::InsertOp>(def))
    return dimOf(insert.getDest(), dim);
  if (auto cast = dyn_cast<tensor::CastOp>(def))
    return dimOf(cast.getSource(), dim);
  // Reshapes: a collapsed dimension is the product of its group, an expanded
  // one is recorded on the op.
  auto collapsed = [&](Value source, ArrayRef<ReassociationIndices> groups)
      -> std::optional<SymbolicSize> {
    std::optional<SymbolicSize> product = SymbolicSize::constant(1);
    for (int64_t d : groups[dim]) {
      std::optional<SymbolicSize> size = dimOf(source, d);
      product = product && size ? product->mul(*size) : std::nullopt;
    }
    return product;
  };
  auto expanded =
      [&](SmallVector<OpFoldResult> shape) -> std::optional<SymbolicSize> {
    if (std::optional<int64_t> c = getConstantIntValue(shape[dim]))
      return SymbolicSize::constant(*c);
    return sizeOf(cast<Value>(shape[dim]));
  };
  if (auto op = dyn_cast<memref::CollapseShapeOp>(def))
    return collapsed(op.getSrc(), op.getReassociationIndices());
  if (auto op = dyn_cast<tensor::CollapseShapeOp>(def))
    return collapsed(op.getSrc(), op.getReassociationIndices());
  if (auto op = dyn_cast<memref::ExpandShapeOp>(def))
    return expanded(op.getMixedOutputShape());
  if (auto op = dyn_cast<tensor::ExpandShapeOp>(def))
    return expanded(op.getMixedOutputShape());
  // Ops on tensors say how their result shapes follow from their operands;
  // the IR this creates is dead once read and left to the canonicalizer.
  if (isa<ReifyRankedShapedTypeOpInterface>(def)) {
    OpBuilder b(def);
    ReifiedRankedShapedTypeDims shapes;
    if (failed(reifyResultShapes(b, def, shapes)))
      return std::nullopt;
    OpFoldResult size = shapes[cast<OpResult>(shaped).getResultNumber()][dim];
    if (std::optional<int64_t> c = getConstantIntValue(size))
      return SymbolicSize::constant(*c);
    return sizeOf(cast<Value>(size));
  }
  return std::nullopt;
}

/// Folds an affine expression over the sizes of its operands.
static MaybeSize evaluateAffine(AffineExpr expr, ArrayRef<MaybeSize> dims,
                                ArrayRef<MaybeSize> symbols) {
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return SymbolicSize::constant(c.getValue());
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return dims[d.getPosition()];
  if (auto s = dyn_cast<AffineSymbolExpr>(expr))
    return symbols[s.getPosition()];
  auto bin = cast<AffineBinaryOpExpr>(expr);
  MaybeSize lhs = evaluateAffine(bin.getLHS(), dims, symbols);
  MaybeSize rhs = evaluateAffine(bin.getRHS(), dims, symbols);
  if (!lhs || !rhs)
    return std::nullopt;
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return lhs->add(*rhs);
  case AffineExprKind::Mul:
    return lhs->mul(*rhs);
  case AffineExprKind::CeilDiv:
    if (!rhs->isConstant())
      return std::nullopt;
    return lhs->ceilDiv(rhs->getConstant());
  case AffineExprKind::FloorDiv:
    if (!rhs->isConstant())
      return std::nullopt;
    return lhs->floorDiv(rhs->getConstant());
  default:
    if (lhs->isConstant() && rhs->isConstant() && rhs->getConstant() > 0)
      return SymbolicSize::constant(lhs->getConstant() % rhs->getConstant());
    return std::nullopt;
  }
}

/// The result of a binary arithmetic op over two sizes.
template <typename Fn>
static MaybeSize binary(SizeAnalysis &analysis, Operation *op, Fn fn) {
  MaybeSize lhs = analysis.sizeOf(op->getOperand(0));
  MaybeSize rhs = analysis.sizeOf(op->getOperand(1));
  if (!lhs || !rhs)
    return std::nullopt;
  return fn(*lhs, *rhs);
}

std::optional<SymbolicSize> SizeAnalysis::compute(Value value) {
  if (std::optional<int64_t> c = getConstantIntValue(value))
    return SymbolicSize::constant(*c);
  Operation *def = value.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (auto symbol = def->getAttrOfType<IntegerAttr>(kComputedSymbolAttr))
    return SymbolicSize::symbol(symbol.getInt());
  auto constantRhs = [](const SymbolicSize &rhs) -> std::optional<int64_t> {
    if (rhs.isConstant())
      return rhs.getConstant();
    return std::nullopt;
  };
  return llvm::TypeSwitch<Operation *, MaybeSize>(def)
      .Case<memref::DimOp, tensor::DimOp>([&](auto dimOp) -> MaybeSize {
        std::optional<int64_t> index = dimOp.getConstantIndex();
        if (!index)
          return std::nullopt;
        return dimOf(dimOp.getSource(), *index);
      })
      .Case<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
            arith::ExtUIOp>(
          [&](auto cast) { return sizeOf(cast->getOperand(0)); })
      .Case<arith::AddIOp>([&](Operation *op) {
        return binary(*this, op, [](auto &a, auto &b) { return a.add(b); });
      })
      .Case<arith::SubIOp>([&](Operation *op) {
        return binary(*this, op, [](auto &a, auto &b) -> MaybeSize {
          MaybeSize negated = b.negate();
          return negated ? a.add(*negated) : std::nullopt;
        });
      })
      .Case<arith::MulIOp>([&](Operation *op) {
        return binary(*this, op, [](auto &a, auto &b) { return a.mul(b); });
      })
      .Case<arith::DivSIOp, arith::DivUIOp, arith::FloorDivSIOp>(
          [&](Operation *op) {
            return binary(*this, op, [&](auto &a, auto &b) -> MaybeSize {
              std::optional<int64_t> d = constantRhs(b);
              return d ? a.floorDiv(*d) : std::nullopt;
            });
          })
      .Case<arith::CeilDivSIOp, arith::CeilDivUIOp>([&](Operation *op) {
        return binary(*this, op, [&](auto &a, auto &b) -> MaybeSize {
          std::optional<int64_t> d = constantRhs(b);
          return d ? a.ceilDiv(*d) : std::nullopt;
        });
      })
      .Case<arith::MaxSIOp, arith::MinSIOp>([&](Operation *op) {
        return binary(*this, op, [&](auto &a, auto &b) -> MaybeSize {
          if (a == b)
            return a;
          if (!a.isConstant() || !b.isConstant())
            return std::nullopt;
          bool max = isa<arith::MaxSIOp>(op);
          int64_t x = a.getConstant(), y = b.getConstant();
          return SymbolicSize::constant(max ? std::max(x, y) : std::min(x, y));
        });
      })
      .Case<affine::AffineApplyOp>([&](affine::AffineApplyOp apply) {
        AffineMap map = apply.getAffineMap();
        SmallVector<MaybeSize> dims, symbols;
        for (Value v : apply.getDimOperands())
          dims.push_back(sizeOf(v));
        for (Value v : apply.getSymbolOperands())
          symbols.push_back(sizeOf(v));
        return evaluateAffine(map.getResult(0), dims, symbols);
      })
      .Default([](Operation *) { return std::nullopt; });
}
