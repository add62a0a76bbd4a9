//===- ImportAttention.cpp - ONNX Attention (opset 23+) -------------------===//
//
// Attention is decomposed into kiln ops: head split for 3-D inputs, the
// past key/value concatenation, grouped-query head repetition, scaled
// Q.K^T, softcap, the mask/causal/padding bias, softmax and the product
// with V. Fusion passes recognize the pattern later; keeping one spelling of
// the computation in the graph dialect means only one pattern to match.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// [B, S, heads * size] -> [B, heads, S, size].
FailureOr<Value> splitHeads(NodeImporter &n, Value x, int64_t heads) {
  KILN_TRY(split, n.create1<ReshapeOp>(x, n.constI64({0, 0, heads, -1}),
                                       n.boolAttr(false)));
  return n.create1<TransposeOp>(*split, n.i64ArrayAttr({0, 2, 1, 3}));
}

/// Repeats each of the K/V heads `groups` times (grouped-query attention).
FailureOr<Value> repeatHeads(NodeImporter &n, Value x, int64_t groups) {
  if (groups == 1)
    return x;
  int64_t heads = typeOf(x).getDimSize(1), size = typeOf(x).getDimSize(3);
  if (ShapedType::isDynamic(heads) || ShapedType::isDynamic(size))
    return n.fail("grouped-query attention needs static head counts and sizes");
  KILN_TRY(expanded, n.create1<UnsqueezeOp>(x, Value(), n.i64ArrayAttr({2})));
  KILN_TRY(tiled,
           n.create1<TileOp>(*expanded, n.constI64({1, 1, groups, 1, 1})));
  return n.create1<ReshapeOp>(*tiled, n.constI64({0, heads * groups, -1, size}),
                              n.boolAttr(false));
}

/// A 0-d constant -inf or 0 of `element`, for additive masks.
Value maskValue(NodeImporter &n, Type element, bool masked) {
  return masked ? n.scalar(element, -std::numeric_limits<double>::infinity())
                : n.scalar(element, 0.0);
}

/// The additive bias for a boolean keep-mask: 0 where kept, -inf elsewhere.
FailureOr<Value> boolToBias(NodeImporter &n, Value keep, Type element) {
  return n.create1<WhereOp>(keep, maskValue(n, element, false),
                            maskValue(n, element, true));
}

/// -inf above the diagonal shifted by the past length: query i sees keys
/// j <= past + i.
FailureOr<Value> causalBias(NodeImporter &n, int64_t querySeq, int64_t totalSeq,
                            int64_t past, Type element) {
  auto boolType = RankedTensorType::get({querySeq, totalSeq}, n.b.getI1Type());
  Value ones =
      ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(boolType, true));
  KILN_TRY(future,
           n.create1<TriluOp>(ones, n.scalarI64(past + 1), n.boolAttr(true)));
  return n.create1<WhereOp>(*future, maskValue(n, element, true),
                            maskValue(n, element, false));
}

LogicalResult importAttention(NodeImporter &n) {
  FailureOr<Value> q = n.requiredInput(0), k = n.requiredInput(1),
                   v = n.requiredInput(2);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  int64_t rank = typeOf(*q).getRank();
  if (rank != 3 && rank != 4)
    return n.fail("Q must be 3-D or 4-D");
  if (typeOf(*k).getRank() != rank || typeOf(*v).getRank() != rank)
    return n.fail("Q, K and V must have the same rank");
  Type element = typeOf(*q).getElementType();
  if (rank == 3) {
    int64_t qHeads = n.getInt("q_num_heads", 0),
            kvHeads = n.getInt("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0)
      return n.fail("3-D inputs need q_num_heads and kv_num_heads");
    q = splitHeads(n, *q, qHeads);
    k = succeeded(q) ? splitHeads(n, *k, kvHeads) : k;
    v = succeeded(k) ? splitHeads(n, *v, kvHeads) : v;
    if (failed(q) || failed(k) || failed(v))
      return failure();
  }

  int64_t past = 0;
  if (Value pastKey = n.input(4)) {
    KILN_TRY(key, n.create1<ConcatOp>(ValueRange{pastKey, *k}, n.i64Attr(2)));
    k = *key;
    // After the concatenation, which checked that past_key has K's rank.
    past = typeOf(pastKey).getDimSize(2);
  }
  if (Value pastValue = n.input(5)) {
    KILN_TRY(value,
             n.create1<ConcatOp>(ValueRange{pastValue, *v}, n.i64Attr(2)));
    v = *value;
  }
  n.setOutput(1, *k);
  n.setOutput(2, *v);

  int64_t headSize = typeOf(*q).getDimSize(3);
  double scale = n.hasAttr("scale") ? n.getFloat("scale", 1.0f)
                 : ShapedType::isDynamic(headSize)
                     ? 0.0
                     : 1.0 / std::sqrt(double(headSize));
  if (scale == 0.0)
    return n.fail("the default scale needs a static head size");
  int64_t qHeads = typeOf(*q).getDimSize(1), kvHeads = typeOf(*k).getDimSize(1);
  if (!ShapedType::isDynamic(qHeads) && !ShapedType::isDynamic(kvHeads) &&
      qHeads != kvHeads) {
    if (kvHeads == 0 || qHeads % kvHeads != 0)
      return n.fail("query heads must be a multiple of key/value heads");
    k = repeatHeads(n, *k, qHeads / kvHeads);
    v = succeeded(k) ? repeatHeads(n, *v, qHeads / kvHeads) : v;
    if (failed(k) || failed(v))
      return failure();
  }

  KILN_TRY(keyT, n.create1<TransposeOp>(*k, n.i64ArrayAttr({0, 1, 3, 2})));
  KILN_TRY(product, n.create1<MatMulOp>(*q, *keyT));
  KILN_TRY(scores, n.create1<MulOp>(*product, n.scalar(element, scale)));
  SmallVector<Value, 4> stages = {*scores};

  int64_t querySeq = typeOf(*q).getDimSize(2),
          totalSeq = typeOf(*k).getDimSize(2);
  Value bias;
  auto addBias = [&](Value term) -> LogicalResult {
    if (!bias) {
      bias = term;
      return success();
    }
    FailureOr<Value> sum = n.create1<AddOp>(bias, term);
    if (failed(sum))
      return failure();
    bias = *sum;
    return success();
  };
  if (Value mask = n.input(3)) {
    RankedTensorType maskType = typeOf(mask);
    int64_t maskLen =
        maskType.getShape().empty() ? 1 : maskType.getShape().back();
    if (!ShapedType::isDynamic(maskLen) && !ShapedType::isDynamic(totalSeq) &&
        maskLen < totalSeq && maskType.getRank() > 0) {
      // A mask shorter than the keys covers the first ones; the rest are
      // masked.
      SmallVector<int64_t> pads(2 * maskType.getRank(), 0);
      pads.back() = totalSeq - maskLen;
      bool isBool = maskType.getElementType().isInteger(1);
      Value fill =
          isBool ? ConstantOp::create(
                       n.b, n.loc,
                       DenseElementsAttr::get(
                           RankedTensorType::get({}, n.b.getI1Type()), false))
                 : maskValue(n, maskType.getElementType(), true);
      KILN_TRY(padded, n.create1<PadOp>(mask, n.constI64(pads), fill,
                                        n.strAttr("constant")));
      mask = *padded;
    }
    if (maskType.getElementType().isInteger(1)) {
      KILN_TRY(maskBias, boolToBias(n, mask, element));
      mask = *maskBias;
    }
    if (failed(addBias(mask)))
      return failure();
  }
  if (n.getInt("is_causal", 0)) {
    if (ShapedType::isDynamic(querySeq) || ShapedType::isDynamic(totalSeq) ||
        ShapedType::isDynamic(past))
      return n.fail("causal attention needs static sequence lengths; pin the "
                    "inputs with --input-shape");
    if (past == std::numeric_limits<int64_t>::max())
      return n.fail("the past sequence is too long"); // past + 1 overflows
    KILN_TRY(causal, causalBias(n, querySeq, totalSeq, past, element));
    if (failed(addBias(*causal)))
      return failure();
  }
  if (Value lengths = n.input(6)) {
    // Keys at positions >= nonpad_kv_seqlen[b] are padding.
    if (ShapedType::isDynamic(totalSeq))
      return n.fail("nonpad_kv_seqlen needs a static key sequence length");
    Type lengthType = typeOf(lengths).getElementType();
    auto positions = n.create1<RangeOp>(n.scalar(lengthType, 0),
                                        n.scalar(lengthType, totalSeq),
                                        n.scalar(lengthType, 1));
    KILN_TRY(column,
             n.create1<UnsqueezeOp>(lengths, Value(), n.i64ArrayAttr({1})));
    if (failed(positions))
      return failure();
    KILN_TRY(valid, n.create1<LessOp>(*positions, *column));
    KILN_TRY(valid4d,
             n.create1<UnsqueezeOp>(*valid, Value(), n.i64ArrayAttr({1, 2})));
    KILN_TRY(padBias, boolToBias(n, *valid4d, element));
    if (failed(addBias(*padBias)))
      return failure();
  }
  // Softcap comes before the bias: a -inf mask entry must stay -inf, where
  // tanh would squash it to -softcap and leak probability to masked keys.
  Value current = *scores;
  if (float softcap = n.getFloat("softcap", 0.0f); softcap > 0) {
    KILN_TRY(divided, n.create1<DivOp>(current, n.scalar(element, softcap)));
    KILN_TRY(squashed, n.create1<TanhOp>(*divided));
    KILN_TRY(capped, n.create1<MulOp>(*squashed, n.scalar(element, softcap)));
    current = *capped;
  }
  stages.push_back(current);
  if (bias) {
    KILN_TRY(biased, n.create1<AddOp>(current, bias));
    current = *biased;
  }
  stages.push_back(current);
  KILN_TRY(probs, n.create1<SoftmaxOp>(current, n.i64Attr(3)));
  stages.push_back(*probs);
  KILN_TRY(y, n.create1<MatMulOp>(*probs, *v));
  Value result = *y;
  if (rank == 3) {
    KILN_TRY(merged,
             n.create1<TransposeOp>(result, n.i64ArrayAttr({0, 2, 1, 3})));
    KILN_TRY(flat, n.create1<ReshapeOp>(*merged, n.constI64({0, 0, -1}),
                                        n.boolAttr(false)));
    result = *flat;
  }
  n.setOutput(0, result);
  int64_t mode = n.getInt("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return n.fail("qk_matmul_output_mode must be 0 to 3");
  n.setOutput(3, stages[mode]);
  return success();
}

} // namespace

void registerAttentionHandlers(OpRegistry &r) {
  r.add("Attention", 23, importAttention);
}

} // namespace kiln::onnx_import
