// Cross-sell recommendations (kernels/fpgrowth/recommend.hpp) on one core: the rules of a FIMI file
// (make_rules, single-item consequents), then every basket of the file as a customer whose recent
// and bought items are the basket's frequent items (mushroom-like dense files: most subsets of a
// customer's items are antecedents, the index's hard case).
//   bench_recommend FILE.dat --support F [--min-confidence C] [--top-n N] [--customers K] [--repeat R]
// Prints one JSON object: the rule count, the index build time and the recommendation time (CPU
// seconds of the thread, best of R runs, default 3), customers per CPU second, and a checksum of every recommendation (item,
// rule, score bits) to compare two builds' outputs. --customers: the first K baskets only.
#include <algorithm>
#include <bit>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/fpgrowth/fpgrowth.hpp"
#include "kernels/fpgrowth/recommend.hpp"

using namespace crmpi::fpgrowth;

namespace {

// Thread CPU time: on a shared machine under load the wall clock mostly measures the waiting.
double now() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bench_recommend FILE.dat --support F [--min-confidence C] [--top-n N] [--customers K] "
               "[--repeat R]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage();
  const char* path = argv[1];
  double support = -1, confidence = 0.8;
  std::uint32_t top_n = 5;
  int repeat = 3;
  std::size_t max_customers = ~std::size_t{0};
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--support")) support = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--min-confidence")) confidence = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--top-n")) top_n = static_cast<std::uint32_t>(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--customers")) max_customers = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
    else usage();
  }
  if (support <= 0) usage();

  std::vector<std::vector<std::uint32_t>> baskets;
  std::uint32_t n_ids = 0;
  {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path);
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      baskets.emplace_back();
      for (std::uint32_t id; words >> id;) {
        baskets.back().push_back(id);
        n_ids = std::max(n_ids, id + 1);
      }
    }
  }
  std::vector<Count> counts(n_ids, 0);
  for (auto b : baskets) {
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    for (const auto id : b) ++counts[id];
  }
  const auto min_count = static_cast<Count>(std::ceil(support * static_cast<double>(baskets.size())));
  const FList f = make_flist(counts, min_count);
  Transactions t;
  std::vector<std::vector<Rank>> customers(baskets.size());
  for (std::size_t i = 0; i < baskets.size(); ++i) {
    basket_ranks(baskets[i], f, customers[i]);
    t.add(customers[i], 1);
  }
  const Itemsets s = mine(t, {.min_count = min_count}).itemsets;
  const RuleSet rules = make_rules(s, baskets.size(), {.min_confidence = confidence});
  if (customers.size() > max_customers) customers.resize(max_customers);

  double best_build = 1e300, best_recommend = 1e300;
  std::uint64_t checksum = 0, recommended = 0;
  std::vector<Recommendation> out;
  for (int r = 0; r < repeat; ++r) {
    double t0 = now();
    const Recommender rec(rules, {.top_n = top_n});
    best_build = std::min(best_build, now() - t0);
    t0 = now();
    checksum = 0;
    recommended = 0;
    for (const auto& c : customers) {
      rec.recommend(c, c, out);
      for (const Recommendation& x : out) {
        checksum = checksum * 1000003u + x.item;
        checksum = checksum * 1000003u + x.rule;
        checksum = checksum * 1000003u + std::bit_cast<std::uint64_t>(x.score);
      }
      recommended += out.size();
    }
    best_recommend = std::min(best_recommend, now() - t0);
  }
  std::printf("{\"file\": \"%s\", \"support\": %g, \"min_confidence\": %g, \"itemsets\": %zu, \"rules\": %zu, "
              "\"customers\": %zu, \"recommendations\": %llu, \"build_s\": %.4f, \"recommend_s\": %.4f, "
              "\"customers_per_s\": %.0f, \"checksum\": \"%016llx\"}\n",
              path, support, confidence, s.size(), rules.size(), customers.size(),
              static_cast<unsigned long long>(recommended), best_build, best_recommend,
              static_cast<double>(customers.size()) / best_recommend, static_cast<unsigned long long>(checksum));
  return 0;
}
