//===- Passes.h - kiln conversion passes ------------------------*- C++ -*-===//
//
// Declares and registers every pass under lib/Conversion (except the
// importer, which is a library entry point, not a pass).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CONVERSION_PASSES_H
#define KILN_CONVERSION_PASSES_H

#include "kiln/Conversion/KilnToLinalg/KilnToLinalg.h"

namespace kiln {

#define GEN_PASS_REGISTRATION
#include "kiln/Conversion/Passes.h.inc"

} // namespace kiln

#endif // KILN_CONVERSION_PASSES_H
