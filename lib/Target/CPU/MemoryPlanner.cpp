//===- MemoryPlanner.cpp - Static arena planning for CPU programs ---------===//

#include "MemoryPlanner.h"

#include <algorithm>
#include <map>

using namespace kiln::cpu;

namespace {
struct Placement {
  size_t buffer;
  int64_t units; // size in multiples of the group's monomial, aligned
  int64_t offset = 0;
};
} // namespace

static int64_t alignUp(int64_t v, int64_t alignment) {
  return (v + alignment - 1) / alignment * alignment;
}

/// Greedy by size: the largest buffers first, each at the lowest offset
/// that no buffer live at the same time occupies. Returns the group's size.
static int64_t placeGroup(std::vector<Placement> &group,
                          const std::vector<ProgramBuffer> &buffers) {
  std::stable_sort(
      group.begin(), group.end(),
      [](const Placement &a, const Placement &b) { return a.units > b.units; });
  int64_t total = 0;
  for (size_t i = 0; i < group.size(); ++i) {
    const ProgramBuffer &me = buffers[group[i].buffer];
    std::vector<std::pair<int64_t, int64_t>> taken;
    for (size_t j = 0; j < i; ++j) {
      const ProgramBuffer &other = buffers[group[j].buffer];
      if (other.firstKernel <= me.lastKernel &&
          me.firstKernel <= other.lastKernel)
        taken.push_back({group[j].offset, group[j].offset + group[j].units});
    }
    std::sort(taken.begin(), taken.end());
    int64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + group[i].units <= begin)
        break;
      offset = std::max(offset, end);
    }
    group[i].offset = offset;
    total = std::max(total, offset + group[i].units);
  }
  return total;
}

bool kiln::cpu::planMemory(CPUProgram &program, std::string &error,
                           int64_t alignment) {
  std::map<SymbolicSize::Monomial, std::vector<Placement>> groups;
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    auto scaled = program.buffers[i].bytes.asScaledMonomial();
    if (!scaled) {
      error = program.buffers[i].name +
              ": its size is not a multiple of one product of symbolic "
              "dimensions; pin the input shapes with --input-shape";
      return false;
    }
    // A zero-sized buffer still gets a distinct, aligned address.
    groups[scaled->second].push_back(
        {i, alignUp(std::max<int64_t>(scaled->first, 1), alignment)});
  }
  SymbolicSize base = SymbolicSize::constant(0);
  for (auto &[monomial, group] : groups) {
    int64_t units = placeGroup(group, program.buffers);
    SymbolicSize unit = SymbolicSize::constant(1);
    for (uint32_t s : monomial)
      unit = *unit.mul(SymbolicSize::symbol(s));
    for (const Placement &p : group) {
      auto offset = SymbolicSize::constant(p.offset).mul(unit);
      auto placed = offset ? base.add(*offset) : std::nullopt;
      if (!placed) {
        error = "the arena's size overflows";
        return false;
      }
      program.buffers[p.buffer].offset = *placed;
    }
    auto size = SymbolicSize::constant(units).mul(unit);
    auto next = size ? base.add(*size) : std::nullopt;
    if (!next) {
      error = "the arena's size overflows";
      return false;
    }
    base = *next;
  }
  program.arenaBytes = base;
  return true;
}
