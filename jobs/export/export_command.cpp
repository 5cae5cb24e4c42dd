// `crmpi export`: the per-customer CSV parts of an existing results.h5, without rerunning anything.
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "io/output.hpp"
#include "jobs/export/customer_export.hpp"

namespace crmpi {

int run_export_command(const JobContext& ctx, const ExportCommandConfig& cfg) {
  const std::optional<Pseudonymizer> pseudonymize = load_pseudonymizer(ctx.comm, cfg.exports);
  OutputSet out(ctx.comm, cfg.out, /*with_csv=*/false);
  const CustomerExportSummary s =
      write_customer_parts(ctx.comm, cfg.results, out.temp_dir("customers"), cfg.exports, pseudonymize);
  out.commit();
  if (ctx.comm.is_root())
    spdlog::info("export: {} customers in {} part(s) in {}/customers/{}; columns: {}", s.rows, s.parts,
                 cfg.out, pseudonymize ? " (ids pseudonymized)" : "", fmt::join(s.columns, ", "));
  return 0;
}

}  // namespace crmpi
