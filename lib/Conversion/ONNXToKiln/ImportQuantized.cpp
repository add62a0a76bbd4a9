//===- ImportQuantized.cpp - quantized ONNX ops -----------------------------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {

void registerQuantizedHandlers(OpRegistry &r) {}

} // namespace kiln::onnx_import
