//===- KilnRandomOps.cpp - random number generation -----------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

/// Random tensors take their shape from a 1-D shape operand and their
/// element type from `dtype`.
template <typename Adaptor>
static LogicalResult inferRandom(std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  std::optional<int64_t> rank = getStaticLength(adaptor.getShape());
  if (!rank || tensorType(adaptor.getShape()).getRank() != 1 ||
      *rank > kMaxShapeLength)
    return inferenceError(loc,
                          "shape must be a 1-D tensor of static length "
                          "(at most ",
                          kMaxShapeLength, ")");
  SmallVector<int64_t> shape(*rank, ShapedType::kDynamic);
  if (auto dims = getConstantInts(adaptor.getShape())) {
    if (llvm::any_of(*dims, [](int64_t d) { return d < 0; }))
      return inferenceError(loc, "shape entries must be non-negative");
    shape.assign(dims->begin(), dims->end());
  }
  if (!isa<FloatType>(adaptor.getDtype()))
    return inferenceError(loc, "dtype must be a floating-point type");
  inferred.push_back(RankedTensorType::get(shape, adaptor.getDtype()));
  return success();
}

LogicalResult
RandomUniformOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  return inferRandom(loc, adaptor, inferred);
}

LogicalResult
RandomNormalOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  return inferRandom(loc, adaptor, inferred);
}

LogicalResult BernoulliOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (!isa<FloatType>(input.getElementType()))
    return inferenceError(loc, "probabilities must be floating point");
  inferred.push_back(input.clone(adaptor.getDtype()));
  return success();
}
