//===- LoweringUtils.cpp - shared helpers of the kiln-to-linalg patterns --===//

#include "LoweringUtils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace kiln {

Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange dynamicSizes) {
  return tensor::EmptyOp::create(b, loc, type, dynamicSizes);
}

Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value, ValueRange dynamicSizes) {
  Value empty = createEmpty(b, loc, type, dynamicSizes);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value createScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value createLowest(OpBuilder &b, Location loc, Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/true)));
  unsigned width = type.getIntOrFloatBitWidth();
  // i1 holds booleans, whose lowest value is false (its signed minimum would
  // be true, read as -1).
  APInt lowest = width == 1 ? APInt(1, 0) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, lowest));
}

OpFoldResult getDim(OpBuilder &b, Location loc, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, value, dim).getResult();
}

Type toSignless(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType || intType.isSignless())
    return type;
  return IntegerType::get(type.getContext(), intType.getWidth());
}

Value reinterpret(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return UnrealizedConversionCastOp::create(b, loc, type, value).getResult(0);
}

bool hasStaticShapeBeyondBatch(RankedTensorType type) {
  return type.getRank() > 0 &&
         llvm::all_of(type.getShape().drop_front(),
                      [](int64_t d) { return !ShapedType::isDynamic(d); });
}

SmallVector<Value> getDynamicBatch(OpBuilder &b, Location loc, Value input,
                                   RankedTensorType resultType) {
  if (!resultType.isDynamicDim(0))
    return {};
  return {tensor::DimOp::create(b, loc, input, 0).getResult()};
}

bool canBuildScalar(MLIRContext *ctx, TypeRange types, ScalarBuilder body) {
  Location loc = UnknownLoc::get(ctx);
  auto block = std::make_unique<Block>();
  for (Type type : types)
    block->addArgument(type, loc);
  OpBuilder b(ctx);
  b.setInsertionPointToStart(block.get());
  return static_cast<bool>(body(b, loc, block->getArguments()));
}

FailureOr<Value> buildBroadcastingGeneric(ConversionPatternRewriter &rewriter,
                                          Operation *op, ValueRange operands,
                                          RankedTensorType resultType,
                                          ScalarBuilder body) {
  Location loc = op->getLoc();
  MLIRContext *ctx = rewriter.getContext();
  int64_t rank = resultType.getRank();

  SmallVector<Type> elementTypes;
  for (Value operand : operands)
    elementTypes.push_back(getElementTypeOrSelf(operand.getType()));
  if (!canBuildScalar(ctx, elementTypes, body))
    return rewriter.notifyMatchFailure(op, "unsupported element types");

  // Where each dynamic result dimension's size comes from: the first
  // operand that has that dimension dynamic. Dynamic dimensions that meet
  // are taken to be equal (a symbolic batch or sequence always is): kiln
  // does not broadcast a dimension whose size 1 is known only at run time.
  SmallVector<Value> dynamicSizes;
  SmallVector<AffineMap> maps;
  for (int64_t j = 0; j < rank; ++j) {
    if (!resultType.isDynamicDim(j))
      continue;
    Value source;
    int64_t sourceDim = 0;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t offset = rank - type.getRank();
      if (j < offset || !type.isDynamicDim(j - offset))
        continue;
      source = operand;
      sourceDim = j - offset;
      break;
    }
    if (!source)
      return rewriter.notifyMatchFailure(
          op, "dynamic result dimension with static operands");
    dynamicSizes.push_back(
        tensor::DimOp::create(rewriter, loc, source, sourceDim));
  }
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t offset = rank - type.getRank();
    if (offset < 0)
      return rewriter.notifyMatchFailure(op, "operand of higher rank");
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      int64_t j = i + offset;
      bool broadcast = type.getDimSize(i) == 1 && resultType.getDimSize(j) != 1;
      exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(j, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));

  Value init = createEmpty(rewriter, loc, resultType, dynamicSizes);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &b, Location nested, ValueRange args) {
        Value result = body(b, nested, args.drop_back());
        linalg::YieldOp::create(b, nested, result);
      });
  return generic.getResult(0);
}

Value buildReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamicSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    shape.push_back(type.getDimSize(d));
    outExprs.push_back(getAffineDimExpr(d, ctx));
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
  }
  auto outType = RankedTensorType::get(shape, type.getElementType());
  Value acc = createFilled(b, loc, outType, init, dynamicSizes);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{input}, ValueRange{acc},
             maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       combine(nb, nl, args[0], args[1]));
             })
      .getResult(0);
}

FailureOr<Value> reshapeTo(OpBuilder &b, Location loc, Value value,
                           RankedTensorType type) {
  auto srcType = cast<RankedTensorType>(value.getType());
  if (srcType == type)
    return value;
  if (srcType.getRank() > type.getRank()) {
    if (auto r = getReassociationIndicesForReshape(srcType, type))
      return tensor::CollapseShapeOp::create(b, loc, type, value, *r)
          .getResult();
  } else if (srcType.getRank() < type.getRank()) {
    if (auto r = getReassociationIndicesForReshape(type, srcType))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *r).getResult();
  }
  // No single regrouping (a shuffle of the dimensions' sizes): go through
  // one dimension, which needs every size known.
  if (!srcType.hasStaticShape() || !type.hasStaticShape() ||
      srcType.getRank() == 0 || type.getRank() == 0)
    return failure();
  auto flatType =
      RankedTensorType::get({srcType.getNumElements()}, type.getElementType());
  SmallVector<ReassociationIndices> collapse = {
      llvm::to_vector(llvm::seq<int64_t>(0, srcType.getRank()))};
  Value flat =
      tensor::CollapseShapeOp::create(b, loc, flatType, value, collapse);
  SmallVector<ReassociationIndices> expand = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  return tensor::ExpandShapeOp::create(b, loc, type, flat, expand).getResult();
}

} // namespace kiln

Value kiln::generateElements(
    OpBuilder &b, Location loc, Value init,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> element) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank();
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> indices;
               for (int64_t d = 0; d < rank; ++d)
                 indices.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(nb, l,
                                       ValueRange{element(nb, l, indices)});
             })
      .getResult(0);
}
