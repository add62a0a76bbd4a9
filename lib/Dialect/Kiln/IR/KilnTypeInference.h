//===- KilnTypeInference.h - helpers shared by result-type inference -*- C++
//-*-===//
//
// Private to the dialect library: the pieces that the `inferReturnTypes` of
// many kiln ops have in common (broadcasting, reading constant operands,
// window arithmetic).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_DIALECT_KILN_IR_KILNTYPEINFERENCE_H
#define KILN_LIB_DIALECT_KILN_IR_KILNTYPEINFERENCE_H

#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace kiln::detail {

using mlir::LogicalResult;

/// Reports an error at `loc` when one is given (inference called from the
/// verifier) and fails; stays quiet when building speculatively.
template <typename... Args>
LogicalResult inferenceError(std::optional<mlir::Location> loc,
                             Args &&...args) {
  return mlir::emitOptionalError(loc, std::forward<Args>(args)...);
}

/// The ranked tensor type of `value`; every kiln operand is one.
mlir::RankedTensorType tensorType(mlir::Value value);

using kiln::getConstantFloats;
using kiln::getConstantInts;

/// The entries of a 1-D integer operand that are known at compile time, with
/// ShapedType::kDynamic for the others: constants, the static dimensions a
/// `kiln.shape` reads, and concatenations of such pieces (the shape vectors
/// exporters build for reshapes with a dynamic batch). Nullopt when even the
/// length is unknown.
std::optional<llvm::SmallVector<int64_t>> getPartialInts(mlir::Value value);

/// The number of entries of a 1-D operand when it is static, or nullopt.
std::optional<int64_t> getStaticLength(mlir::Value value);

/// Numpy-style multidirectional broadcast of `shapes` into `result`.
LogicalResult broadcastShapes(std::optional<mlir::Location> loc,
                              llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                              llvm::SmallVectorImpl<int64_t> &result);

/// Normalizes `axis` in [-rank, rank) to [0, rank), or fails.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// The output extent of a sliding window, or ShapedType::kDynamic.
int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode);

/// Checks that an attribute array has `expected` entries.
LogicalResult checkArraySize(std::optional<mlir::Location> loc,
                             llvm::StringRef name,
                             llvm::ArrayRef<int64_t> values, int64_t expected);

/// A tensor of `shape` whose element type is the i64 type of `ctx`.
mlir::RankedTensorType i64Tensor(mlir::MLIRContext *ctx,
                                 llvm::ArrayRef<int64_t> shape);

/// The most entries a shape-like operand may have. Its length becomes a
/// rank: a [2^31] shape operand would otherwise ask for a 16 GB shape.
constexpr int64_t kMaxShapeLength = 1 << 12;

/// Multiplies two dimensions, keeping kDynamic dynamic; a product that
/// overflows int64 is kDynamic too.
int64_t mulDims(int64_t a, int64_t b);

/// The number of elements of `type`, or kDynamic when a dimension is dynamic
/// or the count overflows int64 (ShapedType::getNumElements wraps around).
int64_t numElements(mlir::ShapedType type);

} // namespace kiln::detail

#endif // KILN_LIB_DIALECT_KILN_IR_KILNTYPEINFERENCE_H
