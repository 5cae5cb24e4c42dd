// `crmpi clv` steps 1-2: per-customer summaries on the single pass over the orders, then the
// (x, t_x, T) table: collapsed per rank, spread over the ranks in runs (tables.cpp).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "io/order_chunks.hpp"
#include "jobs/clv/clv_internal.hpp"
#include "jobs/common/log.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/lifecycle.hpp"
#include "kernels/clv/summary.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi::clv_job {

void begin_summaries(const StageInput& in, ClvResult& r, SummaryPass& pass) {
  const std::size_t n = in.customers.id.size();
  r.customer_id = in.customers.id;
  pass.order_offset = in.customers.order_offset;
  r.in_calibration.assign(n, 0);
  r.x.assign(n, 0.0);
  r.t_x.assign(n, 0.0);
  r.T.assign(n, 0.0);
  r.mean_spend.assign(n, 0.0);
  r.last_gap.assign(n, 0.0);
  r.holdout_purchases.assign(n, 0);
  r.holdout_spend.assign(n, 0.0);
  pass.weeks = 0;
  r.week_end_day.clear();
  if (r.holdout_end && *r.holdout_end > r.calibration_end) {  // else the stage refuses the window
    const std::int32_t days = *r.holdout_end - r.calibration_end;
    pass.weeks = static_cast<std::size_t>((days + 6) / 7);
    for (std::size_t k = 0; k < pass.weeks; ++k)
      r.week_end_day.push_back(
          std::min(r.calibration_end + 7 * static_cast<std::int32_t>(k + 1), *r.holdout_end));
  }
  pass.weekly.assign(pass.weeks, 0);
}

void summarize_chunk(const OrderChunk& ch, SummaryPass& pass, ClvResult& r) {
  Stopwatch sw;
  const clv::TimeUnit unit = r.unit;
  const clv::SummaryWindow window{r.calibration_end, r.holdout_end, unit};
  const auto offsets = pass.order_offset;
  const std::size_t weeks = pass.weeks;
  std::vector<std::uint64_t>& weekly = pass.weekly;
  std::vector<double>& spend = pass.spend;
  spend.resize(ch.size);
  for (std::size_t i = 0; i < ch.size; ++i) spend[i] = static_cast<double>(ch.amount_cents[i]) / 100.0;
  for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c) {
    const std::size_t b = offsets[c] - ch.order_begin, e = offsets[c + 1] - ch.order_begin;
    const std::span<const std::int32_t> days(ch.day.data() + b, e - b);
    const auto s = clv::summarize_customer(days, std::span<const double>(spend.data() + b, e - b), window);
    if (!s) continue;
    r.in_calibration[c] = 1;
    r.x[c] = s->x;
    r.t_x[c] = s->t_x;
    r.T[c] = s->T;
    r.mean_spend[c] = s->mean_spend;
    r.holdout_purchases[c] = s->holdout_purchases;
    r.holdout_spend[c] = s->holdout_spend;
    r.last_gap[c] = clv::last_purchase_gap(days, r.calibration_end, unit);
    if (weeks > 0) {
      std::int32_t prev = days.front();
      for (const std::int32_t d : days) {
        if (d > *r.holdout_end) break;
        if (d > r.calibration_end && d != prev) ++weekly[static_cast<std::size_t>((d - r.calibration_end - 1) / 7)];
        prev = d;
      }
    }
  }
  r.t_summary += sw.seconds();
}

void end_summaries(const Comm& comm, ClvResult& r) {
  r.customers = comm.allreduce_sum<std::uint64_t>(r.customer_id.size());
}

SpreadTable<clv::Triple> build_spread_table(const Comm& comm, ClvResult& r) {
  Stopwatch sw;
  const std::size_t n = r.x.size();
  std::size_t in_calibration = 0;
  for (std::size_t i = 0; i < n; ++i) in_calibration += r.in_calibration[i] ? 1 : 0;
  // Columns of the calibration customers (the customers' own columns when that is all of them),
  // collapsed from columns (8-byte keys sorted, no per-customer records), then spread.
  std::vector<double> cx, ctx, cT;
  const bool all_in = in_calibration == n;
  if (!all_in) {
    cx.reserve(in_calibration);
    ctx.reserve(in_calibration);
    cT.reserve(in_calibration);
  }
  if (!all_in)
    for (std::size_t i = 0; i < n; ++i) {
      if (!r.in_calibration[i]) continue;
      cx.push_back(r.x[i]);
      ctx.push_back(r.t_x[i]);
      cT.push_back(r.T[i]);
    }
  std::vector<clv::Triple> local =
      all_in ? clv::collapse_triples(r.x, r.t_x, r.T) : clv::collapse_triples(cx, ctx, cT);
  std::vector<double>().swap(cx);
  std::vector<double>().swap(ctx);
  std::vector<double>().swap(cT);
  SpreadTable<clv::Triple> table = spread_triples(comm, std::move(local));
  r.calibration_customers = table.total_customers;
  r.triples = table.total_rows;
  r.triple_runs = table.total_runs;
  r.t_collapse = sw.seconds();
  if (r.calibration_customers < kMinFitCustomers) {
    r.skipped = "clv: " + std::to_string(r.calibration_customers) + " customer(s) bought by the calibration end " +
                format_iso_date(r.calibration_end) + "; at least " + std::to_string(kMinFitCustomers) +
                " are needed to fit";
    return table;
  }
  spdlog::info("clv: {} customers, {} with a purchase by {} -> {} distinct (x, t_x, T) in {} runs, {} of them on rank 0 "
               "({:.3f}s)",
               human_count(static_cast<double>(r.customers)), human_count(static_cast<double>(r.calibration_customers)),
               format_iso_date(r.calibration_end), human_count(static_cast<double>(r.triples)), r.triple_runs,
               human_count(static_cast<double>(table.rows.size())), r.t_collapse);

  return table;
}

}  // namespace crmpi::clv_job
