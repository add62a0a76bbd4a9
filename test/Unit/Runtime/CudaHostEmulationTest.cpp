//===- CudaHostEmulationTest.cpp - The emulator's launches and barriers ---===//
//
// kiln_cuda_emulator_launch with hand-written thread functions: every
// thread and block runs once, no thread passes a barrier before all have
// reached it, shared data written before a barrier is seen after it, the
// alignment check passes aligned addresses, and KILN_CUDA_EMULATION_ORDER
// reverses the order of blocks and threads.
//
//===----------------------------------------------------------------------===//

#include "kiln-runtime/cuda_host_emulation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

namespace {

constexpr int32_t kBlock = 64, kGrid = 3, kRounds = 4;

/// Bindings of the barrier test: the block's "shared" array, the output,
/// and a log of (round, thread) in the order they passed the barriers.
struct BarrierState {
  int32_t shared[kBlock];
  int32_t out[kGrid * kBlock * kRounds];
  std::vector<int32_t> arrivals;
};

/// Each round: write its value, wait, read the neighbour's, wait (so the
/// next round's writes do not race the reads).
void rotateThroughShared(void **bindings, const int64_t *, int32_t thread,
                         int32_t block, void *barrier) {
  auto &state = *static_cast<BarrierState *>(bindings[0]);
  for (int32_t round = 0; round < kRounds; ++round) {
    state.shared[thread] = block * 1000 + round * 100 + thread;
    state.arrivals.push_back(round);
    kiln_cuda_emulator_barrier(barrier);
    state.out[(block * kRounds + round) * kBlock + thread] =
        state.shared[(thread + 1) % kBlock];
    kiln_cuda_emulator_barrier(barrier);
  }
}

/// Every thread saw its neighbour's value of the same block and round: the
/// write happened before the barrier that the read came after.
void expectNeighboursSeen(const BarrierState &state) {
  for (int32_t block = 0; block < kGrid; ++block)
    for (int32_t round = 0; round < kRounds; ++round)
      for (int32_t thread = 0; thread < kBlock; ++thread)
        EXPECT_EQ(state.out[(block * kRounds + round) * kBlock + thread],
                  block * 1000 + round * 100 + (thread + 1) % kBlock)
            << "block " << block << " round " << round << " thread " << thread;
}

TEST(CudaHostEmulation, BarriersOrderEveryThreadOfABlock) {
  BarrierState state{};
  void *bindings[] = {&state};
  kiln_cuda_emulator_launch(rotateThroughShared, bindings, nullptr, kGrid,
                            kBlock, /*uses_barriers=*/1);
  expectNeighboursSeen(state);
  // All threads of a block arrived at round r before any at round r + 1.
  ASSERT_EQ(state.arrivals.size(), size_t(kGrid * kRounds * kBlock));
  for (size_t i = 0; i < state.arrivals.size(); ++i)
    EXPECT_EQ(state.arrivals[i], int32_t(i / kBlock % kRounds)) << i;
}

/// Counts its calls per (block, thread).
void countCalls(void **bindings, const int64_t *dims, int32_t thread,
                int32_t block, void *barrier) {
  EXPECT_EQ(barrier, nullptr);
  auto &calls = *static_cast<std::vector<int32_t> *>(bindings[0]);
  calls[block * dims[0] + thread] += 1;
}

TEST(CudaHostEmulation, KernelsWithoutBarriersRunEveryThreadOnce) {
  std::vector<int32_t> calls(5 * 32);
  void *bindings[] = {&calls};
  const int64_t dims[] = {32};
  kiln_cuda_emulator_launch(countCalls, bindings, dims, 5, 32, 0);
  for (int32_t c : calls)
    EXPECT_EQ(c, 1);
  kiln_cuda_emulator_launch(countCalls, bindings, dims, 0, 32, 0);
  for (int32_t c : calls)
    EXPECT_EQ(c, 1);
}

TEST(CudaHostEmulation, AlignedAccessesPass) {
  alignas(16) float data[8] = {};
  kiln_cuda_emulator_check_alignment(data, 16);
  kiln_cuda_emulator_check_alignment(data + 2, 8);
}

TEST(CudaHostEmulationDeathTest, MisalignedAccessAborts) {
  alignas(16) float data[8] = {};
  EXPECT_DEATH(kiln_cuda_emulator_check_alignment(data + 1, 16),
               "as aligned to 16 bytes, which it is not");
}

/// Only the even threads wait at the barrier: the odd ones end first.
void barrierOnEvenThreads(void **, const int64_t *, int32_t thread, int32_t,
                          void *barrier) {
  if (thread % 2 == 0)
    kiln_cuda_emulator_barrier(barrier);
}

TEST(CudaHostEmulationDeathTest, ThreadsAtDifferentBarriersAbort) {
  EXPECT_DEATH(kiln_cuda_emulator_launch(barrierOnEvenThreads, nullptr, nullptr,
                                         1, 4, 1),
               "reached different numbers of barriers");
}

/// Sets KILN_CUDA_EMULATION_ORDER for one scope.
class EmulationOrder {
public:
  explicit EmulationOrder(const char *order) {
    setenv("KILN_CUDA_EMULATION_ORDER", order, 1);
  }
  ~EmulationOrder() { unsetenv("KILN_CUDA_EMULATION_ORDER"); }
};

/// Logs (block, thread) in the order they run; with a barrier, logs again
/// after it.
void logOrder(void **bindings, const int64_t *, int32_t thread, int32_t block,
              void *barrier) {
  auto &order =
      *static_cast<std::vector<std::pair<int32_t, int32_t>> *>(bindings[0]);
  order.emplace_back(block, thread);
  if (barrier) {
    kiln_cuda_emulator_barrier(barrier);
    order.emplace_back(block, thread);
  }
}

TEST(CudaHostEmulation, ReverseOrderRunsBlocksAndThreadsLastToFirst) {
  EmulationOrder reverse("reverse");
  for (int32_t usesBarriers : {0, 1}) {
    std::vector<std::pair<int32_t, int32_t>> order;
    void *bindings[] = {&order};
    kiln_cuda_emulator_launch(logOrder, bindings, nullptr, 2, 3, usesBarriers);
    std::vector<std::pair<int32_t, int32_t>> expected;
    for (int32_t block : {1, 0})
      for (int32_t pass = 0; pass <= usesBarriers; ++pass)
        for (int32_t thread : {2, 1, 0})
          expected.emplace_back(block, thread);
    EXPECT_EQ(order, expected) << "uses_barriers " << usesBarriers;
  }
}

TEST(CudaHostEmulation, BarriersOrderEveryThreadInReverseToo) {
  EmulationOrder reverse("reverse");
  BarrierState state{};
  void *bindings[] = {&state};
  kiln_cuda_emulator_launch(rotateThroughShared, bindings, nullptr, kGrid,
                            kBlock, /*uses_barriers=*/1);
  expectNeighboursSeen(state);
}

/// A race: each thread reads its neighbour's slot with no barrier after the
/// neighbour's write.
void readNeighbourWithoutBarrier(void **bindings, const int64_t *,
                                 int32_t thread, int32_t, void *) {
  auto *slots = static_cast<int32_t *>(bindings[0]);
  auto *out = static_cast<int32_t *>(bindings[1]);
  slots[thread] = thread + 1;
  out[thread] = slots[(thread + 1) % 4];
}

TEST(CudaHostEmulation, OrdersDisagreeOnARace) {
  auto run = [](const char *order) {
    EmulationOrder scoped(order);
    int32_t slots[4] = {}, out[4] = {};
    void *bindings[] = {slots, out};
    kiln_cuda_emulator_launch(readNeighbourWithoutBarrier, bindings, nullptr, 1,
                              4, 0);
    return std::vector<int32_t>(out, out + 4);
  };
  // Forward, threads 0-2 read slots not yet written; reversed, all written
  // but thread 3's read of slot 0.
  EXPECT_EQ(run("forward"), (std::vector<int32_t>{0, 0, 0, 1}));
  EXPECT_EQ(run("reverse"), (std::vector<int32_t>{2, 3, 4, 0}));
}

TEST(CudaHostEmulationDeathTest, UnknownOrderIsAnError) {
  EXPECT_EXIT(
      {
        EmulationOrder sideways("sideways");
        kiln_cuda_emulator_launch(countCalls, nullptr, nullptr, 0, 1, 0);
      },
      testing::ExitedWithCode(2),
      "KILN_CUDA_EMULATION_ORDER is 'sideways'; it takes 'forward' or "
      "'reverse'");
}

} // namespace
