// `crmpi export`: the per-customer CSV parts of an existing results.h5, without rerunning anything.
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "io/output.hpp"
#include "jobs/common/log.hpp"
#include "jobs/export/customer_export.hpp"

namespace crmpi {

int run_export_command(const JobContext& ctx, const ExportCommandConfig& cfg) {
  const std::optional<Pseudonymizer> pseudonymize = load_pseudonymizer(ctx.comm, cfg.exports);
  OutputSet out(ctx.comm, cfg.out, /*with_csv=*/false);
  const CustomerExportSummary s =
      write_customer_parts(ctx.comm, cfg.results, out.temp_dir("customers"), cfg.exports, pseudonymize);
  out.commit();
  // No input slice: the yardstick is the rank's share of the rows, 8 bytes a column each.
  const std::uint64_t share = (s.rows / static_cast<std::uint64_t>(ctx.comm.size())) * 8 * s.columns.size();
  log_memory_use(ctx.comm, "export", ctx.baseline_rss, share);
  if (ctx.comm.is_root())
    spdlog::info("export: {} customers in {} part(s) in {}/customers/{}; columns: {}", s.rows, s.parts,
                 cfg.out, pseudonymize ? " (ids pseudonymized)" : "", fmt::join(s.columns, ", "));
  return 0;
}

}  // namespace crmpi
