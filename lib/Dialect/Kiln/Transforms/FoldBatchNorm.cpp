//===- FoldBatchNorm.cpp - fold batch normalization into conv/gemm --------===//

#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "kiln/Dialect/Kiln/Transforms/Passes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

#define DEBUG_TYPE "kiln-fold-batchnorm"

namespace kiln {
#define GEN_PASS_DEF_KILNFOLDBATCHNORM
#include "kiln/Dialect/Kiln/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
std::optional<std::vector<float>> constantF32(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return getF32Values(attr);
}

/// The per-channel affine map y = x * factor + offset of a batch norm.
struct ChannelAffine {
  std::vector<float> factor, offset;
};

FailureOr<ChannelAffine> getChannelAffine(BatchNormOp bn, int64_t channels,
                                          PatternRewriter &rewriter) {
  auto scale = constantF32(bn.getScale()), bias = constantF32(bn.getBias());
  auto mean = constantF32(bn.getMean()), var = constantF32(bn.getVariance());
  if (!scale || !bias || !mean || !var)
    return rewriter.notifyMatchFailure(bn, "parameters are not f32 constants");
  for (const std::vector<float> *v : {&*scale, &*bias, &*mean, &*var})
    if ((int64_t)v->size() != channels)
      return rewriter.notifyMatchFailure(
          bn, "parameter length differs from channels");
  ChannelAffine affine;
  float epsilon = bn.getEpsilon().convertToFloat();
  for (int64_t c = 0; c < channels; ++c) {
    float f = (*scale)[c] / std::sqrt((*var)[c] + epsilon);
    affine.factor.push_back(f);
    affine.offset.push_back((*bias)[c] - (*mean)[c] * f);
  }
  return affine;
}

Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, ArrayRef<float> values,
                   StringRef name) {
  return ConstantOp::create(rewriter, loc,
                            makeF32ElementsAttr(type, values, name));
}

/// New bias = old bias * factor + offset (old bias 0 when absent).
Value foldedBias(PatternRewriter &rewriter, Location loc, Value oldBias,
                 const ChannelAffine &affine, float oldBiasScale) {
  std::vector<float> bias = affine.offset;
  if (oldBias) {
    std::vector<float> old = *constantF32(oldBias);
    for (size_t c = 0; c < bias.size(); ++c)
      bias[c] += old[c] * oldBiasScale * affine.factor[c];
  }
  auto type =
      RankedTensorType::get({(int64_t)bias.size()}, rewriter.getF32Type());
  return makeConstant(rewriter, loc, type, bias, "folded_bias");
}

struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    RankedTensorType weightType = conv.getWeight().getType();
    auto weight = constantF32(conv.getWeight());
    if (!weight || !weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(
          bn, "conv weight is not a static f32 constant");
    // Nothing to fold, and the per-channel size below divides by channels.
    if (weightType.getNumElements() == 0)
      return rewriter.notifyMatchFailure(bn, "conv weight is empty");
    if (conv.getBias() && !constantF32(conv.getBias()))
      return rewriter.notifyMatchFailure(bn,
                                         "conv bias is not an f32 constant");
    int64_t channels = weightType.getDimSize(0);
    FailureOr<ChannelAffine> affine = getChannelAffine(bn, channels, rewriter);
    if (failed(affine))
      return failure();
    int64_t perChannel = weightType.getNumElements() / channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < perChannel; ++i)
        (*weight)[c * perChannel + i] *= affine->factor[c];
    Location loc = bn.getLoc();
    Value newWeight =
        makeConstant(rewriter, loc, weightType, *weight, "folded_weight");
    Value newBias = foldedBias(rewriter, loc, conv.getBias(), *affine, 1.0f);
    rewriter.replaceOpWithNewOp<ConvOp>(
        bn, bn.getType(), conv.getInput(), newWeight, newBias,
        conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(),
        conv.getGroupAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// A transposed convolution's weight is [C_in, M / group, k...]: output
/// channel o of group g comes from weight[c, o - g * M / group] for the
/// input channels c of that group.
struct FoldBatchNormIntoConvTranspose : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvTransposeOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(
          bn, "input is not a single-use conv_transpose");
    RankedTensorType weightType = conv.getWeight().getType();
    auto weight = constantF32(conv.getWeight());
    if (!weight || !weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(
          bn, "conv_transpose weight is not a static f32 constant");
    // Nothing to fold, and the kernel size below divides by the channels.
    if (weightType.getNumElements() == 0)
      return rewriter.notifyMatchFailure(bn, "conv_transpose weight is empty");
    if (conv.getBias() && !constantF32(conv.getBias()))
      return rewriter.notifyMatchFailure(
          bn, "conv_transpose bias is not an f32 constant");
    int64_t group = conv.getGroup();
    int64_t inChannels = weightType.getDimSize(0);
    int64_t perGroupOut = weightType.getDimSize(1);
    if (inChannels % group != 0)
      return rewriter.notifyMatchFailure(bn,
                                         "channels do not split into groups");
    FailureOr<ChannelAffine> affine =
        getChannelAffine(bn, perGroupOut * group, rewriter);
    if (failed(affine))
      return failure();
    int64_t kernelSize =
        weightType.getNumElements() / (inChannels * perGroupOut);
    int64_t inPerGroup = inChannels / group;
    for (int64_t c = 0; c < inChannels; ++c)
      for (int64_t j = 0; j < perGroupOut; ++j) {
        float factor = affine->factor[(c / inPerGroup) * perGroupOut + j];
        for (int64_t k = 0; k < kernelSize; ++k)
          (*weight)[(c * perGroupOut + j) * kernelSize + k] *= factor;
      }
    Location loc = bn.getLoc();
    Value newWeight =
        makeConstant(rewriter, loc, weightType, *weight, "folded_weight");
    Value newBias = foldedBias(rewriter, loc, conv.getBias(), *affine, 1.0f);
    rewriter.replaceOpWithNewOp<ConvTransposeOp>(
        bn, bn.getType(), conv.getInput(), newWeight, newBias,
        conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(),
        conv.getOutputPaddingAttr(), conv.getGroupAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormIntoGemm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto gemm = bn.getInput().getDefiningOp<GemmOp>();
    if (!gemm || !gemm->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use gemm");
    RankedTensorType bType = gemm.getB().getType();
    auto b = constantF32(gemm.getB());
    if (!b || !bType.hasStaticShape())
      return rewriter.notifyMatchFailure(bn,
                                         "gemm b is not a static f32 constant");
    Value c = gemm.getC();
    if (c && (c.getType() != RankedTensorType::get(
                                 {bType.getDimSize(gemm.getTransB() ? 0 : 1)},
                                 rewriter.getF32Type()) ||
              !constantF32(c)))
      return rewriter.notifyMatchFailure(bn,
                                         "gemm c is not a 1-D f32 constant");
    bool transB = gemm.getTransB();
    int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
    int64_t channels = transB ? rows : cols;
    FailureOr<ChannelAffine> affine = getChannelAffine(bn, channels, rewriter);
    if (failed(affine))
      return failure();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t col = 0; col < cols; ++col)
        (*b)[r * cols + col] *= affine->factor[transB ? r : col];
    Location loc = bn.getLoc();
    Value newB = makeConstant(rewriter, loc, bType, *b, "folded_weight");
    Value newC =
        foldedBias(rewriter, loc, c, *affine, gemm.getBeta().convertToFloat());
    rewriter.replaceOpWithNewOp<GemmOp>(
        bn, bn.getType(), gemm.getA(), newB, newC, gemm.getAlphaAttr(),
        rewriter.getF32FloatAttr(1.0f), gemm.getTransAAttr(),
        gemm.getTransBAttr());
    rewriter.eraseOp(gemm);
    return success();
  }
};

struct KilnFoldBatchNormPass
    : kiln::impl::KilnFoldBatchNormBase<KilnFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoConv, FoldBatchNormIntoConvTranspose,
                 FoldBatchNormIntoGemm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
