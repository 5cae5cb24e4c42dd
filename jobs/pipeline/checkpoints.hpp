// Stage checkpoints of `crmpi run`, and what `crmpi run --resume` reads back (docs/RELIABILITY.md,
// "Checkpoints, resume and fault drills").
//
// Each stage that completes writes DIR/checkpoints/<stage>/: results.h5 with the stage's own
// groups of the results file (its write(), as in DIR/results.h5) and /carry (what later stages
// read of its result, jobs/common/carry.hpp), and csv/ with its CSV files; committed atomically
// (io/output.hpp: temporaries, then renames, results.h5 last), with the checkpoint's key as a root
// attribute. A stage the input cannot support leaves a checkpoint that says so, with the reason.
//
// The key is an xxh64 over: the crmpi version, the stage's name, the input's identity (size,
// modification time and validation's checksum of the key columns) and the canonical text of the
// configuration the stage's results depend on (its own table and those of the stages it reads;
// jobs/pipeline/pipeline.cpp). A resumed stage is one whose checkpoint has the key the run would
// give it: a changed input or option invalidates exactly the stages whose results it changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/output.hpp"
#include "jobs/common/stage.hpp"

namespace crmpi {

struct InputIdentity {
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;
  std::string checksum;  // validation's checksum of the key columns (io/validate.hpp)
  std::string describe() const;  // "N bytes, modified <UTC time>, checksum X"
  bool operator==(const InputIdentity&) const = default;
};
// Collective: rank 0 stats the file, every rank gets its answer. IoError (74) if it cannot.
InputIdentity input_identity(const Comm& comm, const std::string& path, const std::string& checksum);
// Collective: a DataError (65) naming the file when its size or modification time differs from
// `at_start` (the input changed after validation read it: results from it would mix two files).
void check_input_unchanged(const Comm& comm, const std::string& path, const InputIdentity& at_start,
                           const std::string& when);

// An IoError for a failed write of `path`: the file, what failed, and how much room the file
// system holding it has left (a full disk reads as "0 bytes free", not as HDF5's "can't write data").
IoError write_failure(const std::string& path, const std::string& what);

// The canonical text of the tables `tables` of a configuration in TOML (keys sorted).
std::string config_tables_text(const std::string& effective_toml, const std::vector<std::string>& tables);
// The checkpoint key (16 hex digits).
std::string checkpoint_key(const std::string& stage, const std::string& config_text, const InputIdentity& input);

class Checkpoints {
 public:
  Checkpoints(const Comm& comm, std::string out_dir) : comm_(comm), out_dir_(std::move(out_dir)) {}
  std::string dir(const std::string& stage) const { return out_dir_ + "/checkpoints/" + stage; }

  struct Found {
    bool skipped = false;
    std::string reason;  // skipped: why
  };
  // Collective: what the checkpoint of `stage` says when it is complete and has `key`.
  std::optional<Found> find(const std::string& stage, const std::string& key) const;
  // Collective: writes the checkpoint of a stage that ran, or of one the input could not support.
  void save(const Stage& s, const StageInput& in, const std::string& key) const;
  void save_skipped(const std::string& stage, const std::string& key, const std::string& reason) const;
  // Local (every rank reads its own slice of /carry): the result later stages read, into `s`.
  void load(Stage& s, const StageInput& in) const;
  // Collective: a resumed stage's CSV files into `out` (registered there, copied by rank 0).
  void copy_csv(const std::string& stage, OutputSet& out) const;
  // Collective, once every rank has closed `results_path`: rank 0 copies the stage's groups into it.
  void copy_groups(const std::string& stage, const std::string& results_path) const;

 private:
  void begin_save(const std::string& stage) const;  // the old checkpoint is no longer valid
  std::vector<std::string> csv_files(const std::string& stage) const;  // collective
  const Comm& comm_;
  std::string out_dir_;
};

}  // namespace crmpi
