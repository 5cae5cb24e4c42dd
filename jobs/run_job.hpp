// `crmpi run`: the quarterly pipeline in one job and one results.h5: validate, then every
// analysis stage the input supports (RFM now; later issues add clustering, rules, CLV, reports).
// A stage whose inputs are absent is skipped with a logged reason.
#pragma once

#include "jobs/clv_job.hpp"
#include "jobs/job_common.hpp"
#include "jobs/rfm_job.hpp"

namespace crmpi {

struct RunConfig {
  RfmConfig rfm;
  ClvConfig clv;
  void bind(Options& o) {
    rfm.bind(o);
    clv.bind(o);
  }
  void validate() const {
    rfm.validate();
    clv.validate();
  }
};

int run_pipeline_command(const JobContext& ctx, const CommonConfig& common, const RunConfig& cfg);

}  // namespace crmpi
