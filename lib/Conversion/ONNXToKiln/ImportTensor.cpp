//===- ImportTensor.cpp - constants, shapes, data movement ----------------===//

#include "GraphImporter.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include <map>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

LogicalResult importConstant(NodeImporter &n) {
  MLIRContext &ctx = *n.b.getContext();
  if (const onnx::AttributeProto *a = n.attr("value")) {
    std::string error;
    FailureOr<ElementsAttr> value =
        convertTensor(a->t(), n.graph.model.directory, ctx, error);
    if (failed(value))
      return n.fail(error);
    return n.setResult(Value(ConstantOp::create(n.b, n.loc, *value)));
  }
  auto f32 = [&](ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, n.b.getF32Type());
  };
  auto i64 = [&](ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, n.b.getI64Type());
  };
  if (const onnx::AttributeProto *a = n.attr("value_float"))
    return n.setResult(Value(ConstantOp::create(
        n.b, n.loc, DenseElementsAttr::get(f32({}), a->f()))));
  if (const onnx::AttributeProto *a = n.attr("value_int"))
    return n.setResult(Value(ConstantOp::create(
        n.b, n.loc, DenseElementsAttr::get(i64({}), (int64_t)a->i()))));
  if (auto v = n.getFloats("value_floats"))
    return n.setResult(Value(
        ConstantOp::create(n.b, n.loc,
                           DenseElementsAttr::get(f32({(int64_t)v->size()}),
                                                  ArrayRef<float>(*v)))));
  if (auto v = n.getInts("value_ints"))
    return n.setResult(Value(
        ConstantOp::create(n.b, n.loc,
                           DenseElementsAttr::get(i64({(int64_t)v->size()}),
                                                  ArrayRef<int64_t>(*v)))));
  if (n.hasAttr("sparse_value"))
    return n.unsupported("a sparse constant");
  if (n.hasAttr("value_string") || n.hasAttr("value_strings"))
    return n.unsupported("a string constant");
  return n.fail("has no value attribute");
}

LogicalResult importShape(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  auto clampIndex = [rank](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIndex(n.getInt("start", 0));
  int64_t end = clampIndex(n.getInt("end", rank));
  return n.setResult(n.create1<ShapeOp>(*x, n.i64Attr(start),
                                        n.i64Attr(std::max(start, end))));
}

LogicalResult importReshape(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Value shape;
  if (n.opset < 5) {
    std::optional<SmallVector<int64_t>> attr = n.getInts("shape");
    if (!attr)
      return n.fail("attribute 'shape' is required");
    shape = n.constI64(*attr);
  } else {
    FailureOr<Value> s = n.requiredInput(1);
    if (failed(s))
      return failure();
    shape = *s;
  }
  bool allowzero = n.getInt("allowzero", 0) != 0;
  // With a constant shape, resolve the 0 (copy) entries here so that the
  // kiln op carries literal dimensions.
  if (std::optional<SmallVector<int64_t>> dims = n.constInts(shape);
      dims && !allowzero) {
    RankedTensorType input = n.inputType(0);
    bool changed = false;
    for (auto [i, d] : llvm::enumerate(*dims))
      if (d == 0 && (int64_t)i < input.getRank() && !input.isDynamicDim(i)) {
        d = input.getDimSize(i);
        changed = true;
      }
    if (changed)
      shape = n.constI64(*dims);
  }
  return n.setResult(n.create1<ReshapeOp>(*x, shape, n.boolAttr(allowzero)));
}

LogicalResult importFlatten(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  int64_t axis = n.getInt("axis", 1);
  if (axis < -rank || axis > rank)
    return n.fail("axis " + llvm::Twine(axis) + " is out of range for rank " +
                  llvm::Twine(rank));
  return n.setResult(
      n.create1<FlattenOp>(*x, n.i64Attr(axis < 0 ? axis + rank : axis)));
}

/// Axes of Squeeze/Unsqueeze from the attribute (before opset 13) or input.
struct AxesOperand {
  std::optional<SmallVector<int64_t>> constant;
  Value dynamic;
};

AxesOperand getAxesOperand(NodeImporter &n) {
  if (n.opset < 13)
    return {n.getInts("axes"), Value()};
  Value axes = n.input(1);
  if (!axes)
    return {std::nullopt, Value()};
  if (auto c = n.constInts(axes))
    return {c, Value()};
  return {std::nullopt, axes};
}

LogicalResult importSqueeze(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  RankedTensorType type = n.inputType(0);
  AxesOperand axes = getAxesOperand(n);
  if (axes.dynamic)
    return n.setResult(
        n.create1<SqueezeOp>(*x, axes.dynamic, DenseI64ArrayAttr()));
  SmallVector<int64_t> normalized;
  if (axes.constant) {
    FailureOr<SmallVector<int64_t>> a =
        n.normalizeAxes(*axes.constant, type.getRank());
    if (failed(a))
      return failure();
    normalized = *a;
  } else {
    // No axes: every dimension of size 1, which must then be known.
    for (auto [i, d] : llvm::enumerate(type.getShape())) {
      if (ShapedType::isDynamic(d))
        return n.fail("squeezing without axes needs a static shape; pin the "
                      "input's shape with --input-shape");
      if (d == 1)
        normalized.push_back(i);
    }
  }
  return n.setResult(
      n.create1<SqueezeOp>(*x, Value(), n.i64ArrayAttr(normalized)));
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  AxesOperand axes = getAxesOperand(n);
  if (axes.dynamic)
    return n.setResult(
        n.create1<UnsqueezeOp>(*x, axes.dynamic, DenseI64ArrayAttr()));
  if (!axes.constant)
    return n.fail("axes are required");
  int64_t outRank = n.inputType(0).getRank() + axes.constant->size();
  FailureOr<SmallVector<int64_t>> normalized =
      n.normalizeAxes(*axes.constant, outRank);
  if (failed(normalized))
    return failure();
  if (normalized->size() != axes.constant->size())
    return n.fail("axes must be unique");
  return n.setResult(
      n.create1<UnsqueezeOp>(*x, Value(), n.i64ArrayAttr(*normalized)));
}

LogicalResult importTranspose(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> perm;
  if (auto p = n.getInts("perm")) {
    for (int64_t axis : *p) {
      FailureOr<int64_t> a = n.normalizeAxis(axis, rank);
      if (failed(a))
        return failure();
      perm.push_back(*a);
    }
  } else {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  return n.setResult(n.create1<TransposeOp>(*x, n.i64ArrayAttr(perm)));
}

LogicalResult importConcat(NodeImporter &n) {
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < n.numInputs(); ++i)
    if (Value v = n.input(i))
      inputs.push_back(v);
  if (inputs.empty())
    return n.fail("needs at least one input");
  int64_t rank = cast<RankedTensorType>(inputs.front().getType()).getRank();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", n.opset < 4 ? 1 : 0), rank);
  if (failed(axis))
    return failure();
  return n.setResult(n.create1<ConcatOp>(inputs, n.i64Attr(*axis)));
}

LogicalResult importSplit(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  RankedTensorType type = n.inputType(0);
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  int64_t count = n.numOutputs();
  Value sizes;
  std::optional<SmallVector<int64_t>> constSizes;
  if (n.opset < 13) {
    constSizes = n.getInts("split");
    if (!constSizes && n.opset < 2 && n.input(1))
      sizes = n.input(1);
  } else if (Value s = n.input(1)) {
    constSizes = n.constInts(s);
    if (!constSizes)
      sizes = s;
  }
  if (!sizes && !constSizes) {
    int64_t extent = type.getDimSize(*axis);
    if (ShapedType::isDynamic(extent))
      return n.fail("an even split needs a static extent along the axis; pin "
                    "the input's shape with --input-shape");
    // The node's own outputs bound the loop below, not the attribute.
    if (n.hasAttr("num_outputs") && n.getInt("num_outputs", count) != count)
      return n.fail("num_outputs is " +
                    llvm::Twine(n.getInt("num_outputs", 0)) +
                    " but the node has " + llvm::Twine(count) + " outputs");
    int64_t parts = std::max<int64_t>(count, 1);
    int64_t chunk = extent / parts + (extent % parts != 0);
    constSizes.emplace();
    for (int64_t i = 0, left = extent; i < count; ++i, left -= chunk)
      constSizes->push_back(std::clamp<int64_t>(left, 0, chunk));
  }
  if (constSizes) {
    if ((int64_t)constSizes->size() != count)
      return n.fail("split has " + llvm::Twine(constSizes->size()) +
                    " sizes for " + llvm::Twine(count) + " outputs");
    sizes = n.constI64(*constSizes);
  }
  SmallVector<Type> types;
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<int64_t> shape(type.getShape());
    shape[*axis] = constSizes ? (*constSizes)[i] : ShapedType::kDynamic;
    types.push_back(type.clone(shape));
  }
  FailureOr<SmallVector<Value>> results =
      n.createWithTypes<SplitOp>(types, *x, sizes, n.i64Attr(*axis));
  if (failed(results))
    return failure();
  return n.setOutputs(*results);
}

LogicalResult importSlice(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  Value starts, ends, axes, steps;
  if (n.opset < 10) {
    auto s = n.getInts("starts"), e = n.getInts("ends");
    if (!s || !e)
      return n.fail("attributes 'starts' and 'ends' are required");
    starts = n.constI64(*s);
    ends = n.constI64(*e);
    if (auto a = n.getInts("axes"))
      axes = n.constI64(*a);
  } else {
    FailureOr<Value> s = n.requiredInput(1), e = n.requiredInput(2);
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    axes = n.input(3);
    steps = n.input(4);
  }
  auto startsType = cast<RankedTensorType>(starts.getType());
  if (startsType.getRank() != 1 || startsType.isDynamicDim(0))
    return n.fail("starts must be a 1-D tensor of static length");
  int64_t length = startsType.getDimSize(0);
  if (!axes) {
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < length; ++i)
      all.push_back(i);
    axes = n.constI64(all);
  } else if (auto a = n.constInts(axes)) {
    SmallVector<int64_t> normalized;
    for (int64_t axis : *a) {
      FailureOr<int64_t> v = n.normalizeAxis(axis, rank);
      if (failed(v))
        return failure();
      normalized.push_back(*v);
    }
    axes = n.constI64(normalized);
  }
  if (!steps)
    steps = n.constI64(SmallVector<int64_t>(length, 1));
  return n.setResult(n.create1<SliceOp>(*x, starts, ends, axes, steps));
}

template <typename OpTy> LogicalResult importGatherLike(NodeImporter &n) {
  FailureOr<Value> data = n.requiredInput(0), indices = n.requiredInput(1);
  if (failed(data) || failed(indices))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return n.setResult(n.create1<OpTy>(*data, *indices, n.i64Attr(*axis)));
}

LogicalResult importGatherND(NodeImporter &n) {
  FailureOr<Value> data = n.requiredInput(0), indices = n.requiredInput(1);
  if (failed(data) || failed(indices))
    return failure();
  return n.setResult(n.create1<GatherNDOp>(
      *data, *indices, n.i64Attr(n.getInt("batch_dims", 0))));
}

LogicalResult importScatterElements(NodeImporter &n) {
  FailureOr<Value> data = n.requiredInput(0), indices = n.requiredInput(1),
                   updates = n.requiredInput(2);
  if (failed(data) || failed(indices) || failed(updates))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return n.setResult(n.create1<ScatterElementsOp>(
      *data, *indices, *updates, n.i64Attr(*axis),
      n.strAttr(n.getString("reduction", "none"))));
}

LogicalResult importScatterND(NodeImporter &n) {
  FailureOr<Value> data = n.requiredInput(0), indices = n.requiredInput(1),
                   updates = n.requiredInput(2);
  if (failed(data) || failed(indices) || failed(updates))
    return failure();
  return n.setResult(n.create1<ScatterNDOp>(
      *data, *indices, *updates, n.strAttr(n.getString("reduction", "none"))));
}

LogicalResult importExpand(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), shape = n.requiredInput(1);
  if (failed(x) || failed(shape))
    return failure();
  return n.setResult(n.create1<ExpandOp>(*x, *shape));
}

LogicalResult importTile(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), repeats = n.requiredInput(1);
  if (failed(x) || failed(repeats))
    return failure();
  if (n.opset < 6)
    return n.unsupported("Tile before opset 6 (tiles and axis inputs)");
  return n.setResult(n.create1<TileOp>(*x, *repeats));
}

/// A 0-d tensor from a scalar-like (0-d or one-element) value.
FailureOr<Value> toScalar(NodeImporter &n, Value v) {
  if (cast<RankedTensorType>(v.getType()).getRank() == 0)
    return v;
  return n.create1<ReshapeOp>(v, n.constI64({}), n.boolAttr(false));
}

/// Pad's opset-18 form pads only `axes`: the kiln op takes all 2 * rank
/// entries, zero for the other axes. Built at compile time when pads and
/// axes are constants, else with kiln ops at run time.
FailureOr<Value> fullPads(NodeImporter &n, Value pads, Value axesInput,
                          int64_t rank) {
  std::optional<SmallVector<int64_t>> axes = n.constInts(axesInput);
  std::optional<SmallVector<int64_t>> given = n.constInts(pads);
  if (axes && given) {
    if (given->size() != 2 * axes->size())
      return n.fail("pads must have two entries per axis");
    SmallVector<int64_t> full(2 * rank, 0);
    for (auto [i, axis] : llvm::enumerate(*axes)) {
      FailureOr<int64_t> a = n.normalizeAxis(axis, rank);
      if (failed(a))
        return failure();
      full[*a] = (*given)[i];
      full[rank + *a] = (*given)[axes->size() + i];
    }
    return n.constI64(full);
  }
  // Negative axes count from the end: axes + rank where axes < 0. The
  // begin pads go to [axes], the end pads to [axes + rank].
  Type axisType = cast<RankedTensorType>(axesInput.getType()).getElementType();
  KILN_TRY(negative, n.create1<LessOp>(axesInput, n.scalar(axisType, 0)));
  KILN_TRY(shifted, n.create1<AddOp>(axesInput, n.scalar(axisType, rank)));
  KILN_TRY(normalized, n.create1<WhereOp>(*negative, *shifted, axesInput));
  KILN_TRY(ends, n.create1<AddOp>(*normalized, n.scalar(axisType, rank)));
  KILN_TRY(indices,
           n.create1<ConcatOp>(ValueRange{*normalized, *ends}, n.i64Attr(0)));
  Value zeros = n.constI64(SmallVector<int64_t>(2 * rank, 0));
  return n.create1<ScatterElementsOp>(zeros, *indices, pads, n.i64Attr(0),
                                      n.strAttr("none"));
}

LogicalResult importPad(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  std::string mode = n.getString("mode", "constant");
  Value pads, value;
  if (n.opset < 11) {
    auto p = n.getInts(n.opset < 2 ? "paddings" : "pads");
    if (!p)
      return n.fail("attribute 'pads' is required");
    pads = n.constI64(*p);
    value = n.scalar(type.getElementType(), n.getFloat("value", 0.0f));
  } else {
    FailureOr<Value> p = n.requiredInput(1);
    if (failed(p))
      return failure();
    pads = *p;
    if (Value v = n.input(2)) {
      FailureOr<Value> s = toScalar(n, v);
      if (failed(s))
        return failure();
      value = *s;
    } else {
      value = n.scalar(type.getElementType(), 0);
    }
    if (Value axesInput = n.input(3)) {
      FailureOr<Value> full = fullPads(n, pads, axesInput, rank);
      if (failed(full))
        return failure();
      pads = *full;
    }
  }
  return n.setResult(n.create1<PadOp>(*x, pads, value, n.strAttr(mode)));
}

/// Whether `v` is a present, non-empty tensor (Resize passes "" or an empty
/// tensor for the inputs it does not use).
bool isPresent(Value v) {
  if (!v)
    return false;
  auto type = cast<RankedTensorType>(v.getType());
  return !(type.getRank() == 1 && type.getDimSize(0) == 0);
}

/// Writes `updates` (one entry per axis in `axes`) over the entries of the
/// 1-D `base` at those axes, at run time.
FailureOr<Value> scatterAxes(NodeImporter &n, Value base,
                             ArrayRef<int64_t> axes, Value updates) {
  return n.create1<ScatterElementsOp>(base, n.constI64(axes), updates,
                                      n.i64Attr(0), n.strAttr("none"));
}

LogicalResult buildResize(NodeImporter &n, Value x, Value roi, Value scales,
                          Value sizes, StringRef coordinateMode,
                          StringRef nearestMode) {
  RankedTensorType type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  // Opset 18 may resize a subset of the axes; the others keep their size.
  SmallVector<int64_t> axes;
  bool subset = false;
  if (auto axesAttr = n.getInts("axes")) {
    FailureOr<SmallVector<int64_t>> normalized =
        n.normalizeAxes(*axesAttr, rank);
    if (failed(normalized))
      return failure();
    axes = *normalized;
    subset = (int64_t)axes.size() != rank;
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  std::string policy = n.getString("keep_aspect_ratio_policy", "stretch");
  if (sizes && policy != "stretch") {
    // One scale for every resized axis: the smallest (not_larger) or the
    // largest (not_smaller) of the requested ratios.
    auto given = n.constInts(sizes);
    if (!given || given->size() != axes.size() ||
        llvm::any_of(axes, [&](int64_t a) { return type.isDynamicDim(a); }))
      return n.unsupported("keep_aspect_ratio_policy with run-time sizes");
    double scale = policy == "not_larger" ? 1e300 : 0;
    for (auto [i, a] : llvm::enumerate(axes)) {
      double ratio = double((*given)[i]) / type.getDimSize(a);
      scale = policy == "not_larger" ? std::min(scale, ratio)
                                     : std::max(scale, ratio);
    }
    SmallVector<int64_t> fixed;
    for (int64_t a : axes) {
      // NaN (0 * inf) or a size past int64 would make the cast undefined.
      double size = std::round(type.getDimSize(a) * scale);
      if (!(size >= 0 && size < 0x1p62))
        return n.fail("sizes with keep_aspect_ratio_policy '" + policy +
                      "' give an invalid output size");
      fixed.push_back((int64_t)size);
    }
    sizes = n.constI64(fixed);
  }
  if (subset && scales) {
    if (auto given = n.constFloats(scales);
        given && given->size() == axes.size()) {
      SmallVector<float> full(rank, 1.0f);
      for (auto [i, a] : llvm::enumerate(axes))
        full[a] = (*given)[i];
      scales = ConstantOp::create(
          n.b, n.loc,
          DenseElementsAttr::get(
              RankedTensorType::get({rank}, n.b.getF32Type()),
              ArrayRef<float>(full)));
    } else {
      Type element = cast<RankedTensorType>(scales.getType()).getElementType();
      auto ones = RankedTensorType::get({rank}, element);
      Value base = ConstantOp::create(
          n.b, n.loc,
          DenseElementsAttr::get(
              ones, cast<TypedAttr>(n.b.getFloatAttr(element, 1.0))));
      FailureOr<Value> full = scatterAxes(n, base, axes, scales);
      if (failed(full))
        return failure();
      scales = *full;
    }
  } else if (subset && sizes) {
    if (auto given = n.constInts(sizes);
        given && given->size() == axes.size() && type.hasStaticShape()) {
      SmallVector<int64_t> full(type.getShape());
      for (auto [i, a] : llvm::enumerate(axes))
        full[a] = (*given)[i];
      sizes = n.constI64(full);
    } else {
      FailureOr<Value> shape =
          n.create1<ShapeOp>(x, n.i64Attr(0), n.i64Attr(rank));
      FailureOr<Value> full =
          failed(shape) ? shape : scatterAxes(n, *shape, axes, sizes);
      if (failed(full))
        return failure();
      sizes = *full;
    }
  }
  return n.setResult(n.create1<ResizeOp>(
      x, roi, scales, sizes, n.strAttr(n.getString("mode", "nearest")),
      n.strAttr(coordinateMode), n.strAttr(nearestMode),
      n.f32Attr(n.getFloat("cubic_coeff_a", -0.75f)),
      n.boolAttr(n.getInt("exclude_outside", 0)),
      n.f32Attr(n.getFloat("extrapolation_value", 0.0f)),
      n.boolAttr(n.getInt("antialias", 0))));
}

LogicalResult importResize(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  if (n.opset < 11) {
    FailureOr<Value> scales = n.requiredInput(1);
    if (failed(scales))
      return failure();
    return buildResize(n, *x, Value(), *scales, Value(), "asymmetric", "floor");
  }
  Value roi = isPresent(n.input(1)) ? n.input(1) : Value();
  Value scales = isPresent(n.input(2)) ? n.input(2) : Value();
  Value sizes = isPresent(n.input(3)) ? n.input(3) : Value();
  if (!scales && !sizes)
    return n.fail("needs scales or sizes");
  return buildResize(
      n, *x, roi, sizes ? Value() : scales, sizes,
      n.getString("coordinate_transformation_mode", "half_pixel"),
      n.getString("nearest_mode", "round_prefer_floor"));
}

LogicalResult importUpsample(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Value scales;
  if (n.opset < 9) {
    auto s = n.getFloats("scales");
    if (!s)
      return n.fail("attribute 'scales' is required");
    scales = ConstantOp::create(
        n.b, n.loc,
        DenseElementsAttr::get(
            RankedTensorType::get({(int64_t)s->size()}, n.b.getF32Type()),
            ArrayRef<float>(*s)));
  } else {
    FailureOr<Value> s = n.requiredInput(1);
    if (failed(s))
      return failure();
    scales = *s;
  }
  return buildResize(n, *x, Value(), scales, Value(), "asymmetric", "floor");
}

LogicalResult importDepthToSpace(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  return n.setResult(n.create1<DepthToSpaceOp>(
      *x, n.i64Attr(n.getInt("blocksize", 0)),
      n.boolAttr(n.getString("mode", "DCR") == "CRD")));
}

LogicalResult importSpaceToDepth(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  return n.setResult(
      n.create1<SpaceToDepthOp>(*x, n.i64Attr(n.getInt("blocksize", 0))));
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  FailureOr<Value> shape = n.requiredInput(0);
  if (failed(shape))
    return failure();
  ElementsAttr value;
  if (const onnx::AttributeProto *a = n.attr("value")) {
    std::string error;
    FailureOr<ElementsAttr> v = convertTensor(a->t(), n.graph.model.directory,
                                              *n.b.getContext(), error);
    if (failed(v))
      return n.fail(error);
    value = *v;
  } else {
    value = DenseElementsAttr::get(RankedTensorType::get({1}, n.b.getF32Type()),
                                   0.0f);
  }
  return n.setResult(n.create1<ConstantOfShapeOp>(*shape, value));
}

LogicalResult importRange(NodeImporter &n) {
  FailureOr<Value> start = n.requiredInput(0), limit = n.requiredInput(1),
                   delta = n.requiredInput(2);
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  return n.setResult(n.create1<RangeOp>(*start, *limit, *delta));
}

/// Writes ONNX's implicit einsum output (labels used once, alphabetical,
/// after the ellipsis) out.
std::string explicitEquation(StringRef equation) {
  std::string eq;
  for (char c : equation)
    if (c != ' ')
      eq.push_back(c);
  if (StringRef(eq).contains("->"))
    return eq;
  std::map<char, int> counts;
  for (char c : eq)
    if (llvm::isAlpha(c))
      ++counts[c];
  std::string output = StringRef(eq).contains("...") ? "..." : "";
  // Uppercase labels sort before lowercase ones, as in ASCII.
  for (auto [c, count] : counts)
    if (count == 1)
      output.push_back(c);
  return eq + "->" + output;
}

LogicalResult importEinsum(NodeImporter &n) {
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.requiredInput(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  return n.setResult(n.create1<EinsumOp>(
      inputs, n.strAttr(explicitEquation(n.getString("equation", "")))));
}

LogicalResult importTrilu(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Value k = n.input(1) ? n.input(1) : n.scalarI64(0);
  return n.setResult(
      n.create1<TriluOp>(*x, k, n.boolAttr(n.getInt("upper", 1) != 0)));
}

LogicalResult importOneHot(NodeImporter &n) {
  FailureOr<Value> indices = n.requiredInput(0), depth = n.requiredInput(1),
                   values = n.requiredInput(2);
  if (failed(indices) || failed(depth) || failed(values))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), n.inputType(0).getRank() + 1);
  if (failed(axis))
    return failure();
  return n.setResult(
      n.create1<OneHotOp>(*indices, *depth, *values, n.i64Attr(*axis)));
}

LogicalResult importGridSample(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), grid = n.requiredInput(1);
  if (failed(x) || failed(grid))
    return failure();
  std::string mode = n.getString("mode", n.opset < 20 ? "bilinear" : "linear");
  if (mode == "bilinear")
    mode = "linear";
  else if (mode == "bicubic")
    mode = "cubic";
  return n.setResult(
      n.create1<GridSampleOp>(*x, *grid, n.strAttr(mode),
                              n.strAttr(n.getString("padding_mode", "zeros")),
                              n.boolAttr(n.getInt("align_corners", 0) != 0)));
}

LogicalResult importEyeLike(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Type dtype = n.inputType(0).getElementType();
  if (n.hasAttr("dtype")) {
    std::string error;
    FailureOr<Type> t =
        convertElementType(n.getInt("dtype", 1), *n.b.getContext(), error);
    if (failed(t))
      return n.fail(error);
    dtype = *t;
  }
  return n.setResult(n.create1<EyeLikeOp>(*x, TypeAttr::get(dtype),
                                          n.i64Attr(n.getInt("k", 0))));
}

LogicalResult importBitCast(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  std::string error;
  FailureOr<Type> to =
      convertElementType(n.getInt("to", 0), *n.b.getContext(), error);
  if (failed(to))
    return n.fail(error);
  return n.setResult(n.create1<BitCastOp>(*x, TypeAttr::get(*to)));
}

/// CenterCropPad: per axis, a centered slice where the target is smaller
/// and a centered zero pad where it is larger (the extra element of an odd
/// difference goes to the end).
LogicalResult importCenterCropPad(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), shapeInput = n.requiredInput(1);
  if (failed(x) || failed(shapeInput))
    return failure();
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  std::optional<SmallVector<int64_t>> target = n.constInts(*shapeInput);
  if (!target)
    return n.unsupported("a target shape computed at run time");
  SmallVector<int64_t> axes;
  if (auto a = n.getInts("axes")) {
    FailureOr<SmallVector<int64_t>> normalized = n.normalizeAxes(*a, rank);
    if (failed(normalized))
      return failure();
    axes = *normalized;
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  if (axes.size() != target->size())
    return n.fail("shape must have one entry per axis");
  SmallVector<int64_t> starts, ends, sliceAxes, pads(2 * rank, 0);
  for (auto [axis, want] : llvm::zip(axes, *target)) {
    int64_t have = type.getDimSize(axis);
    if (ShapedType::isDynamic(have))
      return n.fail("cropping or padding a dynamic dimension; pin the input's "
                    "shape with --input-shape");
    if (want < have) {
      int64_t start = (have - want) / 2;
      starts.push_back(start);
      ends.push_back(start + want);
      sliceAxes.push_back(axis);
    } else if (want > have) {
      pads[axis] = (want - have) / 2;
      pads[rank + axis] = want - have - pads[axis];
    }
  }
  Value result = *x;
  if (!sliceAxes.empty()) {
    FailureOr<Value> sliced = n.create1<SliceOp>(
        result, n.constI64(starts), n.constI64(ends), n.constI64(sliceAxes),
        n.constI64(SmallVector<int64_t>(sliceAxes.size(), 1)));
    if (failed(sliced))
      return failure();
    result = *sliced;
  }
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
    FailureOr<Value> padded = n.create1<PadOp>(
        result, n.constI64(pads), n.scalar(type.getElementType(), 0),
        n.strAttr("constant"));
    if (failed(padded))
      return failure();
    result = *padded;
  }
  n.setOutput(0, result);
  return success();
}

template <typename OpTy> LogicalResult importSimple(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  return n.setResult(n.create1<OpTy>(*x));
}

} // namespace

void registerTensorHandlers(OpRegistry &r) {
  r.add("Constant", 1, importConstant);
  r.add("Shape", 1, importShape);
  r.add("Size", 1, importSimple<SizeOp>);
  r.add("NonZero", 9, importSimple<NonZeroOp>);
  r.add("Reshape", 1, importReshape);
  r.add("Flatten", 1, importFlatten);
  r.add("Squeeze", 1, importSqueeze);
  r.add("Unsqueeze", 1, importUnsqueeze);
  r.add("Transpose", 1, importTranspose);
  r.add("Concat", 1, importConcat);
  r.add("Split", 1, importSplit);
  r.add("Slice", 1, importSlice);
  r.add("Gather", 1, importGatherLike<GatherOp>);
  r.add("GatherElements", 11, importGatherLike<GatherElementsOp>);
  r.add("GatherND", 11, importGatherND);
  r.add("Scatter", 9, importScatterElements);
  r.add("ScatterElements", 11, importScatterElements);
  r.add("ScatterND", 11, importScatterND);
  r.add("Expand", 8, importExpand);
  r.add("Tile", 1, importTile);
  r.add("Pad", 1, importPad);
  r.add("Resize", 10, importResize);
  r.add("Upsample", 7, importUpsample);
  r.add("DepthToSpace", 1, importDepthToSpace);
  r.add("SpaceToDepth", 1, importSpaceToDepth);
  r.add("ConstantOfShape", 9, importConstantOfShape);
  r.add("Range", 11, importRange);
  r.add("Einsum", 12, importEinsum);
  r.add("Trilu", 14, importTrilu);
  r.add("OneHot", 9, importOneHot);
  r.add("GridSample", 16, importGridSample);
  r.add("EyeLike", 9, importEyeLike);
  r.add("BitCast", 26, importBitCast);
  r.add("CenterCropPad", 18, importCenterCropPad);
  r.add("Det", 11, importSimple<DetOp>);
}

} // namespace kiln::onnx_import
