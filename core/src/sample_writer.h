/* SPDX-License-Identifier: MIT */
// Probe samples on their way into the store. Samplers deliver rows on their own threads;
// this queues them and writes them on a thread of its own, through a second connection
// to the store file, one transaction per batch with one prepared statement, so that
// sampling never waits on SQLite and a trial's commit waits at most for one batch (WAL:
// one writer at a time, readers never blocked).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "probe_channel.h"

namespace benchlab {

class Store;

class SampleWriter {
 public:
  // `on_error` is called once, on the writer's thread, when a batch cannot be written
  // (a full disk): sampling goes on, later samples are dropped, trials are not affected.
  SampleWriter(const std::filesystem::path& store_file,
               std::function<void(const std::string&)> on_error);
  ~SampleWriter();  // writes what is queued, then stops
  SampleWriter(const SampleWriter&) = delete;
  SampleWriter& operator=(const SampleWriter&) = delete;

  // Queues rows of one probe; `channel_ids[i]` is the store id of value i of each row.
  // NaN values (no reading) are not stored. Thread-safe, never blocks on the store.
  void add(std::shared_ptr<const std::vector<std::int64_t>> channel_ids,
           std::vector<SampleRow> rows);
  // Waits until everything queued before the call is written (or dropped after an error).
  void flush();
  std::uint64_t written() const { return written_; }  // sample values stored so far
  std::uint64_t batches() const { return batches_; }  // transactions committed so far

 private:
  struct Batch {
    std::shared_ptr<const std::vector<std::int64_t>> ids;
    std::vector<SampleRow> rows;
  };
  void loop();
  void write(std::vector<Batch>& batches);

  std::unique_ptr<Store> store_;
  std::function<void(const std::string&)> on_error_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<Batch> queue_;
  std::uint64_t queued_seq_ = 0, written_seq_ = 0;
  bool stopping_ = false, failed_ = false;
  std::atomic<std::uint64_t> written_{0}, batches_{0};
  std::thread thread_;
};

}  // namespace benchlab
