//===- SyntheticInputs.h - Made-up inputs for benchmarking ------*- C++ -*-===//
//
// kiln-bench runs a model without input files: it gives each missing input
// the shape its signature names, with symbolic dimensions set by --dim
// (default 1), and fills it with deterministic pseudo-random values.
//
// A symbolic dimension's name is a symbol ("batch") or, for a dimension
// derived from symbols, the runtime's formula for it: terms "c*s*t" joined
// by " + " or " - ", an integer constant, all optionally inside
// "ceildiv(..., d)" (see lib/Runtime/SymbolicExpr.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_SYNTHETICINPUTS_H
#define KILN_TOOLS_COMMON_SYNTHETICINPUTS_H

#include "ModelInputs.h"

#include <map>
#include <string>
#include <vector>

namespace kiln::tools {

/// A parsed dimension formula: ceil((constant + sum(coeff * prod(symbols)))
/// / divisor).
struct DimFormula {
  struct Term {
    int64_t coeff = 1;
    std::vector<std::string> symbols;
  };
  int64_t constant = 0;
  std::vector<Term> terms;
  int64_t divisor = 1;

  /// Whether the formula is exactly one symbol.
  bool isSymbol() const {
    return constant == 0 && divisor == 1 && terms.size() == 1 &&
           terms[0].coeff == 1 && terms[0].symbols.size() == 1;
  }
};

/// Parses a symbolic dimension's name; false if it is not in the runtime's
/// formula syntax. Anything that is not an integer is a symbol name.
bool parseDimFormula(const std::string &text, DimFormula &out);

/// Evaluates `formula` with `symbols`, which must bind each of its symbols.
/// False on an unbound symbol, an overflow or a negative result, with
/// `error` saying which.
bool evaluateDimFormula(const DimFormula &formula,
                        const std::map<std::string, int64_t> &symbols,
                        int64_t &out, std::string &error);

/// Gives every input without a tensor a made-up one. Symbol values come from
/// `dims` (--dim), then from the inputs that have tensors, else 1. Fails on
/// a --dim symbol the inputs do not mention and on shapes it cannot compute.
/// The made-up inputs' source is "made-up".
bool synthesizeMissingInputs(std::vector<ModelInput> &inputs,
                             const std::map<std::string, int64_t> &dims,
                             std::string &error);

/// Fills `tensor.data` (already sized) with pseudo-random values from
/// `seed`: floats uniform in [-1, 1), integers in [0, 16), bools half true.
void fillPseudoRandom(HostTensor &tensor, uint64_t seed);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_SYNTHETICINPUTS_H
