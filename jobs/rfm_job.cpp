#include "jobs/rfm_job.hpp"

#include <spdlog/spdlog.h>

#include "io/csv_writer.hpp"
#include "io/order_chunks.hpp"
#include "jobs/distributed_select.hpp"
#include "jobs/log.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void RfmConfig::bind(Options& o) {
  o.bind("rfm", "segments", segments, "RFM segment mapping table (TOML); default: the built-in config/rfm_segments.toml");
  o.bind("rfm", "as-of", as_of, "analysis day YYYY-MM-DD; default: the input's as_of_day");
}

void RfmConfig::validate() const {
  if (!as_of.empty() && !parse_iso_date(as_of))
    throw ConfigError("--as-of must be a real date YYYY-MM-DD, got '" + as_of + "'");
  load_segment_map(segments);  // fail before any work if the table is bad
}

namespace {

// Cut points of one metric over the buyers of all ranks.
rfm::CutPoints cut_points(const Comm& comm, const std::vector<std::int64_t>& local, std::uint64_t n) {
  rfm::CutPoints cuts;
  const auto pos = rfm::quintile_positions(n);
  std::vector<std::uint64_t> wanted;
  for (const auto& p : pos)
    if (p) wanted.push_back(*p);
  const auto values = exact_order_statistics(comm, local, wanted);
  std::size_t k = 0;
  for (std::size_t i = 0; i < 4; ++i)
    if (pos[i]) cuts.value[i] = values[k++];
  return cuts;
}

}  // namespace

RfmResult compute_rfm(const Comm& comm, InputFile& in, const Slice& slice, const RfmConfig& cfg,
                      const CommonConfig& common) {
  RfmResult r;
  r.as_of_day = cfg.as_of.empty() ? in.as_of_day() : *parse_iso_date(cfg.as_of);
  r.segments = load_segment_map(cfg.segments);
  const std::size_t n = slice.customers();
  r.customer_id = in.read<std::uint64_t>(schema::kCustomerId, slice.customer_begin, n);
  const auto offsets = in.read<std::uint64_t>(schema::kOrderOffset, slice.customer_begin, n + 1);
  std::vector<std::int32_t> signup;
  if (in.has(schema::kSignupDay)) signup = in.read<std::int32_t>(schema::kSignupDay, slice.customer_begin, n);

  // Pass over the orders, chunk by chunk.
  Progress progress(comm, "rfm", slice.orders(), "orders");
  r.activity.resize(n);
  OrderColumns cols{.day = true, .amount = true};
  for_each_order_chunk(in, offsets, cols, common.chunk_rows, [&](const OrderChunk& ch) {
    rfm::accumulate(offsets, ch.customer_begin, ch.customer_end, ch.order_begin, ch.day, ch.amount_cents,
                    r.as_of_day, r.activity);
    progress.update(ch.order_begin + ch.size - slice.order_begin);
  });
  r.metrics = rfm::derive_metrics(r.activity, signup, r.as_of_day);
  fault_point(comm, "rfm");

  // Exact quintile cut points over the buyers of all ranks.
  std::vector<std::int64_t> neg_recency, frequency, monetary;
  for (std::size_t i = 0; i < n; ++i) {
    if (r.activity.orders[i] == 0) continue;
    neg_recency.push_back(-static_cast<std::int64_t>(r.metrics.recency_days[i]));
    frequency.push_back(r.activity.orders[i]);
    monetary.push_back(r.activity.total_cents[i]);
  }
  r.buyers = comm.allreduce_sum<std::uint64_t>(neg_recency.size());
  r.cuts[0] = cut_points(comm, neg_recency, r.buyers);
  r.cuts[1] = cut_points(comm, frequency, r.buyers);
  r.cuts[2] = cut_points(comm, monetary, r.buyers);

  // Scores, segments and exact per-segment sums.
  const std::size_t n_seg = r.segments.names.size();
  r.r_score.assign(n, 0);
  r.f_score.assign(n, 0);
  r.m_score.assign(n, 0);
  r.segment.assign(n, 0);
  r.seg_customers.assign(n_seg, 0);
  r.seg_revenue.assign(n_seg, 0);
  r.seg_recency_sum.assign(n_seg, 0);
  r.seg_frequency_sum.assign(n_seg, 0);
  r.cell_customers.assign(125, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t seg = 0;
    if (r.activity.orders[i] > 0) {
      r.r_score[i] = rfm::score(-static_cast<std::int64_t>(r.metrics.recency_days[i]), r.cuts[0]);
      r.f_score[i] = rfm::score(r.activity.orders[i], r.cuts[1]);
      r.m_score[i] = rfm::score(r.activity.total_cents[i], r.cuts[2]);
      seg = r.segments.of(r.r_score[i], r.f_score[i], r.m_score[i]);
      ++r.cell_customers[static_cast<std::size_t>((r.r_score[i] - 1) * 25 + (r.f_score[i] - 1) * 5 + r.m_score[i] - 1)];
      r.seg_recency_sum[seg] += r.metrics.recency_days[i];
    }
    r.segment[i] = seg;
    ++r.seg_customers[seg];
    r.seg_revenue[seg] += r.activity.total_cents[i];
    r.seg_frequency_sum[seg] += r.activity.orders[i];
  }
  comm.allreduce_sum_inplace(std::span(r.seg_customers));
  comm.allreduce_sum_inplace(std::span(r.seg_revenue));
  comm.allreduce_sum_inplace(std::span(r.seg_recency_sum));
  comm.allreduce_sum_inplace(std::span(r.seg_frequency_sum));
  comm.allreduce_sum_inplace(std::span(r.cell_customers));
  const double secs = progress.seconds();
  const auto all_customers = comm.allreduce_sum<std::uint64_t>(n);
  spdlog::info("rfm: {} customers ({} buyers) scored in {:.2f}s; {} orders/s per rank",
               human_count(static_cast<double>(all_customers)),
               human_count(static_cast<double>(r.buyers)), secs,
               human_count(static_cast<double>(slice.orders()) / std::max(secs, 1e-9)));
  return r;
}

void write_rfm(const Comm& comm, ResultsFile& results, OutputSet& out, const RfmResult& r,
               const std::string& currency) {
  results.write_column("/rfm/customer_id", r.customer_id);
  results.write_column("/rfm/recency_days", r.metrics.recency_days);
  results.write_column("/rfm/frequency", r.activity.orders);
  results.write_column("/rfm/monetary_cents", r.activity.total_cents);
  results.write_column("/rfm/avg_order_cents", r.metrics.avg_order_cents);
  results.write_column("/rfm/tenure_days", r.metrics.tenure_days);
  results.write_column("/rfm/first_order_day", r.activity.first_day);
  results.write_column("/rfm/last_order_day", r.activity.last_day);
  results.write_column("/rfm/r_score", r.r_score);
  results.write_column("/rfm/f_score", r.f_score);
  results.write_column("/rfm/m_score", r.m_score);
  results.write_column("/rfm/segment", r.segment);
  results.write_strings("/rfm/segment_names", r.segments.names);

  const std::size_t n_seg = r.segments.names.size();
  std::uint64_t customers = 0;
  std::int64_t revenue = 0;
  for (std::size_t s = 0; s < n_seg; ++s) {
    customers += r.seg_customers[s];
    revenue += r.seg_revenue[s];
  }
  std::vector<double> cust_share(n_seg), rev_share(n_seg), mean_rec(n_seg), mean_freq(n_seg), mean_mon(n_seg);
  for (std::size_t s = 0; s < n_seg; ++s) {
    const double c = static_cast<double>(r.seg_customers[s]);
    cust_share[s] = customers ? c / static_cast<double>(customers) : 0.0;
    rev_share[s] = revenue ? static_cast<double>(r.seg_revenue[s]) / static_cast<double>(revenue) : 0.0;
    mean_rec[s] = c > 0 && s > 0 ? static_cast<double>(r.seg_recency_sum[s]) / c : 0.0;
    mean_freq[s] = c > 0 ? static_cast<double>(r.seg_frequency_sum[s]) / c : 0.0;
    mean_mon[s] = c > 0 ? static_cast<double>(r.seg_revenue[s]) / c / 100.0 : 0.0;
  }
  results.write_replicated("/rfm/summary/customers", r.seg_customers);
  results.write_replicated("/rfm/summary/revenue_cents", r.seg_revenue);
  results.write_replicated("/rfm/summary/customer_share", cust_share);
  results.write_replicated("/rfm/summary/revenue_share", rev_share);
  results.write_replicated("/rfm/summary/mean_recency_days", mean_rec);
  results.write_replicated("/rfm/summary/mean_frequency", mean_freq);
  results.write_replicated("/rfm/summary/mean_monetary", mean_mon);
  results.write_replicated("/rfm/cells/customers", r.cell_customers);
  {
    auto g = results.group("/rfm");
    h5::write_attr_int(g.id(), "as_of_day", r.as_of_day);
    h5::write_attr_string(g.id(), "as_of", format_iso_date(r.as_of_day));
    h5::write_attr_int(g.id(), "buyers", static_cast<std::int64_t>(r.buyers));
    h5::write_attr_string(g.id(), "currency", currency);
    h5::write_attr_string(g.id(), "score_method",
                          "score = 1 + floor(5 * L / n), L = buyers with a strictly smaller value, n = buyers; "
                          "recency scored on its negation; exact across ranks (docs/rfm.md)");
    const char* names[] = {"cut_points_neg_recency", "cut_points_frequency", "cut_points_monetary_cents"};
    for (std::size_t k = 0; k < 3; ++k) {
      std::vector<std::int64_t> v;
      for (const auto& c : r.cuts[k].value) v.push_back(c ? *c : std::numeric_limits<std::int64_t>::min());
      h5::write_attr_ints(g.id(), names[k], v);
    }
  }

  const std::string seg_csv = out.temp_path("csv/rfm_segments.csv");
  const std::string cell_csv = out.temp_path("csv/rfm_cells.csv");
  if (comm.is_root()) {
    CsvWriter w(seg_csv, {"segment", "customers", "customer_share", "revenue", "revenue_share", "mean_recency_days",
                          "mean_frequency", "mean_monetary", "currency"});
    for (std::size_t s = 0; s < n_seg; ++s)
      w.row({r.segments.names[s], std::to_string(r.seg_customers[s]), csv_number(cust_share[s]),
             csv_number(static_cast<double>(r.seg_revenue[s]) / 100.0, 2), csv_number(rev_share[s]),
             csv_number(mean_rec[s], 3), csv_number(mean_freq[s], 3), csv_number(mean_mon[s], 2), currency});
    w.close();
    CsvWriter c(cell_csv, {"r_score", "f_score", "m_score", "segment", "customers"});
    for (std::uint8_t rs = 1; rs <= 5; ++rs)
      for (std::uint8_t fs = 1; fs <= 5; ++fs)
        for (std::uint8_t ms = 1; ms <= 5; ++ms)
          c.row({std::to_string(rs), std::to_string(fs), std::to_string(ms), r.segments.names[r.segments.of(rs, fs, ms)],
                 std::to_string(r.cell_customers[static_cast<std::size_t>((rs - 1) * 25 + (fs - 1) * 5 + ms - 1)])});
    c.close();
  }
}

int run_rfm_command(const JobContext& ctx, const CommonConfig& common, const RfmConfig& cfg) {
  OpenedInput in = open_and_validate(ctx, common);
  RfmResult r = compute_rfm(ctx.comm, *in.file, in.slice, cfg, common);
  OutputSet out(ctx.comm, common.out);
  {
    ResultsFile results(ctx.comm, out.temp_path("results.h5"));
    write_rfm(ctx.comm, results, out, r, in.file->currency());
    results.write_provenance(make_provenance(ctx, in));
  }
  out.commit();
  // The rank's slice as the job reads it: customer ids, offsets, signup days, order days, amounts.
  const std::uint64_t slice_bytes = in.slice.customers() * (8 + 8 + 4) + in.slice.orders() * (4 + 8);
  log_memory_use(ctx.comm, "rfm", ctx.baseline_rss, slice_bytes);
  if (ctx.comm.is_root()) {
    spdlog::info("rfm: results in {}/results.h5 and {}/csv/rfm_segments.csv", common.out, common.out);
    for (std::size_t s = 0; s < r.segments.names.size(); ++s)
      spdlog::info("  {:<20} {:>10} customers", r.segments.names[s], r.seg_customers[s]);
  }
  return 0;
}

}  // namespace crmpi
