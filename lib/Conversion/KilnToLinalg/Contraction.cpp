//===- Contraction.cpp - kiln.matmul and kiln.gemm to linalg --------------===//
//
// Plain and equal-batch products become the named linalg.matmul and
// linalg.batch_matmul, which later tiling and vectorization recognize;
// products whose batch dimensions broadcast become a linalg.generic with a
// reduction dimension, so that the broadcast operand is never copied.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;

namespace {

bool isSupportedElement(Type type) {
  return isa<FloatType>(type) || type.isSignlessInteger();
}

Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, x, y));
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, x, y));
}

/// The batch part of an operand's indexing map: its leading dimensions
/// aligned at the end of the result's batch dimensions, a size-1 dimension
/// against a larger one read at index 0.
void appendBatchExprs(RankedTensorType operand, RankedTensorType result,
                      SmallVectorImpl<AffineExpr> &exprs, MLIRContext *ctx) {
  int64_t batch = result.getRank() - 2;
  int64_t operandBatch = operand.getRank() - 2;
  for (int64_t i = 0; i < operandBatch; ++i) {
    int64_t j = i + batch - operandBatch;
    bool broadcast = operand.getDimSize(i) == 1 && result.getDimSize(j) != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(j, ctx));
  }
}

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    if (lhsType.getElementType() != elem || rhsType.getElementType() != elem ||
        !isSupportedElement(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element types");
    int64_t rank = resultType.getRank();
    for (int64_t d = 0; d < rank - 2; ++d)
      if (resultType.isDynamicDim(d))
        return rewriter.notifyMatchFailure(op, "dynamic batch dimension");

    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(rank - 2))
      dynamicSizes.push_back(
          tensor::DimOp::create(rewriter, loc, lhs, lhsType.getRank() - 2));
    if (resultType.isDynamicDim(rank - 1))
      dynamicSizes.push_back(
          tensor::DimOp::create(rewriter, loc, rhs, rhsType.getRank() - 1));
    Value init =
        createFilled(rewriter, loc, resultType,
                     createScalar(rewriter, loc, elem, 0), dynamicSizes);

    if (rank == 2 && lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      rewriter.replaceOp(
          op, linalg::MatmulOp::create(rewriter, loc, TypeRange{resultType},
                                       ValueRange{lhs, rhs}, ValueRange{init}));
      return success();
    }
    if (rank == 3 && lhsType.getRank() == 3 && rhsType.getRank() == 3 &&
        lhsType.getDimSize(0) == rhsType.getDimSize(0)) {
      rewriter.replaceOp(op, linalg::BatchMatmulOp::create(
                                 rewriter, loc, TypeRange{resultType},
                                 ValueRange{lhs, rhs}, ValueRange{init}));
      return success();
    }

    // Broadcast batch dimensions: loops (batch..., m, n, k).
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m = getAffineDimExpr(rank - 2, ctx);
    AffineExpr n = getAffineDimExpr(rank - 1, ctx);
    AffineExpr k = getAffineDimExpr(rank, ctx);
    SmallVector<AffineExpr> lhsExprs, rhsExprs;
    appendBatchExprs(lhsType, resultType, lhsExprs, ctx);
    appendBatchExprs(rhsType, resultType, rhsExprs, ctx);
    lhsExprs.append({m, k});
    rhsExprs.append({k, n});
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, lhsExprs, ctx),
        AffineMap::get(rank + 1, 0, rhsExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{lhs, rhs},
        ValueRange{init}, maps, iterators,
        [](OpBuilder &b, Location nested, ValueRange args) {
          linalg::YieldOp::create(
              b, nested, multiplyAdd(b, nested, args[0], args[1], args[2]));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// alpha * op(a) * op(b) + beta * c: a linalg.matmul whose indexing maps
/// read the transposed operands in place, then (only when alpha != 1 or c is
/// present) one elementwise epilogue that broadcasts c.
struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    Value a = adaptor.getA(), b = adaptor.getB(), c = adaptor.getC();
    if (getElementTypeOrSelf(a.getType()) != elem ||
        getElementTypeOrSelf(b.getType()) != elem ||
        (c && getElementTypeOrSelf(c.getType()) != elem) ||
        !isSupportedElement(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element types");
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    if (!isa<FloatType>(elem) && (alpha != 1 || (c && beta != 1)))
      return rewriter.notifyMatchFailure(op, "integer gemm with scaling");

    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(0))
      dynamicSizes.push_back(
          tensor::DimOp::create(rewriter, loc, a, op.getTransA() ? 1 : 0));
    if (resultType.isDynamicDim(1))
      dynamicSizes.push_back(
          tensor::DimOp::create(rewriter, loc, b, op.getTransB() ? 0 : 1));
    Value init =
        createFilled(rewriter, loc, resultType,
                     createScalar(rewriter, loc, elem, 0), dynamicSizes);

    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto map = [&](AffineExpr x, AffineExpr y) {
      return AffineMapAttr::get(AffineMap::get(3, 0, {x, y}, ctx));
    };
    Attribute maps[] = {op.getTransA() ? map(k, m) : map(m, k),
                        op.getTransB() ? map(n, k) : map(k, n), map(m, n)};
    NamedAttribute mapsAttr(rewriter.getStringAttr("indexing_maps"),
                            rewriter.getArrayAttr(maps));
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{resultType},
                                 ValueRange{a, b}, ValueRange{init}, {mapsAttr})
            .getResult(0);
    if (alpha == 1 && (!c || beta == 0)) {
      rewriter.replaceOp(op, product);
      return success();
    }

    SmallVector<Value> operands = {product};
    if (c && beta != 0)
      operands.push_back(c);
    auto result = buildBroadcastingGeneric(
        rewriter, op, operands, resultType,
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value v = args[0];
          if (alpha != 1)
            v = arith::MulFOp::create(nb, nl, v,
                                      createScalar(nb, nl, elem, alpha));
          if (args.size() == 1)
            return v;
          Value bias = args[1];
          if (beta != 1)
            bias = isa<FloatType>(elem)
                       ? arith::MulFOp::create(nb, nl, bias,
                                               createScalar(nb, nl, elem, beta))
                             .getResult()
                       : bias;
          return isa<FloatType>(elem)
                     ? arith::AddFOp::create(nb, nl, v, bias).getResult()
                     : arith::AddIOp::create(nb, nl, v, bias).getResult();
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

} // namespace

void kiln::populateContractionPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}
