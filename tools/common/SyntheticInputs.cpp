//===- SyntheticInputs.cpp - Made-up inputs for benchmarking --------------===//

#include "SyntheticInputs.h"

#include "ElementValues.h"

#include <limits>
#include <new>
#include <set>

namespace kiln::tools {

namespace {

/// A non-negative decimal integer, the whole text.
bool parseCount(const std::string &text, int64_t &out) {
  if (text.empty())
    return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || __builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, c - '0', &value))
      return false;
  }
  out = value;
  return true;
}

bool parseTerm(const std::string &text, bool negative, DimFormula &out) {
  DimFormula::Term term;
  term.coeff = negative ? -1 : 1;
  bool allIntegers = true;
  size_t start = 0;
  while (true) {
    size_t star = text.find('*', start);
    std::string factor = text.substr(
        start, star == std::string::npos ? std::string::npos : star - start);
    if (factor.empty())
      return false;
    int64_t value = 0;
    if (parseCount(factor, value)) {
      if (__builtin_mul_overflow(term.coeff, value, &term.coeff))
        return false;
    } else {
      term.symbols.push_back(factor);
      allIntegers = false;
    }
    if (star == std::string::npos)
      break;
    start = star + 1;
  }
  if (allIntegers)
    return !__builtin_add_overflow(out.constant, term.coeff, &out.constant);
  out.terms.push_back(std::move(term));
  return true;
}

/// Splits a sum at " + " and " - " (the runtime puts spaces around them, so
/// a symbol such as "seq-len" stays whole).
bool parseSum(const std::string &text, DimFormula &out) {
  if (text.empty())
    return false;
  bool negative = false;
  size_t start = 0;
  if (text[0] == '-' && text.size() > 1 && text[1] != ' ') {
    negative = true;
    start = 1;
  }
  while (true) {
    size_t plus = text.find(" + ", start);
    size_t minus = text.find(" - ", start);
    size_t op = std::min(plus, minus);
    if (!parseTerm(text.substr(start, op == std::string::npos
                                          ? std::string::npos
                                          : op - start),
                   negative, out))
      return false;
    if (op == std::string::npos)
      return true;
    negative = op == minus;
    start = op + 3;
  }
}

bool multiplyChecked(int64_t a, int64_t b, int64_t &out) {
  return !__builtin_mul_overflow(a, b, &out);
}

} // namespace

bool parseDimFormula(const std::string &text, DimFormula &out) {
  DimFormula formula;
  const std::string prefix = "ceildiv(";
  std::string sum = text;
  if (text.compare(0, prefix.size(), prefix) == 0 && text.back() == ')') {
    size_t comma = text.rfind(", ");
    if (comma == std::string::npos || comma < prefix.size() ||
        !parseCount(text.substr(comma + 2, text.size() - comma - 3),
                    formula.divisor) ||
        formula.divisor == 0)
      return false;
    sum = text.substr(prefix.size(), comma - prefix.size());
  }
  if (!parseSum(sum, formula))
    return false;
  out = std::move(formula);
  return true;
}

bool evaluateDimFormula(const DimFormula &formula,
                        const std::map<std::string, int64_t> &symbols,
                        int64_t &out, std::string &error) {
  int64_t sum = formula.constant;
  for (const DimFormula::Term &term : formula.terms) {
    int64_t product = term.coeff;
    for (const std::string &symbol : term.symbols) {
      auto it = symbols.find(symbol);
      if (it == symbols.end()) {
        error = "symbol '" + symbol + "' has no value";
        return false;
      }
      if (!multiplyChecked(product, it->second, product)) {
        error = "the value overflows";
        return false;
      }
    }
    if (__builtin_add_overflow(sum, product, &sum)) {
      error = "the value overflows";
      return false;
    }
  }
  if (sum < 0) {
    error = "the value is negative (" + std::to_string(sum) + ")";
    return false;
  }
  out = sum / formula.divisor + (sum % formula.divisor != 0);
  return true;
}

bool synthesizeMissingInputs(std::vector<ModelInput> &inputs,
                             const std::map<std::string, int64_t> &dims,
                             std::string &error) {
  // Parse every symbolic dimension once; collect the symbols.
  std::vector<std::vector<DimFormula>> formulas(inputs.size());
  std::set<std::string> known;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const kiln_tensor_info_t &info = inputs[i].info;
    formulas[i].resize(info.rank);
    for (size_t d = 0; d < info.rank; ++d) {
      if (info.dims[d] >= 0)
        continue;
      const char *name = info.dim_names ? info.dim_names[d] : nullptr;
      if (!name || !parseDimFormula(name, formulas[i][d])) {
        // Not in the runtime's syntax: only a file can give this input.
        formulas[i][d] = DimFormula();
        formulas[i][d].terms.push_back({1, {name ? name : "?"}});
      }
      for (const DimFormula::Term &term : formulas[i][d].terms)
        known.insert(term.symbols.begin(), term.symbols.end());
    }
  }
  for (const auto &[symbol, value] : dims) {
    (void)value;
    if (known.count(symbol))
      continue;
    std::string list;
    for (const std::string &name : known)
      list += (list.empty() ? "" : ", ") + name;
    error =
        "the model has no symbolic dimension '" + symbol + "' (" +
        (list.empty() ? "it has none" : "its symbolic dimensions: " + list) +
        ")";
    return false;
  }

  std::map<std::string, int64_t> values = dims;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].tensor)
      continue;
    const HostTensor &tensor = *inputs[i].tensor;
    for (size_t d = 0; d < formulas[i].size() && d < tensor.dims.size(); ++d)
      if (inputs[i].info.dims[d] < 0 && formulas[i][d].isSymbol())
        values.emplace(formulas[i][d].terms[0].symbols[0], tensor.dims[d]);
  }
  for (const std::string &symbol : known)
    values.emplace(symbol, 1);

  for (size_t i = 0; i < inputs.size(); ++i) {
    ModelInput &input = inputs[i];
    if (input.tensor)
      continue;
    HostTensor tensor;
    tensor.name = input.info.name;
    tensor.dtype = input.info.dtype;
    for (size_t d = 0; d < input.info.rank; ++d) {
      int64_t size = input.info.dims[d];
      std::string problem;
      if (size < 0 &&
          !evaluateDimFormula(formulas[i][d], values, size, problem)) {
        error = "cannot make up input '" + tensor.name + "': dim " +
                std::to_string(d) + " (" + input.info.dim_names[d] +
                "): " + problem + "; give the input with --input";
        return false;
      }
      tensor.dims.push_back(size);
    }
    uint64_t bytes = 0;
    if (!tensorByteSize(tensor.dtype, tensor.dims.data(), tensor.dims.size(),
                        bytes) ||
        bytes > std::numeric_limits<size_t>::max() / 2) {
      error = "cannot make up input '" + tensor.name + "': shape " +
              formatShape(tensor.dims.data(), tensor.dims.size()) +
              " is too large";
      return false;
    }
    try {
      tensor.data.resize(static_cast<size_t>(bytes));
    } catch (const std::bad_alloc &) {
      error = "cannot make up input '" + tensor.name +
              "': " + std::to_string(bytes) + " bytes for shape " +
              formatShape(tensor.dims.data(), tensor.dims.size()) +
              " cannot be allocated";
      return false;
    }
    fillPseudoRandom(tensor, 0x6b696c6eu + i);
    input.source = "made-up";
    input.tensor = std::move(tensor);
  }
  return true;
}

void fillPseudoRandom(HostTensor &tensor, uint64_t seed) {
  // splitmix64: tiny, fast and the same on every platform, so that a run is
  // reproducible (std::uniform_*_distribution is not).
  uint64_t state = seed;
  auto next = [&state]() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  size_t elementSize = kiln_dtype_size(tensor.dtype);
  if (elementSize == 0)
    return;
  uint64_t count = tensor.data.size() / elementSize;
  bool isFloat = tensor.dtype == KILN_DTYPE_FLOAT32 ||
                 tensor.dtype == KILN_DTYPE_FLOAT64 ||
                 tensor.dtype == KILN_DTYPE_FLOAT16 ||
                 tensor.dtype == KILN_DTYPE_BFLOAT16;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t bits = next();
    double value = isFloat ? static_cast<double>(bits >> 11) * 0x1p-52 - 1.0
                   : tensor.dtype == KILN_DTYPE_BOOL
                       ? static_cast<double>(bits & 1)
                       : static_cast<double>(bits % 16);
    setElementFromDouble(tensor.dtype, tensor.data.data(), i, value);
  }
}

} // namespace kiln::tools
