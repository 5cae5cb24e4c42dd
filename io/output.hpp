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
  // Collective. Registers the folder `relative` (e.g. "csv/customers"), whose files are written as a
  // whole (parts); rank 0 creates its temporary folder, whose path it returns. At commit an earlier
  // folder of that name is moved aside, the new one renamed into place, the old one removed: a
  // reader sees the old folder or the new one, never a mix of parts.
  std::string temp_dir(const std::string& relative);
  // `relative` (a file or folder of an earlier run that this run does not write, e.g. an export
  // not asked for this time) is removed at commit, so it never sits beside results it does not
  // describe. Not collective; rank 0's registration counts.
  void retire(const std::string& relative) { retired_.push_back(relative); }
  // The files registered so far, as given to temp_path (e.g. what a checkpoint lists).
  const std::vector<std::string>& files() const { return relatives_; }
  // Collective: barrier, rank 0 renames every temporary to its final name, barrier.
  void commit();

 private:
  const Comm& comm_;
  std::string dir_;
  std::string token_;
  std::vector<std::string> relatives_;
  std::vector<std::string> dirs_, retired_;
  bool committed_ = false;
};

}  // namespace crmpi
