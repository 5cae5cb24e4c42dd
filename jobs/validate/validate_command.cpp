#include "jobs/validate/validate_command.hpp"

#include <spdlog/spdlog.h>

#include "jobs/common/log.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi {

int run_validate_command(const JobContext& ctx, const CommonConfig& common) {
  OpenedInput in = open_and_validate(ctx, common);  // throws DataError (65) on any problem
  log_memory_use(ctx.comm, "validate", ctx.baseline_rss, slice_bytes(in.slice));
  if (ctx.comm.is_root()) {
    const auto& s = in.file->sizes();
    std::printf("%s: valid (schema %lld, as_of %s, currency %s)\n", common.input.c_str(),
                static_cast<long long>(schema::kVersion), format_iso_date(in.file->as_of_day()).c_str(),
                in.file->currency().c_str());
    std::printf("  customers %llu, orders %llu, items %llu, products %llu, surveys %llu\n",
                static_cast<unsigned long long>(s.customers), static_cast<unsigned long long>(s.orders),
                static_cast<unsigned long long>(s.items), static_cast<unsigned long long>(s.products),
                static_cast<unsigned long long>(s.surveys));
    std::printf("  optional parts: demographics %s, items %s, products %s, surveys %s\n",
                in.file->has_part(schema::Part::kDemographics) ? "yes" : "no",
                in.file->has_part(schema::Part::kItems) ? "yes" : "no",
                in.file->has_part(schema::Part::kProducts) ? "yes" : "no",
                in.file->has_part(schema::Part::kSurveys) ? "yes" : "no");
    std::printf("  checksum %s\n", in.report.checksum_hex().c_str());
  }
  return 0;
}

}  // namespace crmpi
