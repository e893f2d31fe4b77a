// SPDX-License-Identifier: MIT
#include "sample_writer.h"

#include <algorithm>
#include <cmath>

#include "sqlite_stmt.h"
#include "store.h"

namespace benchlab {

SampleWriter::SampleWriter(const std::filesystem::path& store_file,
                           std::function<void(const std::string&)> on_error)
    : store_(std::make_unique<Store>(store_file)), on_error_(std::move(on_error)) {
  thread_ = std::thread([this] { loop(); });
}

SampleWriter::~SampleWriter() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SampleWriter::add(std::shared_ptr<const std::vector<std::int64_t>> channel_ids,
                       std::vector<SampleRow> rows) {
  if (rows.empty()) return;
  {
    std::lock_guard lk(mu_);
    queue_.push_back({std::move(channel_ids), std::move(rows)});
    ++queued_seq_;
  }
  cv_.notify_one();
}

void SampleWriter::flush() {
  std::unique_lock lk(mu_);
  const std::uint64_t target = queued_seq_;
  cv_.notify_one();
  done_cv_.wait(lk, [&] { return written_seq_ >= target; });
}

void SampleWriter::loop() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    std::vector<Batch> batches;
    batches.swap(queue_);
    const std::uint64_t seq = queued_seq_;
    const bool drop = failed_;
    lk.unlock();
    std::string error;
    if (!drop) {
      try {
        write(batches);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    lk.lock();
    written_seq_ = seq;
    if (!error.empty()) failed_ = true;
    done_cv_.notify_all();
    if (!error.empty() && on_error_) {
      lk.unlock();
      on_error_("probe samples are no longer stored: " + error);
      lk.lock();
    }
  }
}

void SampleWriter::write(std::vector<Batch>& batches) {
  // The values as (channel, time, value) triples, NaN left out...
  struct Value {
    std::int64_t channel;
    std::uint64_t t_ns;
    double value;
  };
  std::vector<Value> values;
  for (const auto& b : batches)
    for (const auto& row : b.rows)
      for (std::size_t i = 0; i < row.values.size() && i < b.ids->size(); ++i)
        if (!std::isnan(row.values[i])) values.push_back({(*b.ids)[i], row.t_ns, row.values[i]});
  // ...in the order of the samples_channel_time index, so that the index grows at the end
  // of each channel's run of keys instead of being split all over...
  std::stable_sort(values.begin(), values.end(),
                   [](const Value& a, const Value& b) { return a.channel < b.channel; });
  // ...inserted kRowsPerStatement at a time by one multi-row statement: one statement
  // step per 128 values instead of one per value is what makes ingest cheap.
  constexpr std::size_t kRowsPerStatement = 128;
  sqlite3* db = store_->handle();
  Transaction tx(db);
  auto statement = [&](std::size_t rows) {
    std::string sql = "INSERT INTO samples(channel_id, t_ns, value) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) sql += r ? ",(?,?,?)" : "(?,?,?)";
    return Stmt(db, sql);
  };
  auto insert = [](Stmt& st, const Value* v, std::size_t rows) {
    for (std::size_t r = 0; r < rows; ++r) {
      const int base = static_cast<int>(3 * r);
      st.bind(base + 1, v[r].channel).bind(base + 2, v[r].t_ns).bind(base + 3, v[r].value);
    }
    st.run();
    st.rewind();
  };
  std::size_t done = 0;
  if (values.size() >= kRowsPerStatement) {
    Stmt full = statement(kRowsPerStatement);
    for (; values.size() - done >= kRowsPerStatement; done += kRowsPerStatement)
      insert(full, values.data() + done, kRowsPerStatement);
  }
  if (done < values.size()) {
    Stmt rest = statement(values.size() - done);
    insert(rest, values.data() + done, values.size() - done);
  }
  tx.commit();
  written_ += values.size();
  ++batches_;
}

}  // namespace benchlab
