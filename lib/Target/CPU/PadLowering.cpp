//===- PadLowering.cpp - Paddings as parallel linalg ops ------------------===//

#include "PadLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

/// The elementwise op producing `source` when it can write straight into
/// the padded tensor: its only user is the pad and it does not read its
/// initial value (a tensor.empty).
static linalg::GenericOp fusableProducer(Value source) {
  auto producer = source.getDefiningOp<linalg::GenericOp>();
  if (producer && source.hasOneUse() && producer.getNumDpsInits() == 1 &&
      producer.getNumParallelLoops() == producer.getNumLoops() &&
      !producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)) &&
      producer.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>())
    return producer;
  return {};
}

void kiln::cpu::lowerPads(func::FuncOp main) {
  SmallVector<tensor::PadOp> pads;
  main.walk([&](tensor::PadOp pad) { pads.push_back(pad); });
  IRRewriter rewriter(main.getContext());
  for (tensor::PadOp pad : pads) {
    Value value = pad.getConstantPaddingValue();
    RankedTensorType type = pad.getResultType();
    auto sourceType = cast<RankedTensorType>(pad.getSource().getType());
    if (!value || !value.getDefiningOp<arith::ConstantOp>() ||
        !type.hasStaticShape() || !sourceType.hasStaticShape() ||
        llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic))
      continue;
    Location loc = pad.getLoc();
    linalg::GenericOp producer = fusableProducer(pad.getSource());
    rewriter.setInsertionPoint(producer ? producer.getOperation()
                                        : pad.getOperation());
    Value padding = rewriter.clone(*value.getDefiningOp())->getResult(0);
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    Value filled =
        linalg::FillOp::create(rewriter, loc, padding, empty).getResult(0);
    SmallVector<OpFoldResult> offsets, sizes,
        strides(type.getRank(), rewriter.getIndexAttr(1));
    for (int64_t d = 0; d < type.getRank(); ++d) {
      offsets.push_back(rewriter.getIndexAttr(pad.getStaticLow()[d]));
      sizes.push_back(rewriter.getIndexAttr(sourceType.getDimSize(d)));
    }
    Value interior = tensor::ExtractSliceOp::create(rewriter, loc, filled,
                                                    offsets, sizes, strides);
    Value written;
    if (producer) {
      rewriter.modifyOpInPlace(
          producer, [&] { producer.getDpsInitOperand(0)->set(interior); });
      written = producer.getResult(0);
    } else {
      written = linalg::CopyOp::create(rewriter, loc, pad.getSource(), interior)
                    .getResult(0);
    }
    rewriter.setInsertionPoint(pad);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, written, filled,
                                                       offsets, sizes, strides);
  }
}
