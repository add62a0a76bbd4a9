//===- CPUProgram.cpp - A model split into CPU kernels --------------------===//

#include "CPUProgram.h"

#include <algorithm>

using namespace kiln::cpu;

uint32_t CPUProgram::getOrAddSymbol(const std::string &name) {
  auto it = std::find(symbols.begin(), symbols.end(), name);
  if (it != symbols.end())
    return static_cast<uint32_t>(it - symbols.begin());
  symbols.push_back(name);
  return static_cast<uint32_t>(symbols.size() - 1);
}
