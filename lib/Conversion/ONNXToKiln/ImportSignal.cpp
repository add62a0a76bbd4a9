//===- ImportSignal.cpp - DFT, STFT, windows, mel filter bank -------------===//
//
// kiln's signal ops take every integer scalar as a 0-d i64 and every
// default filled in, so the handlers cast ONNX's int32 scalars and compute
// the default lengths and windows (from shapes, when not constant).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// A scalar-like input (0-d, or the one-element 1-D tensors that models
/// also use) as a 0-d tensor.
FailureOr<Value> toScalar(NodeImporter &n, Value v, StringRef name) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 0)
    return v;
  if (!type.hasStaticShape() || type.getNumElements() != 1)
    return n.fail("'" + name + "' must hold exactly one value");
  return n.create1<ReshapeOp>(v, n.constI64({}), n.boolAttr(false));
}

/// An integer scalar input (int32 or int64 in ONNX) as a 0-d i64.
FailureOr<Value> toI64Scalar(NodeImporter &n, Value v, StringRef name) {
  KILN_TRY(scalar, toScalar(n, v, name));
  auto type = cast<RankedTensorType>(scalar->getType());
  if (!isa<IntegerType>(type.getElementType()))
    return n.fail("'" + name + "' must be an integer");
  if (type.getElementType().isSignlessInteger(64))
    return *scalar;
  KILN_TRY(cast,
           n.createWithTypes<CastOp>(TypeRange{type.clone(n.b.getI64Type())},
                                     *scalar, n.boolAttr(false)));
  return cast->front();
}

/// The element type an `output_datatype` attribute names (FLOAT by default).
FailureOr<Type> outputDataType(NodeImporter &n) {
  std::string error;
  FailureOr<Type> type = convertElementType(n.getInt("output_datatype", 1),
                                            *n.b.getContext(), error);
  if (failed(type))
    return n.fail(error);
  return type;
}

//===----------------------------------------------------------------------===//
// Fourier transforms
//===----------------------------------------------------------------------===//

/// ONNX's default DFT length: the size n of the transformed dimension
/// (`axis`, normalized, when known, else the 0-d `dynamicAxis`), or
/// `2 * (n - 1)` for an IRFFT, whose input holds the non-redundant
/// frequencies of an even-length signal.
FailureOr<Value> defaultDFTLength(NodeImporter &n, Value input,
                                  std::optional<int64_t> axis,
                                  Value dynamicAxis, bool irfft) {
  auto type = cast<RankedTensorType>(input.getType());
  if (axis && !type.isDynamicDim(*axis)) {
    int64_t size = type.getDimSize(*axis), length = size;
    if (irfft && llvm::MulOverflow(size - 1, int64_t(2), length))
      return n.fail("the default IRFFT length 2 * (" + llvm::Twine(size) +
                    " - 1) overflows int64");
    return n.scalarI64(length);
  }
  KILN_TRY(shape,
           n.create1<ShapeOp>(input, n.i64Attr(0), n.i64Attr(type.getRank())));
  // kiln.gather, like ONNX's, counts a negative dynamic axis from the back.
  Value index = axis ? n.scalarI64(*axis) : dynamicAxis;
  KILN_TRY(size, n.create1<GatherOp>(*shape, index, n.i64Attr(0)));
  if (!irfft)
    return *size;
  KILN_TRY(minusOne, n.create1<SubOp>(*size, n.scalarI64(1)));
  return n.create1<MulOp>(*minusOne, n.scalarI64(2));
}

/// DFT-17 takes the axis as an attribute (default 1), DFT-20 as an optional
/// input (default -2); kiln takes a normalized attribute when the axis is
/// known, else the 0-d operand.
LogicalResult importDFT(NodeImporter &n) {
  KILN_TRY(x, n.requiredInput(0));
  int64_t rank = n.inputType(0).getRank();
  std::optional<int64_t> axis;
  Value dynamicAxis;
  if (n.opset < 20) {
    axis = n.getInt("axis", 1);
  } else if (Value axisInput = n.input(2)) {
    KILN_TRY(scalar, toI64Scalar(n, axisInput, "axis"));
    if (std::optional<SmallVector<int64_t>> c = n.constInts(*scalar))
      axis = c->front();
    else
      dynamicAxis = *scalar;
  } else {
    axis = -2;
  }
  if (axis) {
    // The last dimension holds the real and imaginary parts.
    if (*axis < -rank || *axis > rank - 2 || *axis == -1)
      return n.fail("axis " + llvm::Twine(*axis) +
                    " is out of range for an input of rank " +
                    llvm::Twine(rank));
    if (*axis < 0)
      *axis += rank;
  }
  bool inverse = n.getInt("inverse", 0), onesided = n.getInt("onesided", 0);
  FailureOr<Value> length =
      n.input(1) ? toI64Scalar(n, n.input(1), "dft_length")
                 : defaultDFTLength(n, *x, axis, dynamicAxis,
                                    /*irfft=*/inverse && onesided);
  if (failed(length))
    return failure();
  KILN_TRY(y, n.create1<DFTOp>(*x, *length, dynamicAxis,
                               axis ? n.i64Attr(*axis) : IntegerAttr(),
                               n.boolAttr(inverse), n.boolAttr(onesided)));
  n.setOutput(0, *y);
  return success();
}

/// A rectangular window (ONNX's default) of `frameLength` (a 0-d i64) or,
/// without one, of the signal's length.
FailureOr<Value> defaultWindow(NodeImporter &n, Value signal,
                               Value frameLength) {
  auto type = cast<RankedTensorType>(signal.getType());
  FailureOr<Value> shape = failure();
  if (frameLength)
    shape =
        n.create1<ReshapeOp>(frameLength, n.constI64({1}), n.boolAttr(false));
  else if (!type.isDynamicDim(1))
    shape = n.constI64({type.getDimSize(1)});
  else
    shape = n.create1<ShapeOp>(signal, n.i64Attr(1), n.i64Attr(2));
  if (failed(shape))
    return failure();
  Type element = type.getElementType();
  auto one = DenseElementsAttr::get(RankedTensorType::get({1}, element),
                                    n.b.getFloatAttr(element, 1.0));
  return n.create1<ConstantOfShapeOp>(*shape, cast<ElementsAttr>(one));
}

LogicalResult importSTFT(NodeImporter &n) {
  KILN_TRY(signal, n.requiredInput(0));
  KILN_TRY(stepInput, n.requiredInput(1));
  KILN_TRY(step, toI64Scalar(n, *stepInput, "frame_step"));
  // Checked here as well as by kiln.stft: the default window needs it.
  if (n.inputType(0).getRank() != 3 ||
      !isa<FloatType>(n.inputType(0).getElementType()))
    return n.fail("the signal must be a float tensor [batch, length, 1 or 2]");
  Value frameLength;
  if (Value input = n.input(3)) {
    KILN_TRY(scalar, toI64Scalar(n, input, "frame_length"));
    frameLength = *scalar;
  }
  Value window = n.input(2);
  if (window && frameLength) {
    // The window's length is the frame length; ONNX requires the two to
    // agree, so the scalar adds nothing once checked.
    std::optional<SmallVector<int64_t>> length = n.constInts(frameLength);
    RankedTensorType windowType = n.inputType(2);
    if (length && windowType.getRank() == 1 && !windowType.isDynamicDim(0) &&
        windowType.getDimSize(0) != length->front())
      return n.fail("frame_length " + llvm::Twine(length->front()) +
                    " differs from the window's length " +
                    llvm::Twine(windowType.getDimSize(0)));
  }
  if (!window) {
    KILN_TRY(ones, defaultWindow(n, *signal, frameLength));
    window = *ones;
  }
  KILN_TRY(y, n.create1<STFTOp>(*signal, *step, window,
                                n.boolAttr(n.getInt("onesided", 1))));
  n.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Windows and the mel filter bank
//===----------------------------------------------------------------------===//

template <typename OpTy> LogicalResult importWindow(NodeImporter &n) {
  KILN_TRY(sizeInput, n.requiredInput(0));
  KILN_TRY(size, toI64Scalar(n, *sizeInput, "size"));
  KILN_TRY(element, outputDataType(n));
  KILN_TRY(y, n.create1<OpTy>(*size, n.boolAttr(n.getInt("periodic", 1)),
                              TypeAttr::get(*element)));
  n.setOutput(0, *y);
  return success();
}

LogicalResult importMelWeightMatrix(NodeImporter &n) {
  static constexpr const char *names[] = {"num_mel_bins", "dft_length",
                                          "sample_rate", "lower_edge_hertz",
                                          "upper_edge_hertz"};
  SmallVector<Value, 5> operands;
  for (auto [i, name] : llvm::enumerate(names)) {
    KILN_TRY(input, n.requiredInput(i));
    // The first three are counts, the last two frequencies.
    KILN_TRY(scalar,
             i < 3 ? toI64Scalar(n, *input, name) : toScalar(n, *input, name));
    operands.push_back(*scalar);
  }
  KILN_TRY(element, outputDataType(n));
  KILN_TRY(y, n.create1<MelWeightMatrixOp>(
                  operands[0], operands[1], operands[2], operands[3],
                  operands[4], TypeAttr::get(*element)));
  n.setOutput(0, *y);
  return success();
}

} // namespace

void registerSignalHandlers(OpRegistry &r) {
  r.add("DFT", 17, importDFT);
  r.add("STFT", 17, importSTFT);
  r.add("HannWindow", 17, importWindow<HannWindowOp>);
  r.add("HammingWindow", 17, importWindow<HammingWindowOp>);
  r.add("BlackmanWindow", 17, importWindow<BlackmanWindowOp>);
  r.add("MelWeightMatrix", 17, importMelWeightMatrix);
}

} // namespace kiln::onnx_import
