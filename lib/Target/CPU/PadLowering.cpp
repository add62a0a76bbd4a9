//===- PadLowering.cpp - Paddings as parallel linalg ops ------------------===//

#include "PadLowering.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

void kiln::cpu::lowerPads(func::FuncOp main) {
  SmallVector<tensor::PadOp> pads;
  main.walk([&](tensor::PadOp pad) { pads.push_back(pad); });
  IRRewriter rewriter(main.getContext());
  for (tensor::PadOp pad : pads) {
    Value value = pad.getConstantPaddingValue();
    RankedTensorType type = pad.getResultType();
    auto sourceType = cast<RankedTensorType>(pad.getSource().getType());
    if (!value || !type.hasStaticShape() || !sourceType.hasStaticShape() ||
        !pad.getStaticLow().size() ||
        llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic))
      continue;
    Location loc = pad.getLoc();
    rewriter.setInsertionPoint(pad);
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    Value filled =
        linalg::FillOp::create(rewriter, loc, value, empty).getResult(0);
    SmallVector<OpFoldResult> offsets, sizes,
        strides(type.getRank(), rewriter.getIndexAttr(1));
    for (int64_t d = 0; d < type.getRank(); ++d) {
      offsets.push_back(rewriter.getIndexAttr(pad.getStaticLow()[d]));
      sizes.push_back(rewriter.getIndexAttr(sourceType.getDimSize(d)));
    }
    Value interior = tensor::ExtractSliceOp::create(rewriter, loc, filled,
                                                    offsets, sizes, strides);
    Value copied =
        linalg::CopyOp::create(rewriter, loc, pad.getSource(), interior)
            .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, copied, filled,
                                                       offsets, sizes, strides);
  }
}
