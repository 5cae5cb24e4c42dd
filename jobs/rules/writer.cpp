// The rules stage's outputs: /rules in results.h5 (io/results_schema.hpp), csv/itemsets.csv and
// csv/rules.csv. Itemsets and rules are the same on every rank (pfp.cpp gathers them): rank 0
// writes the tables and the CSV files.
#include <cmath>
#include <string>

#include "io/csv_writer.hpp"
#include "jobs/rules/rules_stage.hpp"

namespace crmpi {

namespace {

namespace layout = results_schema;
using fpgrowth::Rank;

// Items of an itemset or rule side in a CSV cell: names joined by " | " (docs/rules.md).
std::string join_names(std::span<const Rank> ranks, const fpgrowth::FList& flist, const std::vector<std::string>& names) {
  std::string s;
  for (const Rank r : ranks) {
    if (!s.empty()) s += " | ";
    s += names[flist.ids[r]];
  }
  return s;
}

std::string number_or_inf(double v) { return std::isinf(v) ? std::string("inf") : csv_number(v); }

}  // namespace

void write_rules(const Comm& comm, ResultsFile& results, OutputSet& out, const RulesResult& r, const RulesConfig& cfg) {
  const auto& f = r.pfp;
  const auto& flist = f.flist;
  // Names by item id: the input's, else the id itself (no item is nameless in the outputs).
  std::vector<std::string> names(f.flist.rank_of_id.size());
  for (std::size_t id = 0; id < names.size(); ++id)
    names[id] = id < r.item_names.size() && !r.item_names[id].empty() ? r.item_names[id] : std::to_string(id);

  results.write_attr_int(layout::rules::kBaskets, static_cast<std::int64_t>(f.baskets));
  results.write_attr_string(layout::rules::kBasketKind, cfg.by_customer ? "customer" : "order");
  results.write_attr_string(layout::rules::kLevel, r.item_kind);
  results.write_attr_double(layout::rules::kMinSupport, cfg.min_support);
  results.write_attr_int(layout::rules::kMinCount, static_cast<std::int64_t>(f.min_count));
  results.write_attr_double(layout::rules::kMinConfidence, cfg.min_confidence);
  results.write_attr_int(layout::rules::kMaxLength, cfg.max_length);

  std::vector<std::string> item_names;
  for (const std::uint32_t id : flist.ids) item_names.push_back(names[id]);
  results.write_replicated(layout::rules::kItemId, flist.ids);
  results.write_replicated(layout::rules::kItemCount, flist.counts);
  results.write_strings(layout::rules::kItemName, item_names);

  // Itemsets with item ids (not F-list ranks), in the canonical order of kernels/fpgrowth.
  std::vector<std::uint32_t> items(f.itemsets.items.size());
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = flist.ids[f.itemsets.items[i]];
  std::vector<double> support(f.itemsets.size());
  for (std::size_t i = 0; i < support.size(); ++i)
    support[i] = static_cast<double>(f.itemsets.counts[i]) / static_cast<double>(f.baskets);
  results.write_replicated(layout::rules::kItemsetOffset, f.itemsets.offsets);
  results.write_replicated(layout::rules::kItemsetItems, items);
  results.write_replicated(layout::rules::kItemsetCount, f.itemsets.counts);
  results.write_replicated(layout::rules::kItemsetSupport, support);

  const auto& rs = r.rules;
  std::vector<std::uint64_t> a_off{0}, c_off{0}, count;
  std::vector<std::uint32_t> a_items, c_items;
  std::vector<double> sup, conf, lift, lev, conv;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    for (const Rank x : rs.antecedent(i)) a_items.push_back(flist.ids[x]);
    for (const Rank x : rs.consequent(i)) c_items.push_back(flist.ids[x]);
    a_off.push_back(a_items.size());
    c_off.push_back(c_items.size());
    const auto& m = rs.rules[i].metrics;
    count.push_back(rs.rules[i].count);
    sup.push_back(m.support);
    conf.push_back(m.confidence);
    lift.push_back(m.lift);
    lev.push_back(m.leverage);
    conv.push_back(m.conviction);
  }
  results.write_replicated(layout::rules::kAntecedentOffset, a_off);
  results.write_replicated(layout::rules::kAntecedent, a_items);
  results.write_replicated(layout::rules::kConsequentOffset, c_off);
  results.write_replicated(layout::rules::kConsequent, c_items);
  results.write_replicated(layout::rules::kRuleCount, count);
  results.write_replicated(layout::rules::kRuleSupport, sup);
  results.write_replicated(layout::rules::kRuleConfidence, conf);
  results.write_replicated(layout::rules::kRuleLift, lift);
  results.write_replicated(layout::rules::kRuleLeverage, lev);
  results.write_replicated(layout::rules::kRuleConviction, conv);

  results.write_column(layout::rules::kCustomerId, r.customer_id);
  results.write_column(layout::rules::kRecommendCount, r.recommend_count);
  results.write_rows(layout::rules::kRecommendItem, r.recommend_item);
  results.write_rows(layout::rules::kRecommendScore, r.recommend_score);
  results.write_rows(layout::rules::kRecommendRule, r.recommend_rule);

  const std::string itemsets_csv = out.temp_path("csv/itemsets.csv");
  const std::string rules_csv = out.temp_path("csv/rules.csv");
  if (!comm.is_root()) return;
  CsvWriter ic(itemsets_csv, {"items", "size", "count", "support"});
  for (std::size_t i = 0; i < f.itemsets.size(); ++i)
    ic.row({join_names(f.itemsets[i], flist, names), std::to_string(f.itemsets[i].size()),
            std::to_string(f.itemsets.counts[i]), csv_number(support[i], 9)});
  ic.close();
  CsvWriter rc(rules_csv,
               {"antecedent", "consequent", "count", "support", "confidence", "lift", "leverage", "conviction"});
  for (std::size_t i = 0; i < rs.size(); ++i)
    rc.row({join_names(rs.antecedent(i), flist, names), join_names(rs.consequent(i), flist, names),
            std::to_string(count[i]), csv_number(sup[i], 9), csv_number(conf[i], 9), csv_number(lift[i], 9),
            csv_number(lev[i], 9), number_or_inf(conv[i])});
  rc.close();
}

}  // namespace crmpi
