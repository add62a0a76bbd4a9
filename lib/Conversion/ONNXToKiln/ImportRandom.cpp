//===- ImportRandom.cpp - random number generation ONNX ops ---------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// The element type named by the `dtype` attribute, or `fallback`.
FailureOr<Type> dtypeOr(NodeImporter &n, Type fallback) {
  if (!n.hasAttr("dtype"))
    return fallback;
  std::string error;
  FailureOr<Type> type =
      convertElementType(n.getInt("dtype", 1), *n.b.getContext(), error);
  if (failed(type))
    return n.fail(error);
  return type;
}

FloatAttr seedAttr(NodeImporter &n) {
  return n.hasAttr("seed") ? n.f32Attr(n.getFloat("seed", 0.0f)) : FloatAttr();
}

/// RandomUniform/RandomNormal take a shape attribute; their *Like forms
/// take the shape (and by default the type) of an input.
template <typename OpTy>
LogicalResult importRandom(NodeImporter &n, bool like, StringRef p0, float d0,
                           StringRef p1, float d1) {
  Value shape;
  Type fallback = n.b.getF32Type();
  if (like) {
    FailureOr<Value> x = n.requiredInput(0);
    if (failed(x))
      return failure();
    fallback = n.inputType(0).getElementType();
    FailureOr<Value> s = n.create1<ShapeOp>(
        *x, n.i64Attr(0), n.i64Attr(n.inputType(0).getRank()));
    if (failed(s))
      return failure();
    shape = *s;
  } else {
    auto dims = n.getInts("shape");
    if (!dims)
      return n.fail("attribute 'shape' is required");
    shape = n.constI64(*dims);
  }
  FailureOr<Type> dtype = dtypeOr(n, fallback);
  if (failed(dtype))
    return failure();
  FailureOr<Value> y = n.create1<OpTy>(
      shape, TypeAttr::get(*dtype), n.f32Attr(n.getFloat(p0, d0)),
      n.f32Attr(n.getFloat(p1, d1)), seedAttr(n));
  return n.setResult(y);
}

LogicalResult importBernoulli(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<Type> dtype = dtypeOr(n, n.inputType(0).getElementType());
  if (failed(dtype))
    return failure();
  FailureOr<Value> y =
      n.create1<BernoulliOp>(*x, TypeAttr::get(*dtype), seedAttr(n));
  return n.setResult(y);
}

} // namespace

void registerRandomHandlers(OpRegistry &r) {
  r.add("RandomUniform", 1, [](NodeImporter &n) {
    return importRandom<RandomUniformOp>(n, false, "low", 0.0f, "high", 1.0f);
  });
  r.add("RandomUniformLike", 1, [](NodeImporter &n) {
    return importRandom<RandomUniformOp>(n, true, "low", 0.0f, "high", 1.0f);
  });
  r.add("RandomNormal", 1, [](NodeImporter &n) {
    return importRandom<RandomNormalOp>(n, false, "mean", 0.0f, "scale", 1.0f);
  });
  r.add("RandomNormalLike", 1, [](NodeImporter &n) {
    return importRandom<RandomNormalOp>(n, true, "mean", 0.0f, "scale", 1.0f);
  });
  r.add("Bernoulli", 15, importBernoulli);
}

} // namespace kiln::onnx_import
