//===- ThreadPool.cpp - The workers that run kernel workgroups ------------===//

#include "ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>

namespace kiln::runtime {

/// One parallelFor call. It lives on the caller's stack: the caller removes
/// it from the queue and waits for `activeWorkers` to drop to zero before
/// returning, so no worker can touch it afterwards.
struct ThreadPool::Job {
  Body body;
  void *context;
  int64_t count;
  std::atomic<int64_t> next{0};
  // Changed under the pool's mutex; read without it by the caller spinning
  // for the job's end.
  std::atomic<int> activeWorkers{0};
  std::condition_variable done;
};

ThreadPool::ThreadPool(int numThreads) {
  for (int i = 1; i < numThreads; ++i)
    workers.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    stoppingFlag.store(true, std::memory_order_release);
  }
  wakeWorkers.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void ThreadPool::runIndices(Job &job) {
  // Workgroups are coarse (the compiler sizes them), so claiming one index
  // at a time balances well at little cost.
  for (int64_t i = job.next.fetch_add(1, std::memory_order_relaxed);
       i < job.count; i = job.next.fetch_add(1, std::memory_order_relaxed))
    job.body(job.context, i);
}

/// How long a thread spins for an event before it sleeps on a condition
/// variable: kernels of one run, and the workgroups of one kernel, follow
/// each other far more closely, and a wake-up from sleep costs tens of
/// microseconds.
static constexpr auto kSpinTime = std::chrono::microseconds(500);

/// Spins until `ready()` or kSpinTime has passed.
template <typename Predicate> static void spinUntil(Predicate ready) {
  auto until = std::chrono::steady_clock::now() + kSpinTime;
  while (!ready() && std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 100 && !ready(); ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#else
      std::this_thread::yield();
#endif
    }
  }
}

bool ThreadPool::hasWork() const {
  return queued.load(std::memory_order_acquire) > 0 ||
         stoppingFlag.load(std::memory_order_acquire);
}

void ThreadPool::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    if (!stopping && queue.empty()) {
      lock.unlock();
      spinUntil([this] { return hasWork(); });
      lock.lock();
    }
    wakeWorkers.wait(lock, [this] { return stopping || !queue.empty(); });
    if (stopping)
      return;
    Job *job = queue.front();
    if (job->next.load(std::memory_order_relaxed) >= job->count) {
      // Every index is claimed: nothing left to help with.
      queue.pop_front();
      queued.fetch_sub(1, std::memory_order_release);
      continue;
    }
    ++job->activeWorkers;
    lock.unlock();
    runIndices(*job);
    lock.lock();
    if (--job->activeWorkers == 0)
      job->done.notify_all();
  }
}

void ThreadPool::parallelFor(int64_t count, Body body, void *context) {
  if (count <= 0)
    return;
  if (count == 1 || workers.empty()) {
    for (int64_t i = 0; i < count; ++i)
      body(context, i);
    return;
  }
  Job job;
  job.body = body;
  job.context = context;
  job.count = count;
  {
    std::lock_guard<std::mutex> lock(mutex);
    queue.push_back(&job);
    queued.fetch_add(1, std::memory_order_release);
  }
  if (count - 1 >= static_cast<int64_t>(workers.size()))
    wakeWorkers.notify_all();
  else
    for (int64_t i = 0; i < count - 1; ++i)
      wakeWorkers.notify_one();

  runIndices(job);

  std::unique_lock<std::mutex> lock(mutex);
  auto it = std::find(queue.begin(), queue.end(), &job);
  if (it != queue.end()) {
    queue.erase(it);
    queued.fetch_sub(1, std::memory_order_release);
  }
  // Every index is claimed; wait for the workers still running one:
  // spinning first (being woken from a sleep costs more than a short
  // workgroup), then sleeping. The mutex is taken again either way, so
  // that no worker is still inside its notification when the job (on this
  // stack) goes away.
  lock.unlock();
  spinUntil(
      [&] { return job.activeWorkers.load(std::memory_order_acquire) == 0; });
  lock.lock();
  job.done.wait(lock, [&] { return job.activeWorkers.load() == 0; });
}

static std::mutex globalMutex;
static std::shared_ptr<ThreadPool> globalPool;

static int defaultThreadCount() {
  if (const char *env = std::getenv("KILN_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0)
      return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

std::shared_ptr<ThreadPool> ThreadPool::global() {
  std::lock_guard<std::mutex> lock(globalMutex);
  if (!globalPool)
    globalPool = std::make_shared<ThreadPool>(defaultThreadCount());
  return globalPool;
}

void ThreadPool::configureGlobal(int numThreads) {
  auto pool = std::make_shared<ThreadPool>(
      numThreads > 0 ? numThreads : defaultThreadCount());
  std::shared_ptr<ThreadPool> old;
  {
    std::lock_guard<std::mutex> lock(globalMutex);
    old = std::move(globalPool);
    globalPool = std::move(pool);
  }
  // `old` is destroyed here unless a run still holds it.
}

} // namespace kiln::runtime
