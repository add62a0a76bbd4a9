//===- ElementValues.h - Reading and writing single elements ----*- C++ -*-===//
//
// Element access by dtype for the tools' previews and made-up inputs,
// including the 16-bit float formats, which C++17 has no type for.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_ELEMENTVALUES_H
#define KILN_TOOLS_COMMON_ELEMENTVALUES_H

#include "kiln-runtime/kiln_runtime.h"

#include <cstdint>
#include <string>

namespace kiln::tools {

/// IEEE binary16 <-> float (round to nearest even; NaN stays NaN).
float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
/// bfloat16 <-> float (round to nearest even; NaN stays NaN).
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBfloat16(float value);

/// Element `index` of `data`, a `dtype` array, as a double (64-bit integers
/// may round). `data` must hold at least index + 1 elements.
double elementAsDouble(kiln_dtype_t dtype, const void *data, uint64_t index);

/// Stores `value` as element `index` of `data`, converting to `dtype`
/// (integers truncate toward zero, bool is value != 0).
void setElementFromDouble(kiln_dtype_t dtype, void *data, uint64_t index,
                          double value);

/// The first `limit` elements of a `count`-element `dtype` array, as
/// "[1, 2.5, -3, ...]": integers exactly, floats with 6 significant digits,
/// bools as true/false.
std::string formatElements(kiln_dtype_t dtype, const void *data, uint64_t count,
                           uint64_t limit);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_ELEMENTVALUES_H
