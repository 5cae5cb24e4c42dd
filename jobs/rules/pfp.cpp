// Parallel FP-growth in PFP's phases (Li et al. 2008; Spark MLlib's FPGrowth):
//   1. count   every item's basket count on each rank, summed across ranks (integers: exact);
//   2. F-list  the items with count >= min_count, by count descending then id (the same everywhere);
//      pairs   where it pays, the pairs of frequent items counted, summed across ranks, and each
//              basket cut to its items that form a frequent pair with another of its items
//              (kernels/fpgrowth/pair_filter.hpp: no itemset of two or more items loses a basket;
//              the single items keep their F-list counts); what follows reads the cut baskets;
//   3. group   one group per rank, items assigned by greedy longest-processing-time over an
//              estimate of their mining work (the sum of their positions in the ranked baskets:
//              the size of their conditional pattern base), reduced across ranks;
//   4. shuffle each basket, as F-list ranks, sends to the owner of group g its prefix up to its
//              last item in g (Spark's genCondTransactions); duplicates merged before sending;
//   5. mine    each rank builds the FP-tree of what it received and mines the itemsets whose
//              least frequent item is in its group;
//   6. gather  the itemsets, every rank's, in the canonical order of kernels/fpgrowth/itemsets.hpp.
// An itemset is mined by exactly one group and its count is an integer sum over the baskets, so
// the result is the same whatever the number of ranks (and the grouping). What a rank sends to
// each group comes sorted and merged, so the receiver builds its tree from the sorted runs,
// merged as they are read (build_tree is fastest on sorted input); no result depends on the order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "comm/shuffle.hpp"
#include "jobs/rules/pfp.hpp"
#include "kernels/common/stopwatch.hpp"
#include "kernels/fpgrowth/groups.hpp"
#include "kernels/fpgrowth/mine.hpp"
#include "kernels/fpgrowth/pair_filter.hpp"
#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::rules_job {

namespace {

using fpgrowth::Count;
using fpgrowth::Rank;

// One group-dependent transaction on the wire: its length and weight, 12 bytes; its ranks travel
// as payload. (With the sender's offset of the ranks in it as well, 24 bytes, the records were
// more bytes than the ranks: 2 ranks of 9.8M generated orders at support 0.001, 7.2 MB of records
// and 6.6 MB of ranks from one rank.)
struct Shipped {
  std::uint32_t length = 0, weight_low = 0, weight_high = 0;

  Shipped() = default;
  Shipped(Count weight, std::uint64_t n)
      : length(static_cast<std::uint32_t>(n)),
        weight_low(static_cast<std::uint32_t>(weight)),
        weight_high(static_cast<std::uint32_t>(weight >> 32)) {
    if (n > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("pfp: a transaction of 2^32 items or more");
  }
  Count weight() const { return (Count{weight_high} << 32) | weight_low; }
};
static_assert(sizeof(Shipped) == kShippedRecordBytes);

// The support at which at most `cap` of the found itemsets would remain: the (cap + 1)-th largest
// count plus one, as a fraction of the baskets. When the mining stopped early (no more than `cap`
// found), the smallest count found plus one: a lower bound on what is needed.
double support_under_cap(std::vector<Count> counts, std::uint64_t cap, Count baskets) {
  if (counts.empty() || baskets == 0) return 1.0;
  const std::size_t at = std::min<std::size_t>(cap, counts.size() - 1);
  std::nth_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(at), counts.end(), std::greater<>());
  return std::min(1.0, static_cast<double>(counts[at] + 1) / static_cast<double>(baskets));
}

// The end of phase 3: the rank's held baskets sorted and merged, each cut first by the frequent-pair
// filter (pair_filter.hpp) where it runs: then the items of a basket that form a frequent pair with
// none of its other items are gone before the sort, the shuffle and the trees. Whether it runs is
// decided from global figures, the same on every rank.
fpgrowth::Transactions finish_baskets(const Comm& comm, fpgrowth::DistinctTransactions& distinct, const PfpParams& p,
                                      PfpResult& r) {
  const std::size_t F = r.flist.size();
  const fpgrowth::Transactions& held = distinct.held();
  bool run = p.pair_filter != PfpParams::PairFilterUse::never && p.max_length != 1 && F >= 2 &&
             F <= fpgrowth::PairCounts::kMaxItems;
  if (run && p.pair_filter == PfpParams::PairFilterUse::automatic) {
    const std::uint64_t increments = comm.allreduce_sum<std::uint64_t>(fpgrowth::PairCounts::increments(held));
    run = fpgrowth::PairCounts::pays(increments / static_cast<std::uint64_t>(comm.size()), F);
  }
  if (!run) return distinct.finish();
  Stopwatch sw;
  const fpgrowth::PairFilter filter = [&] {  // the table (up to 32 MiB) is freed before the sort
    fpgrowth::PairCounts pairs(F);
    for (std::size_t t = 0; t < held.size(); ++t) pairs.add(held[t], held.weights[t]);
    // No count can pass the baskets over all ranks: below 2^32 every rank's table is narrow, and
    // so is their sum (half the bytes to reduce).
    if (r.baskets <= std::numeric_limits<std::uint32_t>::max()) {
      if (!pairs.narrow()) throw std::logic_error("pfp: a pair count past the baskets");
      comm.allreduce_sum_inplace(pairs.narrow_table());
      return fpgrowth::PairFilter(std::span<const std::uint32_t>(pairs.narrow_table()), F, r.min_count);
    }
    comm.allreduce_sum_inplace(pairs.table());
    return fpgrowth::PairFilter(std::span<const Count>(pairs.table()), F, r.min_count);
  }();
  r.pair_filtered = true;
  r.possible_pairs = filter.pairs();
  r.cut_items_before = held.items.size();
  return distinct.finish([&](fpgrowth::Transactions& t) {
    filter.cut(t);
    r.cut_items_after = t.items.size();
    r.seconds_pairs = sw.seconds();
  });
}

// Phase 5: mine this rank's group from its group-dependent transactions (`source`: a Transactions
// table, or the sorted runs that arrived). The cap holds per group; the total is checked by gather.
template <class Source>
fpgrowth::MineResult mine_group_of_rank(const Comm& comm, const Source& source,
                                        const fpgrowth::GroupAssignment& groups, const PfpParams& p, PfpResult& r) {
  Stopwatch sw;
  // The single items' counts from the F-list: the pair filter may have cut some of their baskets.
  const fpgrowth::MineParams mp{.min_count = r.min_count,
                                .max_length = p.max_length,
                                .max_itemsets = p.max_itemsets,
                                .item_counts = r.flist.counts};
  fpgrowth::MineResult mined =
      fpgrowth::mine_group(source, mp, groups.group_of_rank, static_cast<std::uint32_t>(comm.rank()));
  r.tree_transactions = mined.tree_transactions;
  r.seconds_mine = sw.seconds();
  return mined;
}

// Phase 6: the cap, then every rank's itemsets gathered in canonical order.
PfpResult gather(const Comm& comm, fpgrowth::MineResult mined, const PfpParams& p, PfpResult r) {
  Stopwatch sw;
  const std::uint64_t total = comm.allreduce_sum<std::uint64_t>(mined.itemsets.size());
  const bool truncated = comm.allreduce_or(mined.truncated);
  if (p.max_itemsets && (truncated || total > p.max_itemsets)) {
    const std::vector<Count> all_counts = comm.allgatherv(std::span<const Count>(mined.itemsets.counts));
    r.over_cap = true;
    r.found = total;
    r.found_at_least = truncated;
    r.suggested_support = support_under_cap(all_counts, p.max_itemsets, r.baskets);
    r.seconds_gather = sw.seconds();
    return r;
  }
  std::vector<std::uint64_t> lengths(mined.itemsets.size());
  for (std::size_t i = 0; i < lengths.size(); ++i) lengths[i] = mined.itemsets[i].size();
  // (At one rank each vector is handed over, not copied: allgatherv(std::vector&&).)
  const auto all_lengths = comm.allgatherv(std::move(lengths));
  r.itemsets.items = comm.allgatherv(std::move(mined.itemsets.items));
  r.itemsets.counts = comm.allgatherv(std::move(mined.itemsets.counts));
  mined = {};
  r.itemsets.offsets.resize(all_lengths.size() + 1);
  for (std::size_t i = 0; i < all_lengths.size(); ++i) r.itemsets.offsets[i + 1] = r.itemsets.offsets[i] + all_lengths[i];
  // One rank's mining is in the canonical order already (MineResult); the ranks' outputs one after
  // another are in it only where each group's itemsets follow the previous group's, which
  // sort_canonical checks first (mushroom 10%'s check: ~3 ms of its 0.09 s at one rank).
  if (comm.size() > 1) fpgrowth::sort_canonical(r.itemsets);
  r.seconds_gather = sw.seconds();
  return r;
}

}  // namespace

PfpResult parallel_fpgrowth(const Comm& comm, const BasketView& local, std::uint32_t id_space, const PfpParams& p) {
  PfpResult r;
  const auto P = static_cast<std::uint32_t>(comm.size());
  Stopwatch sw;

  // 1. Count: each item once per basket (a basket may list a product twice).
  std::vector<Count> count_by_id(id_space, 0);
  std::vector<std::uint64_t> stamp(id_space, 0);
  Count n_local = 0;
  std::uint64_t seen = 0;
  local.for_each([&](std::span<const std::uint32_t> ids, Count weight) {
    n_local += weight;
    ++seen;  // stamp[id] == seen: id already counted in this basket
    for (const std::uint32_t id : ids) {
      if (stamp[id] == seen) continue;
      stamp[id] = seen;
      count_by_id[id] += weight;
    }
  });
  stamp = {};
  comm.allreduce_sum_inplace(std::span<Count>(count_by_id));
  r.baskets = comm.allreduce_sum<Count>(n_local);
  r.min_count = min_count_for(r.baskets, p);

  // 2. F-list.
  r.flist = fpgrowth::make_flist(count_by_id, r.min_count);
  count_by_id = {};
  const std::size_t F = r.flist.size();

  // 3. The rank's baskets as F-list ranks (ascending), their work estimate, and the groups.
  //    Identical baskets merge as they are ranked: only the distinct ones are held; the pair
  //    filter cuts them before their sort.
  fpgrowth::DistinctTransactions distinct;
  {
    // Room for every basket once the stream proves mostly distinct: grown by doubling, the held
    // arrays (300 MB for 9.8M orders at one rank) were copied and their fresh pages touched twice
    // (stage 2.4 -> 2.3 s, 1 -> 2 ranks 1.4 -> 1.65x at support 0.0001; peak RSS 948 -> 863 MiB).
    // Pages reserved and not written (infrequent items) are never touched.
    const auto [baskets, ids] = local.bounds();
    distinct.reserve(baskets, ids);
  }
  std::vector<Rank> ranks;
  std::vector<Count> work(F, 0);
  local.for_each([&](std::span<const std::uint32_t> ids, Count weight) {
    fpgrowth::basket_ranks(ids, r.flist, ranks);
    if (!ranks.empty()) distinct.add(ranks, weight);
  });
  fpgrowth::Transactions mine_local = finish_baskets(comm, distinct, p, r);
  for (std::size_t t = 0; t < mine_local.size(); ++t) fpgrowth::add_prefix_work(mine_local[t], mine_local.weights[t], work);
  comm.allreduce_sum_inplace(std::span<Count>(work));
  const fpgrowth::GroupAssignment groups = fpgrowth::assign_groups(work, P);
  r.groups = P;
  r.group_work = groups.work;
  r.seconds_count = sw.seconds();

  // 4. Shuffle the group-dependent transactions to their group's rank (group g = rank g).
  sw = Stopwatch();
  if (P == 1) {
    // One group holds every item: each basket's group-dependent transaction is the whole basket,
    // and the merged baskets are already what the shuffle would deliver (the same transactions,
    // mined as a set: the tree does not depend on their order). It is counted as sent, as at P > 1.
    r.sent_items = mine_local.items.size();
    r.sent_prefixes = mine_local.size();
    r.seconds_shuffle = sw.seconds();
    fpgrowth::MineResult mined = mine_group_of_rank(comm, mine_local, groups, p, r);
    mine_local = {};
    return gather(comm, std::move(mined), p, std::move(r));
  }
  // Each destination's transactions come sorted and merged (split_by_group), so what arrives is
  // one sorted run per source: merged with this rank's own share, not sorted again.
  fpgrowth::GroupedTransactions to = fpgrowth::split_by_group(mine_local, groups.group_of_rank, P);
  mine_local = {};
  const auto self = static_cast<std::uint32_t>(comm.rank());
  // This rank's own share, transactions [own_first, own_first + own) of `to`: not sent.
  const std::size_t own_first = to.first[self], own = to.first[self + 1] - to.first[self];
  r.sent_items = to.t.items.size();  // this rank's own share counted as sent, as at P = 1 (the SMPI study's model counts it)
  r.sent_prefixes = to.t.size();
  // The records of the other groups' transactions, by destination; their ranks travel from the table.
  std::vector<Shipped> records;
  records.reserve(to.t.size() - own);
  std::vector<std::uint64_t> counts(P, 0);
  for (std::uint32_t d = 0; d < P; ++d) {
    if (d == self) continue;
    counts[d] = to.first[d + 1] - to.first[d];
    for (std::size_t t = to.first[d]; t < to.first[d + 1]; ++t)
      records.emplace_back(to.t.weights[t], to.t.offsets[t + 1] - to.t.offsets[t]);
  }
  r.sent_bytes = records.size() * sizeof(Shipped) +
                 (to.t.items.size() - (to.t.offsets[own_first + own] - to.t.offsets[own_first])) * sizeof(Rank);
  std::vector<Rank> payload;  // receives the payloads
  // The exchange hands payload_of the record itself (comm/shuffle.hpp): record i is transaction i
  // of `to`, or i + own past this rank's own share.
  auto payload_of = [&](const Shipped& s) {
    const auto i = static_cast<std::size_t>(&s - records.data());
    const std::size_t t = i < own_first ? i : i + own;
    return std::span<const Rank>(to.t.items.data() + to.t.offsets[t], s.length);
  };
  const std::vector<std::uint64_t> from = exchange_by_counts(comm, records, counts, payload, payload_of);
  fpgrowth::Transactions arrived;
  arrived.items = std::move(payload);
  arrived.offsets.resize(records.size() + 1);
  arrived.weights.resize(records.size());
  for (std::size_t t = 0; t < records.size(); ++t) {
    arrived.offsets[t + 1] = arrived.offsets[t] + records[t].length;
    arrived.weights[t] = records[t].weight();
  }
  records = {};
  // What arrived (a sorted run per source, as split_by_group made it) and this rank's own share
  // are mined as they lie: the tree's build merges the runs as it reads them (build_tree; a run
  // out of order throws there). A merged copy first took 0.08 s a rank at 2 ranks of 9.8M
  // generated orders, support 0.0001 (1.9M transactions, 10M ranks).
  std::vector<fpgrowth::TransactionRun> runs;
  std::size_t begin = 0;
  for (const std::uint64_t n : from) {
    if (n > 0) runs.push_back({&arrived, begin, begin + n});
    begin += n;
  }
  runs.push_back({&to.t, own_first, own_first + own});
  r.seconds_shuffle = sw.seconds();
  fpgrowth::MineResult mined =
      mine_group_of_rank(comm, std::span<const fpgrowth::TransactionRun>(runs), groups, p, r);
  runs = {};
  arrived = {};
  to = {};
  return gather(comm, std::move(mined), p, std::move(r));
}

Count min_count_for(Count baskets, const PfpParams& p) {
  const auto by_support = static_cast<Count>(std::ceil(p.min_support * static_cast<double>(baskets)));
  return std::max<Count>({by_support, p.min_count, 1});
}

std::string over_cap_message(const PfpResult& r, std::uint64_t max_itemsets) {
  return "more than --max-itemsets " + std::to_string(max_itemsets) + " frequent itemsets at min count " +
         std::to_string(r.min_count) + " (" + (r.found_at_least ? "at least " : "") + std::to_string(r.found) +
         " found before stopping); raise --min-support to about " + std::to_string(r.suggested_support) +
         " or --max-itemsets, or set --max-length";
}

}  // namespace crmpi::rules_job
