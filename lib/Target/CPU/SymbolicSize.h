//===- SymbolicSize.h - Sizes as polynomials over symbols -------*- C++ -*-===//
//
// A dimension or byte size of a compiled model written in terms of the
// model's symbolic dimensions: ceil(polynomial / divisor), the form the
// artifact stores (artifact::SizeExpr). The CPU code generator computes these
// for buffers, outputs and grids, and emits code evaluating them in kernels.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_SYMBOLICSIZE_H
#define KILN_LIB_TARGET_CPU_SYMBOLICSIZE_H

#include "kiln/Target/Artifact/ArtifactWriter.h"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace kiln::cpu {

class SymbolicSize {
public:
  /// A product of symbols (sorted symbol indices; empty for a constant).
  using Monomial = std::vector<uint32_t>;

  static SymbolicSize constant(int64_t value);
  static SymbolicSize symbol(uint32_t index);

  /// The sum, product or ceil-division of two sizes; nullopt when the result
  /// is not of this form (dividing an already divided size, a division by a
  /// non-constant) or when a coefficient overflows.
  std::optional<SymbolicSize> add(const SymbolicSize &other) const;
  std::optional<SymbolicSize> mul(const SymbolicSize &other) const;
  std::optional<SymbolicSize> ceilDiv(int64_t divisor) const;
  /// floor(this / divisor) for non-negative sizes.
  std::optional<SymbolicSize> floorDiv(int64_t divisor) const;
  std::optional<SymbolicSize> negate() const;

  bool isConstant() const;
  /// The value of a constant size.
  int64_t getConstant() const;
  /// The single monomial of a size `coeff * monomial` (no divisor), or
  /// nullopt.
  std::optional<std::pair<int64_t, Monomial>> asScaledMonomial() const;

  int64_t getDivisor() const { return divisor; }
  const std::map<Monomial, int64_t> &getTerms() const { return terms; }

  artifact::SizeExpr toExpr() const;

  bool operator==(const SymbolicSize &other) const {
    return terms == other.terms && divisor == other.divisor;
  }

private:
  /// Monomial -> coefficient, no zero coefficients.
  std::map<Monomial, int64_t> terms;
  int64_t divisor = 1;
};

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_SYMBOLICSIZE_H
