//===- PointwiseConvolution.cpp - 1x1 convolutions as products ------------===//

#include "PointwiseConvolution.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

static bool isPointwise(linalg::Conv2DNchwFchwOp conv) {
  auto weight = cast<RankedTensorType>(conv.getInputs()[1].getType());
  auto input = cast<RankedTensorType>(conv.getInputs()[0].getType());
  auto output = cast<RankedTensorType>(conv.getOutputs()[0].getType());
  return conv.hasPureTensorSemantics() && weight.hasStaticShape() &&
         weight.getDimSize(2) == 1 && weight.getDimSize(3) == 1 &&
         llvm::all_of(conv.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; }) &&
         input.hasStaticShape() && output.hasStaticShape() &&
         input.getDimSize(2) == output.getDimSize(2) &&
         input.getDimSize(3) == output.getDimSize(3);
}

void kiln::cpu::convertPointwiseConvolutions(func::FuncOp main) {
  SmallVector<linalg::Conv2DNchwFchwOp> convs;
  main.walk([&](linalg::Conv2DNchwFchwOp conv) {
    if (isPointwise(conv))
      convs.push_back(conv);
  });
  IRRewriter b(main.getContext());
  MLIRContext *ctx = main.getContext();
  for (linalg::Conv2DNchwFchwOp conv : convs) {
    b.setInsertionPoint(conv);
    Location loc = conv.getLoc();
    Value input = conv.getInputs()[0], weight = conv.getInputs()[1],
          init = conv.getOutputs()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    auto initType = cast<RankedTensorType>(init.getType());
    Type elem = initType.getElementType();
    int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1),
            pixels = inputType.getDimSize(2) * inputType.getDimSize(3),
            f = weightType.getDimSize(0);
    SmallVector<ReassociationIndices> image = {{0}, {1}, {2, 3}};
    Value x = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n, c, pixels}, elem), input, image);
    Value w = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({f, c}, elem), weight,
        ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
    auto resultType = RankedTensorType::get({n, f, pixels}, elem);
    Value acc =
        tensor::CollapseShapeOp::create(b, loc, resultType, init, image);
    // (n, f, p, c): out[n, f, p] += w[f, c] * x[n, c, p].
    AffineExpr dn, df, dp, dc;
    bindDims(ctx, dn, df, dp, dc);
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {df, dc}, ctx),
                                   AffineMap::get(4, 0, {dn, dc, dp}, ctx),
                                   AffineMap::get(4, 0, {dn, df, dp}, ctx)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::parallel, utils::IteratorType::reduction};
    auto product = linalg::GenericOp::create(
        b, loc, TypeRange{resultType}, ValueRange{w, x}, ValueRange{acc}, maps,
        iterators, [](OpBuilder &nb, Location l, ValueRange args) {
          Value mul = arith::MulFOp::create(nb, l, args[0], args[1]);
          linalg::YieldOp::create(
              nb, l, arith::AddFOp::create(nb, l, args[2], mul).getResult());
        });
    Value result = tensor::ExpandShapeOp::create(b, loc, initType,
                                                 product.getResult(0), image);
    b.replaceOp(conv, result);
  }
}
