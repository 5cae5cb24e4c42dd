// Rules within customer segments (docs/rules.md, "Per segment"): the baskets of each segment of
// each segmentation (RFM segments; k-means segments when that stage ran) mined by the same
// parallel FP-growth as all baskets, and each segment rule set beside the same rule over all
// baskets (its overall count, confidence and lift), counted exactly even where the rule's
// itemsets are not frequent overall. Every rank returns the same tables.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/rules/pfp.hpp"
#include "kernels/fpgrowth/rules.hpp"

namespace crmpi::rules_job {

// One segmentation of the rank's customers.
struct Segmentation {
  std::string kind;                 // "rfm" or "kmeans"
  std::span<const std::uint32_t> code;  // per local customer, in the slice's order
  std::vector<std::string> names;   // by code (the same on every rank)
};

struct SegmentParams {
  PfpParams pfp;                        // min_count: the larger of --min-count and --segment-min-count
  fpgrowth::RuleParams rules;
};

// Replicated result. Row s of the segment table: one segment of one segmentation, every segment of
// each (in segmentation order, then code); its rules are rows [rule_offset[s], rule_offset[s+1])
// of the rule table, in make_rules' order.
struct SegmentRules {
  std::vector<std::string> segmentation, name, status;
  std::vector<std::uint32_t> code;
  std::vector<std::uint64_t> baskets, min_count, itemsets, rule_offset{0};
  // Rules, items as ids.
  std::vector<std::uint64_t> antecedent_offset{0}, consequent_offset{0};
  std::vector<std::uint32_t> antecedent, consequent;
  std::vector<fpgrowth::Count> count, overall_count;
  std::vector<fpgrowth::RuleMetrics> metrics, overall;  // in the segment's baskets; over all baskets
  std::uint64_t counted_apart = 0;  // overall itemset counts not among the overall frequent itemsets
  std::uint64_t merged_baskets = 0;  // distinct baskets the passes read (over all ranks; baskets of
                                     // different segments, or on different ranks, counted apart)
  double seconds_mine = 0, seconds_overall = 0;
  std::uint64_t shuffled_bytes = 0;  // this rank's: what its segments' PFP shuffles sent to other ranks

  std::size_t segments() const { return code.size(); }
  std::size_t rules() const { return count.size(); }
};

// Collective. The rank's baskets merged for mine_segments (pfp.hpp's WeightedBaskets), with the
// items any segment finds frequent under `segment`'s thresholds and, where `overall` is given,
// the items a run over all of them with those parameters finds frequent: that run can then read
// them too (BasketView(merged)). local: the rank's baskets; basket_begin: per local customer, its
// first basket (and one past the last customer's).
// The items are chosen from their count in every segment (products x segments integers, summed
// across ranks) when there are at most max_counters of those, else from their overall count
// (a looser choice: more items kept, the same results).
WeightedBaskets merge_for_segments(const Comm& comm, const Baskets& local, std::span<const std::uint64_t> basket_begin,
                                   std::span<const Segmentation> segmentations, std::uint32_t id_space,
                                   const PfpParams& segment, const PfpParams* overall,
                                   std::uint64_t max_counters = std::uint64_t{1} << 24);

// Collective. merged: merge_for_segments' baskets for these segmentations and p.pfp; overall: the
// run over all baskets (not over the cap).
SegmentRules mine_segments(const Comm& comm, const WeightedBaskets& merged, std::span<const Segmentation> segmentations,
                           std::uint32_t id_space, const PfpResult& overall, const SegmentParams& p);

}  // namespace crmpi::rules_job
