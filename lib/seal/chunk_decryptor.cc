// ChunkDecryptor: a queue of chunk indices (waited-for ones first), workers, completion flags.
#include "seal/chunk_decryptor.h"

#include <algorithm>
#include <cstdint>

namespace loka::seal {

ChunkDecryptor::ChunkDecryptor(std::shared_ptr<FileBytes> file, const Header& h, FileKeys keys,
                               std::shared_ptr<SecureBuffer> out, std::string path, int threads,
                               bool on_demand)
    : file_(std::move(file)), h_(h), keys_(std::move(keys)), out_(std::move(out)),
      path_(std::move(path)), state_(h.chunk_count, kQueued), on_demand_(on_demand) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<uint64_t>(threads, std::max<uint64_t>(h.chunk_count, 1)));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ChunkDecryptor::~ChunkDecryptor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
  keys_.check.fill(0);  // enc and mac wipe themselves (SecretBytes)
}

void ChunkDecryptor::work() {
  for (;;) {
    uint64_t i = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (on_demand_) {  // sleep until someone asks for a chunk
        cv_.wait(lock, [&] {
          while (!urgent_.empty() && state_[urgent_.front()] != kQueued) urgent_.pop_front();
          return stop_ || error_ || !urgent_.empty();
        });
      }
      if (stop_ || error_) return;
      while (!urgent_.empty() && state_[urgent_.front()] != kQueued) urgent_.pop_front();
      if (!urgent_.empty()) {
        i = urgent_.front();
        urgent_.pop_front();
      } else {
        while (next_ < h_.chunk_count && state_[next_] != kQueued) ++next_;
        if (next_ >= h_.chunk_count) return;
        i = next_++;
      }
      state_[i] = kTaken;
    }
    try {
      const uint64_t n = h_.chunk_plain_size(i);
      const uint8_t* c = file_->data() + h_.chunk_offset(i);
      open_chunk(h_, keys_, i, std::span(c, n), c + n, out_->data() + i * h_.chunk_size(), path_);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
      cv_.notify_all();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      state_[i] = kDone;
      ++done_;
    }
    cv_.notify_all();
  }
}

bool ChunkDecryptor::chunks_done(uint64_t first, uint64_t last) const {
  for (uint64_t i = first; i <= last; ++i) {
    if (state_[i] != kDone) return false;
  }
  return true;
}

bool ChunkDecryptor::chunk_range(uint64_t offset, uint64_t length, uint64_t& first,
                                 uint64_t& last) const {
  if (length == 0 || h_.chunk_count == 0) return false;
  const uint64_t cs = h_.chunk_size();
  first = std::min(offset / cs, h_.chunk_count - 1);
  last = std::min((offset + length - 1) / cs, h_.chunk_count - 1);
  return true;
}

void ChunkDecryptor::prefetch(uint64_t offset, uint64_t length) {
  uint64_t first = 0, last = 0;
  if (!chunk_range(offset, length, first, last)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint64_t i = first; i <= last; ++i) {
      if (state_[i] == kQueued) urgent_.push_back(i);
    }
  }
  cv_.notify_all();
}

void ChunkDecryptor::wait(uint64_t offset, uint64_t length) {
  uint64_t first = 0, last = 0;
  if (!chunk_range(offset, length, first, last)) return;
  std::unique_lock<std::mutex> lock(mu_);
  for (uint64_t i = last + 1; i-- > first;) {  // ahead of the in-order queue, in order
    if (state_[i] == kQueued) urgent_.push_front(i);
  }
  cv_.notify_all();  // on demand, the workers sleep until now
  cv_.wait(lock, [&] { return error_ || chunks_done(first, last); });
  if (error_) std::rethrow_exception(error_);
}

void ChunkDecryptor::wait_all(const std::function<void(double)>& progress) {
  std::unique_lock<std::mutex> lock(mu_);
  if (on_demand_) {  // ask for every chunk not asked for yet
    for (uint64_t i = 0; i < h_.chunk_count; ++i) {
      if (state_[i] == kQueued) urgent_.push_back(i);
    }
    cv_.notify_all();
  }
  uint64_t reported = UINT64_MAX;
  for (;;) {
    if (error_) std::rethrow_exception(error_);
    if (progress && done_ != reported) {  // the fraction on entry, at each change, and 1 at the end
      reported = done_;
      lock.unlock();
      progress(h_.chunk_count == 0 ? 1.0 : static_cast<double>(reported) / static_cast<double>(h_.chunk_count));
      lock.lock();
      continue;  // re-check: more may have finished meanwhile
    }
    if (done_ >= h_.chunk_count) return;
    cv_.wait(lock);
  }
}

}  // namespace loka::seal
