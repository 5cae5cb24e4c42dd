// Per-segment rules (segments.hpp): the rank's baskets merged once (pfp.hpp's WeightedBaskets:
// identical baskets of one segment become one, with a weight); for each segment, its merged
// baskets go through parallel_fpgrowth (a view: pfp.hpp's BasketView) and derive_rules exactly
// as all baskets do; then the overall counts of every segment rule's itemsets: looked up
// among the overall frequent itemsets, and for the rest counted over all baskets
// (kernels/fpgrowth/support_count.hpp) and summed across ranks.
#include "jobs/rules/segments.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include "jobs/common/log.hpp"
#include "jobs/rules/derive.hpp"
#include "jobs/common/stop_signal.hpp"
#include "kernels/fpgrowth/itemsets.hpp"
#include "kernels/fpgrowth/support_count.hpp"

namespace crmpi::rules_job {

namespace {

using fpgrowth::Count;
using fpgrowth::Rank;

// The overall counts every segment rule needs: count(X u Y), count(X), count(Y) over all baskets.
class OverallCounts {
 public:
  explicit OverallCounts(const PfpResult& overall) : overall_(overall), index_(overall.itemsets) {}

  // A slot for the itemset (item ids); its count is known now when the itemset is frequent overall.
  std::size_t slot(std::vector<std::uint32_t> ids) {
    std::sort(ids.begin(), ids.end());
    const auto [it, added] = slot_of_.emplace(ids, counts_.size());
    if (!added) return it->second;
    const std::optional<Count> known = lookup(ids);
    counts_.push_back(known.value_or(0));
    if (!known) {
      apart_.push_back(it->second);
      candidates_.add(ids);
    }
    return it->second;
  }

  // Counts the itemsets not frequent overall on the rank's baskets, summed across ranks. The
  // baskets go to the counting kernel a block at a time and with only the items some candidate
  // names (a flag per item id): a basket's count for a candidate depends on those items alone, the
  // counts of a partition of the baskets add up, and so the kernel's tid-lists and its per-item
  // lookups cover only the named items of one block (the candidates' items are usually a few).
  // The baskets are the rank's merged ones, each counting its weight.
  void count_apart(const Comm& comm, const WeightedBaskets& local, std::uint32_t id_space) {
    std::vector<Count> c(candidates_.size(), 0);
    std::vector<std::uint8_t> named(id_space, 0);
    for (const std::uint32_t id : candidates_.items) named[id] = 1;
    constexpr std::size_t kBlock = std::size_t{1} << 20;  // baskets
    std::vector<std::uint64_t> offsets;
    std::vector<std::uint32_t> ids;
    const std::span<const Count> weights(local.weight);
    for (std::size_t b0 = 0; b0 < local.size() && !candidates_.items.empty(); b0 += kBlock) {
      offsets.assign(1, 0);
      ids.clear();
      const std::size_t b1 = std::min(local.size(), b0 + kBlock);
      for (std::size_t b = b0; b < b1; ++b) {
        for (const std::uint32_t id : local[b])
          if (named[id]) ids.push_back(id);
        offsets.push_back(ids.size());
      }
      const std::vector<Count> block = fpgrowth::support_counts(offsets, ids, candidates_, weights.subspan(b0, b1 - b0));
      for (std::size_t i = 0; i < c.size(); ++i) c[i] += block[i];
    }
    if (candidates_.items.empty()) {
      // Only empty itemsets (none in practice): each is in every basket.
      const Count all = std::accumulate(local.weight.begin(), local.weight.end(), Count{0});
      for (Count& x : c) x = all;
    }
    comm.allreduce_sum_inplace(std::span<Count>(c));
    for (std::size_t i = 0; i < apart_.size(); ++i) counts_[apart_[i]] = c[i];
  }
  Count operator[](std::size_t slot) const { return counts_[slot]; }
  std::size_t apart() const { return apart_.size(); }

 private:
  std::optional<Count> lookup(const std::vector<std::uint32_t>& ids) const {
    std::vector<Rank> ranks;
    for (const std::uint32_t id : ids) {
      if (id >= overall_.flist.rank_of_id.size() || overall_.flist.rank_of_id[id] == fpgrowth::kNotFrequent)
        return std::nullopt;
      ranks.push_back(overall_.flist.rank_of_id[id]);
    }
    std::sort(ranks.begin(), ranks.end());
    return index_.find(ranks);
  }

  const PfpResult& overall_;
  fpgrowth::ItemsetIndex index_;
  std::map<std::vector<std::uint32_t>, std::size_t> slot_of_;
  std::vector<Count> counts_;
  std::vector<std::size_t> apart_;  // slots counted over the baskets
  fpgrowth::IdItemsets candidates_;
};

// Baskets per segment over all ranks.
std::vector<std::uint64_t> baskets_per_segment(const Comm& comm, const Segmentation& seg,
                                               std::span<const std::uint64_t> basket_begin) {
  std::vector<std::uint64_t> per_code(seg.names.size(), 0);
  const std::size_t customers = std::min(seg.code.size(), basket_begin.size() - 1);
  for (std::size_t c = 0; c < customers; ++c)
    if (seg.code[c] < per_code.size()) per_code[seg.code[c]] += basket_begin[c + 1] - basket_begin[c];
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(per_code));
  return per_code;
}

}  // namespace

WeightedBaskets merge_for_segments(const Comm& comm, const Baskets& local, std::span<const std::uint64_t> basket_begin,
                                   std::span<const Segmentation> segmentations, std::uint32_t id_space,
                                   const PfpParams& segment, const PfpParams* overall, std::uint64_t max_counters) {
  // Only the items some segment will find frequent (its count there at least the segment's min
  // count), and the overall run's frequent items where it reads them too: the rest would only
  // make baskets differ. Those counts are one pass and one sum, of products x segments integers;
  // past max_counters of them (a catalogue of millions), each item's count over all baskets
  // against the smallest min count of any segment instead (a segment's count is at most the
  // overall one): fewer items dropped, the same results.
  std::vector<std::span<const std::uint32_t>> codes;
  std::vector<std::uint32_t> segments;
  std::uint64_t counters = 0;
  for (const Segmentation& seg : segmentations) {
    codes.push_back(seg.code);
    segments.push_back(static_cast<std::uint32_t>(seg.names.size()));
    counters += std::uint64_t{segments.back()} * id_space;
  }
  const bool per_segment = counters <= max_counters;
  std::vector<std::uint8_t> keep(id_space, 0);
  std::vector<std::vector<Count>> count(per_segment ? segmentations.size() : 0);  // [s][code * id_space + id]
  for (std::size_t s = 0; s < count.size(); ++s) count[s].assign(std::size_t{segments[s]} * id_space, 0);
  const Count overall_min = overall ? min_count_for(comm.allreduce_sum<Count>(local.size()), *overall)
                                    : std::numeric_limits<Count>::max();
  Count lowest = overall_min;  // the smallest min count of any run: the bound's threshold
  std::vector<Count> all(overall || !per_segment ? id_space : 0, 0);
  std::vector<std::uint64_t> stamp(id_space, ~std::uint64_t{0});
  const std::size_t customers = basket_begin.empty() ? 0 : basket_begin.size() - 1;
  std::vector<Count*> row(count.size());  // the customer's counters in each segmentation (none: null)
  for (std::size_t c = 0; c < customers; ++c) {
    for (std::size_t s = 0; s < count.size(); ++s)
      row[s] = c < codes[s].size() && codes[s][c] < segments[s] ? count[s].data() + std::size_t{codes[s][c]} * id_space
                                                                : nullptr;
    for (std::uint64_t b = basket_begin[c]; b < basket_begin[c + 1]; ++b)
      for (const std::uint32_t id : local[b]) {
        if (stamp[id] == b) continue;  // once per basket, as the mining counts
        stamp[id] = b;
        if (!all.empty()) ++all[id];
        for (Count* r : row)
          if (r) ++r[id];
      }
  }
  stamp = {};
  for (std::size_t s = 0; s < segmentations.size(); ++s) {
    if (per_segment) comm.allreduce_sum_inplace(std::span<Count>(count[s]));
    const std::vector<std::uint64_t> per_code = baskets_per_segment(comm, segmentations[s], basket_begin);
    for (std::uint32_t code = 0; code < segments[s]; ++code) {
      if (per_code[code] == 0) continue;
      const Count min_count = min_count_for(per_code[code], segment);
      lowest = std::min(lowest, min_count);
      if (!per_segment) continue;
      for (std::uint32_t id = 0; id < id_space; ++id)
        if (count[s][std::size_t{code} * id_space + id] >= min_count) keep[id] = 1;
    }
  }
  if (!all.empty()) {
    comm.allreduce_sum_inplace(std::span<Count>(all));
    // With per-segment counts, only the overall run's items are added here; without, every item
    // that reaches the smallest threshold of any run.
    const Count min_count = per_segment ? overall_min : lowest;
    for (std::uint32_t id = 0; id < id_space; ++id)
      if (all[id] >= min_count) keep[id] = 1;
  }
  return fpgrowth::merge_baskets(local.offsets, local.ids, basket_begin, codes, segments, keep);
}

SegmentRules mine_segments(const Comm& comm, const WeightedBaskets& merged, std::span<const Segmentation> segmentations,
                           std::uint32_t id_space, const PfpResult& overall, const SegmentParams& p) {
  SegmentRules out;
  OverallCounts overall_counts(overall);
  struct Slots {
    std::size_t both, antecedent, consequent;
  };
  std::vector<Slots> slots;
  Stopwatch sw;
  out.merged_baskets = comm.allreduce_sum<std::uint64_t>(merged.size());
  for (std::size_t s = 0; s < segmentations.size(); ++s) {
    const Segmentation& seg = segmentations[s];
    // Baskets per segment over all ranks: a segment without any is listed, not mined.
    std::vector<std::uint64_t> per_code(seg.names.size(), 0);
    for (std::size_t b = 0; b < merged.size(); ++b)
      if (merged.code[s][b] < per_code.size()) per_code[merged.code[s][b]] += merged.weight[b];
    comm.allreduce_sum_inplace(std::span<std::uint64_t>(per_code));
    for (std::uint32_t code = 0; code < per_code.size(); ++code) {
      stop_point(comm, "rules");
      out.segmentation.push_back(seg.kind);
      out.code.push_back(code);
      out.name.push_back(seg.names[code]);
      out.baskets.push_back(per_code[code]);
      if (per_code[code] == 0) {
        out.status.push_back("no baskets");
        out.min_count.push_back(0);
        out.itemsets.push_back(0);
        out.rule_offset.push_back(out.rules());
        continue;
      }
      const PfpResult r = parallel_fpgrowth(comm, BasketView(merged, s, code), id_space, p.pfp);
      out.shuffled_bytes += r.sent_bytes;
      out.min_count.push_back(r.min_count);
      if (r.over_cap) {
        // One segment past the cap does not stop the run. Its row says so; how many itemsets the
        // groups found before stopping, and the support suggested from them, depend on the grouping
        // (the rank count), so they go to the log, not to the outputs.
        out.status.push_back("over --max-itemsets " + std::to_string(p.pfp.max_itemsets) + " at min count " +
                             std::to_string(r.min_count));
        out.itemsets.push_back(0);
        out.rule_offset.push_back(out.rules());
        if (comm.is_root())
          spdlog::warn("rules: segment {} '{}' not mined: {}", seg.kind, seg.names[code], over_cap_message(r, p.pfp.max_itemsets));
        continue;
      }
      out.status.push_back("mined");
      out.itemsets.push_back(r.itemsets.size());
      const fpgrowth::RuleSet rs = derive_rules(comm, r.itemsets, r.baskets, p.rules);
      std::vector<std::uint32_t> a, c, both;
      for (std::size_t i = 0; i < rs.size(); ++i) {
        a.clear();
        c.clear();
        for (const Rank x : rs.antecedent(i)) a.push_back(r.flist.ids[x]);
        for (const Rank x : rs.consequent(i)) c.push_back(r.flist.ids[x]);
        out.antecedent.insert(out.antecedent.end(), a.begin(), a.end());
        out.consequent.insert(out.consequent.end(), c.begin(), c.end());
        out.antecedent_offset.push_back(out.antecedent.size());
        out.consequent_offset.push_back(out.consequent.size());
        out.count.push_back(rs.rules[i].count);
        out.metrics.push_back(rs.rules[i].metrics);
        both = a;
        both.insert(both.end(), c.begin(), c.end());
        slots.push_back({overall_counts.slot(both), overall_counts.slot(a), overall_counts.slot(c)});
      }
      out.rule_offset.push_back(out.rules());
      spdlog::debug("rules: segment {} '{}': {} baskets, min count {}, {} itemsets, {} rules", seg.kind,
                    seg.names[code], r.baskets, r.min_count, r.itemsets.size(), rs.size());
    }
  }
  out.seconds_mine = sw.seconds();

  // The same rules over all baskets. A segment's baskets are among all baskets, so count(X u Y)
  // there is at least the segment's (> 0): the measures are defined.
  sw = Stopwatch();
  overall_counts.count_apart(comm, merged, id_space);
  out.counted_apart = overall_counts.apart();
  for (const Slots& s : slots) {
    const Count z = overall_counts[s.both];
    out.overall_count.push_back(z);
    out.overall.push_back(fpgrowth::rule_metrics(overall.baskets, z, overall_counts[s.antecedent],
                                                 overall_counts[s.consequent]));
  }
  out.seconds_overall = sw.seconds();
  return out;
}

}  // namespace crmpi::rules_job
