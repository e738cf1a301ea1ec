// ThreadPool: workers wait for a generation counter, run their share, report back.
#include "core/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <utility>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define LOKA_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define LOKA_CPU_RELAX() asm volatile("yield")
#else
#define LOKA_CPU_RELAX() ((void)0)
#endif

namespace loka {

namespace {
thread_local bool t_inside_pool = false;

// How long a thread spins on an atomic before it sleeps on a condition variable.
constexpr auto kSpin = std::chrono::microseconds(200);

std::pair<int64_t, int64_t> part_range(int64_t n, int parts, int i) {
  const int64_t base = n / parts, rem = n % parts;
  const int64_t begin = i * base + std::min<int64_t>(i, rem);
  return {begin, begin + base + (i < rem ? 1 : 0)};
}

// Spins until ready() holds or kSpin has passed; returns ready().
template <class Ready>
bool spin_until(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      LOKA_CPU_RELAX();
    }
    if (std::chrono::steady_clock::now() >= deadline) return ready();
  }
}
}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  start_cv_.notify_all();
  for (auto& w : workers_) w.join();
}

// Returns false when the pool stops. Dekker handshake with parallel_for: the
// worker announces itself in sleeping_workers_ before its last check of
// generation_, the publisher bumps generation_ before it reads
// sleeping_workers_ (both seq_cst), so one of them always sees the other.
bool ThreadPool::wait_for_job(uint64_t seen) {
  auto ready = [&] { return stop_.load() || generation_.load() != seen; };
  if (!spin_until(ready)) {
    std::unique_lock<std::mutex> lock(mu_);
    sleeping_workers_.fetch_add(1);
    start_cv_.wait(lock, ready);
    sleeping_workers_.fetch_sub(1);
  }
  return !stop_.load();
}

void ThreadPool::run_part(int index) {
  auto [b, e] = part_range(job_n_, job_parts_, index);
  t_inside_pool = true;
  try {
    (*job_)(b, e);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = std::current_exception();
  }
  t_inside_pool = false;
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  while (wait_for_job(seen)) {
    seen = generation_.load();
    if (index < job_parts_) run_part(index);
    if (pending_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
      std::lock_guard<std::mutex> lock(mu_);
      done_cv_.notify_one();
    }
  }
}

void ThreadPool::wait_until_done() {
  auto done = [&] { return pending_.load() == 0; };
  if (spin_until(done)) return;
  std::unique_lock<std::mutex> lock(mu_);
  caller_sleeping_.store(true);
  done_cv_.wait(lock, done);
  caller_sleeping_.store(false);
}

void ThreadPool::parallel_for(int64_t n, int64_t grain,
                              const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  const int parts = static_cast<int>(std::min<int64_t>(size(), (n + grain - 1) / grain));
  if (parts <= 1 || t_inside_pool) {
    fn(0, n);
    return;
  }
  std::lock_guard<std::mutex> call_lock(call_mu_);
  job_ = &fn;
  job_n_ = n;
  job_parts_ = parts;
  error_ = nullptr;  // no worker touches it between jobs
  pending_.store(static_cast<int>(workers_.size()));
  generation_.fetch_add(1);
  if (sleeping_workers_.load() > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    start_cv_.notify_all();
  }
  std::exception_ptr mine;
  auto [b, e] = part_range(n, parts, 0);
  t_inside_pool = true;
  try {
    fn(b, e);
  } catch (...) {
    mine = std::current_exception();
  }
  t_inside_pool = false;
  wait_until_done();
  job_ = nullptr;
  if (mine) std::rethrow_exception(mine);
  std::lock_guard<std::mutex> lock(mu_);
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

}  // namespace loka
