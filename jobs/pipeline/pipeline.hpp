// `crmpi run`: the quarterly pipeline in one job and one results.h5. The input is read once (one
// validating pass over the orders feeds every stage), then the stages run in order; a stage the
// input cannot support is skipped with a logged reason.
#pragma once

#include "jobs/clv/clv_stage.hpp"
#include "jobs/common/job_common.hpp"
#include "jobs/export/customer_export.hpp"
#include "jobs/insights/insights_stage.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "jobs/migrate/migrate.hpp"
#include "jobs/report/report.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "jobs/rules/rules_stage.hpp"

namespace crmpi {

struct RunConfig {
  RfmConfig rfm;
  ClvConfig clv;
  KmeansConfig kmeans;
  RulesConfig rules;
  InsightsConfig insights;
  ReportConfig report;  // DIR/report.html after the commit
  ExportConfig exports;  // csv/customers/ on request; pseudonymized ids in CSV exports
  RunMigrateConfig migrate;  // the previous quarter: DIR/migration.h5 before the report
  // Stage checkpoints in DIR/checkpoints/ and resuming from them (jobs/pipeline/checkpoints.hpp).
  bool checkpoints = true;
  bool resume = false;
  void bind(Options& o) {
    o.bind("run", "checkpoints", checkpoints,
           "write each completed stage's results to DIR/checkpoints/<stage>/ (docs/RELIABILITY.md); "
           "--no-checkpoints: not (nor --resume, nor the stop at SIGUSR1/SIGTERM)");
    o.bind("run", "resume", resume,
           "load every stage whose checkpoint matches the input and its options instead of computing it");
    rfm.bind(o);
    clv.bind(o);
    kmeans.bind(o);
    rules.bind(o);
    insights.bind(o);
    report.bind(o, true);
    exports.bind(o, true);
    migrate.bind(o);
  }
  void validate() {
    if (resume && !checkpoints) throw ConfigError("--resume needs the checkpoints (drop --no-checkpoints)");
    rfm.validate();
    // --as-of is the run's cut-off: later orders count for no stage, the CLV calibration included
    // (a previous quarter rerun from a cumulative export; docs/migration.md).
    if (!rfm.as_of.empty() && clv.calibration_end.empty()) clv.calibration_end = rfm.as_of;
    clv.validate();
    kmeans.validate();
    rules.validate();
    insights.validate();
    report.validate();
    exports.validate();
  }
};

// `crmpi segment`: the rfm stage and the kmeans stage in one pass over the orders (k-means
// clusters on RFM features, so /rfm is written too). No clv stage: the CLV features need `crmpi run`.
struct SegmentConfig {
  RfmConfig rfm;
  KmeansConfig kmeans;
  void bind(Options& o) {
    rfm.bind(o);
    kmeans.bind(o);
  }
  void validate();  // throws ConfigError
};

int run_pipeline_command(const JobContext& ctx, const CommonConfig& common, const RunConfig& cfg);
int run_segment_command(const JobContext& ctx, const CommonConfig& common, const SegmentConfig& cfg);
// `crmpi rules`: frequent itemsets and association rules alone (orders up to the input's as_of).
int run_rules_command(const JobContext& ctx, const CommonConfig& common, const RulesConfig& cfg);

}  // namespace crmpi
