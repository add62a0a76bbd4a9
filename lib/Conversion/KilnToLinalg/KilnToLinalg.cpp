//===- KilnToLinalg.cpp - the kiln-convert-to-linalg pass -----------------===//
//
// Gathers the per-family patterns and runs them as a partial conversion with
// the whole kiln dialect illegal, so that any op left over fails the pass.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "kiln-convert-to-linalg"

namespace kiln {
#define GEN_PASS_DEF_KILNCONVERTTOLINALG
#include "kiln/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;

void kiln::populateKilnToLinalgConversionPatterns(RewritePatternSet &patterns) {
  populateElementwisePatterns(patterns);
  populateContractionPatterns(patterns);
  populateConvolutionPatterns(patterns);
  populatePoolingPatterns(patterns);
  populateReductionPatterns(patterns);
  populateNormalizationPatterns(patterns);
  populateDataMovementPatterns(patterns);
  populateIndexingPatterns(patterns);
  populateShapePatterns(patterns);
  populateRecurrentPatterns(patterns);
  populateMiscPatterns(patterns);
  populateQuantizedPatterns(patterns);
  populateSamplingPatterns(patterns);
  populateTfIdfPatterns(patterns);
  populateMoreOpsPatterns(patterns);
}

namespace {
struct KilnConvertToLinalgPass
    : kiln::impl::KilnConvertToLinalgBase<KilnConvertToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<kiln::KilnDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.addLegalOp<func::FuncOp, func::ReturnOp, func::CallOp,
                      UnrealizedConversionCastOp>();

    RewritePatternSet patterns(ctx);
    kiln::populateKilnToLinalgConversionPatterns(patterns);
    FrozenRewritePatternSet frozen(std::move(patterns));

    // A dry run first: the conversion driver stops at the first op it cannot
    // legalize with a generic message, while a user needs every op that the
    // code generators lack, by name.
    DenseSet<Operation *> legalizable;
    ConversionConfig analysis;
    analysis.legalizableOps = &legalizable;
    if (failed(applyAnalysisConversion(func, target, frozen, analysis)))
      return signalPassFailure();
    bool unsupported = false;
    func.walk([&](Operation *op) {
      if (!isa<kiln::KilnDialect>(op->getDialect()) || legalizable.contains(op))
        return;
      LLVM_DEBUG(llvm::dbgs() << "no lowering for " << *op << "\n");
      // An op with a pattern that declined names the operands as the cause.
      bool hasPattern =
          frozen.getOpSpecificNativePatterns().count(op->getName());
      op->emitError() << op->getName()
                      << " is not supported by kiln's code generators yet"
                      << (hasPattern ? " for these operand types, shapes or "
                                       "attributes"
                                     : "");
      unsupported = true;
    });
    if (unsupported)
      return signalPassFailure();

    if (failed(applyPartialConversion(func, target, frozen)))
      signalPassFailure();
  }
};
} // namespace
