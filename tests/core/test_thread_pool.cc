// ThreadPool: coverage of every index, exceptions, nested calls.
#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "core/thread_pool.h"

using loka::ThreadPool;

TEST_CASE("parallel_for covers every index exactly once", "[core][threads]") {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (int64_t n : {0, 1, 5, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
      });
      for (auto& h : hits) CHECK(h.load() == 1);
    }
  }
}

TEST_CASE("parallel_for rethrows a worker's exception", "[core][threads]") {
  ThreadPool pool(3);
  CHECK_THROWS_WITH(pool.parallel_for(300, 1,
                                      [](int64_t b, int64_t) {
                                        if (b > 0) throw std::runtime_error("worker failed");
                                      }),
                    "worker failed");
  std::atomic<int64_t> sum{0};
  pool.parallel_for(100, 1, [&](int64_t b, int64_t e) { sum += e - b; });
  CHECK(sum == 100);
}

TEST_CASE("nested parallel_for runs inline", "[core][threads]") {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  pool.parallel_for(4, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      pool.parallel_for(10, 1, [&](int64_t b2, int64_t e2) { total += e2 - b2; });
    }
  });
  CHECK(total == 40);
}
