#include "sample_writer.h"

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
  sqlite3* db = store_->handle();
  Transaction tx(db);
  Stmt ins(db, "INSERT INTO samples(channel_id, t_ns, value) VALUES (?1, ?2, ?3)");
  std::uint64_t n = 0;
  for (const auto& b : batches)
    for (const auto& row : b.rows)
      for (std::size_t i = 0; i < row.values.size() && i < b.ids->size(); ++i) {
        if (std::isnan(row.values[i])) continue;
        ins.reset();
        ins.bind(1, (*b.ids)[i]).bind(2, row.t_ns).bind(3, row.values[i]);
        ins.run();
        ++n;
      }
  tx.commit();
  written_ += n;
  ++batches_;
}

}  // namespace benchlab
