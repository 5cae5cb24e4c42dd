// RFM throughput once the data is in memory (one rank, one core): per-customer accumulation over
// the orders, metrics, quintile cut points (histogram selection on one rank) and scores.
// Google Benchmark reports items/s = orders/s. Target: >= 50M orders/s per rank.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include "kernels/common/histogram.hpp"
#include "kernels/rfm/quintiles.hpp"
#include "kernels/rfm/rfm.hpp"

using namespace crmpi;

namespace {

struct Data {
  std::vector<std::uint64_t> offsets;
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount;
  std::vector<std::int32_t> signup;
};

const Data& data() {
  static const Data d = [] {
    Data x;
    std::mt19937_64 rng(1);
    const std::size_t customers = 1'000'000;
    x.offsets.push_back(0);
    for (std::size_t c = 0; c < customers; ++c) {
      const std::size_t n = 1 + rng() % 19;  // ~10 orders per customer
      std::int32_t day = static_cast<std::int32_t>(19000 + rng() % 500);
      x.signup.push_back(day);
      for (std::size_t k = 0; k < n; ++k) {
        day += static_cast<std::int32_t>(rng() % 60);
        x.day.push_back(day);
        x.amount.push_back(static_cast<std::int64_t>(100 + rng() % 10000));
      }
      x.offsets.push_back(x.day.size());
    }
    return x;
  }();
  return d;
}

// Exact cut point by histogram refinement on one rank (the distributed algorithm with P = 1).
std::int64_t select(const std::vector<std::int64_t>& v, std::uint64_t pos) {
  std::int64_t lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
  std::vector<std::uint64_t> counts(4096);
  std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  while (span > 0) {
    const std::uint64_t width = span / 4096 + 1, nb = std::min<std::uint64_t>(4096, span / width + 1);
    std::fill(counts.begin(), counts.end(), 0);
    histogram_in_range(v, lo, static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + span), width,
                       std::span(counts.data(), nb));
    std::uint64_t b = 0;
    while (pos >= counts[b]) pos -= counts[b++];
    lo = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + b * width);
    span = std::min(width - 1, span - b * width);
  }
  return lo;
}

void BM_RfmInMemory(benchmark::State& state) {
  const Data& d = data();
  const std::size_t n = d.signup.size();
  const std::int32_t as_of = 22000;
  for (auto _ : state) {
    rfm::Activity act;
    act.resize(n);
    rfm::accumulate(d.offsets, 0, n, 0, d.day, d.amount, as_of, act);
    const rfm::Metrics m = rfm::derive_metrics(act, d.signup, as_of);
    std::vector<std::int64_t> rec, freq, mon;
    for (std::size_t i = 0; i < n; ++i) {
      if (!act.orders[i]) continue;
      rec.push_back(-m.recency_days[i]);
      freq.push_back(act.orders[i]);
      mon.push_back(act.total_cents[i]);
    }
    rfm::CutPoints cuts[3];
    const auto pos = rfm::quintile_positions(rec.size());
    const std::vector<std::int64_t>* cols[3] = {&rec, &freq, &mon};
    for (int k = 0; k < 3; ++k)
      for (int q = 0; q < 4; ++q) cuts[k].value[static_cast<std::size_t>(q)] = select(*cols[k], *pos[static_cast<std::size_t>(q)]);
    std::uint64_t check = 0;
    for (std::size_t i = 0; i < rec.size(); ++i)
      check += rfm::score(rec[i], cuts[0]) + rfm::score(freq[i], cuts[1]) + rfm::score(mon[i], cuts[2]);
    benchmark::DoNotOptimize(check);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(d.day.size()));
  state.counters["orders"] = static_cast<double>(d.day.size());
}
BENCHMARK(BM_RfmInMemory)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_RfmAccumulateOnly(benchmark::State& state) {
  const Data& d = data();
  const std::size_t n = d.signup.size();
  rfm::Activity act;
  for (auto _ : state) {
    act.resize(n);
    rfm::accumulate(d.offsets, 0, n, 0, d.day, d.amount, 22000, act);
    benchmark::DoNotOptimize(act.total_cents.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(d.day.size()));
}
BENCHMARK(BM_RfmAccumulateOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
