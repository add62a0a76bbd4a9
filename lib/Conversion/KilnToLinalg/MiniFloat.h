//===- MiniFloat.h - Software conversions of the 8- and 4-bit floats -*- C++
//-*-===//
//
// The CPU has no arithmetic on the float8 (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ,
// E8M0) and float4 (E2M1) formats: kiln converts them to and from f32 with
// integer operations on their bits, inside linalg bodies.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CONVERSION_KILNTOLINALG_MINIFLOAT_H
#define KILN_CONVERSION_KILNTOLINALG_MINIFLOAT_H

#include "mlir/IR/Builders.h"

namespace kiln {

/// Whether `type` is one of the float types converted in software.
bool isMiniFloat(mlir::Type type);

/// The f32 value of the mini-float `x` (exact).
mlir::Value extendMiniFloat(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x);

/// The f32 `x` as the mini-float type `to`: rounded to nearest, ties to
/// even (E8M0: rounded up, as ONNX's Cast defaults to). With `saturate`,
/// values beyond the finite range (infinities included) become the largest
/// finite value; without it they become infinity where the type has one and
/// NaN otherwise. Types with neither (E2M1) always saturate, and take NaN to
/// negative zero.
mlir::Value truncateToMiniFloat(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, mlir::FloatType to,
                                bool saturate);

} // namespace kiln

#endif // KILN_CONVERSION_KILNTOLINALG_MINIFLOAT_H
