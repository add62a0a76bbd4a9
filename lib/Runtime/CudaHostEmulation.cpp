//===- CudaHostEmulation.cpp - CUDA kernels emulated on the host ----------===//
//
// The launcher of cuda_host_emulation.h. A kernel without barriers runs its
// threads one after the other. A kernel with barriers runs the threads of a
// block as fibers on the calling thread (ucontext): each runs until its next
// barrier (or its end), then the next one; when all have arrived, the round
// starts again. Every thread passes barrier i only after all have reached
// it, which is what bar.sync guarantees, deterministically and without the
// cost of a host thread per GPU thread.
//
// The GPU promises no order between blocks, nor between threads from one
// barrier to the next. With KILN_CUDA_EMULATION_ORDER=reverse the blocks
// and the threads of each round run last to first: a kernel whose result
// depends on the order (a read of another thread's write without a barrier
// between them, say) then computes something else than in the default
// order, and a test that runs both orders against a reference catches it.
//
//===----------------------------------------------------------------------===//

#include "kiln-runtime/cuda_host_emulation.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <ucontext.h>
#include <vector>

namespace {

/// Stack of each fiber: the kernels' frames are small, but spilled
/// register tiles can take a few KiB.
constexpr size_t kFiberStackBytes = 256 * 1024;

/// One block's threads as fibers.
struct FiberBlock {
  kiln_cuda_emulated_thread_fn fn = nullptr;
  void **bindings = nullptr;
  const int64_t *dims = nullptr;
  int32_t block = 0;
  /// The fiber running now (its thread index), and the scheduler's context.
  int32_t current = 0;
  ucontext_t scheduler;
  std::vector<ucontext_t> fibers;
  std::vector<bool> finished;
};

/// The fibers' stacks, kept by each calling thread from launch to launch
/// (grown to the largest block): allocating them anew for every launch
/// would cost more than many kernels.
thread_local std::vector<std::unique_ptr<char[]>> fiberStacks;

/// The block whose fibers the calling thread runs (a fiber's entry point
/// takes no pointer argument portably).
thread_local FiberBlock *runningBlock = nullptr;

void fiberMain() {
  FiberBlock &block = *runningBlock;
  int32_t thread = block.current;
  block.fn(block.bindings, block.dims, thread, block.block, &block);
  block.finished[thread] = true;
  // Returning resumes the scheduler (uc_link).
}

void fail(const char *message) {
  std::fprintf(stderr, "kiln: CUDA host emulation: %s\n", message);
  std::abort();
}

/// Whether blocks and threads run last to first (see above). Read at each
/// launch, which costs nothing next to an emulated kernel.
bool runsReversed() {
  const char *order = std::getenv("KILN_CUDA_EMULATION_ORDER");
  if (!order || !*order || std::strcmp(order, "forward") == 0)
    return false;
  if (std::strcmp(order, "reverse") == 0)
    return true;
  std::fprintf(stderr,
               "kiln: CUDA host emulation: KILN_CUDA_EMULATION_ORDER is '%s'; "
               "it takes 'forward' or 'reverse'\n",
               order);
  std::exit(2);
}

} // namespace

void kiln_cuda_emulator_launch(kiln_cuda_emulated_thread_fn fn, void **bindings,
                               const int64_t *dims, int64_t grid, int64_t block,
                               int32_t uses_barriers) {
  // The i-th of `count` indices in the emulation's order.
  bool reversed = runsReversed();
  auto inOrder = [reversed](int64_t i, int64_t count) {
    return reversed ? count - 1 - i : i;
  };
  if (!uses_barriers) {
    for (int64_t b = 0; b < grid; ++b)
      for (int64_t t = 0; t < block; ++t)
        fn(bindings, dims, int32_t(inOrder(t, block)),
           int32_t(inOrder(b, grid)), nullptr);
    return;
  }
  FiberBlock fibers;
  fibers.fn = fn;
  fibers.bindings = bindings;
  fibers.dims = dims;
  fibers.fibers.resize(block);
  fibers.finished.resize(block);
  // A kernel never launches another: the stacks are free.
  if (runningBlock)
    fail("a launch from inside an emulated kernel (a kiln bug)");
  while (fiberStacks.size() < size_t(block))
    fiberStacks.emplace_back(new char[kFiberStackBytes]);
  runningBlock = &fibers;
  for (int64_t b = 0; b < grid; ++b) {
    fibers.block = int32_t(inOrder(b, grid));
    for (int64_t t = 0; t < block; ++t) {
      ucontext_t &fiber = fibers.fibers[t];
      if (getcontext(&fiber) != 0)
        fail("getcontext failed");
      fiber.uc_stack.ss_sp = fiberStacks[t].get();
      fiber.uc_stack.ss_size = kFiberStackBytes;
      fiber.uc_link = &fibers.scheduler;
      makecontext(&fiber, fiberMain, 0);
      fibers.finished[t] = false;
    }
    // Rounds: every unfinished thread runs to its next barrier or its end.
    // All of them must do the same: threads that end while others wait at
    // a barrier hang or are undefined on the GPU.
    for (bool running = true; running;) {
      int64_t ended = 0, waiting = 0;
      for (int64_t i = 0; i < block; ++i) {
        int64_t t = inOrder(i, block);
        if (fibers.finished[t])
          continue;
        fibers.current = int32_t(t);
        if (swapcontext(&fibers.scheduler, &fibers.fibers[t]) != 0)
          fail("swapcontext failed");
        ++(fibers.finished[t] ? ended : waiting);
      }
      if (ended && waiting)
        fail("the threads of a block reached different numbers of barriers "
             "(a kiln bug)");
      running = waiting > 0;
    }
  }
  runningBlock = nullptr;
}

void kiln_cuda_emulator_barrier(void *barrier) {
  if (!barrier)
    fail("a kernel reached a barrier it was not launched with (a kiln bug)");
  auto &block = *static_cast<FiberBlock *>(barrier);
  if (swapcontext(&block.fibers[block.current], &block.scheduler) != 0)
    fail("swapcontext failed");
}

void kiln_cuda_emulator_check_alignment(const void *address,
                                        int64_t alignment) {
  if (reinterpret_cast<uintptr_t>(address) % uint64_t(alignment) == 0)
    return;
  std::fprintf(stderr,
               "kiln: an emulated CUDA kernel accessed %p as aligned to %lld "
               "bytes, which it is not: the GPU would fault (a kiln bug, "
               "unless a caller's buffer is misaligned here; the GPU "
               "runtime's are all 256-byte aligned)\n",
               address, static_cast<long long>(alignment));
  std::abort();
}
