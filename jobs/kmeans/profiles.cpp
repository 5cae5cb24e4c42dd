// Per-segment profiles and names (docs/kmeans.md, "Profiles and names"). Every figure is a sum
// over customers reduced exactly (integers, or ExactSum for P(alive) and CLV), so the profiles are
// the same at any rank count; a rank reads only its own customers' demographics and surveys.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "comm/exact_sum.hpp"
#include "jobs/clv/clv_stage.hpp"
#include "jobs/common/surveys.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "jobs/rfm/rfm_stage.hpp"

namespace crmpi::kmeans_job {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double a, double b) { return b != 0 ? a / b : kNaN; }

// How a segment differs in one feature, higher or lower, in words.
std::string direction(const FeatureMatrix& fm, std::size_t j, bool higher) {
  switch (fm.kinds[j]) {
    case Feature::kRecency: return higher ? "less recent" : "more recent";
    case Feature::kFrequency: return higher ? "more orders" : "fewer orders";
    case Feature::kMonetary: return higher ? "bigger spenders" : "smaller spenders";
    case Feature::kTenure: return higher ? "longer-standing" : "newer";
    case Feature::kAov: return higher ? "bigger baskets" : "smaller baskets";
    case Feature::kCategories: return higher ? "broader assortment" : "narrower assortment";
    case Feature::kPAlive: return higher ? "likelier active" : "likelier churned";
    case Feature::kClv: return higher ? "higher CLV" : "lower CLV";
    case Feature::kChannelShares: {
      const std::string& n = fm.names[j];
      const auto colon = n.find(':');
      return (higher ? "more " : "less ") + (colon == std::string::npos ? n : n.substr(colon + 1));
    }
  }
  return fm.names[j];
}

// A demographic column of the slice and its names; one "unknown" code without the column.
Profile::Mix mix_of(const Comm& comm, InputFile& file, const Slice& slice, std::string_view column,
                    std::span<const std::uint32_t> segment, std::size_t segments) {
  Profile::Mix m;
  std::vector<std::uint32_t> code(slice.customers(), 0);
  if (file.has(column)) {
    m.names = file.dictionary_of(column);
    if (slice.customers()) file.read<std::uint32_t>(column, slice.customer_begin, slice.customers(), code.data());
  }
  if (m.names.empty()) m.names = {"unknown"};
  const std::size_t w = m.names.size();
  std::vector<std::uint64_t> count(segments * w, 0);
  for (std::size_t c = 0; c < code.size(); ++c) ++count[segment[c] * w + std::min<std::size_t>(code[c], w - 1)];
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(count));
  m.share.assign(segments * w, 0.0);
  for (std::size_t s = 0; s < segments; ++s) {
    std::uint64_t total = 0;
    for (std::size_t j = 0; j < w; ++j) total += count[s * w + j];
    for (std::size_t j = 0; j < w; ++j)
      m.share[s * w + j] = total ? static_cast<double>(count[s * w + j]) / static_cast<double>(total) : kNaN;
  }
  return m;
}

}  // namespace

Profile build_profile(const Comm& comm, InputFile& file, const Slice& slice, std::span<const std::uint32_t> segment,
                      const RfmResult& rfm, const ClvResult* clv, const FeatureMatrix& fm,
                      std::span<const float> centroids, std::size_t k) {
  const std::size_t S = k + 1, n = segment.size();
  Profile p;
  // Integer sums: customers, revenue, recency and frequency of buyers, surveyed, promoters, detractors.
  std::vector<std::int64_t> sums(7 * S, 0);
  auto at = [&](std::size_t what, std::size_t s) -> std::int64_t& { return sums[what * S + s]; };
  const bool has_palive = clv && !clv->models.empty();
  const bool has_clv = has_palive && !clv->models.front().clv.empty();
  std::vector<ExactSum> pa(S), cl(S);
  std::vector<std::uint64_t> pa_n(S, 0), cl_n(S, 0);
  const std::vector<int> score = latest_scores(file, rfm.customer_id, rfm.as_of_day);
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t s = segment[c];
    at(0, s) += 1;
    at(1, s) += rfm.activity.total_cents[c];
    if (rfm.activity.orders[c] > 0) at(2, s) += rfm.metrics.recency_days[c];
    at(3, s) += rfm.activity.orders[c];
    if (score[c] >= 0) {
      at(4, s) += 1;
      at(5, s) += score[c] >= 9;
      at(6, s) += score[c] <= 6;
    }
    if (has_palive && !std::isnan(clv->models.front().p_alive[c])) {
      pa[s].add(clv->models.front().p_alive[c]);
      ++pa_n[s];
    }
    if (has_clv && !std::isnan(clv->models.front().clv[c])) {
      cl[s].add(clv->models.front().clv[c]);
      ++cl_n[s];
    }
  }
  comm.allreduce_sum_inplace(std::span<std::int64_t>(sums));
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(pa_n));
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(cl_n));
  const std::vector<double> pa_sum = ExactSum::reduce(comm, pa), cl_sum = ExactSum::reduce(comm, cl);

  std::int64_t all_customers = 0, all_revenue = 0;
  for (std::size_t s = 0; s < S; ++s) {
    all_customers += at(0, s);
    all_revenue += at(1, s);
  }
  for (std::size_t s = 0; s < S; ++s) {
    const auto c = static_cast<double>(at(0, s));
    p.customers.push_back(static_cast<std::uint64_t>(at(0, s)));
    p.revenue_cents.push_back(at(1, s));
    p.customer_share.push_back(all_customers ? c / static_cast<double>(all_customers) : 0.0);
    p.revenue_share.push_back(all_revenue ? static_cast<double>(at(1, s)) / static_cast<double>(all_revenue) : 0.0);
    p.mean_recency.push_back(s == 0 || c == 0 ? kNaN : static_cast<double>(at(2, s)) / c);
    p.mean_frequency.push_back(c > 0 ? static_cast<double>(at(3, s)) / c : kNaN);
    p.mean_monetary.push_back(c > 0 ? static_cast<double>(at(1, s)) / c / 100.0 : kNaN);
    p.mean_p_alive.push_back(pa_n[s] ? pa_sum[s] / static_cast<double>(pa_n[s]) : kNaN);
    p.mean_clv.push_back(cl_n[s] ? cl_sum[s] / static_cast<double>(cl_n[s]) : kNaN);
    p.surveyed.push_back(static_cast<std::uint64_t>(at(4, s)));
    p.nps.push_back(at(4, s) ? 100.0 * static_cast<double>(at(5, s) - at(6, s)) / static_cast<double>(at(4, s)) : kNaN);
  }
  p.acquisition = mix_of(comm, file, slice, schema::kAcquisitionChannel, segment, S);
  p.region = mix_of(comm, file, slice, schema::kRegion, segment, S);
  p.age_band = mix_of(comm, file, slice, schema::kAgeBand, segment, S);
  p.names = segment_names(fm, centroids, k, p);
  return p;
}

// Names from the profile, against the mean over all customers with orders (docs/kmeans.md):
//   state  Lapsed     mean recency >= 2x the buyers' mean, or mean P(alive) < 0.3 (with CLV)
//          Lapsing    mean recency >= 1.3x
//          New        mean tenure <= 0.5x, not lapsing (tenure from the centroid when clustered)
//          Active     mean recency <= 0.6x
//          Steady     otherwise
//   value  high-value / low-value: mean monetary >= 1.5x / <= 0.6x the buyers' mean; else mid-value
//   habit  one-off buyers (mean orders < 1.5), frequent buyers (>= 1.5x the mean), repeat buyers
// Names that coincide get a bracketed qualifier (below), then " #2", " #3", ... in segment order.
std::vector<std::string> segment_names(const FeatureMatrix& fm, std::span<const float> centroids, std::size_t k,
                                       const Profile& p) {
  const std::size_t S = k + 1, d = fm.d();
  double buyers = 0, revenue = 0, recency = 0, orders = 0;
  for (std::size_t s = 1; s < S; ++s) {
    const auto c = static_cast<double>(p.customers[s]);
    buyers += c;
    revenue += static_cast<double>(p.revenue_cents[s]) / 100.0;
    if (c > 0) recency += p.mean_recency[s] * c;
    if (c > 0) orders += p.mean_frequency[s] * c;
  }
  const double mean_rec = ratio(recency, buyers), mean_mon = ratio(revenue, buyers), mean_freq = ratio(orders, buyers);
  std::size_t tenure_col = d;
  for (std::size_t j = 0; j < d; ++j)
    if (fm.kinds[j] == Feature::kTenure) tenure_col = j;
  std::vector<std::string> names = {"No orders"};
  for (std::size_t s = 1; s < S; ++s) {
    const double rec = ratio(p.mean_recency[s], mean_rec), mon = ratio(p.mean_monetary[s], mean_mon),
                 freq = ratio(p.mean_frequency[s], mean_freq);
    // Tenure in standard deviations from the mean, when it is a feature.
    const double tz = tenure_col < d ? static_cast<double>(centroids[(s - 1) * d + tenure_col]) : 0.0;
    std::string state = "Steady";
    if (rec >= 2.0 || p.mean_p_alive[s] < 0.3)
      state = "Lapsed";
    else if (rec >= 1.3)
      state = "Lapsing";
    else if (tenure_col < d && tz <= -0.5)
      state = "New";
    else if (rec <= 0.6)
      state = "Active";
    const std::string value = mon >= 1.5 ? "high-value" : mon <= 0.6 ? "low-value" : "mid-value";
    const std::string habit = p.mean_frequency[s] < 1.5 ? "one-off buyers"
                              : freq >= 1.5              ? "frequent buyers"
                                                         : "repeat buyers";
    names.push_back(p.customers[s] == 0 ? "Empty cluster" : state + " " + value + " " + habit);
  }
  // Segments that share a name: each gets, in brackets, the feature in which its centroid is
  // furthest (in standard deviations) from the mean centroid of the segments sharing the name,
  // in words ("Steady mid-value repeat buyers (more web)"). What still coincides gets " #2", ...
  std::map<std::string, std::vector<std::size_t>> same;
  for (std::size_t s = 1; s < S; ++s)
    if (p.customers[s] != 0) same[names[s]].push_back(s);
  for (const auto& [base, group] : same) {
    if (group.size() < 2) continue;
    for (std::size_t s : group) {
      std::size_t best = d;
      double gap = 0;
      for (std::size_t j = 0; j < d; ++j) {
        double mean = 0;
        for (std::size_t t : group) mean += static_cast<double>(centroids[(t - 1) * d + j]);
        mean /= static_cast<double>(group.size());
        const double delta = static_cast<double>(centroids[(s - 1) * d + j]) - mean;
        if (std::fabs(delta) > std::fabs(gap)) {  // strict: ties keep the earlier column
          gap = delta;
          best = j;
        }
      }
      if (best < d) names[s] = base + " (" + direction(fm, best, gap > 0) + ")";
    }
  }
  std::map<std::string, int> seen;
  for (std::size_t s = 1; s < S; ++s) {
    const int dup = ++seen[names[s]];
    if (dup > 1) names[s] += " #" + std::to_string(dup);
  }
  return names;
}

}  // namespace crmpi::kmeans_job
