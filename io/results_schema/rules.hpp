// The results layout: the entries of /rules (io/results_schema.hpp lists them all).
#pragma once

#include "io/results_schema/entry.hpp"

namespace crmpi::results_schema {

// ---- /rules: frequent itemsets and association rules (not per customer) -------------------------
namespace rules {
inline constexpr Entry kGroup = group("/rules", "frequent itemsets (parallel FP-growth) and association rules");
inline constexpr Entry kBaskets = attr("/rules", "baskets", kInt64, "baskets mined (orders, or customers, with items by as_of)");
inline constexpr Entry kBasketKind = attr("/rules", "basket", kString, "order or customer");
inline constexpr Entry kLevel = attr("/rules", "level", kString, "items: product or category");
inline constexpr Entry kMinSupport = attr("/rules", "min_support", kFloat64, "--min-support as given");
inline constexpr Entry kMinCount =
    attr("/rules", "min_count", kInt64, "the count threshold applied: max(ceil(min_support x baskets), --min-count)");
inline constexpr Entry kMinConfidence = attr("/rules", "min_confidence", kFloat64, "--min-confidence");
inline constexpr Entry kMaxLength = attr("/rules", "max_length", kInt64, "--max-length (0: unlimited)");
inline constexpr Entry kRulesDerived = attr("/rules", "rules_derived", kInt64,
                                            "1: rules and recommendations derived; 0: --itemsets-only (their tables empty)");

inline constexpr Entry kItemId = table("/rules/item_id", kUint32, "",
                                       "the frequent items (the F-list): product id or category code, by count "
                                       "descending then id");
inline constexpr Entry kItemCount = table("/rules/item_count", kUint64, "/rules/item_id", "baskets holding the item");
inline constexpr Entry kItemName =
    strings("/rules/item_name", "the item's name (product name, else key; category name; '' when none)");

inline constexpr Entry kItemsets = group("/rules/itemsets", "every frequent itemset, single items included");
inline constexpr Entry kItemsetOffset = table("/rules/itemsets/offset", kUint64, "",
                                              "itemset i is items[offset[i], offset[i+1]) (one more row than count)");
inline constexpr Entry kItemsetItems =
    table("/rules/itemsets/items", kUint32, "", "item ids (rows of /rules/item_id's values), most frequent first");
inline constexpr Entry kItemsetCount =
    table("/rules/itemsets/count", kUint64, "", "baskets holding every item of the itemset");
inline constexpr Entry kItemsetSupport =
    table("/rules/itemsets/support", kFloat64, "/rules/itemsets/count", "count / baskets");

inline constexpr Entry kCustomerId =
    column("/rules/customer_id", kUint64, "customer id (every customer of the input, in input order)");
inline constexpr Entry kRecommendCount =
    column("/rules/recommend_count", kUint32, "cross-sell recommendations of the customer (0 to --recommend)");
inline constexpr Entry kRecommend = group("/rules/recommend", "the recommendations, customer by customer, best first");
inline constexpr Entry kRecommendItem = list_rows("/rules/recommend/item", kUint32, "/rules/recommend_count",
                                                  "recommended item id (product id or category code)");
inline constexpr Entry kRecommendScore = list_rows("/rules/recommend/score", kFloat64, "/rules/recommend_count",
                                                   "confidence x lift of the best rule recommending it");
inline constexpr Entry kRecommendRule = list_rows("/rules/recommend/rule", kUint64, "/rules/recommend_count",
                                                  "that rule: a row of /rules/rules");
inline constexpr Entry kRulesGroup = group("/rules/rules", "association rules antecedent -> consequent");
inline constexpr Entry kAntecedentOffset =
    table("/rules/rules/antecedent_offset", kUint64, "", "rule i's antecedent is antecedent[offset[i], offset[i+1])");
inline constexpr Entry kAntecedent = table("/rules/rules/antecedent", kUint32, "", "item ids");
inline constexpr Entry kConsequentOffset =
    table("/rules/rules/consequent_offset", kUint64, "", "rule i's consequent is consequent[offset[i], offset[i+1])");
inline constexpr Entry kConsequent = table("/rules/rules/consequent", kUint32, "", "item ids");
inline constexpr Entry kRuleCount = table("/rules/rules/count", kUint64, "", "baskets holding antecedent and consequent");
inline constexpr Entry kRuleSupport = table("/rules/rules/support", kFloat64, "/rules/rules/count", "count / baskets");
inline constexpr Entry kRuleConfidence =
    table("/rules/rules/confidence", kFloat64, "/rules/rules/count", "count / antecedent count");
inline constexpr Entry kRuleLift =
    table("/rules/rules/lift", kFloat64, "/rules/rules/count", "confidence / consequent support");
inline constexpr Entry kRuleLeverage = table("/rules/rules/leverage", kFloat64, "/rules/rules/count",
                                             "support - antecedent support x consequent support");
inline constexpr Entry kRuleConviction = table("/rules/rules/conviction", kFloat64, "/rules/rules/count",
                                               "(1 - consequent support) / (1 - confidence); inf at confidence 1");
// Per-segment rules (`crmpi run`; docs/rules.md "Per segment"): a row per segment of each
// segmentation, and the rules mined within each, beside the same rule over all baskets.
inline constexpr Entry kSegments = group(
    "/rules/segments", "rules within each segment: RFM segments, k-means segments when that stage ran", When::kPipeline);
inline constexpr Entry kSegmentMinCount = attr("/rules/segments", "segment_min_count", kInt64,
                                               "--segment-min-count: in a segment, frequent needs this many baskets too",
                                               When::kPipeline);
inline constexpr Entry kSegmentSegmentation =
    strings("/rules/segments/segmentation", "row s: the segmentation, rfm or kmeans", When::kPipeline);
inline constexpr Entry kSegmentCode = table("/rules/segments/code", kUint32, "",
                                            "row s: the segment's code in /rfm/segment or /kmeans/segment",
                                            When::kPipeline);
inline constexpr Entry kSegmentName = strings("/rules/segments/name", "row s: the segment's name", When::kPipeline);
inline constexpr Entry kSegmentBaskets =
    table("/rules/segments/baskets", kUint64, "/rules/segments/code", "baskets of the segment's customers", When::kPipeline);
inline constexpr Entry kSegmentMinCountRow = table(
    "/rules/segments/min_count", kUint64, "/rules/segments/code",
    "the count threshold applied: max(ceil(min_support x baskets), --min-count, --segment-min-count)", When::kPipeline);
inline constexpr Entry kSegmentItemsets =
    table("/rules/segments/itemsets", kUint64, "/rules/segments/code",
          "frequent itemsets in the segment (0 when not mined)", When::kPipeline);
inline constexpr Entry kSegmentStatus = strings(
    "/rules/segments/status", "row s: mined, no baskets, or over --max-itemsets N at min count M (the log suggests a support)",
    When::kPipeline);
inline constexpr Entry kSegmentRuleOffset =
    table("/rules/segments/rule_offset", kUint64, "",
          "segment row s's rules are rows [rule_offset[s], rule_offset[s+1]) of /rules/segments/rules", When::kPipeline);
inline constexpr Entry kSegmentRules =
    group("/rules/segments/rules", "the segments' rules, segment by segment, each in /rules/rules' order", When::kPipeline);
inline constexpr Entry kSegAntecedentOffset =
    table("/rules/segments/rules/antecedent_offset", kUint64, "",
          "rule i's antecedent is antecedent[offset[i], offset[i+1])", When::kPipeline);
inline constexpr Entry kSegAntecedent = table("/rules/segments/rules/antecedent", kUint32, "", "item ids", When::kPipeline);
inline constexpr Entry kSegConsequentOffset =
    table("/rules/segments/rules/consequent_offset", kUint64, "",
          "rule i's consequent is consequent[offset[i], offset[i+1])", When::kPipeline);
inline constexpr Entry kSegConsequent = table("/rules/segments/rules/consequent", kUint32, "", "item ids", When::kPipeline);
inline constexpr Entry kSegRuleCount = table("/rules/segments/rules/count", kUint64, "",
                                             "the segment's baskets holding antecedent and consequent", When::kPipeline);
inline constexpr Entry kSegRuleSupport = table("/rules/segments/rules/support", kFloat64, "/rules/segments/rules/count",
                                               "count / the segment's baskets", When::kPipeline);
inline constexpr Entry kSegRuleConfidence =
    table("/rules/segments/rules/confidence", kFloat64, "/rules/segments/rules/count",
          "in the segment: count / antecedent count", When::kPipeline);
inline constexpr Entry kSegRuleLift = table("/rules/segments/rules/lift", kFloat64, "/rules/segments/rules/count",
                                            "in the segment: confidence / consequent support", When::kPipeline);
inline constexpr Entry kSegRuleLeverage = table("/rules/segments/rules/leverage", kFloat64,
                                                "/rules/segments/rules/count", "in the segment", When::kPipeline);
inline constexpr Entry kSegRuleConviction =
    table("/rules/segments/rules/conviction", kFloat64, "/rules/segments/rules/count",
          "in the segment (+inf at confidence 1)", When::kPipeline);
inline constexpr Entry kSegRuleOverallCount =
    table("/rules/segments/rules/overall_count", kUint64, "/rules/segments/rules/count",
          "all baskets holding antecedent and consequent (counted exactly, frequent overall or not)", When::kPipeline);
inline constexpr Entry kSegRuleOverallSupport =
    table("/rules/segments/rules/overall_support", kFloat64, "/rules/segments/rules/count",
          "the same rule over all baskets: overall_count / baskets", When::kPipeline);
inline constexpr Entry kSegRuleOverallConfidence =
    table("/rules/segments/rules/overall_confidence", kFloat64, "/rules/segments/rules/count",
          "the same rule over all baskets: its confidence", When::kPipeline);
inline constexpr Entry kSegRuleOverallLift =
    table("/rules/segments/rules/overall_lift", kFloat64, "/rules/segments/rules/count",
          "the same rule over all baskets: its lift", When::kPipeline);
}  // namespace rules

}  // namespace crmpi::results_schema
