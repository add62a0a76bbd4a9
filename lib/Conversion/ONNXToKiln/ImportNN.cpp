//===- ImportNN.cpp - convolution, matmul, normalization, pooling ---------===//

#include "GraphImporter.h"
#include "WindowAttributes.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

LogicalResult importConv(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), w = n.requiredInput(1);
  if (failed(x) || failed(w))
    return failure();
  RankedTensorType input = n.inputType(0), weight = n.inputType(1);
  if (weight.getRank() != input.getRank())
    return n.fail("weight rank differs from input rank");
  FailureOr<Window> win = resolveWindow(n, input, kernelFromWeight(n, weight));
  if (failed(win))
    return failure();
  FailureOr<Value> y = n.create1<ConvOp>(
      *x, *w, n.input(2), n.i64ArrayAttr(win->strides),
      n.i64ArrayAttr(win->dilations), n.i64ArrayAttr(win->pads),
      n.i64Attr(n.getInt("group", 1)));
  return n.setResult(y);
}

LogicalResult importConvTranspose(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), w = n.requiredInput(1);
  if (failed(x) || failed(w))
    return failure();
  RankedTensorType input = n.inputType(0), weight = n.inputType(1);
  int64_t spatial = input.getRank() - 2;
  if (weight.getRank() != input.getRank() || spatial < 1)
    return n.fail("input and weight must have the same rank >= 3");
  SmallVector<int64_t> kernel = kernelFromWeight(n, weight);
  SmallVector<int64_t> strides =
      n.getInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> dilations =
      n.getInts("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> pads =
      n.getInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  SmallVector<int64_t> outputPadding =
      n.getInts("output_padding").value_or(SmallVector<int64_t>(spatial, 0));
  if ((int64_t)kernel.size() != spatial || (int64_t)strides.size() != spatial ||
      (int64_t)dilations.size() != spatial ||
      (int64_t)pads.size() != 2 * spatial ||
      (int64_t)outputPadding.size() != spatial)
    return n.fail("kernel_shape, strides, dilations, pads and output_padding "
                  "must match the spatial dimensions");
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> outputShape = n.getInts("output_shape");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (autoPad == "VALID")
    std::fill(pads.begin(), pads.end(), 0);
  if (outputShape || same) {
    if (outputShape && (int64_t)outputShape->size() > spatial)
      outputShape = SmallVector<int64_t>(outputShape->end() - spatial,
                                         outputShape->end());
    if (outputShape && (int64_t)outputShape->size() < spatial)
      return n.fail("output_shape has fewer entries than the " +
                    llvm::Twine(spatial) + " spatial dimensions");
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = input.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return n.fail(
            "output_shape/auto_pad need static spatial sizes; pin the "
            "input's shape with --input-shape");
      // total = strides * (in - 1) + output_padding + (kernel - 1) *
      // dilations + 1 - target, each step checked for overflow.
      int64_t target = 0, extent = 0, total = 0;
      if (strides[i] < 1 || dilations[i] < 1 || kernel[i] < 1 ||
          (outputShape ? (target = (*outputShape)[i]) < 0
                       : llvm::MulOverflow(in, strides[i], target)) ||
          llvm::MulOverflow(strides[i], in - 1, total) ||
          llvm::MulOverflow(kernel[i] - 1, dilations[i], extent) ||
          llvm::AddOverflow(total, extent, total) ||
          llvm::AddOverflow(total, outputPadding[i], total) ||
          llvm::SubOverflow(total, target - 1, total))
        return n.fail("output_shape/auto_pad: strides, dilations and kernel "
                      "sizes must be positive and the sizes within int64");
      if (total < 0) {
        if (llvm::SubOverflow(outputPadding[i], total, outputPadding[i]))
          return n.fail("output_shape is too large");
        total = 0;
      }
      int64_t small = total / 2, large = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : large;
      pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
    }
  }
  FailureOr<Value> y = n.create1<ConvTransposeOp>(
      *x, *w, n.input(2), n.i64ArrayAttr(strides), n.i64ArrayAttr(dilations),
      n.i64ArrayAttr(pads), n.i64ArrayAttr(outputPadding),
      n.i64Attr(n.getInt("group", 1)));
  return n.setResult(y);
}

/// ONNX MatMul promotes 1-D operands to matrices and drops the added
/// dimension from the result; kiln.matmul only takes rank >= 2.
LogicalResult importMatMul(NodeImporter &n) {
  FailureOr<Value> a = n.requiredInput(0), b = n.requiredInput(1);
  if (failed(a) || failed(b))
    return failure();
  int64_t lhsRank = n.inputType(0).getRank(),
          rhsRank = n.inputType(1).getRank();
  if (lhsRank == 0 || rhsRank == 0)
    return n.fail("operands must have rank 1 or more");
  if (lhsRank == 1)
    a = n.create1<UnsqueezeOp>(*a, Value(), n.i64ArrayAttr({0}));
  if (succeeded(a) && rhsRank == 1)
    b = n.create1<UnsqueezeOp>(*b, Value(), n.i64ArrayAttr({1}));
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = n.create1<MatMulOp>(*a, *b);
  if (failed(y))
    return failure();
  int64_t rank = cast<RankedTensorType>(y->getType()).getRank();
  SmallVector<int64_t> drop;
  if (lhsRank == 1)
    drop.push_back(rank - 2);
  if (rhsRank == 1)
    drop.push_back(rank - 1);
  if (!drop.empty())
    y = n.create1<SqueezeOp>(*y, Value(), n.i64ArrayAttr(drop));
  return n.setResult(y);
}

LogicalResult importGemm(NodeImporter &n) {
  FailureOr<Value> a = n.requiredInput(0), b = n.requiredInput(1);
  if (failed(a) || failed(b))
    return failure();
  if (n.inputType(0).getRank() != 2 || n.inputType(1).getRank() != 2)
    return n.fail("A and B must be 2-D");
  FailureOr<Value> y = n.create1<GemmOp>(
      *a, *b, n.input(2), n.f32Attr(n.getFloat("alpha", 1.0f)),
      n.f32Attr(n.getFloat("beta", 1.0f)), n.boolAttr(n.getInt("transA", 0)),
      n.boolAttr(n.getInt("transB", 0)));
  return n.setResult(y);
}

/// Training-mode BatchNormalization (opset 14 on) normalizes with the
/// batch's own statistics, the mean and the biased (population) variance
/// over every dimension but the channels, and returns the running statistics
/// moved towards them: input_mean * momentum + batch_mean * (1 - momentum),
/// and the same for the variance.
LogicalResult importTrainingBatchNorm(NodeImporter &n, ArrayRef<Value> in) {
  Value x = in[0];
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() < 2)
    return n.fail("X must have rank 2 or more");
  Type element = type.getElementType();
  for (Value v : in.drop_front())
    if (cast<RankedTensorType>(v.getType()).getElementType() != element)
      return n.unsupported("training-mode batch normalization with mixed "
                           "element types");
  SmallVector<int64_t> axes = {0};
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  // Kept dimensions, so that the mean broadcasts against X.
  auto reduceMean = [&](Value v) {
    return n.create1<ReduceMeanOp>(v, Value(), n.i64ArrayAttr(axes),
                                   n.boolAttr(true));
  };
  auto perChannel = [&](Value v) {
    return n.create1<ReshapeOp>(v, n.constI64({-1}), n.boolAttr(false));
  };
  KILN_TRY(meanKept, reduceMean(x));
  KILN_TRY(centered, n.create1<SubOp>(x, *meanKept));
  KILN_TRY(squares, n.create1<MulOp>(*centered, *centered));
  KILN_TRY(varKept, reduceMean(*squares));
  KILN_TRY(mean, perChannel(*meanKept));
  KILN_TRY(var, perChannel(*varKept));
  KILN_TRY(y, n.create1<BatchNormOp>(x, in[1], in[2], *mean, *var,
                                     n.f32Attr(n.getFloat("epsilon", 1e-5f))));
  n.setOutput(0, *y);

  double momentum = n.getFloat("momentum", 0.9f);
  auto running = [&](Value previous, Value batch) -> FailureOr<Value> {
    KILN_TRY(kept, n.create1<MulOp>(previous, n.scalar(element, momentum)));
    KILN_TRY(added, n.create1<MulOp>(batch, n.scalar(element, 1.0 - momentum)));
    return n.create1<AddOp>(*kept, *added);
  };
  if (n.hasOutput(1)) {
    KILN_TRY(runningMean, running(in[3], *mean));
    n.setOutput(1, *runningMean);
  }
  if (n.hasOutput(2)) {
    KILN_TRY(runningVar, running(in[4], *var));
    n.setOutput(2, *runningVar);
  }
  return success();
}

LogicalResult importBatchNorm(NodeImporter &n) {
  if (n.opset < 7 && !n.getInt("is_test", 0) && n.numOutputs() > 1)
    return n.unsupported("training-mode batch normalization before opset 7");
  SmallVector<Value> in;
  for (int64_t i = 0; i < 5; ++i) {
    FailureOr<Value> v = n.requiredInput(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  if (n.getInt("training_mode", 0))
    return importTrainingBatchNorm(n, in);
  FailureOr<Value> y =
      n.create1<BatchNormOp>(in[0], in[1], in[2], in[3], in[4],
                             n.f32Attr(n.getFloat("epsilon", 1e-5f)));
  if (failed(y))
    return failure();
  return n.setOutputs({*y});
}

LogicalResult importInstanceNorm(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), s = n.requiredInput(1),
                   b = n.requiredInput(2);
  if (failed(x) || failed(s) || failed(b))
    return failure();
  FailureOr<Value> y = n.create1<InstanceNormOp>(
      *x, *s, *b, n.f32Attr(n.getFloat("epsilon", 1e-5f)));
  return n.setResult(y);
}

/// LayerNormalization's optional Mean and InvStdDev outputs, computed in
/// the stash type (f32 unless the model says otherwise) with the normalized
/// dimensions kept as size 1.
LogicalResult importLayerNormStatistics(NodeImporter &n, Value x, int64_t axis,
                                        float epsilon) {
  RankedTensorType type = cast<RankedTensorType>(x.getType());
  std::string error;
  FailureOr<Type> stash =
      convertElementType(n.getInt("stash_type", 1), *n.b.getContext(), error);
  if (failed(stash))
    return n.fail(error);
  if (*stash != type.getElementType()) {
    FailureOr<SmallVector<Value>> cast = n.createWithTypes<CastOp>(
        TypeRange{type.clone(*stash)}, x, n.boolAttr(true));
    if (failed(cast))
      return failure();
    x = cast->front();
  }
  SmallVector<int64_t> axes;
  for (int64_t i = axis; i < type.getRank(); ++i)
    axes.push_back(i);
  auto reduceMean = [&](Value v) {
    return n.create1<ReduceMeanOp>(v, Value(), n.i64ArrayAttr(axes),
                                   n.boolAttr(true));
  };
  FailureOr<Value> mean = reduceMean(x);
  if (failed(mean))
    return failure();
  FailureOr<Value> diff = n.create1<SubOp>(x, *mean);
  FailureOr<Value> square =
      failed(diff) ? diff : n.create1<MulOp>(*diff, *diff);
  FailureOr<Value> var = failed(square) ? square : reduceMean(*square);
  FailureOr<Value> shifted =
      failed(var) ? var : n.create1<AddOp>(*var, n.scalar(*stash, epsilon));
  FailureOr<Value> root =
      failed(shifted) ? shifted : n.create1<SqrtOp>(*shifted);
  FailureOr<Value> inv = failed(root) ? root : n.create1<ReciprocalOp>(*root);
  if (failed(inv))
    return failure();
  n.setOutput(1, *mean);
  n.setOutput(2, *inv);
  return success();
}

LogicalResult importLayerNorm(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), s = n.requiredInput(1);
  if (failed(x) || failed(s))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  float epsilon = n.getFloat("epsilon", 1e-5f);
  FailureOr<Value> y = n.create1<LayerNormOp>(
      *x, *s, n.input(2), n.i64Attr(*axis), n.f32Attr(epsilon));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  if (n.hasOutput(1) || n.hasOutput(2))
    return importLayerNormStatistics(n, *x, *axis, epsilon);
  return success();
}

LogicalResult importRMSNorm(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), s = n.requiredInput(1);
  if (failed(x) || failed(s))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> y = n.create1<RMSNormOp>(
      *x, *s, n.i64Attr(*axis), n.f32Attr(n.getFloat("epsilon", 1e-5f)));
  return n.setResult(y);
}

/// Opset 18's GroupNormalization scales per group; kiln's op (like opset
/// 21's) scales per channel, so the importer repeats each group's value.
FailureOr<Value> perChannel(NodeImporter &n, Value groupValues, int64_t groups,
                            int64_t channels) {
  auto column = n.create1<ReshapeOp>(groupValues, n.constI64({groups, 1}),
                                     n.boolAttr(false));
  if (failed(column))
    return failure();
  auto tiled =
      n.create1<ExpandOp>(*column, n.constI64({groups, channels / groups}));
  if (failed(tiled))
    return failure();
  return n.create1<ReshapeOp>(*tiled, n.constI64({channels}),
                              n.boolAttr(false));
}

LogicalResult importGroupNorm(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), s = n.requiredInput(1),
                   b = n.requiredInput(2);
  if (failed(x) || failed(s) || failed(b))
    return failure();
  int64_t groups = n.getInt("num_groups", 0);
  if (groups <= 0)
    return n.fail("num_groups must be positive");
  if (n.opset < 21) {
    int64_t channels = n.inputType(0).getRank() > 1
                           ? n.inputType(0).getDimSize(1)
                           : ShapedType::kDynamic;
    if (ShapedType::isDynamic(channels))
      return n.fail("per-group scale needs a static channel count; pin the "
                    "input's shape with --input-shape");
    s = perChannel(n, *s, groups, channels);
    if (succeeded(s))
      b = perChannel(n, *b, groups, channels);
    if (failed(s) || failed(b))
      return failure();
  }
  FailureOr<Value> y = n.create1<GroupNormOp>(
      *x, *s, *b, n.i64Attr(groups), n.f32Attr(n.getFloat("epsilon", 1e-5f)));
  return n.setResult(y);
}

/// MeanVarianceNormalization: (x - mean) / sqrt(var + 1e-9) over `axes`.
LogicalResult importMeanVarianceNormalization(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  RankedTensorType type = n.inputType(0);
  FailureOr<SmallVector<int64_t>> axes =
      n.normalizeAxes(n.getInts("axes").value_or(SmallVector<int64_t>{0, 2, 3}),
                      type.getRank());
  if (failed(axes))
    return failure();
  auto mean = [&](Value v) {
    return n.create1<ReduceMeanOp>(v, Value(), n.i64ArrayAttr(*axes),
                                   n.boolAttr(true));
  };
  FailureOr<Value> mu = mean(*x);
  FailureOr<Value> centered = failed(mu) ? mu : n.create1<SubOp>(*x, *mu);
  FailureOr<Value> squared =
      failed(centered) ? centered : n.create1<MulOp>(*centered, *centered);
  FailureOr<Value> variance = failed(squared) ? squared : mean(*squared);
  FailureOr<Value> shifted =
      failed(variance)
          ? variance
          : n.create1<AddOp>(*variance, n.scalar(type.getElementType(), 1e-9));
  FailureOr<Value> deviation =
      failed(shifted) ? shifted : n.create1<SqrtOp>(*shifted);
  FailureOr<Value> y =
      failed(deviation) ? deviation : n.create1<DivOp>(*centered, *deviation);
  return n.setResult(y);
}

LogicalResult importLRN(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = n.create1<LRNOp>(*x, n.i64Attr(n.getInt("size", 0)),
                                        n.f32Attr(n.getFloat("alpha", 1e-4f)),
                                        n.f32Attr(n.getFloat("beta", 0.75f)),
                                        n.f32Attr(n.getFloat("bias", 1.0f)));
  return n.setResult(y);
}

LogicalResult importLpNormalization(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> y = n.create1<LpNormalizationOp>(
      *x, n.i64Attr(*axis), n.i64Attr(n.getInt("p", 2)));
  return n.setResult(y);
}

template <typename OpTy> LogicalResult importPool(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  std::optional<SmallVector<int64_t>> kernel = n.getInts("kernel_shape");
  if (!kernel)
    return n.fail("attribute 'kernel_shape' is required");
  FailureOr<Window> w = resolveWindow(n, n.inputType(0), *kernel);
  if (failed(w))
    return failure();
  auto common =
      std::make_tuple(*x, n.i64ArrayAttr(w->kernel), n.i64ArrayAttr(w->strides),
                      n.i64ArrayAttr(w->dilations), n.i64ArrayAttr(w->pads),
                      n.boolAttr(n.getInt("ceil_mode", 0)));
  FailureOr<Value> y = failure();
  auto build = [&](auto... extra) {
    return std::apply(
        [&](auto... args) { return n.create1<OpTy>(args..., extra...); },
        common);
  };
  if constexpr (std::is_same_v<OpTy, AvgPoolOp>)
    y = build(n.boolAttr(n.getInt("count_include_pad", 0)));
  else if constexpr (std::is_same_v<OpTy, LpPoolOp>)
    y = build(n.i64Attr(n.getInt("p", 2)));
  else
    y = build();
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  if constexpr (std::is_same_v<OpTy, MaxPoolOp>) {
    if (n.hasOutput(1)) {
      FailureOr<Value> indices = std::apply(
          [&](auto... args) {
            return n.create1<MaxPoolIndicesOp>(
                args..., n.boolAttr(n.getInt("storage_order", 0) != 0));
          },
          common);
      if (failed(indices))
        return failure();
      n.setOutput(1, *indices);
    }
  }
  return success();
}

template <typename OpTy> LogicalResult importGlobalPool(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = n.create1<OpTy>(*x);
  return n.setResult(y);
}

/// Softmax-like ops. Before opset 13 they flatten the input to 2-D at
/// `axis` (default 1) and normalize each row; from 13 on they work along one
/// axis (default -1). The older form becomes flatten + op + reshape.
template <typename OpTy> LogicalResult importSoftmaxLike(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  bool flattens = n.opset < 13;
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", flattens ? 1 : -1),
                                            std::max<int64_t>(rank, 1));
  if (failed(axis))
    return failure();
  FailureOr<Value> y = failure();
  if (!flattens || *axis == rank - 1) {
    y = n.create1<OpTy>(*x, n.i64Attr(*axis));
  } else {
    FailureOr<Value> flat = n.create1<FlattenOp>(*x, n.i64Attr(*axis));
    if (failed(flat))
      return failure();
    FailureOr<Value> rows = n.create1<OpTy>(*flat, n.i64Attr(1));
    FailureOr<Value> shape =
        n.create1<ShapeOp>(*x, n.i64Attr(0), n.i64Attr(rank));
    if (failed(rows) || failed(shape))
      return failure();
    y = n.create1<ReshapeOp>(*rows, *shape, n.boolAttr(false));
  }
  return n.setResult(y);
}

} // namespace

void registerNNHandlers(OpRegistry &r) {
  r.add("Conv", 1, importConv);
  r.add("ConvTranspose", 1, importConvTranspose);
  r.add("MatMul", 1, importMatMul);
  r.add("Gemm", 1, importGemm);
  r.add("BatchNormalization", 1, importBatchNorm);
  r.add("InstanceNormalization", 1, importInstanceNorm);
  r.add("LayerNormalization", 17, importLayerNorm);
  r.add("RMSNormalization", 23, importRMSNorm);
  r.add("GroupNormalization", 18, importGroupNorm);
  r.add("LRN", 1, importLRN);
  r.add("MeanVarianceNormalization", 9, importMeanVarianceNormalization);
  r.add("LpNormalization", 1, importLpNormalization);
  r.add("MaxPool", 1, importPool<MaxPoolOp>);
  r.add("AveragePool", 1, importPool<AvgPoolOp>);
  r.add("LpPool", 1, importPool<LpPoolOp>);
  r.add("GlobalAveragePool", 1, importGlobalPool<GlobalAvgPoolOp>);
  r.add("GlobalMaxPool", 1, importGlobalPool<GlobalMaxPoolOp>);
  r.add("Softmax", 1, importSoftmaxLike<SoftmaxOp>);
  r.add("LogSoftmax", 1, importSoftmaxLike<LogSoftmaxOp>);
  r.add("Hardmax", 1, importSoftmaxLike<HardmaxOp>);
}

} // namespace kiln::onnx_import
