//===- ArenaPlan.h - The arena's layout for one set of shapes ---*- C++ -*-===//
//
// The artifact's memory plan gives the arena size and every buffer's offset
// and size over the symbolic dimensions. Both devices evaluate it the same
// way before a run whose shapes are new: the CPU session into host memory,
// the CUDA session into device memory.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_ARENAPLAN_H
#define KILN_LIB_RUNTIME_ARENAPLAN_H

#include "Model.h"

#include <vector>

namespace kiln::runtime {

/// The arena's size and each buffer's offset for the symbol values
/// `symbols`. Fails (INVALID_ARTIFACT) when a buffer is not a multiple of
/// `alignment` bytes into the arena or does not fit in it.
Status evaluateArenaPlan(const kiln_model_t &model, const int64_t *symbols,
                         int64_t alignment, int64_t &arenaSize,
                         std::vector<int64_t> &offsets);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_ARENAPLAN_H
