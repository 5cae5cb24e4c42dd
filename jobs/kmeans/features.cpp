// Per-customer features and their standardization (docs/kmeans.md, "Features").
//
// Only customers with an order by as_of are points: the other ones have no recency, no order value
// and no channel mix, and would form one artificial cluster at an imputed position; they get
// segment 0, "No orders", instead. Each feature is transformed (logs for the heavy-tailed counts and
// money), then standardized with the mean and population standard deviation over the points of all
// ranks. Both come from ExactSum (values rounded to 2^-24, summed exactly), so they are the same
// bits at any rank count. A value that does not exist (P(alive) of a buyer after the CLV
// calibration end) is imputed at the mean, z = 0; a constant feature has z = 0 everywhere.
#include <cmath>
#include <limits>

#include "comm/exact_sum.hpp"
#include "jobs/clv/clv_stage.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::kmeans_job {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The transformed value of column feature f for local customer c (a buyer).
double value(Feature f, std::uint32_t channel, std::size_t c, const RfmResult& rfm, const ClvResult* clv,
             const PassData& pass) {
  const double orders = rfm.activity.orders[c];
  switch (f) {
    case Feature::kRecency: return rfm.metrics.recency_days[c];
    case Feature::kFrequency: return std::log(orders);
    case Feature::kMonetary: return std::log1p(static_cast<double>(rfm.activity.total_cents[c]) / 100.0);
    case Feature::kTenure: return rfm.metrics.tenure_days[c];
    case Feature::kAov: return std::log1p(rfm.metrics.avg_order_cents[c] / 100.0);
    case Feature::kCategories: return pass.categories[c];
    case Feature::kChannelShares:
      return pass.channel_orders[c * pass.channel_names.size() + channel] / orders;
    case Feature::kPAlive: return clv->models.front().p_alive[c];  // NaN: not in calibration
    case Feature::kClv: {
      const double v = clv->models.front().clv[c];
      return std::isnan(v) ? kNaN : std::log1p(std::max(v, 0.0));
    }
  }
  return kNaN;
}

}  // namespace

double to_feature_units(Feature f, double z, double mean, double std) {
  const double v = mean + z * std;
  switch (f) {
    case Feature::kFrequency: return std::exp(v);
    case Feature::kMonetary:
    case Feature::kAov:
    case Feature::kClv: return std::expm1(v);
    default: return v;
  }
}

FeatureMatrix build_features(const Comm& comm, const std::vector<Feature>& list, const RfmResult& rfm,
                             const ClvResult* clv, const PassData& pass) {
  FeatureMatrix fm;
  std::vector<std::uint32_t> channel;  // per column: the channel of a channel share
  for (const Feature f : list) {
    if (f == Feature::kChannelShares) {
      for (std::uint32_t j = 0; j < pass.channel_names.size(); ++j) {
        fm.names.push_back("channel_share:" + pass.channel_names[j]);
        fm.kinds.push_back(f);
        channel.push_back(j);
      }
      continue;
    }
    fm.names.emplace_back(feature_name(f));
    fm.kinds.push_back(f);
    channel.push_back(0);
  }
  const std::size_t d = fm.names.size();
  if (d > kmeans::kMaxDim)
    throw CollectiveError(ConfigError("--features give " + std::to_string(d) + " columns, at most " +
                                      std::to_string(kmeans::kMaxDim) + " are supported"));

  const std::size_t n_local = rfm.activity.size();
  for (std::size_t c = 0; c < n_local; ++c)
    if (rfm.activity.orders[c] > 0) {
      fm.rows.push_back(static_cast<std::uint32_t>(c));
      fm.ids.push_back(rfm.customer_id[c]);
    }
  const std::size_t n = fm.rows.size();
  std::vector<double> raw(n * d);
  std::vector<ExactSum> sums(d);
  std::vector<std::uint64_t> counts(d, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double v = value(fm.kinds[j], channel[j], fm.rows[i], rfm, clv, pass);
      raw[i * d + j] = v;
      if (std::isnan(v)) continue;
      sums[j].add(v);
      ++counts[j];
    }
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(counts));
  fm.global_points = comm.allreduce_sum<std::uint64_t>(n);
  const std::vector<double> total = ExactSum::reduce(comm, sums);
  fm.mean.assign(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) fm.mean[j] = counts[j] ? total[j] / static_cast<double>(counts[j]) : 0.0;
  // Second pass: the variance about the exact mean (not E[x^2] - mean^2, which cancels).
  std::vector<ExactSum> sq(d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j)
      if (const double v = raw[i * d + j]; !std::isnan(v)) sq[j].add((v - fm.mean[j]) * (v - fm.mean[j]));
  const std::vector<double> ss = ExactSum::reduce(comm, sq);
  fm.std.assign(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) fm.std[j] = counts[j] ? std::sqrt(ss[j] / static_cast<double>(counts[j])) : 0.0;

  fm.x.resize(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double v = raw[i * d + j];
      const double z = std::isnan(v) || fm.std[j] == 0 ? 0.0 : (v - fm.mean[j]) / fm.std[j];
      fm.x[i * d + j] = static_cast<float>(z);
    }
  return fm;
}

}  // namespace crmpi::kmeans_job
