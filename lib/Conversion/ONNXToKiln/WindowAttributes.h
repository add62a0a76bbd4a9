//===- WindowAttributes.h - ONNX window attributes, resolved ---*- C++ -*-===//
//
// Private to the importer. Convolutions and pools share ONNX's window
// attributes (kernel_shape, strides, dilations, pads, auto_pad); this is the
// one place that fills in their defaults and resolves auto_pad into pads.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_ONNXTOKILN_WINDOWATTRIBUTES_H
#define KILN_LIB_CONVERSION_ONNXTOKILN_WINDOWATTRIBUTES_H

#include "NodeImporter.h"

namespace kiln::onnx_import {

/// Spatial window parameters with ONNX's defaults and auto_pad resolved.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads;
};

/// Resolves kernel/strides/dilations/pads/auto_pad for a window op over the
/// spatial dimensions of `input` (N, C, spatial...).
FailureOr<Window> resolveWindow(NodeImporter &n, mlir::RankedTensorType input,
                                llvm::ArrayRef<int64_t> kernel);

/// The kernel_shape attribute, or the spatial dimensions of a weight
/// (M, C / group, kernel...).
llvm::SmallVector<int64_t> kernelFromWeight(NodeImporter &n,
                                            mlir::RankedTensorType weight);

} // namespace kiln::onnx_import

#endif // KILN_LIB_CONVERSION_ONNXTOKILN_WINDOWATTRIBUTES_H
