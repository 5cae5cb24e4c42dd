// The [insights] table / `crmpi run` options: binding and validation.
#include <cmath>
#include <string>

#include "jobs/cli/options.hpp"
#include "jobs/insights/insights_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void InsightsConfig::bind(Options& o) {
  o.bind("insights", "churn-threshold", churn_threshold,
         "at risk: churn risk (1 - P(alive) of the primary CLV model) above this, in (0, 1)");
  o.bind("insights", "at-risk-top", at_risk_top, "rows of the at-risk high-value list (highest CLV first; 0: none)");
  o.bind("insights", "cohort-months", cohort_months, "the cohort retention matrix covers the last N calendar months");
}

void InsightsConfig::validate() {
  if (!(churn_threshold > 0 && churn_threshold < 1))
    throw ConfigError("--churn-threshold must be in (0, 1), got " + std::to_string(churn_threshold));
  if (at_risk_top < 0 || at_risk_top > 100000)
    throw ConfigError("--at-risk-top must be in 0..100000, got " + std::to_string(at_risk_top));
  if (cohort_months < 1 || cohort_months > 240)
    throw ConfigError("--cohort-months must be in 1..240, got " + std::to_string(cohort_months));
}

}  // namespace crmpi
