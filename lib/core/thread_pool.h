// A fixed-size pool of worker threads with a blocking parallel_for.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace loka {

class ThreadPool {
 public:
  /// `threads` workers in total, the calling thread included; 0 means the
  /// number of hardware threads.
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// Splits [0, n) into at most size() contiguous ranges of at least `grain`
  /// items and runs fn(begin, end) on each; returns when all are done. The
  /// first exception thrown by fn is rethrown here. Not reentrant: a nested
  /// call from inside fn runs serially on the calling thread.
  ///
  /// Decode runs a few hundred short parallel_for calls per token, so both
  /// sides spin for a short while (kSpin) before sleeping on a condition
  /// variable: a wake-up through the kernel costs tens of microseconds, a
  /// spinning worker picks the next job up in well under one.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

 private:
  void worker_loop(int index);
  void run_part(int index);
  bool wait_for_job(uint64_t seen);
  void wait_until_done();

  std::vector<std::thread> workers_;
  // A job: written by parallel_for before generation_ is published.
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t job_n_ = 0;
  int job_parts_ = 0;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  // Sleepers: how many threads wait (or are about to wait) on a condition
  // variable; a publisher takes mu_ and notifies only when there are any.
  std::atomic<int> sleeping_workers_{0};
  std::atomic<bool> caller_sleeping_{false};
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  std::exception_ptr error_;  // guarded by mu_
  std::mutex call_mu_;
};

}  // namespace loka
