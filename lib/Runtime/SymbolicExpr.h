//===- SymbolicExpr.h - Sizes computed from symbolic dimensions -*- C++ -*-===//
//
// The artifact describes every size that depends on symbolic dimensions
// (tensor dims, arena offsets and sizes, kernel grids) with one small form:
//
//   value = ceil((constant + sum(coeff * product(symbols))) / divisor)
//
// which covers products of dims (element counts, byte sizes), their sums
// (arena offsets) and tiled grids (ceil-division by a tile size), while
// staying trivial to validate and to evaluate with overflow checks.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_SYMBOLICEXPR_H
#define KILN_LIB_RUNTIME_SYMBOLICEXPR_H

#include "Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln::runtime {

struct SymbolicTerm {
  int64_t coeff = 0;
  std::vector<uint32_t> symbols;
};

struct SymbolicExpr {
  int64_t constant = 0;
  std::vector<SymbolicTerm> terms;
  int64_t divisor = 1;

  /// The value when the expression has no symbols.
  std::optional<int64_t> asConstant() const;
  /// The symbol index when the expression is exactly one symbol.
  std::optional<uint32_t> asSymbol() const;

  /// Evaluates with `symbolValues` (indexed by symbol); fails on overflow or
  /// a negative result, naming `what`.
  Status evaluate(const int64_t *symbolValues, const char *what,
                  int64_t &out) const;

  /// A readable formula, e.g. "4*batch*seq + 64".
  std::string format(const std::vector<std::string> &symbolNames) const;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_SYMBOLICEXPR_H
