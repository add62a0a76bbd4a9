//===- LoweringUtils.h - shared helpers of the kiln-to-linalg patterns ----===//
//
// Private to lib/Conversion/KilnToLinalg: the per-family populate functions
// and the builders that several families share (empty tensors with dynamic
// sizes, broadcasting linalg.generic, reductions, scalar constants).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_KILNTOLINALG_LOWERINGUTILS_H
#define KILN_LIB_CONVERSION_KILNTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {

/// Computes one result element from the operands' elements (block arguments
/// of a linalg.generic, the output's last when it is read). Returns a null
/// value when the element types are not supported.
using ScalarBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// `tensor.empty` of `type`; dynamic sizes are taken from `dynamicSizes`,
/// one per dynamic dimension, in order.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynamicSizes = {});

/// `tensor.empty` of `type` filled with `value` (a scalar of its element
/// type) by `linalg.fill`.
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value,
                         mlir::ValueRange dynamicSizes = {});

/// A tensor of `init`'s shape whose every element `element` computes from
/// its indices: one all-parallel linalg.generic without inputs.
mlir::Value generateElements(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value init,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>)>
        element);

/// A scalar constant of `type` (float or integer) holding `value`.
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);

/// The signless integer type of the width of `type` when it is a signed or
/// unsigned integer type, else `type`: arith computes on signless integers
/// only.
mlir::Type toSignless(mlir::Type type);

/// Reinterprets `value` as `type` of the same width (a signless integer as
/// ui8 and back): a no-op cast that the LLVM lowering, which drops
/// signedness, folds away.
mlir::Value reinterpret(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, mlir::Type type);

/// Whether every dimension but the first (the batch) is static.
bool hasStaticShapeBeyondBatch(mlir::RankedTensorType type);

/// The dynamic batch size of `resultType` read from `input`'s first
/// dimension (the sizes tensor.empty needs), or nothing when static.
llvm::SmallVector<mlir::Value>
getDynamicBatch(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                mlir::RankedTensorType resultType);

/// The size of dimension `dim` of `value` as an OpFoldResult.
mlir::OpFoldResult getDim(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, int64_t dim);

/// Lowers an elementwise computation with numpy broadcasting to one
/// `linalg.generic` producing `resultType`. Each operand is aligned with the
/// result at its trailing dimensions; a static size-1 dimension against a
/// larger one is read through a constant-0 index. A result dimension that
/// two operands both give dynamically is ambiguous (either could be 1 at run
/// time) and fails with a match-failure reason.
mlir::FailureOr<mlir::Value>
buildBroadcastingGeneric(mlir::ConversionPatternRewriter &rewriter,
                         mlir::Operation *op, mlir::ValueRange operands,
                         mlir::RankedTensorType resultType, ScalarBuilder body);

/// Whether `body` produces a value for operands of `types` (it is run once
/// into a scratch block that is then dropped), so that a pattern can fail
/// before it changes the IR.
bool canBuildScalar(mlir::MLIRContext *ctx, mlir::TypeRange types,
                    ScalarBuilder body);

/// Reduces `input` over the sorted `axes` into a tensor of `input`'s rank
/// minus the axes (no kept dimensions), starting from `init` and combining
/// with `combine(element, accumulator)`; `mapElement`, if given, transforms
/// each element first (e.g. squares it).
mlir::Value
buildReduction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
               llvm::ArrayRef<int64_t> axes, mlir::Value init,
               llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::Value, mlir::Value)>
                   combine);

/// Reshapes `value` to the static-or-compatible `type` with
/// tensor.collapse_shape / tensor.expand_shape (through a 1-D collapse when
/// no single reassociation exists). Fails for dynamic shapes that need more
/// than one dimension regrouped.
mlir::FailureOr<mlir::Value> reshapeTo(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value value,
                                       mlir::RankedTensorType type);

/// The lowest value of a float or integer type (-inf for floats), the
/// identity of max.
mlir::Value createLowest(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type);

/// Per-family pattern sets, each defined at the end of its file.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateContractionPatterns(mlir::RewritePatternSet &patterns);
void populateConvolutionPatterns(mlir::RewritePatternSet &patterns);
void populatePoolingPatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::RewritePatternSet &patterns);
void populateIndexingPatterns(mlir::RewritePatternSet &patterns);
void populateShapePatterns(mlir::RewritePatternSet &patterns);
void populateRecurrentPatterns(mlir::RewritePatternSet &patterns);
void populateMiscPatterns(mlir::RewritePatternSet &patterns);
void populateQuantizedPatterns(mlir::RewritePatternSet &patterns);
void populateSamplingPatterns(mlir::RewritePatternSet &patterns);
void populateTfIdfPatterns(mlir::RewritePatternSet &patterns);
void populateMoreOpsPatterns(mlir::RewritePatternSet &patterns);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_KILNTOLINALG_LOWERINGUTILS_H
