// Runs a list of stages as one job over one read of the input: open, one validating pass over the
// orders that feeds every stage, each stage's compute in order, one results.h5 + csv/ committed
// atomically, then each stage's report. `crmpi rfm` and `crmpi clv` are this with one stage;
// `crmpi run` (jobs/pipeline/pipeline.cpp) with all of them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jobs/common/job_common.hpp"
#include "jobs/common/stage.hpp"

namespace crmpi {

struct StageRunOptions {
  // A stage the input cannot support: the job's error (one stage asked for by name), or a logged
  // skip (the pipeline runs every stage the input supports).
  bool skip_is_error = true;
  // Write the names of the stages run and skipped as root attributes of results.h5.
  bool record_stages = false;
  // Called on every rank once results.h5 is written and closed under its temporary name, before
  // the commit: outputs derived from the results (the per-customer export) join the same atomic
  // commit. Gets the temporary results path and the output set.
  std::function<void(const std::string& results_path, OutputSet& out)> before_commit;
  // `crmpi run`: each stage that completes writes its checkpoint in DIR/checkpoints/
  // (jobs/pipeline/checkpoints.hpp), keyed by the input and checkpoint_config(stage name), the
  // canonical text of the configuration its results depend on. At each stage boundary every rank
  // agrees whether a stop signal came (jobs/common/stop_signal.hpp: then CollectiveError with
  // kStoppedExitCode) and the input is checked unchanged (again before the commit).
  bool checkpoints = false;
  std::function<std::string(const std::string&)> checkpoint_config = nullptr;
  // With checkpoints: a stage whose checkpoint matches is loaded from it instead of computed.
  bool resume = false;
};

struct StageRunSummary {
  std::vector<std::string> ran;      // stage names
  std::vector<std::string> skipped;  // the reasons, each naming its stage
  std::vector<std::string> resumed;  // of ran, the stages loaded from their checkpoints
  std::string currency;  // the input's
  double seconds = 0;
};

// Collective. Throws CollectiveError on bad input or configuration (nothing is written then).
StageRunSummary run_stages(const JobContext& ctx, const CommonConfig& common, const std::vector<Stage*>& stages,
                           const StageRunOptions& options);

}  // namespace crmpi
