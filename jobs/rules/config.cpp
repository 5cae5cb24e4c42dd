// `crmpi rules` / the [rules] table: binding and validation.
#include <cmath>
#include <string>

#include "jobs/cli/options.hpp"
#include "jobs/rules/rules_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void RulesConfig::bind(Options& o) {
  o.bind("rules", "min-support", min_support,
         "frequent: in at least this fraction of the baskets (count = ceil(F x baskets)), in (0, 1]");
  o.bind("rules", "min-count", min_count, "frequent: in at least this many baskets too");
  o.bind("rules", "min-confidence", min_confidence, "rules: confidence at least this, in [0, 1]");
  o.bind("rules", "max-length", max_length, "items in an itemset at most (0: unlimited)");
  o.bind("rules", "max-itemsets", max_itemsets,
         "stop with an error (and a suggested support) beyond this many frequent itemsets");
  o.bind("rules", "max-consequent", max_consequent, "items in a rule's consequent at most (0: any; default 1)");
  o.bind("rules", "min-lift", min_lift, "rules: lift at least this (0: all)");
  o.bind("rules", "top-per-antecedent", top_per_antecedent, "rules: the best N of each antecedent (0: all)");
  o.bind("rules", "level", level, "items: product or category");
  o.bind("rules", "baskets", baskets, "a basket is an order, or all of a customer's orders (order | customer)");
  o.bind("rules", "recommend", recommend, "cross-sell recommendations per customer (0: none)");
  o.bind("rules", "recent-orders", recent_orders,
         "a customer's recent items, which rules' antecedents must lie in: those of their last N orders");
  o.bind("rules", "by-segment", segments,
         "crmpi run: rules within each segment of these segmentations too: auto (those that ran), none, rfm, "
         "kmeans or rfm,kmeans");
  o.bind("rules", "segment-min-count", segment_min_count,
         "per-segment rules: frequent in a segment needs at least this many of its baskets too");
  o.bind("rules", "pair-filter", pair_filter,
         "cut each basket to its items in a frequent pair first (the results are the same): auto (where it pays), "
         "on, off");
  o.bind("rules", "itemsets-only", itemsets_only,
         "the frequent itemsets only: no rules, recommendations or per-segment rules; csv/rules.csv not written");
}

void RulesConfig::validate() {
  if (!(min_support > 0 && min_support <= 1))
    throw ConfigError("--min-support must be a fraction in (0, 1], got " + std::to_string(min_support));
  if (min_count < 1) throw ConfigError("--min-count must be >= 1, got " + std::to_string(min_count));
  if (!(min_confidence >= 0 && min_confidence <= 1))
    throw ConfigError("--min-confidence must be in [0, 1], got " + std::to_string(min_confidence));
  if (max_length < 0 || max_length > 1000)
    throw ConfigError("--max-length must be in 0..1000 (0: unlimited), got " + std::to_string(max_length));
  if (max_itemsets < 1) throw ConfigError("--max-itemsets must be >= 1, got " + std::to_string(max_itemsets));
  if (max_consequent < 0 || max_consequent > 1000)
    throw ConfigError("--max-consequent must be in 0..1000 (0: any), got " + std::to_string(max_consequent));
  if (!(std::isfinite(min_lift) && min_lift >= 0)) throw ConfigError("--min-lift must be a number >= 0");
  if (top_per_antecedent < 0) throw ConfigError("--top-per-antecedent must be >= 0 (0: all)");
  if (level != "product" && level != "category")
    throw ConfigError("--level must be product or category, got '" + level + "'");
  if (baskets != "order" && baskets != "customer")
    throw ConfigError("--baskets must be order or customer, got '" + baskets + "'");
  if (recommend < 0 || recommend > 1000) throw ConfigError("--recommend must be in 0..1000, got " + std::to_string(recommend));
  if (recent_orders < 1) throw ConfigError("--recent-orders must be >= 1, got " + std::to_string(recent_orders));
  if (segment_min_count < 1)
    throw ConfigError("--segment-min-count must be >= 1, got " + std::to_string(segment_min_count));
  using Use = rules_job::PfpParams::PairFilterUse;
  if (pair_filter == "auto") pair_filter_use = Use::automatic;
  else if (pair_filter == "on") pair_filter_use = Use::always;
  else if (pair_filter == "off") pair_filter_use = Use::never;
  else throw ConfigError("--pair-filter must be auto, on or off, got '" + pair_filter + "'");
  segments_auto = segments == "auto";
  segments_rfm = segments == "rfm" || segments == "rfm,kmeans" || segments == "kmeans,rfm";
  segments_kmeans = segments == "kmeans" || segments == "rfm,kmeans" || segments == "kmeans,rfm";
  if (!segments_auto && !segments_rfm && !segments_kmeans && segments != "none")
    throw ConfigError("--by-segment must be auto, none, rfm, kmeans or rfm,kmeans, got '" + segments + "'");
  by_category = level == "category";
  by_customer = baskets == "customer";
}

}  // namespace crmpi
