//===- ThreadPool.h - The workers that run kernel workgroups ----*- C++ -*-===//
//
// One process-wide pool runs the workgroups of every session's kernels, so
// that many sessions and many models share the machine without
// oversubscribing it (which is why generated code never uses OpenMP).
//
// parallelFor may be called from many threads at once: each call is a job in
// a queue, the calling thread works on its own job too, and idle workers
// help with whichever queued job has work left. A call returns once all of
// its indices have run and no worker still touches the job.
//
// An idle worker spins for a short while before it sleeps: a model's
// kernels follow each other within microseconds, and a worker woken from
// sleep for each of them starts every kernel late (tens of microseconds
// per kernel, measured).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_THREADPOOL_H
#define KILN_LIB_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln::runtime {

class ThreadPool {
public:
  /// A pool of `numThreads` threads counting the caller of parallelFor, so
  /// it starts numThreads - 1 workers (none for 1).
  explicit ThreadPool(int numThreads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int numThreads() const { return static_cast<int>(workers.size()) + 1; }

  /// The body of a parallel loop: called once per index.
  using Body = void (*)(void *context, int64_t index);

  /// Runs body(context, i) for every i in [0, count), on the caller and the
  /// workers, and returns when all are done.
  void parallelFor(int64_t count, Body body, void *context);

  /// The process-wide pool, created on first use with the configured size.
  static std::shared_ptr<ThreadPool> global();
  /// Replaces the process-wide pool by one of `numThreads` threads (0: the
  /// default). Jobs running on the old pool finish there.
  static void configureGlobal(int numThreads);

private:
  struct Job;
  void workerLoop();
  static void runIndices(Job &job);

  /// Whether a job is queued or the pool is stopping, for workers that spin
  /// without the mutex.
  bool hasWork() const;

  std::mutex mutex;
  std::condition_variable wakeWorkers;
  std::deque<Job *> queue;
  bool stopping = false;
  /// The queue's length and `stopping`, readable without the mutex.
  std::atomic<int64_t> queued{0};
  std::atomic<bool> stoppingFlag{false};
  std::vector<std::thread> workers;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_THREADPOOL_H
