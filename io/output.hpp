// Atomic output commit: every output file is written under a temporary name in its target
// directory, closed on all ranks, then renamed by rank 0 (CSV files first, results.h5 last).
// A run that fails or is killed before commit() leaves the previous results untouched and no
// half-written file under a final name; temporaries of a failed run are removed when possible
// and always carry a ".tmp-" marker.
#pragma once

#include <string>
#include <vector>

#include "comm/comm.hpp"

namespace crmpi {

class OutputSet {
 public:
  // Collective. Rank 0 creates `dir` (and dir/csv unless with_csv is false); IoError if it cannot.
  OutputSet(const Comm& comm, std::string dir, bool with_csv = true);
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  const std::string& dir() const { return dir_; }
  // Registers `relative` (e.g. "results.h5", "csv/rfm_segments.csv") and returns the temporary
  // path to write it to. Files are renamed in registration order.
  std::string temp_path(const std::string& relative);
  std::string final_path(const std::string& relative) const { return dir_ + "/" + relative; }
  // The files registered so far, as given to temp_path (e.g. what a checkpoint lists).
  const std::vector<std::string>& files() const { return relatives_; }
  // Collective: barrier, rank 0 renames every temporary to its final name, barrier.
  void commit();

 private:
  const Comm& comm_;
  std::string dir_;
  std::string token_;
  std::vector<std::string> relatives_;
  bool committed_ = false;
};

}  // namespace crmpi
