//===- KilnToLinalg.h - lower kiln to linalg on tensors ---------*- C++ -*-===//

#ifndef KILN_CONVERSION_KILNTOLINALG_KILNTOLINALG_H
#define KILN_CONVERSION_KILNTOLINALG_KILNTOLINALG_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace kiln {

/// Adds the patterns that rewrite kiln ops into linalg, tensor, arith and
/// math ops on tensors (every op family the CPU code generator supports).
void populateKilnToLinalgConversionPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_DECL_KILNCONVERTTOLINALG
#include "kiln/Conversion/Passes.h.inc"

} // namespace kiln

#endif // KILN_CONVERSION_KILNTOLINALG_KILNTOLINALG_H
