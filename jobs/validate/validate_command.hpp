// `crmpi validate FILE`: runs input validation alone and reports every problem found.
#pragma once

#include "jobs/common/job_common.hpp"

namespace crmpi {

int run_validate_command(const JobContext& ctx, const CommonConfig& common);

}  // namespace crmpi
