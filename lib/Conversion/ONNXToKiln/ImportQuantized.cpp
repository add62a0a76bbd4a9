//===- ImportQuantized.cpp - integer and quantized ONNX ops ---------------===//
//
// kiln's quantized ops take every zero point as an operand (an absent one
// is a zero constant), per-tensor parameters as 0-d tensors and per-row
// parameters of a matrix product's left operand as [..., M, 1], so that
// each broadcasts to its tensor by the numpy rules.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "WindowAttributes.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Window attributes of a convolution of `input` (N, C, spatial...) by a
/// `weight` (M, C / group, kernel...).
FailureOr<Window> resolveConvWindow(NodeImporter &n, RankedTensorType input,
                                    RankedTensorType weight) {
  if (input.getRank() < 3 || weight.getRank() != input.getRank())
    return n.fail("input and weight must have the same rank >= 3");
  return resolveWindow(n, input, kernelFromWeight(n, weight));
}

/// A quantization parameter with one element as the 0-d per-tensor form.
FailureOr<Value> perTensorIfSingle(NodeImporter &n, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 0 || !type.hasStaticShape() ||
      type.getNumElements() != 1)
    return v;
  return n.create1<ReshapeOp>(v, n.constI64({}), n.boolAttr(false));
}

/// Input `i`, a zero point, or a zero of `element` where it is absent.
FailureOr<Value> zeroPointInput(NodeImporter &n, int64_t i, Type element) {
  if (Value v = n.input(i))
    return perTensorIfSingle(n, v);
  return n.scalar(element, 0);
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// The operands of an ONNX integer matrix product made kiln's: 1-D
/// operands promoted to matrices as for MatMul, and a per-row parameter of
/// the left operand, which ONNX also allows as a 1-D [M], made [M, 1].
struct MatMulOperands {
  Value lhs, rhs;
  int64_t lhsRank, rhsRank;
};

FailureOr<MatMulOperands> promoteOperands(NodeImporter &n, Value lhs,
                                          Value rhs) {
  MatMulOperands m{lhs, rhs, cast<RankedTensorType>(lhs.getType()).getRank(),
                   cast<RankedTensorType>(rhs.getType()).getRank()};
  if (m.lhsRank == 0 || m.rhsRank == 0)
    return n.fail("operands must have rank 1 or more");
  if (m.lhsRank == 1) {
    KILN_TRY(row, n.create1<UnsqueezeOp>(lhs, Value(), n.i64ArrayAttr({0})));
    m.lhs = *row;
  }
  if (m.rhsRank == 1) {
    KILN_TRY(column, n.create1<UnsqueezeOp>(rhs, Value(), n.i64ArrayAttr({1})));
    m.rhs = *column;
  }
  return m;
}

FailureOr<Value> perRowParam(NodeImporter &n, Value v) {
  KILN_TRY(param, perTensorIfSingle(n, v));
  if (cast<RankedTensorType>(param->getType()).getRank() != 1)
    return *param;
  return n.create1<UnsqueezeOp>(*param, Value(), n.i64ArrayAttr({1}));
}

/// Drops the dimensions that `promoteOperands` added from the result.
LogicalResult bindMatMulResult(NodeImporter &n, const MatMulOperands &m,
                               Value y) {
  int64_t rank = cast<RankedTensorType>(y.getType()).getRank();
  SmallVector<int64_t> drop;
  if (m.lhsRank == 1)
    drop.push_back(rank - 2);
  if (m.rhsRank == 1)
    drop.push_back(rank - 1);
  if (!drop.empty()) {
    KILN_TRY(squeezed, n.create1<SqueezeOp>(y, Value(), n.i64ArrayAttr(drop)));
    y = *squeezed;
  }
  n.setOutput(0, y);
  return success();
}

LogicalResult importMatMulInteger(NodeImporter &n) {
  KILN_TRY(a, n.requiredInput(0));
  KILN_TRY(b, n.requiredInput(1));
  KILN_TRY(m, promoteOperands(n, *a, *b));
  KILN_TRY(aZero, zeroPointInput(n, 2, n.inputType(0).getElementType()));
  KILN_TRY(bZero, zeroPointInput(n, 3, n.inputType(1).getElementType()));
  KILN_TRY(aZeroRows, perRowParam(n, *aZero));
  KILN_TRY(y, n.create1<MatMulIntegerOp>(m->lhs, m->rhs, *aZeroRows, *bZero));
  return bindMatMulResult(n, *m, *y);
}

LogicalResult importQLinearMatMul(NodeImporter &n) {
  SmallVector<Value, 8> in;
  for (int64_t i = 0; i < 8; ++i) {
    KILN_TRY(v, n.requiredInput(i));
    in.push_back(*v);
  }
  KILN_TRY(m, promoteOperands(n, in[0], in[3]));
  SmallVector<Value, 6> params;
  for (int64_t i : {1, 2, 4, 5, 6, 7}) {
    // Inputs 1 and 2 are the left operand's scale and zero point.
    KILN_TRY(p, i < 3 ? perRowParam(n, in[i]) : perTensorIfSingle(n, in[i]));
    params.push_back(*p);
  }
  KILN_TRY(y, n.create1<QLinearMatMulOp>(m->lhs, params[0], params[1], m->rhs,
                                         params[2], params[3], params[4],
                                         params[5]));
  return bindMatMulResult(n, *m, *y);
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

LogicalResult importConvInteger(NodeImporter &n) {
  KILN_TRY(x, n.requiredInput(0));
  KILN_TRY(w, n.requiredInput(1));
  KILN_TRY(win, resolveConvWindow(n, n.inputType(0), n.inputType(1)));
  KILN_TRY(xZero, zeroPointInput(n, 2, n.inputType(0).getElementType()));
  KILN_TRY(wZero, zeroPointInput(n, 3, n.inputType(1).getElementType()));
  KILN_TRY(y, n.create1<ConvIntegerOp>(
                  *x, *w, *xZero, *wZero, n.i64ArrayAttr(win->strides),
                  n.i64ArrayAttr(win->dilations), n.i64ArrayAttr(win->pads),
                  n.i64Attr(n.getInt("group", 1))));
  n.setOutput(0, *y);
  return success();
}

LogicalResult importQLinearConv(NodeImporter &n) {
  SmallVector<Value, 8> in;
  for (int64_t i = 0; i < 8; ++i) {
    KILN_TRY(v, n.requiredInput(i));
    // Scales and zero points (all but inputs 0 and 3, the tensors).
    KILN_TRY(p, i == 0 || i == 3 ? FailureOr<Value>(*v)
                                 : perTensorIfSingle(n, *v));
    in.push_back(*p);
  }
  KILN_TRY(win, resolveConvWindow(n, n.inputType(0), n.inputType(3)));
  KILN_TRY(y, n.create1<QLinearConvOp>(
                  in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7],
                  n.input(8), n.i64ArrayAttr(win->strides),
                  n.i64ArrayAttr(win->dilations), n.i64ArrayAttr(win->pads),
                  n.i64Attr(n.getInt("group", 1))));
  n.setOutput(0, *y);
  return success();
}

} // namespace

void registerQuantizedHandlers(OpRegistry &r) {
  r.add("MatMulInteger", 10, importMatMulInteger);
  r.add("QLinearMatMul", 10, importQLinearMatMul);
  r.add("ConvInteger", 10, importConvInteger);
  r.add("QLinearConv", 10, importQLinearConv);
}

} // namespace kiln::onnx_import
