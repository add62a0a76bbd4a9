//===- WindowAttributes.cpp - ONNX window attributes, resolved -----------===//

#include "WindowAttributes.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::onnx_import {

FailureOr<Window> resolveWindow(NodeImporter &n, RankedTensorType input,
                                ArrayRef<int64_t> kernel) {
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1)
    return n.fail("input must have rank 3 or more, got " +
                  llvm::Twine(input.getRank()));
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = n.getInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
  w.dilations =
      n.getInts("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  w.pads = n.getInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  if ((int64_t)w.kernel.size() != spatial ||
      (int64_t)w.strides.size() != spatial ||
      (int64_t)w.dilations.size() != spatial ||
      (int64_t)w.pads.size() != 2 * spatial)
    return n.fail("kernel_shape, strides, dilations and pads must match the " +
                  llvm::Twine(spatial) + " spatial dimensions");
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET")
    return w;
  if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
    return w;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return n.fail("unknown auto_pad '" + autoPad + "'");
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(w.kernel[i]))
      return n.fail("auto_pad " + autoPad +
                    " needs static spatial sizes; pin "
                    "the input's shape with --input-shape");
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.kernel[i] < 1)
      return n.fail("auto_pad " + autoPad +
                    " needs positive strides, dilations and kernel sizes");
    // ceil(in / stride); (out - 1) * stride < in cannot overflow, the
    // effective kernel size can.
    int64_t out = in / w.strides[i] + (in % w.strides[i] != 0);
    int64_t effective;
    if (llvm::MulOverflow(w.kernel[i] - 1, w.dilations[i], effective))
      return n.fail("kernel_shape and dilations are too large");
    int64_t total =
        std::max<int64_t>(0, (out - 1) * w.strides[i] - in + effective + 1);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

SmallVector<int64_t> kernelFromWeight(NodeImporter &n,
                                      RankedTensorType weight) {
  if (auto k = n.getInts("kernel_shape"))
    return *k;
  // A weight of rank < 2 has no kernel; resolveWindow rejects the rank.
  if (weight.getRank() < 2)
    return {};
  return SmallVector<int64_t>(weight.getShape().drop_front(2));
}

} // namespace kiln::onnx_import
