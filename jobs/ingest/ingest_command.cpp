// `crmpi ingest`: the options, the subcommand and the order of the stages. Each stage lives in
// jobs/ingest/: column_mapping (format, header -> columns), order_reader (distributed reading and
// parsing), global_codes (dictionaries agreed by all ranks), customer_shuffle (sample sort by
// customer), order_grouping (lines -> orders and items), canonical_writer (HDF5 + validate +
// atomic commit), ingest_report (bad lines, rule counts).
#include "jobs/ingest/ingest_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <vector>

#include "io/text/byte_source.hpp"
#include "jobs/ingest/canonical_writer.hpp"
#include "jobs/ingest/collectively.hpp"
#include "jobs/ingest/column_mapping.hpp"
#include "jobs/ingest/customer_shuffle.hpp"
#include "jobs/ingest/global_codes.hpp"
#include "jobs/ingest/ingest_report.hpp"
#include "jobs/ingest/order_grouping.hpp"
#include "jobs/ingest/order_reader.hpp"
#include "jobs/ingest/side_files.hpp"
#include "jobs/common/log.hpp"
#include "jobs/cli/options.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

using namespace ingest_job;

void log_throughput(const Comm& comm, const ParsedShare& parsed, std::uint64_t lines, double parse_s,
                    double shuffle_s, double total_s) {
  if (!comm.is_root()) return;
  const double P = comm.size();
  spdlog::info("ingest: {:.2f}s (parse {:.2f}s, shuffle+sort {:.2f}s, write+validate {:.2f}s); {:.1f} MB of text "
               "({:.1f} MB on disk); parse {:.1f} MB/s and {} lines/s per rank, whole run {:.1f} MB/s per rank",
               total_s, parse_s, shuffle_s - parse_s, total_s - shuffle_s, static_cast<double>(parsed.text_bytes) / 1e6,
               static_cast<double>(parsed.input_bytes) / 1e6,
               static_cast<double>(parsed.text_bytes) / 1e6 / std::max(parse_s, 1e-9) / P,
               human_count(static_cast<double>(lines) / std::max(parse_s, 1e-9) / P),
               static_cast<double>(parsed.text_bytes) / 1e6 / std::max(total_s, 1e-9) / P);
}


// Each rank's own time reading and parsing its shares (wall, and CPU of the process): the
// parse phase's figure is the slowest rank's, and these show whether the shares were even
// (equal CPU) and whether a rank lost its core (wall well above CPU).
struct ShareTime {
  double wall = 0, cpu = 0;
};

double cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void log_share_times(const Comm& comm, const ShareTime& own) {
  const std::vector<ShareTime> all = comm.allgather(own);  // 16 bytes a rank
  if (!comm.is_root()) return;
  if (all.size() == 1) {
    spdlog::info("ingest: parse of the share: wall {:.2f}s, CPU {:.2f}s", own.wall, own.cpu);
    return;
  }
  const auto by_wall = [](const ShareTime& a, const ShareTime& b) { return a.wall < b.wall; };
  const auto by_cpu = [](const ShareTime& a, const ShareTime& b) { return a.cpu < b.cpu; };
  const auto slow = std::max_element(all.begin(), all.end(), by_wall), fast = std::min_element(all.begin(), all.end(), by_wall);
  const auto [cmin, cmax] = std::minmax_element(all.begin(), all.end(), by_cpu);
  spdlog::info("ingest: parse of each rank's share: wall {:.2f}s (rank {}) to {:.2f}s (rank {}), CPU {:.2f}s to {:.2f}s",
               fast->wall, fast - all.begin(), slow->wall, slow - all.begin(), cmin->cpu, cmax->cpu);
}

}  // namespace

int run_ingest_command(const JobContext& ctx, const IngestConfig& cfg) {
  using namespace ingest_job;
  const Comm& comm = ctx.comm;
  const Format format = format_of(cfg);
  Stopwatch sw;
  collectively(comm, [&] {
    for (const auto& in : cfg.inputs) (void)textio::file_size(in);  // 66 before any work
    for (const auto* side : {&cfg.customers_file, &cfg.surveys_file})
      if (!side->empty()) (void)textio::file_size(*side);
  });
  ParsedShare parsed;
  OrderReader reader(comm, cfg, parsed);
  // A rank that fails while reading its shares (I/O error, corrupt gzip, bad mapping) tells the
  // others when all have read; none of them waits in a collective meanwhile, and ranks reading
  // different gzip files read at the same time.
  ShareTime own;
  collectively(comm, [&] {
    const Stopwatch share;
    const double cpu0 = cpu_seconds();
    for (std::size_t f = 0; f < cfg.inputs.size(); ++f) reader.read_share(static_cast<std::uint32_t>(f), cfg.inputs[f]);
    own = {share.seconds(), cpu_seconds() - cpu0};
  });
  log_share_times(comm, own);
  reader.finish_files();
  SideShare side;
  read_side_files(comm, cfg, parsed, side);
  const double parse_s = sw.seconds();
  const auto lines = comm.allreduce_sum(parsed.counts.records);
  if (lines == 0) {
    std::string names;
    for (const auto& in : cfg.inputs) names += (names.empty() ? "'" : ", '") + in + "'";
    throw CollectiveError(ExitCode::kDataErr, "no data lines in " + names + " (empty input, or a header line only)");
  }
  report_bad_lines(comm, cfg, parsed.counts.bad + side.attr_bad + side.survey_bad, parsed.bad);
  count_input_ids(comm, parsed);  // before the shuffle: its id lists are not held through it
  GlobalCodes codes;
  collectively(comm, [&] { codes = assign_global_codes(comm, cfg, format, parsed); });
  const auto splitters = shuffle_by_customer(comm, parsed.store);
  SideCodes side_codes;
  collectively(comm, [&] {
    side_codes = route_side_rows(comm, side, codes.region_remap, parsed.customers_numeric, splitters);
  });
  const double shuffle_s = sw.seconds();

  const bool baskets = is_basket(format);
  const GroupingOptions grouping{.keep_duplicates = cfg.keep_duplicates,
                                 .have_orders = parsed.have_orders,
                                 .baskets = baskets,
                                 .customers_numeric = parsed.customers_numeric,
                                 .orders_numeric = parsed.orders_numeric,
                                 .have_channels = parsed.have_channels};
  CanonicalColumns columns = group_orders(comm, parsed.store, grouping, parsed.counts);
  const bool have_regions = parsed.have_regions || side.have_region;
  join_side_rows(comm, cfg, side, side_codes,
                 side.have_region ? static_cast<std::uint32_t>(codes.regions.code_of(kUnknownValue)) : 0,
                 parsed.customers_numeric, parsed.have_regions, columns);
  const CanonicalFileInfo info{.out = cfg.out,
                               .currency = cfg.currency,
                               .baskets = baskets,
                               .fimi = format == Format::kFimi,
                               .have_regions = have_regions,
                               .have_products = parsed.have_products,
                               .have_names = parsed.have_names,
                               .have_order_channels = parsed.have_channels,
                               .customer_dictionary = !parsed.customers_numeric && !baskets,
                               .channels = side.have_channel ? &side_codes.channels : nullptr,
                               .age_bands = side.have_age_band ? &side_codes.age_bands : nullptr,
                               .genders = side.have_gender ? &side_codes.genders : nullptr,
                               .have_surveys = side.have_surveys};
  write_canonical_file(comm, info, columns, codes);
  const WrittenFileSummary summary{.customers = columns.customers,
                                   .orders = columns.orders,
                                   .items = columns.items,
                                   .products = parsed.have_products ? codes.products.size() : 0,
                                   .regions = have_regions ? codes.regions.size() : 0,
                                   .as_of_day = codes.as_of_day};
  report_counts(comm, cfg, summary, parsed);
  log_throughput(comm, parsed, lines, parse_s, shuffle_s, sw.seconds());
  log_memory_use(comm, "ingest", ctx.baseline_rss, parsed.text_bytes / static_cast<std::uint64_t>(comm.size()));
  return 0;
}

}  // namespace crmpi
