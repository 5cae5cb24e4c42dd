#include "jobs/clv_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include "io/csv_writer.hpp"
#include "io/order_chunks.hpp"
#include "jobs/log.hpp"
#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/clv_value.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/summary.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kMinFitCustomers = 10;

std::string canonical_model(const std::string& m) {
  if (m == "bgnbd" || m == "bg_nbd" || m == "bg-nbd") return "bgnbd";
  if (m == "pareto" || m == "pareto_nbd" || m == "pareto-nbd" || m == "pnbd") return "pareto_nbd";
  if (m == "gg" || m == "gamma_gamma" || m == "gamma-gamma") return "gamma_gamma";
  return "";
}

void check_nonneg(double v, const char* name) {
  if (!std::isfinite(v) || v < 0) throw ConfigError(std::string("--") + name + " must be a number >= 0");
}

}  // namespace

// ---- config ------------------------------------------------------------------------------------

void ClvConfig::bind(Options& o) {
  o.bind("clv", "calibration-end", calibration_end,
         "last day (inclusive) of the calibration period YYYY-MM-DD; default: the input's as_of_day");
  o.bind("clv", "holdout-end", holdout_end,
         "last day (inclusive) of the holdout period YYYY-MM-DD (after --calibration-end); default: no holdout");
  o.bind("clv", "time-unit", time_unit, "time unit of the models: day or week");
  o.bind("clv", "models", models, "models to fit, comma-separated: bgnbd, pareto, gg");
  o.bind("clv", "horizon-months", horizon_months, "CLV and expected-purchases horizon in months");
  o.bind("clv", "discount-rate", discount_rate, "monthly discount rate of the CLV (0.01 = 1% a month)");
  o.bind("clv", "new-max-tenure-weeks", new_max_tenure_weeks, "lifecycle: 'new' while tenure <= this");
  o.bind("clv", "churned-below", churned_below, "lifecycle: 'churned' when P(alive) < this");
  o.bind("clv", "at-risk-below", at_risk_below, "lifecycle: 'at_risk' when P(alive) < this");
  o.bind("clv", "reactivation-gap-weeks", reactivation_gap_weeks,
         "lifecycle: 'reactivated' when the gap before the last purchase exceeds this");
  o.bind("clv", "loyal-min-frequency", loyal_min_frequency, "lifecycle: 'loyal' needs this many repeat purchases");
  o.bind("clv", "loyal-min-tenure-weeks", loyal_min_tenure_weeks, "lifecycle: 'loyal' needs this tenure");
  o.bind("clv", "timings", timings, "write stage timings (JSON) to this file")->group("");
}

void ClvConfig::validate() const {
  std::optional<std::int32_t> cal, hold;
  if (!calibration_end.empty()) {
    cal = parse_iso_date(calibration_end);
    if (!cal) throw ConfigError("--calibration-end must be a real date YYYY-MM-DD, got '" + calibration_end + "'");
  }
  if (!holdout_end.empty()) {
    hold = parse_iso_date(holdout_end);
    if (!hold) throw ConfigError("--holdout-end must be a real date YYYY-MM-DD, got '" + holdout_end + "'");
  }
  if (cal && hold && *hold <= *cal)
    throw ConfigError("--holdout-end (" + holdout_end + ") must be after --calibration-end (" + calibration_end + ")");
  if (time_unit != "day" && time_unit != "week")
    throw ConfigError("--time-unit must be day or week, got '" + time_unit + "'");
  if (models.empty()) throw ConfigError("--models needs at least one of bgnbd, pareto, gg");
  for (const auto& m : models)
    if (canonical_model(m).empty())
      throw ConfigError("--models: unknown model '" + m + "' (known: bgnbd, pareto, gg)");
  if (!wants("bgnbd") && !wants("pareto_nbd"))
    throw ConfigError("--models needs a purchase model (bgnbd or pareto); gg alone gives no P(alive) or CLV");
  if (horizon_months < 1 || horizon_months > 1200)
    throw ConfigError("--horizon-months must be in 1..1200, got " + std::to_string(horizon_months));
  if (!std::isfinite(discount_rate) || discount_rate < 0 || discount_rate > 1)
    throw ConfigError("--discount-rate (monthly) must be in [0, 1], got " + std::to_string(discount_rate));
  check_nonneg(new_max_tenure_weeks, "new-max-tenure-weeks");
  check_nonneg(reactivation_gap_weeks, "reactivation-gap-weeks");
  check_nonneg(loyal_min_frequency, "loyal-min-frequency");
  check_nonneg(loyal_min_tenure_weeks, "loyal-min-tenure-weeks");
  if (!(churned_below >= 0 && churned_below <= at_risk_below && at_risk_below <= 1))
    throw ConfigError("lifecycle thresholds need 0 <= --churned-below <= --at-risk-below <= 1, got " +
                      std::to_string(churned_below) + " and " + std::to_string(at_risk_below));
}

clv::TimeUnit ClvConfig::unit() const { return time_unit == "day" ? clv::TimeUnit::kDay : clv::TimeUnit::kWeek; }

bool ClvConfig::wants(const std::string& model) const {
  return std::any_of(models.begin(), models.end(), [&](const std::string& m) { return canonical_model(m) == model; });
}

clv::LifecycleThresholds ClvConfig::thresholds() const {
  clv::LifecycleThresholds t;
  const double k = 7.0 / clv::days_per_unit(unit());  // weeks -> unit
  t.new_max_tenure = new_max_tenure_weeks * k;
  t.churned_below = churned_below;
  t.at_risk_below = at_risk_below;
  t.reactivation_gap = reactivation_gap_weeks * k;
  t.loyal_min_frequency = loyal_min_frequency;
  t.loyal_min_tenure = loyal_min_tenure_weeks * k;
  return t;
}

// ---- exact sums --------------------------------------------------------------------------------

void ExactSum::add(double v) {
  if (!std::isfinite(v) || std::fabs(v) >= 0x1p38) {
    bad_ = true;
    return;
  }
  acc_ += static_cast<Int128>(std::llround(std::ldexp(v, kFractionBits)));
}

double ExactSum::local_value() const {
  return bad_ ? kNaN : std::ldexp(static_cast<double>(acc_), -kFractionBits);
}

std::vector<double> ExactSum::reduce(const Comm& comm, std::span<const ExactSum> sums) {
  // acc = l0 + l1 2^40 + l2 2^80 with 0 <= l0, l1 < 2^40: the limbs add up exactly in int64 for
  // any realistic number of ranks, and the total is rebuilt in 128 bits.
  using Int128 = decltype(ExactSum::acc_);
  constexpr Int128 kMask = (Int128{1} << 40) - 1;
  const std::size_t n = sums.size();
  std::vector<std::int64_t> limbs(4 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const Int128 a = sums[i].acc_;
    limbs[4 * i] = static_cast<std::int64_t>(a & kMask);
    limbs[4 * i + 1] = static_cast<std::int64_t>((a >> 40) & kMask);
    limbs[4 * i + 2] = static_cast<std::int64_t>(a >> 80);
    limbs[4 * i + 3] = sums[i].bad_ ? 1 : 0;
  }
  comm.allreduce_sum_inplace(std::span<std::int64_t>(limbs));
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (limbs[4 * i + 3] != 0) {
      out[i] = kNaN;
      continue;
    }
    const Int128 total = static_cast<Int128>(limbs[4 * i]) + (static_cast<Int128>(limbs[4 * i + 1]) << 40) +
                         static_cast<Int128>(limbs[4 * i + 2]) * (Int128{1} << 80);
    out[i] = std::ldexp(static_cast<double>(total), -kFractionBits);
  }
  return out;
}

// ---- deterministic tables and fits -------------------------------------------------------------

std::vector<clv::Triple> gather_triples(const Comm& comm, std::span<const clv::Triple> local) {
  const std::vector<clv::Triple> mine = clv::collapse_triples(local);  // smaller messages
  const std::vector<clv::Triple> all = comm.allgatherv(std::span<const clv::Triple>(mine));
  return clv::collapse_triples(all);
}

std::vector<clv::SpendPair> gather_spend(const Comm& comm, std::span<const clv::SpendPair> local) {
  const std::vector<clv::SpendPair> mine = clv::collapse_spend(local);
  const std::vector<clv::SpendPair> all = comm.allgatherv(std::span<const clv::SpendPair>(mine));
  return clv::collapse_spend(all);
}

namespace {
void bcast_strings(const Comm& comm, std::vector<std::string>& v) {
  std::uint64_t n = v.size();
  comm.bcast(n);
  v.resize(n);
  for (auto& s : v) comm.bcast(s);
}
}  // namespace

void broadcast_fit(const Comm& comm, clv::FitResult& f) {
  comm.bcast(f.model);
  bcast_strings(comm, f.names);
  comm.bcast(f.estimates);
  comm.bcast(f.std_errors);
  std::vector<double> d = {f.log_likelihood, f.aic, f.bic};
  comm.bcast(d);
  f.log_likelihood = d[0];
  f.aic = d[1];
  f.bic = d[2];
  std::vector<std::int64_t> i = {static_cast<std::int64_t>(f.n_customers), f.iterations, f.converged ? 1 : 0};
  comm.bcast(i);
  f.n_customers = static_cast<std::uint64_t>(i[0]);
  f.iterations = static_cast<int>(i[1]);
  f.converged = i[2] != 0;
  comm.bcast(f.message);
  bcast_strings(comm, f.warnings);
}

// ---- compute -----------------------------------------------------------------------------------

namespace {

// Expected purchases of one summary row over each horizon (weights 1), Pareto/NBD closed form
// (pareto_nbd.hpp) with P(alive) computed once for all horizons.
void pareto_weekly(const clv::ParetoNbdParams& p, std::span<const clv::Triple> table, std::span<const double> horizons,
                   std::vector<double>& totals) {
  std::vector<double> x(table.size()), tx(table.size()), T(table.size()), alive(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    x[i] = table[i].x;
    tx[i] = table[i].t_x;
    T[i] = table[i].T;
  }
  clv::pareto_nbd_p_alive(p, x, tx, T, alive);
  totals.assign(horizons.size(), 0.0);
  for (std::size_t k = 0; k < horizons.size(); ++k) {
    double sum = 0.0;
    for (std::size_t i = 0; i < table.size(); ++i) {
      const double lead = (p.r + x[i]) * (p.beta + T[i]) / (p.alpha + T[i]);
      const double l = std::log1p(horizons[k] / (p.beta + T[i]));
      const double shape = std::fabs(p.s - 1) < 1e-8 ? l : -std::expm1(-(p.s - 1) * l) / (p.s - 1);
      sum += static_cast<double>(table[i].count) * lead * shape * alive[i];
    }
    totals[k] = sum;
  }
}

void bgnbd_weekly(const clv::BgNbdParams& p, std::span<const clv::Triple> table, std::span<const double> horizons,
                  std::vector<double>& totals) {
  std::vector<double> x(table.size()), tx(table.size()), T(table.size()), v(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    x[i] = table[i].x;
    tx[i] = table[i].t_x;
    T[i] = table[i].T;
  }
  totals.assign(horizons.size(), 0.0);
  for (std::size_t k = 0; k < horizons.size(); ++k) {
    clv::BgNbdScorer scorer(p, {horizons[k]}, {1.0});
    scorer.score(x, tx, T, v);
    double sum = 0.0;
    for (std::size_t i = 0; i < table.size(); ++i) sum += static_cast<double>(table[i].count) * v[i];
    totals[k] = sum;
  }
}

}  // namespace

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
  const clv::TimeUnit unit = r.unit;
  const double per_unit = clv::days_per_unit(unit);

  // ---- 1. summaries, streaming the orders ----
  Stopwatch sw;
  const std::size_t n = slice.customers();
  r.customer_id = in.read<std::uint64_t>(schema::kCustomerId, slice.customer_begin, n);
  const auto offsets = in.read<std::uint64_t>(schema::kOrderOffset, slice.customer_begin, n + 1);
  r.in_calibration.assign(n, 0);
  r.x.assign(n, 0.0);
  r.t_x.assign(n, 0.0);
  r.T.assign(n, 0.0);
  r.mean_spend.assign(n, 0.0);
  r.last_gap.assign(n, 0.0);
  r.holdout_purchases.assign(n, 0);
  r.holdout_spend.assign(n, 0.0);
  const clv::SummaryWindow window{r.calibration_end, r.holdout_end, unit};
  std::size_t weeks = 0;
  if (r.holdout_end) {
    const std::int32_t days = *r.holdout_end - r.calibration_end;
    weeks = static_cast<std::size_t>((days + 6) / 7);
    for (std::size_t k = 0; k < weeks; ++k)
      r.week_end_day.push_back(
          std::min(r.calibration_end + 7 * static_cast<std::int32_t>(k + 1), *r.holdout_end));
  }
  std::vector<std::uint64_t> weekly(weeks, 0);
  Progress progress(comm, "clv", slice.orders(), "orders");
  std::vector<double> spend;
  const OrderColumns cols{.day = true, .amount = true};
  for_each_order_chunk(in, offsets, cols, common.chunk_rows, [&](const OrderChunk& ch) {
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
          if (d > r.calibration_end && d != prev)
            ++weekly[static_cast<std::size_t>((d - r.calibration_end - 1) / 7)];
          prev = d;
        }
      }
    }
    progress.update(ch.order_begin + ch.size - slice.order_begin);
  });
  r.customers = comm.allreduce_sum<std::uint64_t>(n);
  r.t_summary = sw.seconds();

  // ---- 2. global tables: collapse, gather, merge ----
  sw = Stopwatch();
  std::vector<clv::Triple> rows;
  std::vector<clv::SpendPair> spend_rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (!r.in_calibration[i]) continue;
    rows.push_back(clv::Triple{r.x[i], r.t_x[i], r.T[i], 1});
    if (r.x[i] > 0 && r.mean_spend[i] > 0) spend_rows.push_back(clv::SpendPair{r.x[i], r.mean_spend[i], 1});
  }
  const std::vector<clv::Triple> table = gather_triples(comm, rows);
  std::vector<clv::Triple>().swap(rows);
  r.calibration_customers = clv::total_count(table);
  r.triples = table.size();
  r.t_collapse = sw.seconds();
  if (r.calibration_customers < kMinFitCustomers) {
    r.skipped = "clv: " + std::to_string(r.calibration_customers) + " customer(s) bought by the calibration end " +
                format_iso_date(r.calibration_end) + "; at least " + std::to_string(kMinFitCustomers) +
                " are needed to fit";
    return r;
  }
  spdlog::info("clv: {} customers, {} with a purchase by {} -> {} distinct (x, t_x, T) ({:.3f}s)",
               human_count(static_cast<double>(r.customers)), human_count(static_cast<double>(r.calibration_customers)),
               format_iso_date(r.calibration_end), human_count(static_cast<double>(r.triples)), r.t_collapse);

  // ---- 3. fits (rank 0, broadcast) ----
  for (const char* m : {"bgnbd", "pareto_nbd"}) {
    if (!cfg.wants(m)) continue;
    ClvModelScores ms;
    ms.model = m;
    Stopwatch fs;
    ms.fit = fit_on_root(comm, [&] {
      if (ms.model == "bgnbd") return clv::fit_bgnbd(table);
      // Pareto/NBD starts from the BG/NBD purchase-rate estimates when there are some (same
      // Gamma(r, alpha) rate model): fewer iterations, and line searches stay near the optimum.
      clv::FitOptions opt;
      if (!r.models.empty() && r.models.front().model == "bgnbd" && r.models.front().fit.converged) {
        const auto& bg = r.models.front().fit;
        opt.start = {bg.estimates[0], bg.estimates[1], 1.0, bg.estimates[1]};
      }
      return clv::fit_pareto_nbd(table, opt);
    });
    ms.t_fit = fs.seconds();
    spdlog::info("clv: {} fitted in {:.3f}s (+{:.3f}s collapse): LL {:.4f}, {} iterations, {}", m, ms.t_fit,
                 r.t_collapse, ms.fit.log_likelihood, ms.fit.iterations, ms.fit.converged ? "converged" : "NOT converged");
    if (!ms.fit.converged) r.warnings.push_back(std::string(m) + ": fit did not converge: " + ms.fit.message);
    for (const auto& w : ms.fit.warnings) r.warnings.push_back(std::string(m) + ": " + w);
    r.models.push_back(std::move(ms));
  }
  if (cfg.wants("gamma_gamma")) {
    sw = Stopwatch();
    const std::vector<clv::SpendPair> st = gather_spend(comm, spend_rows);
    r.spend_customers = clv::total_count(st);
    if (r.spend_customers < kMinFitCustomers) {
      r.warnings.push_back("gamma_gamma: only " + std::to_string(r.spend_customers) +
                           " repeat customers with spend; not fitted, no CLV");
    } else {
      r.gamma_gamma = fit_on_root(comm, [&] { return clv::fit_gamma_gamma(st); });
      r.frequency_spend_correlation = clv::frequency_spend_correlation(st);
      if (!r.gamma_gamma->converged) r.warnings.push_back("gamma_gamma: fit did not converge: " + r.gamma_gamma->message);
      for (const auto& w : r.gamma_gamma->warnings) r.warnings.push_back("gamma_gamma: " + w);
    }
    r.t_fit_gg = sw.seconds();
  }
  for (const auto& w : r.warnings) spdlog::warn("{}", w);

  // ---- 4. per-customer scores ----
  if (r.gamma_gamma) {
    r.expected_spend.assign(n, 0.0);
    clv::gamma_gamma_expected_spend(clv::gamma_gamma_params(*r.gamma_gamma), r.x, r.mean_spend, r.expected_spend);
    for (std::size_t i = 0; i < n; ++i)
      if (!r.in_calibration[i]) r.expected_spend[i] = kNaN;
  }
  const clv::ClvSettings settings{static_cast<int>(cfg.horizon_months), cfg.discount_rate, unit};
  std::vector<double> clv_h, clv_w;
  clv::clv_horizons_and_weights(settings, clv_h, clv_w);
  const double horizon = static_cast<double>(cfg.horizon_months) * clv::month_length(unit);
  const double holdout_len = r.holdout_end ? static_cast<double>(*r.holdout_end - r.calibration_end) / per_unit : 0.0;
  std::vector<double> week_horizons;
  for (const std::int32_t d : r.week_end_day) week_horizons.push_back(static_cast<double>(d - r.calibration_end) / per_unit);
  // BG/NBD scorers memoise the (x, T)-only part in a small direct-mapped cache: visiting the
  // customers grouped by T (a counting sort on T in whole days, O(n)) makes nearly every lookup a
  // hit. Results do not depend on the order (scorers compute the same value on a miss).
  Stopwatch sort_sw;
  std::vector<std::uint32_t> order(n);
  std::vector<double> px(n), ptx(n), pT(n);
  {
    std::vector<std::uint32_t> bucket_of(n);
    std::uint32_t max_bucket = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bucket_of[i] = static_cast<std::uint32_t>(std::llround(r.T[i] * per_unit));
      max_bucket = std::max(max_bucket, bucket_of[i]);
    }
    std::vector<std::size_t> start(static_cast<std::size_t>(max_bucket) + 2, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[bucket_of[i] + 1];
    for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    for (std::size_t i = 0; i < n; ++i) order[start[bucket_of[i]]++] = static_cast<std::uint32_t>(i);
    for (std::size_t k = 0; k < n; ++k) {
      px[k] = r.x[order[k]];
      ptx[k] = r.t_x[order[k]];
      pT[k] = r.T[order[k]];
    }
  }
  const double t_sort = sort_sw.seconds();
  std::vector<double> tmp1(n), tmp2(n);
  auto unpermute = [&](const std::vector<double>& from, std::vector<double>& to) {
    for (std::size_t k = 0; k < n; ++k) to[order[k]] = from[k];
  };
  for (auto& ms : r.models) {
    Stopwatch ss;
    ms.p_alive.assign(n, 0.0);
    ms.expected_purchases.assign(n, 0.0);
    if (r.gamma_gamma) ms.clv.assign(n, 0.0);
    if (r.holdout_end) ms.holdout_predicted.assign(n, 0.0);
    const double one[1] = {1.0};
    if (ms.model == "bgnbd") {
      const auto p = clv::bgnbd_params(ms.fit);
      clv::BgNbdScorer(p, {horizon}, {1.0}).score(px, ptx, pT, tmp1, tmp2);
      unpermute(tmp1, ms.expected_purchases);
      unpermute(tmp2, ms.p_alive);
      if (r.gamma_gamma) {
        clv::BgNbdScorer(p, clv_h, clv_w).score(px, ptx, pT, tmp1);
        unpermute(tmp1, ms.clv);
      }
      if (r.holdout_end) {
        clv::BgNbdScorer(p, {holdout_len}, {1.0}).score(px, ptx, pT, tmp1);
        unpermute(tmp1, ms.holdout_predicted);
      }
    } else {
      const auto p = clv::pareto_nbd_params(ms.fit);
      const double h[1] = {horizon};
      clv::pareto_nbd_score(p, h, one, r.x, r.t_x, r.T, ms.expected_purchases, ms.p_alive);
      if (r.gamma_gamma) clv::pareto_nbd_score(p, clv_h, clv_w, r.x, r.t_x, r.T, ms.clv);
      if (r.holdout_end) {
        const double hh[1] = {holdout_len};
        clv::pareto_nbd_score(p, hh, one, r.x, r.t_x, r.T, ms.holdout_predicted);
      }
    }
    ms.churn_risk.assign(n, 0.0);
    clv::churn_risk(ms.p_alive, ms.churn_risk);
    for (std::size_t i = 0; i < n; ++i) {
      if (!ms.clv.empty()) ms.clv[i] *= r.expected_spend[i];
      if (r.in_calibration[i]) continue;
      ms.p_alive[i] = ms.churn_risk[i] = ms.expected_purchases[i] = kNaN;
      if (!ms.clv.empty()) ms.clv[i] = kNaN;
      if (!ms.holdout_predicted.empty()) ms.holdout_predicted[i] = kNaN;
    }
    ms.t_score = ss.seconds() + (ms.model == "bgnbd" ? t_sort : 0.0);
    spdlog::info("clv: {} scored {} customers in {:.3f}s on rank 0 ({} customers/s per rank)", ms.model,
                 human_count(static_cast<double>(n)), ms.t_score,
                 human_count(static_cast<double>(n) / std::max(ms.t_score, 1e-9)));
  }

  // ---- 5. lifecycle (primary model) and exact aggregates ----
  sw = Stopwatch();
  const auto th = cfg.thresholds();
  const ClvModelScores& primary = r.models.front();
  for (int s = 0; s < 6; ++s) r.stage_names.emplace_back(clv::to_string(static_cast<clv::LifecycleStage>(s)));
  r.stage_names.emplace_back("not_in_calibration");
  r.stage.assign(n, kNotInCalibration);
  r.stage_customers.assign(r.stage_names.size(), 0);
  std::vector<ExactSum> stage_sums(2 * r.stage_names.size());  // expected purchases, CLV
  for (std::size_t i = 0; i < n; ++i) {
    if (r.in_calibration[i]) {
      const clv::LifecycleInput li{r.T[i] - r.t_x[i], r.x[i], r.T[i], primary.p_alive[i], r.last_gap[i]};
      r.stage[i] = static_cast<std::uint8_t>(clv::classify_lifecycle(li, th));
      stage_sums[2 * r.stage[i]].add(primary.expected_purchases[i]);
      if (!primary.clv.empty()) stage_sums[2 * r.stage[i] + 1].add(primary.clv[i]);
    }
    ++r.stage_customers[r.stage[i]];
  }
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(r.stage_customers));
  const std::vector<double> stage_totals = ExactSum::reduce(comm, stage_sums);
  for (std::size_t s = 0; s < r.stage_names.size(); ++s) {
    r.stage_expected_purchases.push_back(stage_totals[2 * s]);
    r.stage_clv.push_back(primary.clv.empty() || s == kNotInCalibration ? kNaN : stage_totals[2 * s + 1]);
  }
  if (!r.stage_expected_purchases.empty()) r.stage_expected_purchases[kNotInCalibration] = kNaN;

  // Holdout: MAE and correlation (two passes of exact sums), weekly tracking.
  if (r.holdout_end) {
    comm.allreduce_sum_inplace(std::span<std::uint64_t>(weekly));
    std::uint64_t cum = 0;
    for (const auto w : weekly) r.weekly_actual_cumulative.push_back(cum += w);
    std::uint64_t actual_total = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (r.in_calibration[i]) actual_total += r.holdout_purchases[i];
    r.holdout_actual_total = comm.allreduce_sum<std::uint64_t>(actual_total);
    const double cn = static_cast<double>(r.calibration_customers);
    const double mean_actual = static_cast<double>(r.holdout_actual_total) / cn;
    std::vector<ExactSum> first(2 * r.models.size());
    for (std::size_t m = 0; m < r.models.size(); ++m)
      for (std::size_t i = 0; i < n; ++i) {
        if (!r.in_calibration[i]) continue;
        const double pr = r.models[m].holdout_predicted[i];
        first[2 * m].add(pr);
        first[2 * m + 1].add(std::fabs(pr - static_cast<double>(r.holdout_purchases[i])));
      }
    const auto s1 = ExactSum::reduce(comm, first);
    std::vector<ExactSum> second(3 * r.models.size());
    for (std::size_t m = 0; m < r.models.size(); ++m) {
      const double mean_pred = s1[2 * m] / cn;
      for (std::size_t i = 0; i < n; ++i) {
        if (!r.in_calibration[i]) continue;
        const double dp = r.models[m].holdout_predicted[i] - mean_pred;
        const double da = static_cast<double>(r.holdout_purchases[i]) - mean_actual;
        second[3 * m].add(dp * dp);
        second[3 * m + 1].add(da * da);
        second[3 * m + 2].add(dp * da);
      }
    }
    const auto s2 = ExactSum::reduce(comm, second);
    for (std::size_t m = 0; m < r.models.size(); ++m) {
      auto& ms = r.models[m];
      ms.holdout_predicted_total = s1[2 * m];
      ms.holdout_mae = s1[2 * m + 1] / cn;
      const double den = std::sqrt(s2[3 * m] * s2[3 * m + 1]);
      ms.holdout_correlation = den > 0 ? s2[3 * m + 2] / den : kNaN;
      // Weekly expected cumulative purchases: on the global table (identical on every rank).
      if (ms.model == "bgnbd")
        bgnbd_weekly(clv::bgnbd_params(ms.fit), table, week_horizons, ms.weekly_expected_cumulative);
      else
        pareto_weekly(clv::pareto_nbd_params(ms.fit), table, week_horizons, ms.weekly_expected_cumulative);
      spdlog::info("clv: holdout {} .. {} ({} weeks): {} predicted {:.1f} purchases, actual {}; MAE {:.4f}, corr {:.4f}",
                   format_iso_date(r.calibration_end + 1), format_iso_date(*r.holdout_end), weeks, ms.model,
                   ms.holdout_predicted_total, r.holdout_actual_total, ms.holdout_mae, ms.holdout_correlation);
    }
  }
  r.t_aggregate = sw.seconds();
  if (r.gamma_gamma && std::fabs(r.frequency_spend_correlation) > 0.3)
    spdlog::warn("clv: frequency/spend correlation {:.3f}: Gamma-Gamma assumes independence",
                 r.frequency_spend_correlation);
  return r;
}

// ---- output ------------------------------------------------------------------------------------

namespace {

void write_fit(ResultsFile& results, const std::string& group, const clv::FitResult& f) {
  results.write_strings(group + "/parameters/name", f.names);
  results.write_replicated(group + "/parameters/estimate", f.estimates);
  results.write_replicated(group + "/parameters/std_error", f.std_errors);
  auto g = results.group(group);
  h5::write_attr_double(g.id(), "log_likelihood", f.log_likelihood);
  h5::write_attr_double(g.id(), "aic", f.aic);
  h5::write_attr_double(g.id(), "bic", f.bic);
  h5::write_attr_int(g.id(), "customers", static_cast<std::int64_t>(f.n_customers));
  h5::write_attr_int(g.id(), "iterations", f.iterations);
  h5::write_attr_int(g.id(), "converged", f.converged ? 1 : 0);
  h5::write_attr_string(g.id(), "message", f.message);
  std::string w;
  for (const auto& s : f.warnings) w += (w.empty() ? "" : "; ") + s;
  h5::write_attr_string(g.id(), "warnings", w);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// NaN-aware CSV number.
std::string num(double v, int decimals = 6) { return std::isfinite(v) ? csv_number(v, decimals) : "NaN"; }

// Per-customer summary columns, NaN for customers without a purchase by calibration end.
std::vector<double> masked(const std::vector<double>& v, const std::vector<std::uint8_t>& in_cal) {
  std::vector<double> out(v);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!in_cal[i]) out[i] = kNaN;
  return out;
}

}  // namespace

void write_clv(const Comm& comm, ResultsFile& results, OutputSet& out, const ClvResult& r, const ClvConfig& cfg,
               const std::string& currency) {
  // Per-customer summary.
  results.write_column("/clv/customer_id", r.customer_id);
  results.write_column("/clv/in_calibration", r.in_calibration);
  results.write_column("/clv/x", masked(r.x, r.in_calibration));
  results.write_column("/clv/t_x", masked(r.t_x, r.in_calibration));
  results.write_column("/clv/T", masked(r.T, r.in_calibration));
  results.write_column("/clv/mean_spend", masked(r.mean_spend, r.in_calibration));
  results.write_column("/clv/lifecycle_stage", r.stage);
  results.write_strings("/clv/lifecycle_stage_names", r.stage_names);

  // Models.
  std::vector<std::string> fit_models;
  std::vector<const clv::FitResult*> fits;
  for (const auto& ms : r.models) {
    const std::string g = "/clv/" + ms.model;
    results.write_column(g + "/p_alive", ms.p_alive);
    results.write_column(g + "/churn_risk", ms.churn_risk);
    results.write_column(g + "/expected_purchases", ms.expected_purchases);
    if (!ms.clv.empty()) results.write_column(g + "/clv", ms.clv);
    write_fit(results, g, ms.fit);
    fit_models.push_back(ms.model);
    fits.push_back(&ms.fit);
  }
  if (r.gamma_gamma) {
    results.write_column("/clv/gamma_gamma/expected_spend", r.expected_spend);
    write_fit(results, "/clv/gamma_gamma", *r.gamma_gamma);
    auto g = results.group("/clv/gamma_gamma");
    h5::write_attr_double(g.id(), "frequency_spend_correlation", r.frequency_spend_correlation);
    fit_models.push_back("gamma_gamma");
    fits.push_back(&*r.gamma_gamma);
  }
  {
    std::vector<double> ll, aic, bic;
    std::vector<std::uint64_t> customers;
    std::vector<std::uint8_t> converged;
    for (const auto* f : fits) {
      ll.push_back(f->log_likelihood);
      aic.push_back(f->aic);
      bic.push_back(f->bic);
      customers.push_back(f->n_customers);
      converged.push_back(f->converged ? 1 : 0);
    }
    results.write_strings("/clv/fit/model", fit_models);
    results.write_replicated("/clv/fit/log_likelihood", ll);
    results.write_replicated("/clv/fit/aic", aic);
    results.write_replicated("/clv/fit/bic", bic);
    results.write_replicated("/clv/fit/customers", customers);
    results.write_replicated("/clv/fit/converged", converged);
  }

  // Lifecycle summary.
  std::vector<double> stage_share, stage_clv_mean;
  for (std::size_t s = 0; s < r.stage_names.size(); ++s) {
    const double c = static_cast<double>(r.stage_customers[s]);
    stage_share.push_back(r.customers ? c / static_cast<double>(r.customers) : 0.0);
    stage_clv_mean.push_back(c > 0 ? r.stage_clv[s] / c : kNaN);
  }
  results.write_strings("/clv/lifecycle/stage", r.stage_names);
  results.write_replicated("/clv/lifecycle/customers", r.stage_customers);
  results.write_replicated("/clv/lifecycle/customer_share", stage_share);
  results.write_replicated("/clv/lifecycle/expected_purchases", r.stage_expected_purchases);
  results.write_replicated("/clv/lifecycle/clv_sum", r.stage_clv);
  results.write_replicated("/clv/lifecycle/clv_mean", stage_clv_mean);

  // Holdout.
  if (r.holdout_end) {
    results.write_column("/clv/holdout/actual_purchases", r.holdout_purchases);
    results.write_column("/clv/holdout/actual_spend", masked(r.holdout_spend, r.in_calibration));
    std::vector<double> mae, corr, pred_total;
    for (const auto& ms : r.models) {
      results.write_column("/clv/holdout/predicted_" + ms.model, ms.holdout_predicted);
      mae.push_back(ms.holdout_mae);
      corr.push_back(ms.holdout_correlation);
      pred_total.push_back(ms.holdout_predicted_total);
    }
    std::vector<std::string> names;
    for (const auto& ms : r.models) names.push_back(ms.model);
    results.write_strings("/clv/holdout/metrics/model", names);
    results.write_replicated("/clv/holdout/metrics/mae", mae);
    results.write_replicated("/clv/holdout/metrics/correlation", corr);
    results.write_replicated("/clv/holdout/metrics/predicted_total", pred_total);
    results.write_replicated("/clv/holdout/weekly/week_end_day", r.week_end_day);
    results.write_replicated("/clv/holdout/weekly/actual_cumulative", r.weekly_actual_cumulative);
    for (const auto& ms : r.models)
      results.write_replicated("/clv/holdout/weekly/expected_cumulative_" + ms.model, ms.weekly_expected_cumulative);
    auto g = results.group("/clv/holdout");
    h5::write_attr_int(g.id(), "actual_total", static_cast<std::int64_t>(r.holdout_actual_total));
    h5::write_attr_string(g.id(), "start", format_iso_date(r.calibration_end + 1));
    h5::write_attr_string(g.id(), "end", format_iso_date(*r.holdout_end));
  }

  {
    auto g = results.group("/clv");
    h5::write_attr_int(g.id(), "calibration_end_day", r.calibration_end);
    h5::write_attr_string(g.id(), "calibration_end", format_iso_date(r.calibration_end));
    h5::write_attr_string(g.id(), "holdout_end", r.holdout_end ? format_iso_date(*r.holdout_end) : "");
    h5::write_attr_string(g.id(), "time_unit", cfg.time_unit);
    h5::write_attr_string(g.id(), "models", join(fit_models, ","));
    h5::write_attr_string(g.id(), "primary_model", r.models.front().model);
    h5::write_attr_int(g.id(), "horizon_months", cfg.horizon_months);
    h5::write_attr_double(g.id(), "horizon_units",
                          static_cast<double>(cfg.horizon_months) * clv::month_length(r.unit));
    h5::write_attr_double(g.id(), "monthly_discount_rate", cfg.discount_rate);
    const auto th = cfg.thresholds();
    const double t[] = {th.new_max_tenure, th.churned_below, th.at_risk_below, th.reactivation_gap,
                        th.loyal_min_frequency, th.loyal_min_tenure};
    h5::write_attr_doubles(g.id(), "lifecycle_thresholds", t);
    h5::write_attr_string(g.id(), "lifecycle_thresholds_names",
                          "new_max_tenure,churned_below,at_risk_below,reactivation_gap,loyal_min_frequency,"
                          "loyal_min_tenure (time unit of the models)");
    h5::write_attr_int(g.id(), "customers", static_cast<std::int64_t>(r.customers));
    h5::write_attr_int(g.id(), "calibration_customers", static_cast<std::int64_t>(r.calibration_customers));
    h5::write_attr_int(g.id(), "distinct_summaries", static_cast<std::int64_t>(r.triples));
    h5::write_attr_int(g.id(), "spend_customers", static_cast<std::int64_t>(r.spend_customers));
    h5::write_attr_string(g.id(), "currency", currency);
    h5::write_attr_string(g.id(), "warnings", join(r.warnings, "; "));
    h5::write_attr_string(g.id(), "aggregation",
                          "fits on the merged global (x, t_x, T) table; sums over customers exact "
                          "(fixed point 2^-24, 128-bit): identical at any rank count (docs/clv.md)");
  }

  const std::string models_csv = out.temp_path("csv/clv_models.csv");
  const std::string fit_csv = out.temp_path("csv/clv_fit.csv");
  const std::string life_csv = out.temp_path("csv/clv_lifecycle.csv");
  const std::string hold_csv = r.holdout_end ? out.temp_path("csv/clv_holdout.csv") : "";
  const std::string week_csv = r.holdout_end ? out.temp_path("csv/clv_weekly.csv") : "";
  if (!comm.is_root()) return;
  CsvWriter m(models_csv, {"model", "parameter", "estimate", "std_error"});
  CsvWriter f(fit_csv, {"model", "log_likelihood", "aic", "bic", "customers", "converged"});
  for (std::size_t k = 0; k < fits.size(); ++k) {
    for (std::size_t j = 0; j < fits[k]->names.size(); ++j)
      m.row({fit_models[k], fits[k]->names[j], num(fits[k]->estimates[j], 8), num(fits[k]->std_errors[j], 8)});
    f.row({fit_models[k], num(fits[k]->log_likelihood, 4), num(fits[k]->aic, 4), num(fits[k]->bic, 4),
           std::to_string(fits[k]->n_customers), fits[k]->converged ? "true" : "false"});
  }
  m.close();
  f.close();
  CsvWriter l(life_csv, {"stage", "customers", "customer_share", "expected_purchases", "clv_sum", "clv_mean",
                         "currency"});
  for (std::size_t s = 0; s < r.stage_names.size(); ++s)
    l.row({r.stage_names[s], std::to_string(r.stage_customers[s]), num(stage_share[s]),
           num(r.stage_expected_purchases[s], 3), num(r.stage_clv[s], 2), num(stage_clv_mean[s], 2), currency});
  l.close();
  if (r.holdout_end) {
    CsvWriter h(hold_csv, {"model", "customers", "actual_purchases", "predicted_purchases", "mae", "correlation"});
    for (const auto& ms : r.models)
      h.row({ms.model, std::to_string(r.calibration_customers), std::to_string(r.holdout_actual_total),
             num(ms.holdout_predicted_total, 3), num(ms.holdout_mae), num(ms.holdout_correlation)});
    h.close();
    std::vector<std::string> header = {"week", "week_end", "actual_cumulative"};
    for (const auto& ms : r.models) header.push_back("expected_cumulative_" + ms.model);
    CsvWriter w(week_csv, header);
    for (std::size_t k = 0; k < r.week_end_day.size(); ++k) {
      std::vector<std::string> row = {std::to_string(k + 1), format_iso_date(r.week_end_day[k]),
                                      std::to_string(r.weekly_actual_cumulative[k])};
      for (const auto& ms : r.models) row.push_back(num(ms.weekly_expected_cumulative[k], 3));
      w.row(row);
    }
    w.close();
  }
}

void write_clv_timings(const Comm& comm, const ClvResult& r, const std::string& path) {
  if (path.empty() || !comm.is_root()) return;
  std::ofstream f(path);
  if (!f) throw IoError("cannot write --timings file " + path);
  f << "{\"ranks\": " << comm.size() << ", \"customers\": " << r.customers
    << ", \"calibration_customers\": " << r.calibration_customers << ", \"triples\": " << r.triples
    << ", \"rank0_customers\": " << r.customer_id.size() << ", \"summary_s\": " << r.t_summary
    << ", \"collapse_s\": " << r.t_collapse << ", \"fit_gamma_gamma_s\": " << r.t_fit_gg
    << ", \"aggregate_s\": " << r.t_aggregate;
  for (const auto& ms : r.models)
    f << ", \"fit_" << ms.model << "_s\": " << ms.t_fit << ", \"score_" << ms.model << "_s\": " << ms.t_score;
  f << "}\n";
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
