//===- KilnNNOps.cpp - neural-network kiln operations ---------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

static bool staticMismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType lhs = tensorType(adaptor.getLhs());
  RankedTensorType rhs = tensorType(adaptor.getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return inferenceError(loc, "operands must have rank 2 or more, got ",
                          lhs.getRank(), " and ", rhs.getRank());
  if (lhs.getElementType() != rhs.getElementType())
    return inferenceError(loc, "operand element types differ: ",
                          lhs.getElementType(), " and ", rhs.getElementType());
  ArrayRef<int64_t> l = lhs.getShape(), r = rhs.getShape();
  int64_t k1 = l.back(), k2 = r[r.size() - 2];
  if (staticMismatch(k1, k2))
    return inferenceError(loc, "contraction sizes differ: lhs has ", k1,
                          " columns, rhs has ", k2, " rows");
  SmallVector<int64_t> batch;
  if (failed(broadcastShapes(loc, {l.drop_back(2), r.drop_back(2)}, batch)))
    return failure();
  batch.push_back(l[l.size() - 2]);
  batch.push_back(r.back());
  inferred.push_back(RankedTensorType::get(batch, lhs.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType a = tensorType(adaptor.getA());
  RankedTensorType b = tensorType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return inferenceError(loc, "a and b must be 2-D, got rank ", a.getRank(),
                          " and ", b.getRank());
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t ka = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (staticMismatch(ka, kb))
    return inferenceError(loc, "contraction sizes differ: ", ka, " and ", kb);
  SmallVector<int64_t> shape = {m, n};
  if (Value c = adaptor.getC()) {
    SmallVector<int64_t> broadcast;
    if (tensorType(c).getRank() > 2 ||
        failed(broadcastShapes(std::nullopt, {shape, tensorType(c).getShape()},
                               broadcast)))
      return inferenceError(loc, "c does not broadcast to [", m, ", ", n, "]");
  }
  inferred.push_back(RankedTensorType::get(shape, a.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// Checks the spatial attributes of a convolution or pooling op over
/// `spatialRank` dimensions.
static LogicalResult checkWindowAttrs(std::optional<Location> loc,
                                      int64_t spatialRank,
                                      ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> dilations,
                                      ArrayRef<int64_t> pads) {
  if (failed(checkArraySize(loc, "strides", strides, spatialRank)) ||
      failed(checkArraySize(loc, "dilations", dilations, spatialRank)) ||
      failed(checkArraySize(loc, "pads", pads, 2 * spatialRank)))
    return failure();
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }))
    return inferenceError(loc, "strides must be positive");
  if (llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return inferenceError(loc, "dilations must be positive");
  return success();
}

static LogicalResult checkBias(std::optional<Location> loc, Value bias,
                               int64_t channels) {
  if (!bias)
    return success();
  RankedTensorType type = tensorType(bias);
  if (type.getRank() != 1 || staticMismatch(type.getDimSize(0), channels))
    return inferenceError(loc, "bias must be 1-D with ", channels, " entries");
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  RankedTensorType weight = tensorType(adaptor.getWeight());
  int64_t rank = input.getRank();
  if (rank < 3 || weight.getRank() != rank)
    return inferenceError(loc,
                          "input and weight must have the same rank >= 3, got ",
                          rank, " and ", weight.getRank());
  int64_t spatial = rank - 2;
  if (failed(checkWindowAttrs(loc, spatial, adaptor.getStrides(),
                              adaptor.getDilations(), adaptor.getPads())))
    return failure();
  int64_t group = adaptor.getGroup();
  int64_t channels = input.getDimSize(1);
  int64_t outChannels = weight.getDimSize(0);
  if (staticMismatch(channels, mulDims(weight.getDimSize(1), group)))
    return inferenceError(loc, "input channels (", channels,
                          ") must equal weight channels (",
                          weight.getDimSize(1), ") times groups (", group, ")");
  if (!ShapedType::isDynamic(outChannels) && outChannels % group != 0)
    return inferenceError(loc, "output channels (", outChannels,
                          ") must be a multiple of groups (", group, ")");
  if (failed(checkBias(loc, adaptor.getBias(), outChannels)))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), outChannels};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t kernel = weight.getDimSize(2 + i);
    shape.push_back(ShapedType::isDynamic(kernel)
                        ? ShapedType::kDynamic
                        : windowOutputSize(input.getDimSize(2 + i), kernel,
                                           adaptor.getStrides()[i],
                                           adaptor.getDilations()[i],
                                           adaptor.getPads()[i],
                                           adaptor.getPads()[spatial + i],
                                           /*ceilMode=*/false));
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult
ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  RankedTensorType weight = tensorType(adaptor.getWeight());
  int64_t rank = input.getRank();
  if (rank < 3 || weight.getRank() != rank)
    return inferenceError(loc,
                          "input and weight must have the same rank >= 3, got ",
                          rank, " and ", weight.getRank());
  int64_t spatial = rank - 2;
  if (failed(checkWindowAttrs(loc, spatial, adaptor.getStrides(),
                              adaptor.getDilations(), adaptor.getPads())) ||
      failed(checkArraySize(loc, "output_padding", adaptor.getOutputPadding(),
                            spatial)))
    return failure();
  if (staticMismatch(input.getDimSize(1), weight.getDimSize(0)))
    return inferenceError(loc, "input channels (", input.getDimSize(1),
                          ") must equal weight dimension 0 (",
                          weight.getDimSize(0), ")");
  int64_t outChannels = mulDims(weight.getDimSize(1), adaptor.getGroup());
  if (failed(checkBias(loc, adaptor.getBias(), outChannels)))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), outChannels};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(2 + i), kernel = weight.getDimSize(2 + i);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    // strides * (in - 1) + output_padding + (kernel - 1) * dilations + 1 -
    // pads, each step checked for overflow.
    int64_t out, extent;
    if (llvm::MulOverflow(adaptor.getStrides()[i], in - 1, out) ||
        llvm::MulOverflow(kernel - 1, adaptor.getDilations()[i], extent) ||
        llvm::AddOverflow(out, extent, out) ||
        llvm::AddOverflow(out, adaptor.getOutputPadding()[i], out) ||
        llvm::AddOverflow(out, int64_t(1), out) ||
        llvm::SubOverflow(out, adaptor.getPads()[i], out) ||
        llvm::SubOverflow(out, adaptor.getPads()[spatial + i], out))
      return inferenceError(loc, "output extent of spatial dimension ", i,
                            " overflows int64");
    if (out < 0)
      return inferenceError(loc, "output extent of spatial dimension ", i,
                            " is negative (", out, ")");
    shape.push_back(out);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

/// Checks that each of `vectors` is 1-D with `channels` entries.
static LogicalResult checkChannelVectors(std::optional<Location> loc,
                                         ValueRange vectors, int64_t channels,
                                         StringRef what) {
  for (Value v : vectors) {
    RankedTensorType type = tensorType(v);
    if (type.getRank() != 1 || staticMismatch(type.getDimSize(0), channels))
      return inferenceError(loc, what, " operands must be 1-D with ", channels,
                            " entries, got ", type);
  }
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() < 2)
    return inferenceError(loc, "input must have rank 2 or more");
  if (failed(checkChannelVectors(loc,
                                 {adaptor.getScale(), adaptor.getBias(),
                                  adaptor.getMean(), adaptor.getVariance()},
                                 input.getDimSize(1),
                                 "scale, bias, mean and variance")))
    return failure();
  inferred.push_back(input);
  return success();
}

LogicalResult
InstanceNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() < 3)
    return inferenceError(loc, "input must have rank 3 or more");
  if (failed(checkChannelVectors(loc, {adaptor.getScale(), adaptor.getBias()},
                                 input.getDimSize(1), "scale and bias")))
    return failure();
  inferred.push_back(input);
  return success();
}

LogicalResult GroupNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() < 2)
    return inferenceError(loc, "input must have rank 2 or more");
  int64_t channels = input.getDimSize(1);
  if (!ShapedType::isDynamic(channels) &&
      channels % adaptor.getNumGroups() != 0)
    return inferenceError(loc, "channels (", channels,
                          ") must be a multiple of num_groups (",
                          adaptor.getNumGroups(), ")");
  if (failed(checkChannelVectors(loc, {adaptor.getScale(), adaptor.getBias()},
                                 channels, "scale and bias")))
    return failure();
  inferred.push_back(input);
  return success();
}

/// Scale (and bias) of layer and RMS normalization broadcast to the
/// normalized dimensions [axis, rank).
static LogicalResult inferTrailingNorm(std::optional<Location> loc, Value input,
                                       ValueRange params, int64_t axis,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType type = tensorType(input);
  if (axis >= type.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          type.getRank());
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  for (Value param : params) {
    SmallVector<int64_t> shape;
    if (tensorType(param).getRank() > static_cast<int64_t>(normalized.size()) ||
        failed(broadcastShapes(
            std::nullopt, {normalized, tensorType(param).getShape()}, shape)) ||
        failed(verifyCompatibleShape(shape, normalized)))
      return inferenceError(loc, "scale and bias must broadcast to the "
                                 "normalized dimensions");
  }
  inferred.push_back(type);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  SmallVector<Value> params = {adaptor.getScale()};
  if (adaptor.getBias())
    params.push_back(adaptor.getBias());
  return inferTrailingNorm(loc, adaptor.getInput(), params, adaptor.getAxis(),
                           inferred);
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferTrailingNorm(loc, adaptor.getInput(), {adaptor.getScale()},
                           adaptor.getAxis(), inferred);
}

LogicalResult LRNOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  if (input.getRank() < 3)
    return inferenceError(loc, "input must have rank 3 or more");
  inferred.push_back(input);
  return success();
}

static LogicalResult inferAxisPreserving(std::optional<Location> loc,
                                         Value input, int64_t axis,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType type = tensorType(input);
  if (axis >= std::max<int64_t>(type.getRank(), 1))
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          type.getRank());
  inferred.push_back(type);
  return success();
}

LogicalResult
LpNormalizationOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  return inferAxisPreserving(loc, adaptor.getInput(), adaptor.getAxis(),
                             inferred);
}

#define KILN_AXIS_PRESERVING(OP)                                               \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferAxisPreserving(loc, adaptor.getInput(), adaptor.getAxis(),     \
                               inferred);                                      \
  }
KILN_AXIS_PRESERVING(SoftmaxOp)
KILN_AXIS_PRESERVING(LogSoftmaxOp)
KILN_AXIS_PRESERVING(HardmaxOp)
#undef KILN_AXIS_PRESERVING

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1)
    return inferenceError(loc, "input must have rank 3 or more");
  if (failed(checkArraySize(loc, "kernel_shape", adaptor.getKernelShape(),
                            spatial)) ||
      failed(checkWindowAttrs(loc, spatial, adaptor.getStrides(),
                              adaptor.getDilations(), adaptor.getPads())))
    return failure();
  SmallVector<int64_t> shape(input.getShape().take_front(2));
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t kernel = adaptor.getKernelShape()[i];
    if (kernel <= 0)
      return inferenceError(loc, "kernel_shape must be positive");
    int64_t padBegin = adaptor.getPads()[i], window;
    // A window past int64 is larger than any padding.
    if (!llvm::MulOverflow(kernel - 1, adaptor.getDilations()[i], window) &&
        padBegin > window)
      return inferenceError(loc, "padding must be smaller than the window");
    shape.push_back(windowOutputSize(
        input.getDimSize(2 + i), kernel, adaptor.getStrides()[i],
        adaptor.getDilations()[i], padBegin, adaptor.getPads()[spatial + i],
        adaptor.getCeilMode()));
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, adaptor, inferred);
}
/// MaxPool's indices output has the pooled shape and i64 elements.
LogicalResult
MaxPoolIndicesOp::inferReturnTypes(MLIRContext *ctx,
                                   std::optional<Location> loc, Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  if (failed(inferPool(loc, adaptor, inferred)))
    return failure();
  inferred.back() =
      cast<RankedTensorType>(inferred.back()).clone(IntegerType::get(ctx, 64));
  return success();
}
LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, adaptor, inferred);
}
LogicalResult LpPoolOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, adaptor, inferred);
}

static LogicalResult inferGlobalPool(std::optional<Location> loc, Value input,
                                     SmallVectorImpl<Type> &inferred) {
  RankedTensorType type = tensorType(input);
  if (type.getRank() < 3)
    return inferenceError(loc, "input must have rank 3 or more");
  SmallVector<int64_t> shape(type.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  inferred.push_back(type.clone(shape));
  return success();
}

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  return inferGlobalPool(loc, adaptor.getInput(), inferred);
}
LogicalResult
GlobalMaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  return inferGlobalPool(loc, adaptor.getInput(), inferred);
}
