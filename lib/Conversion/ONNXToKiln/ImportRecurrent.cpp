//===- ImportRecurrent.cpp - recurrent ONNX ops -----------------------------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {

void registerRecurrentHandlers(OpRegistry &r) {}

} // namespace kiln::onnx_import
