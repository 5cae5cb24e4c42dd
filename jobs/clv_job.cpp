// `crmpi clv` driver: runs the stages of jobs/clv/ in order (stages.hpp). Options:
// jobs/clv/config.cpp; exact sums, global tables and broadcast fits: jobs/clv/tables.cpp;
// summaries and the global table: summaries.cpp; fits: fits.cpp; per-customer scores:
// scoring.cpp; lifecycle and aggregates: aggregates.cpp; output: writers.cpp.
#include "jobs/clv_job.hpp"

#include <spdlog/spdlog.h>

#include "jobs/clv/stages.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

ClvResult compute_clv(const Comm& comm, InputFile& in, const Slice& slice, const ClvConfig& cfg,
                      const CommonConfig& common) {
  ClvResult r;
  r.unit = cfg.unit();
  r.calibration_end = cfg.calibration_end.empty() ? in.as_of_day() : *parse_iso_date(cfg.calibration_end);
  if (!cfg.holdout_end.empty()) r.holdout_end = *parse_iso_date(cfg.holdout_end);
  if (r.calibration_end > in.as_of_day())
    throw CollectiveError(ConfigError("--calibration-end " + format_iso_date(r.calibration_end) +
                                      " is after the input's as_of_day " + format_iso_date(in.as_of_day())));
  if (r.holdout_end && *r.holdout_end <= r.calibration_end)
    throw CollectiveError(ConfigError("--holdout-end " + format_iso_date(*r.holdout_end) +
                                      " must be after the calibration end " + format_iso_date(r.calibration_end)));
  if (r.holdout_end && *r.holdout_end > in.as_of_day())
    throw CollectiveError(ConfigError("--holdout-end " + format_iso_date(*r.holdout_end) +
                                      " is after the input's as_of_day " + format_iso_date(in.as_of_day()) +
                                      ": the holdout would have no data at its end"));
  // 1-2. summaries, global table; 3. fits; 4. per-customer scores; 5. lifecycle, aggregates.
  clv_stages::SummaryPass pass = clv_stages::summarize_customers(comm, in, slice, common, r);
  const std::vector<clv::Triple> table = clv_stages::build_global_table(comm, r);
  if (!r.skipped.empty()) return r;
  clv_stages::fit_purchase_models(comm, cfg, table, r);
  clv_stages::fit_spend_model(comm, cfg, r);
  for (const auto& w : r.warnings) spdlog::warn("{}", w);
  clv_stages::score_customers(comm, cfg, r);
  clv_stages::lifecycle_and_aggregates(comm, cfg, table, pass, r);
  return r;
}

int run_clv_command(const JobContext& ctx, const CommonConfig& common, const ClvConfig& cfg) {
  OpenedInput in = open_and_validate(ctx, common);
  ClvResult r = compute_clv(ctx.comm, *in.file, in.slice, cfg, common);
  if (!r.skipped.empty()) throw CollectiveError(DataError(r.skipped));
  OutputSet out(ctx.comm, common.out);
  {
    ResultsFile results(ctx.comm, out.temp_path("results.h5"));
    write_clv(ctx.comm, results, out, r, cfg, in.file->currency());
    results.write_provenance(make_provenance(ctx, in));
  }
  out.commit();
  write_clv_timings(ctx.comm, r, cfg.timings);
  if (ctx.comm.is_root()) {
    spdlog::info("clv: results in {}/results.h5 and {}/csv/clv_*.csv", common.out, common.out);
    for (const auto& ms : r.models) {
      std::string p;
      for (std::size_t j = 0; j < ms.fit.names.size(); ++j)
        p += fmt::format(" {}={:.4f} (se {:.4f})", ms.fit.names[j], ms.fit.estimates[j], ms.fit.std_errors[j]);
      spdlog::info("  {:<11} LL {:.2f}{}", ms.model, ms.fit.log_likelihood, p);
    }
    if (r.gamma_gamma) {
      std::string p;
      for (std::size_t j = 0; j < r.gamma_gamma->names.size(); ++j)
        p += fmt::format(" {}={:.4f}", r.gamma_gamma->names[j], r.gamma_gamma->estimates[j]);
      spdlog::info("  gamma_gamma LL {:.2f}{}", r.gamma_gamma->log_likelihood, p);
    }
    for (std::size_t s = 0; s < r.stage_names.size(); ++s)
      spdlog::info("  {:<20} {:>10} customers", r.stage_names[s], r.stage_customers[s]);
  }
  return 0;
}

}  // namespace crmpi
