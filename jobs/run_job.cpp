#include "jobs/run_job.hpp"

#include <spdlog/spdlog.h>

#include "jobs/log.hpp"

namespace crmpi {

int run_pipeline_command(const JobContext& ctx, const CommonConfig& common, const RunConfig& cfg) {
  Stopwatch total;
  OpenedInput in = open_and_validate(ctx, common);
  std::vector<std::string> ran, skipped;

  RfmResult rfm = compute_rfm(ctx.comm, *in.file, in.slice, cfg.rfm, common);
  ran.push_back("rfm");

  ClvResult clv = compute_clv(ctx.comm, *in.file, in.slice, cfg.clv, common);
  if (clv.skipped.empty()) {
    ran.push_back("clv");
  } else {
    spdlog::warn("run: skipping clv: {}", clv.skipped);
    skipped.push_back(clv.skipped);
  }

  OutputSet out(ctx.comm, common.out);
  {
    ResultsFile results(ctx.comm, out.temp_path("results.h5"));
    write_rfm(ctx.comm, results, out, rfm, in.file->currency());
    if (clv.skipped.empty()) write_clv(ctx.comm, results, out, clv, cfg.clv, in.file->currency());
    results.write_provenance(make_provenance(ctx, in));
    std::string ran_list, skipped_list;
    for (const auto& s : ran) ran_list += (ran_list.empty() ? "" : ",") + s;
    for (const auto& s : skipped) skipped_list += (skipped_list.empty() ? "" : "; ") + s;
    h5::write_attr_string(results.id(), "stages_run", ran_list);
    h5::write_attr_string(results.id(), "stages_skipped", skipped_list);
  }
  out.commit();

  if (ctx.comm.is_root()) {
    std::uint64_t customers = 0;
    std::int64_t revenue = 0;
    for (std::size_t s = 0; s < rfm.seg_customers.size(); ++s) {
      customers += rfm.seg_customers[s];
      revenue += rfm.seg_revenue[s];
    }
    std::printf("crmpi run: done in %.1fs on %d rank(s)\n", total.seconds(), ctx.comm.size());
    std::printf("  results: %s/results.h5\n  csv:     %s/csv/\n", common.out.c_str(), common.out.c_str());
    std::printf("  customers %llu (buyers %llu), revenue %.2f %s\n", static_cast<unsigned long long>(customers),
                static_cast<unsigned long long>(rfm.buyers), static_cast<double>(revenue) / 100.0,
                in.file->currency().c_str());
    for (std::size_t s = 0; s < rfm.segments.names.size(); ++s)
      if (rfm.seg_customers[s])
        std::printf("  %-20s %10llu customers  %5.1f%% of revenue\n", rfm.segments.names[s].c_str(),
                    static_cast<unsigned long long>(rfm.seg_customers[s]),
                    revenue ? 100.0 * static_cast<double>(rfm.seg_revenue[s]) / static_cast<double>(revenue) : 0.0);
    for (const auto& s : skipped) std::printf("  skipped: %s\n", s.c_str());
  }
  return 0;
}

}  // namespace crmpi
