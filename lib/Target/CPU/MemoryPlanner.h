//===- MemoryPlanner.h - Static arena planning for CPU programs -*- C++ -*-===//
//
// Places every intermediate buffer of a CPUProgram in one arena per session.
// Buffers whose kernel ranges do not overlap may share bytes. Sizes may
// depend on symbolic dimensions: buffers of the form `c * monomial` are
// planned together per monomial (offsets are then multiples of it), each
// group after the previous one, so the plan is valid for every binding of
// the symbols.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_MEMORYPLANNER_H
#define KILN_LIB_TARGET_CPU_MEMORYPLANNER_H

#include "CPUProgram.h"

#include <string>

namespace kiln::cpu {

/// Fills each buffer's offset and the program's arena size. Fails with a
/// message when a buffer's size has a form the planner cannot place.
/// Every offset is a multiple of `alignment` bytes (the kernels' promise:
/// KILN_BUFFER_ALIGNMENT on the CPU, KILN_CUDA_BUFFER_ALIGNMENT on the GPU).
bool planMemory(CPUProgram &program, std::string &error, int64_t alignment);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_MEMORYPLANNER_H
