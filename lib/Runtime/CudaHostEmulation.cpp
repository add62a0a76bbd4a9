//===- CudaHostEmulation.cpp - CUDA kernels emulated on the host ----------===//
//
// The launcher of cuda_host_emulation.h. Threads that use barriers are real
// host threads, because a barrier suspends a thread in the middle of its
// code; a kernel without barriers needs no concurrency and runs its threads
// in order.
//
//===----------------------------------------------------------------------===//

#include "kiln-runtime/cuda_host_emulation.h"

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace {

/// A reusable barrier for a fixed number of threads.
class BlockBarrier {
public:
  explicit BlockBarrier(int64_t threads) : threads(threads) {}

  void arriveAndWait() {
    std::unique_lock<std::mutex> lock(mutex);
    uint64_t generation = this->generation;
    if (++arrived == threads) {
      arrived = 0;
      ++this->generation;
      released.notify_all();
      return;
    }
    released.wait(lock, [&] { return this->generation != generation; });
  }

private:
  std::mutex mutex;
  std::condition_variable released;
  const int64_t threads;
  int64_t arrived = 0;
  uint64_t generation = 0;
};

} // namespace

void kiln_cuda_emulator_launch(kiln_cuda_emulated_thread_fn fn, void **bindings,
                               const int64_t *dims, int64_t grid, int64_t block,
                               int32_t uses_barriers) {
  if (!uses_barriers) {
    for (int64_t b = 0; b < grid; ++b)
      for (int64_t t = 0; t < block; ++t)
        fn(bindings, dims, int32_t(t), int32_t(b), nullptr);
    return;
  }
  // Every thread takes its place in every block; the barrier between blocks
  // keeps a block's shared memory to itself.
  BlockBarrier barrier(block);
  std::vector<std::thread> threads;
  threads.reserve(block);
  for (int64_t t = 0; t < block; ++t)
    threads.emplace_back([&, t] {
      for (int64_t b = 0; b < grid; ++b) {
        fn(bindings, dims, int32_t(t), int32_t(b), &barrier);
        barrier.arriveAndWait();
      }
    });
  for (std::thread &thread : threads)
    thread.join();
}

void kiln_cuda_emulator_barrier(void *barrier) {
  if (!barrier) {
    std::fprintf(stderr, "kiln: an emulated CUDA kernel reached a barrier it "
                         "was not launched with (a kiln bug)\n");
    std::abort();
  }
  static_cast<BlockBarrier *>(barrier)->arriveAndWait();
}

void kiln_cuda_emulator_check_alignment(const void *address,
                                        int64_t alignment) {
  if (reinterpret_cast<uintptr_t>(address) % uint64_t(alignment) == 0)
    return;
  std::fprintf(stderr,
               "kiln: an emulated CUDA kernel accessed %p as aligned to %lld "
               "bytes, which it is not: the GPU would fault (a kiln bug)\n",
               address, static_cast<long long>(alignment));
  std::abort();
}
