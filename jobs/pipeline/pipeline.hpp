// `crmpi run`: the quarterly pipeline in one job and one results.h5. The input is read once (one
// validating pass over the orders feeds every stage), then the stages run in order; a stage the
// input cannot support is skipped with a logged reason.
#pragma once

#include "jobs/clv/clv_stage.hpp"
#include "jobs/common/job_common.hpp"
#include "jobs/rfm/rfm_stage.hpp"

namespace crmpi {

struct RunConfig {
  RfmConfig rfm;
  ClvConfig clv;
  void bind(Options& o) {
    rfm.bind(o);
    clv.bind(o);
  }
  void validate() {
    rfm.validate();
    clv.validate();
  }
};

int run_pipeline_command(const JobContext& ctx, const CommonConfig& common, const RunConfig& cfg);

}  // namespace crmpi
