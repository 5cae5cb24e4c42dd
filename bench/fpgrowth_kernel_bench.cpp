// FP-growth kernels on one core: F-list, ranks, the tree and its mining (whole, or group by group
// as PFP's ranks would, one after the other), and the rules.
//   bench_fpgrowth_kernel FILE.dat (--support F | --min-count N) [--groups G] [--max-length L]
//                         [--min-confidence C] [--repeat R]
//   bench_fpgrowth_kernel --synthetic BASKETS ITEMS_PER_BASKET N_ITEMS (--support F | --min-count N) ...
// FILE: FIMI format (one basket a line, item ids separated by spaces). --synthetic: baskets of
// about ITEMS_PER_BASKET distinct items drawn from N_ITEMS with Zipf(1) popularity, seed 1.
// Prints one JSON object; times are the best of R runs (default 3), in seconds (mine_cpu_s: the
// mining's CPU time, the figure to compare on a loaded machine).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <ctime>
#include <vector>

#include "jobs/common/heap_policy.hpp"
#include "kernels/fpgrowth/fpgrowth.hpp"

using namespace crmpi::fpgrowth;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of this thread: on a loaded machine the wall time of a run is mostly waiting for a core,
// and the CPU time is the steadier figure to compare two builds by.
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Baskets {
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> ids;
  std::uint32_t n_items = 0;
  std::size_t size() const { return offsets.size() - 1; }
  std::span<const std::uint32_t> operator[](std::size_t i) const {
    return {ids.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
  void end_basket() { offsets.push_back(ids.size()); }
};

Baskets read_fimi(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  Baskets b;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    for (std::uint32_t id; words >> id;) {
      b.ids.push_back(id);
      b.n_items = std::max(b.n_items, id + 1);
    }
    b.end_basket();
  }
  return b;
}

Baskets synthetic(std::uint32_t n_baskets, std::uint32_t per_basket, std::uint32_t n_items) {
  std::mt19937_64 rng(1);
  std::vector<double> weight(n_items);
  for (std::uint32_t i = 0; i < n_items; ++i) weight[i] = 1.0 / (i + 1);
  std::discrete_distribution<std::uint32_t> item(weight.begin(), weight.end());
  std::poisson_distribution<std::uint32_t> length(per_basket);
  Baskets b;
  b.n_items = n_items;
  for (std::uint32_t k = 0; k < n_baskets; ++k) {
    const std::uint32_t len = std::max(1u, length(rng));
    for (std::uint32_t j = 0; j < len; ++j) b.ids.push_back(item(rng));
    b.end_basket();
  }
  return b;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bench_fpgrowth_kernel (FILE.dat | --synthetic BASKETS ITEMS_PER_BASKET N_ITEMS) "
               "(--support F | --min-count N)\n"
               "       [--groups G] [--max-length L] [--min-confidence C] [--repeat R]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  crmpi::apply_heap_policy_from_environment();  // the heap policy of the crmpi executable
  Baskets b;
  double support = 0;
  Count min_count = 0;
  std::uint32_t groups = 1, max_length = 0, repeat = 3;
  double min_confidence = 0.8;
  std::string source;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : (usage(), nullptr); };
    if (a == "--synthetic") {
      const auto n = static_cast<std::uint32_t>(std::atol(next()));
      const auto per = static_cast<std::uint32_t>(std::atol(next()));
      const auto items = static_cast<std::uint32_t>(std::atol(next()));
      b = synthetic(n, per, items);
      source = "synthetic";
    } else if (a == "--support") {
      support = std::atof(next());
    } else if (a == "--min-count") {
      min_count = std::strtoull(next(), nullptr, 10);
    } else if (a == "--groups") {
      groups = static_cast<std::uint32_t>(std::atol(next()));
    } else if (a == "--max-length") {
      max_length = static_cast<std::uint32_t>(std::atol(next()));
    } else if (a == "--min-confidence") {
      min_confidence = std::atof(next());
    } else if (a == "--repeat") {
      repeat = static_cast<std::uint32_t>(std::atol(next()));
    } else if (a[0] != '-' && source.empty()) {
      b = read_fimi(argv[i]);
      source = a;
    } else {
      usage();
    }
  }
  if (source.empty() || (support <= 0 && min_count == 0) || groups < 1 || repeat < 1) usage();
  if (min_count == 0) min_count = static_cast<Count>(std::ceil(support * static_cast<double>(b.size())));

  double t_flist = 1e300, t_split = 1e300, t_mine = 1e300, t_rules = 1e300, c_mine = 1e300;
  std::size_t n_itemsets = 0, n_rules = 0, flist_size = 0, shuffled_ranks = 0;
  for (std::uint32_t rep = 0; rep < repeat; ++rep) {
    double t0 = now();
    std::vector<Count> counts(b.n_items, 0);
    std::vector<std::uint32_t> seen(b.n_items, 0);
    for (std::size_t i = 0; i < b.size(); ++i) {
      for (const std::uint32_t id : b[i]) {
        if (seen[id] != i + 1) {
          seen[id] = static_cast<std::uint32_t>(i + 1);
          ++counts[id];
        }
      }
    }
    const FList flist = make_flist(counts, min_count);
    Transactions t;
    std::vector<Rank> ranks;
    for (std::size_t i = 0; i < b.size(); ++i) {
      basket_ranks(b[i], flist, ranks);
      t.add(ranks, 1);
    }
    double t1 = now();
    t_flist = std::min(t_flist, t1 - t0);
    flist_size = flist.size();

    // PFP's local steps one after the other, as jobs/rules/pfp.cpp takes them: work estimate,
    // grouping, the merged baskets split by group (each group's table sorted and merged), and
    // per-group mining of what its rank would receive.
    std::vector<Transactions> per_group(groups);
    std::vector<std::uint32_t> group_of_rank(flist.size(), 0);
    if (groups > 1) {
      std::vector<Count> work(flist.size(), 0);
      for (std::size_t i = 0; i < t.size(); ++i) add_prefix_work(t[i], 1, work);
      group_of_rank = assign_groups(work, groups).group_of_rank;
      Transactions merged = t;
      merge_duplicates(merged);
      const GroupedTransactions split = split_by_group(merged, group_of_rank, groups);
      for (std::uint32_t g = 0; g < groups; ++g) {
        for (std::size_t i = split.first[g]; i < split.first[g + 1]; ++i) per_group[g].add(split.t[i], split.t.weights[i]);
      }
      shuffled_ranks = split.t.items.size();
    }
    const double t2 = now();
    t_split = std::min(t_split, t2 - t1);

    const double c2 = cpu_now();
    Itemsets all;
    const MineParams params{.min_count = min_count, .max_length = max_length};
    if (groups == 1) {
      all = mine(t, params).itemsets;
    } else {
      for (std::uint32_t g = 0; g < groups; ++g) {
        all.append(mine_group(per_group[g], params, group_of_rank, g).itemsets);
      }
    }
    const double t3 = now();
    t_mine = std::min(t_mine, t3 - t2);
    c_mine = std::min(c_mine, cpu_now() - c2);
    n_itemsets = all.size();

    const RuleSet rules = make_rules(all, b.size(), {.min_confidence = min_confidence});
    t_rules = std::min(t_rules, now() - t3);
    n_rules = rules.size();
  }
  std::printf(
      "{\"source\": \"%s\", \"baskets\": %zu, \"items\": %u, \"min_count\": %llu, \"frequent_items\": %zu, "
      "\"groups\": %u, "
      "\"itemsets\": %zu, \"rules\": %zu, \"flist_and_ranks_s\": %.4f, \"group_split_s\": %.4f, \"mine_s\": "
      "%.4f, \"mine_cpu_s\": %.4f, \"rules_s\": %.4f, "
      "\"shuffled_ranks\": %zu}\n",
      source.c_str(), b.size(), b.n_items, static_cast<unsigned long long>(min_count), flist_size, groups,
      n_itemsets, n_rules, t_flist, t_split, t_mine, c_mine, t_rules, shuffled_ranks);
  return 0;
}
