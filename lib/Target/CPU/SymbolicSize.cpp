//===- SymbolicSize.cpp - Sizes as polynomials over symbols ---------------===//

#include "SymbolicSize.h"

#include <algorithm>

using namespace kiln::cpu;

SymbolicSize SymbolicSize::constant(int64_t value) {
  SymbolicSize s;
  if (value != 0)
    s.terms[{}] = value;
  return s;
}

SymbolicSize SymbolicSize::symbol(uint32_t index) {
  SymbolicSize s;
  s.terms[{index}] = 1;
  return s;
}

std::optional<SymbolicSize> SymbolicSize::add(const SymbolicSize &other) const {
  if (divisor != 1 || other.divisor != 1)
    return std::nullopt;
  SymbolicSize sum = *this;
  for (const auto &[monomial, coeff] : other.terms) {
    int64_t &c = sum.terms[monomial];
    if (__builtin_add_overflow(c, coeff, &c))
      return std::nullopt;
    if (c == 0)
      sum.terms.erase(monomial);
  }
  return sum;
}

std::optional<SymbolicSize> SymbolicSize::negate() const {
  return mul(constant(-1));
}

std::optional<SymbolicSize> SymbolicSize::mul(const SymbolicSize &other) const {
  if (divisor != 1 || other.divisor != 1)
    return std::nullopt;
  SymbolicSize product;
  for (const auto &[m1, c1] : terms) {
    for (const auto &[m2, c2] : other.terms) {
      Monomial m = m1;
      m.insert(m.end(), m2.begin(), m2.end());
      std::sort(m.begin(), m.end());
      int64_t c;
      if (__builtin_mul_overflow(c1, c2, &c))
        return std::nullopt;
      int64_t &slot = product.terms[m];
      if (__builtin_add_overflow(slot, c, &slot))
        return std::nullopt;
      if (slot == 0)
        product.terms.erase(m);
    }
  }
  return product;
}

std::optional<SymbolicSize> SymbolicSize::ceilDiv(int64_t d) const {
  if (d <= 0 || divisor != 1)
    return std::nullopt;
  if (d == 1)
    return *this;
  // Exact when every coefficient divides: keep the polynomial form.
  bool exact = std::all_of(terms.begin(), terms.end(),
                           [&](const auto &t) { return t.second % d == 0; });
  SymbolicSize q = *this;
  if (exact) {
    for (auto &[m, c] : q.terms)
      c /= d;
    return q;
  }
  if (isConstant()) {
    int64_t v = getConstant();
    return constant(v >= 0 ? (v + d - 1) / d : -((-v) / d));
  }
  q.divisor = d;
  return q;
}

std::optional<SymbolicSize> SymbolicSize::floorDiv(int64_t d) const {
  if (d <= 0 || divisor != 1)
    return std::nullopt;
  if (isConstant()) {
    int64_t v = getConstant();
    return constant(v >= 0 ? v / d : -((-v + d - 1) / d));
  }
  // floor(x / d) == ceil((x - (d - 1)) / d) for integers.
  auto shifted = add(constant(-(d - 1)));
  if (!shifted)
    return std::nullopt;
  return shifted->ceilDiv(d);
}

bool SymbolicSize::isConstant() const {
  return divisor == 1 &&
         (terms.empty() || (terms.size() == 1 && terms.begin()->first.empty()));
}

int64_t SymbolicSize::getConstant() const {
  return terms.empty() ? 0 : terms.begin()->second;
}

std::optional<std::pair<int64_t, SymbolicSize::Monomial>>
SymbolicSize::asScaledMonomial() const {
  if (divisor != 1 || terms.size() > 1)
    return std::nullopt;
  if (terms.empty())
    return std::make_pair(int64_t(0), Monomial{});
  return std::make_pair(terms.begin()->second, terms.begin()->first);
}

kiln::artifact::SizeExpr SymbolicSize::toExpr() const {
  artifact::SizeExpr e;
  e.divisor = divisor;
  for (const auto &[m, c] : terms) {
    if (m.empty())
      e.constant = c;
    else
      e.terms.push_back({c, m});
  }
  return e;
}
