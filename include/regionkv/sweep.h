// What sweeping expired records reports: one step's progress through a
// keyspace, and a store's totals (docs/expiry.md describes the sweeper).
#ifndef REGIONKV_SWEEP_H_
#define REGIONKV_SWEEP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace regionkv {

// How far one sweep step through a keyspace got (Backend::sweep_expired).
struct SweepProgress {
  std::size_t removed = 0;  // records removed by this step
  // The stored key the next step resumes from; nullopt once the keyspace has
  // been swept to its end.
  std::optional<std::string> resume_from;
};

// What the sweeper has done since the store was opened: the background
// sweeper and Store::sweep_now() together.
struct SweepStats {
  // Expired records removed: values past their expiry and lock records whose
  // lease had run out.
  std::uint64_t records_swept = 0;
  // Passes run, and how many of them stopped at their time budget (a
  // background pass may use 10% of sweep_interval; the next one resumes
  // where it stopped).
  std::uint64_t passes = 0;
  std::uint64_t passes_cut_short = 0;
  // Wall time of the most recent pass; zero before the first.
  std::chrono::microseconds last_pass_duration{0};
  // Failed sweeps of a region (each logged, then retried next pass), and the
  // message of the latest; empty if none.
  std::uint64_t errors = 0;
  std::string last_error;
};

}  // namespace regionkv

#endif  // REGIONKV_SWEEP_H_
