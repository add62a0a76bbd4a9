//===- ArenaPlan.cpp - The arena's layout for one set of shapes -----------===//

#include "ArenaPlan.h"

#include <string>

namespace kiln::runtime {

Status evaluateArenaPlan(const kiln_model_t &model, const int64_t *symbols,
                         int64_t alignment, int64_t &arenaSize,
                         std::vector<int64_t> &offsets) {
  KILN_RETURN_IF_ERROR(
      model.arenaSize.evaluate(symbols, "the arena size", arenaSize));
  offsets.assign(model.buffers.size(), 0);
  for (size_t b = 0; b < model.buffers.size(); ++b) {
    const BufferPlan &plan = model.buffers[b];
    std::string what = "buffer " + std::to_string(b) + " '" + plan.name + "'";
    int64_t offset = 0, size = 0;
    KILN_RETURN_IF_ERROR(
        plan.offset.evaluate(symbols, (what + " offset").c_str(), offset));
    KILN_RETURN_IF_ERROR(
        plan.size.evaluate(symbols, (what + " size").c_str(), size));
    if (offset % alignment != 0 || offset > arenaSize ||
        size > arenaSize - offset)
      return makeError(KILN_STATUS_INVALID_ARTIFACT,
                       "%s [%lld, +%lld) is not %lld-byte aligned or outside "
                       "the arena of %lld bytes",
                       what.c_str(), static_cast<long long>(offset),
                       static_cast<long long>(size),
                       static_cast<long long>(alignment),
                       static_cast<long long>(arenaSize));
    offsets[b] = offset;
  }
  return nullptr;
}

} // namespace kiln::runtime
