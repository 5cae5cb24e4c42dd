#include "jobs/rules/derive.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "comm/shuffle.hpp"
#include "jobs/common/job_common.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::rules_job {

namespace {

__extension__ using U128 = unsigned __int128;

// The rules itemset i can give at most: one per consequent of up to max_consequent items (the
// confidence pruning cuts most of them; the bound is what balances the blocks).
std::uint64_t rule_bound(std::size_t length, std::uint32_t max_consequent) {
  if (length < 2) return 0;
  if (max_consequent == 1) return length;
  return std::uint64_t{1} << std::min<std::size_t>(length, 30);  // long itemsets: enough to get a block alone
}

}  // namespace

fpgrowth::RuleSet derive_rules(const Comm& comm, const fpgrowth::Itemsets& frequent, fpgrowth::Count baskets,
                               const fpgrowth::RuleParams& params) {
  const fpgrowth::ItemsetIndex index(frequent);

  // This rank's block: itemsets whose running sum of bounds falls in its even share of the total.
  std::vector<std::uint64_t> upto(frequent.size() + 1, 0);
  for (std::size_t i = 0; i < frequent.size(); ++i)
    upto[i + 1] = upto[i] + rule_bound(frequent[i].size(), params.max_consequent);
  const auto share = [&](int r) {
    const auto target = static_cast<std::uint64_t>(U128{upto.back()} * static_cast<U128>(r) / static_cast<U128>(comm.size()));
    return static_cast<std::size_t>(std::lower_bound(upto.begin(), upto.end(), target) - upto.begin());
  };
  const std::size_t begin = comm.rank() == 0 ? 0 : share(comm.rank());
  const std::size_t end = comm.rank() + 1 == comm.size() ? frequent.size() : share(comm.rank() + 1);

  // Room for the block's bound up front, so that the candidates are not copied as the vector grows
  // (pages never written cost nothing); capped, as the bound of long itemsets is far above it.
  std::vector<fpgrowth::RuleCandidate> candidates;
  candidates.reserve(std::min<std::uint64_t>(upto[end] - upto[begin], std::uint64_t{1} << 22));
  std::string error;
  try {
    fpgrowth::rule_candidates(frequent, index, baskets, params, begin, end, candidates);
  } catch (const std::invalid_argument& e) {
    error = e.what();
  }
  // A missing subset is found by the rank whose block needs it: all ranks stop together.
  for (const std::string& e : comm.allgather_strings(error))
    if (!e.empty()) throw CollectiveError(DataError("rules: " + e));

  // The order's first key, the antecedent, is a canonical position below frequent.size(): a
  // counting sort by it, then each antecedent's few rules by the whole order (chess 80%'s 552,564
  // rules: the sort's share of the run ~45 -> ~22 ms, the whole run 389 -> 348 ms). It holds a
  // second copy of the candidates while it moves them, as the exchange does.
  std::vector<fpgrowth::RuleCandidate> scratch;
  std::vector<std::size_t> start;
  const auto by_antecedent = [&](std::vector<fpgrowth::RuleCandidate>& r) {
    start.assign(frequent.size() + 1, 0);
    for (const auto& c : r) ++start[c.antecedent + 1];
    for (std::size_t a = 0; a < frequent.size(); ++a) start[a + 1] += start[a];
    scratch.resize(r.size());
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (const auto& c : r) scratch[at[c.antecedent]++] = c;
    r.swap(scratch);
    std::vector<fpgrowth::RuleCandidate>().swap(scratch);
    for (std::size_t a = 0; a < frequent.size(); ++a)
      if (start[a + 1] - start[a] > 1)
        std::sort(r.begin() + static_cast<std::ptrdiff_t>(start[a]), r.begin() + static_cast<std::ptrdiff_t>(start[a + 1]),
                  fpgrowth::rule_order);
  };
  sample_sort_by_key_with(
      comm, candidates, [](const fpgrowth::RuleCandidate& c) { return c.antecedent; }, by_antecedent);
  fpgrowth::RuleSet mine = fpgrowth::assemble_rules(candidates, frequent, index, baskets, params.top_per_antecedent);
  std::vector<fpgrowth::RuleCandidate>().swap(candidates);

  // Rank order is rule order: concatenate, each rank's item offsets moved past the earlier ranks'.
  const std::uint64_t items_before = comm.exscan_sum<std::uint64_t>(mine.items.size());
  for (fpgrowth::Rule& r : mine.rules) r.begin += items_before;
  fpgrowth::RuleSet all;
  all.items = comm.allgatherv<fpgrowth::Rank>(std::move(mine.items));
  all.rules = comm.allgatherv<fpgrowth::Rule>(std::move(mine.rules));
  return all;
}

}  // namespace crmpi::rules_job
