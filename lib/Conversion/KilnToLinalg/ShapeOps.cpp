//===- ShapeOps.cpp - kiln.shape and kiln.size to tensor ops -------------===//
//
// Shape queries that folding could not turn into constants (they read a
// dynamic dimension, such as a symbolic batch) become tensors built from
// `tensor.dim`.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kiln/Dialect/Kiln/IR/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln;

namespace {

/// Dimension `d` of `value` as an i64 scalar.
Value getDimAsI64(OpBuilder &b, Location loc, Value value, int64_t d) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(d))
    return arith::ConstantOp::create(b, loc,
                                     b.getI64IntegerAttr(type.getDimSize(d)));
  Value dim = tensor::DimOp::create(b, loc, value, d);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), dim);
}

struct ShapeLowering : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isInteger(64))
      return rewriter.notifyMatchFailure(op, "expected a static i64 result");
    SmallVector<Value> dims;
    for (int64_t d = op.getStart(); d < op.getEnd(); ++d)
      dims.push_back(getDimAsI64(rewriter, op.getLoc(), adaptor.getInput(), d));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, dims);
    return success();
  }
};

struct SizeLowering : OpConversionPattern<SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || type.getRank() != 0 || !type.getElementType().isInteger(64))
      return rewriter.notifyMatchFailure(op, "expected an i64 scalar result");
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Value count =
        arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(1));
    for (int64_t d = 0; d < cast<RankedTensorType>(input.getType()).getRank();
         ++d)
      count = arith::MulIOp::create(rewriter, loc, count,
                                    getDimAsI64(rewriter, loc, input, d));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, count);
    return success();
  }
};

} // namespace

void kiln::populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ShapeLowering, SizeLowering>(patterns.getContext());
}
