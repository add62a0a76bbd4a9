//===- SymbolicExpr.cpp - Sizes computed from symbolic dimensions ---------===//

#include "SymbolicExpr.h"

namespace kiln::runtime {

std::optional<int64_t> SymbolicExpr::asConstant() const {
  if (!terms.empty())
    return std::nullopt;
  // divisor > 0 is checked by the loader.
  int64_t q = constant / divisor;
  return (constant % divisor > 0) ? q + 1 : q;
}

std::optional<uint32_t> SymbolicExpr::asSymbol() const {
  if (constant != 0 || divisor != 1 || terms.size() != 1 ||
      terms[0].coeff != 1 || terms[0].symbols.size() != 1)
    return std::nullopt;
  return terms[0].symbols[0];
}

Status SymbolicExpr::evaluate(const int64_t *symbolValues, const char *what,
                              int64_t &out) const {
  int64_t sum = constant;
  for (const SymbolicTerm &term : terms) {
    int64_t product = term.coeff;
    for (uint32_t symbol : term.symbols)
      if (__builtin_mul_overflow(product, symbolValues[symbol], &product))
        return makeError(KILN_STATUS_OUT_OF_MEMORY,
                         "%s overflows 64 bits for these input shapes", what);
    if (__builtin_add_overflow(sum, product, &sum))
      return makeError(KILN_STATUS_OUT_OF_MEMORY,
                       "%s overflows 64 bits for these input shapes", what);
  }
  if (sum < 0)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "%s evaluates to a negative value (%lld) for these input "
                     "shapes",
                     what, static_cast<long long>(sum));
  // sum >= 0 and divisor > 0: a ceil-division that cannot overflow.
  out = sum / divisor + (sum % divisor != 0 ? 1 : 0);
  return nullptr;
}

std::string
SymbolicExpr::format(const std::vector<std::string> &symbolNames) const {
  std::string text;
  for (const SymbolicTerm &term : terms) {
    if (!text.empty())
      text += term.coeff < 0 ? " - " : " + ";
    else if (term.coeff < 0)
      text += "-";
    // |INT64_MIN| is not representable; print it through unsigned math.
    uint64_t magnitude = term.coeff < 0 ? 0 - static_cast<uint64_t>(term.coeff)
                                        : static_cast<uint64_t>(term.coeff);
    bool first = true;
    if (magnitude != 1 || term.symbols.empty()) {
      text += std::to_string(magnitude);
      first = false;
    }
    for (uint32_t symbol : term.symbols) {
      if (!first)
        text += "*";
      text += symbol < symbolNames.size() ? symbolNames[symbol]
                                          : "?" + std::to_string(symbol);
      first = false;
    }
  }
  if (constant != 0 || text.empty()) {
    if (text.empty())
      text = std::to_string(constant);
    else
      text += (constant < 0 ? " - " : " + ") +
              std::to_string(constant < 0 ? 0 - static_cast<uint64_t>(constant)
                                          : static_cast<uint64_t>(constant));
  }
  if (divisor != 1)
    text = "ceildiv(" + text + ", " + std::to_string(divisor) + ")";
  return text;
}

} // namespace kiln::runtime
