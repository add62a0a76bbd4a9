//===- ImportSignal.cpp - signal ONNX ops -----------------------------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {

void registerSignalHandlers(OpRegistry &r) {}

} // namespace kiln::onnx_import
