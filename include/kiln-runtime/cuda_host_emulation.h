/*===- cuda_host_emulation.h - CUDA kernels emulated on the host ----------===*
 *
 * `kiln-compile --target=cuda --cuda-host-emulation` compiles a model's CUDA
 * kernels, the same code as for the GPU down to the NVVM dialect, for the
 * host CPU instead of PTX: an artifact that the CPU device runs, so that the
 * CUDA code generator can be tested where there is no GPU. Each kernel of
 * such an artifact is an ordinary CPU kernel (kernel_abi.h, a grid of one
 * workgroup) that hands the kernel's per-thread function to
 * kiln_cuda_emulator_launch, once; the thread function reads its thread and
 * block index from its arguments where the GPU reads special registers, and
 * calls kiln_cuda_emulator_barrier where the GPU waits at bar.sync, and
 * kiln_cuda_emulator_check_alignment before each vector access. Shared
 * memory is one host buffer per kernel, which is right because blocks run
 * one at a time; for the same reason, sessions of one emulation artifact
 * must not run at the same time (a test tool, not a serving path).
 *
 * This is the one place where kernels call into the runtime (kernel_abi.h
 * forbids it otherwise): only emulation artifacts do, and only these
 * functions.
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_CUDA_HOST_EMULATION_H
#define KILN_RUNTIME_CUDA_HOST_EMULATION_H

#include "kiln-runtime/kiln_runtime.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One GPU thread of a kernel: the CUDA kernel ABI's two arguments
/// (cuda_kernel_abi.h), then the thread's index in its block, the block's
/// index in the grid, and the block's barrier (null for a kernel without
/// barriers).
typedef void (*kiln_cuda_emulated_thread_fn)(void **bindings,
                                             const int64_t *dims,
                                             int32_t thread, int32_t block,
                                             void *barrier);

/// Runs `grid` blocks of `block` threads of `fn`, block after block, on
/// the calling thread. A kernel with barriers (`uses_barriers` nonzero) runs
/// its block's threads as fibers that take turns from one barrier to the
/// next; one without runs them one after the other. Blocks and threads run
/// first to last, or last to first where the environment variable
/// KILN_CUDA_EMULATION_ORDER is `reverse` (any other value than `forward`
/// or `reverse` ends the process with an error).
KILN_API void kiln_cuda_emulator_launch(kiln_cuda_emulated_thread_fn fn,
                                        void **bindings, const int64_t *dims,
                                        int64_t grid, int64_t block,
                                        int32_t uses_barriers);

/// Waits until every thread of the block has arrived (bar.sync 0).
KILN_API void kiln_cuda_emulator_barrier(void *barrier);

/// Called before each vector load or store with the alignment it claims:
/// aborts, naming the address, when `address` is not a multiple of
/// `alignment` (the GPU would fault where the host goes on).
KILN_API void kiln_cuda_emulator_check_alignment(const void *address,
                                                 int64_t alignment);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_CUDA_HOST_EMULATION_H */
