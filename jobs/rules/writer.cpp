// The rules stage's outputs: /rules in results.h5 (io/results_schema.hpp), csv/itemsets.csv and
// csv/rules.csv; in `crmpi run`, /rules/segments, csv/rule_segments.csv and csv/segment_rules.csv. Itemsets and rules are the same on every rank (pfp.cpp gathers them): rank 0
// writes the tables and the CSV files.
#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "io/csv_writer.hpp"
#include "jobs/rules/rules_stage.hpp"

namespace crmpi {

namespace {

namespace layout = results_schema;
using fpgrowth::Rank;

// Items of an itemset or rule side in a CSV cell: names joined by " | " (docs/rules.md), into `s`
// (reused from row to row: itemsets.csv and rules.csv can have millions of rows).
const std::string& join_names(std::span<const Rank> ranks, const fpgrowth::FList& flist,
                              const std::vector<std::string>& names, std::string& s) {
  s.clear();
  for (const Rank r : ranks) {
    if (!s.empty()) s += " | ";
    s += names[flist.ids[r]];
  }
  return s;
}

// A rule's conviction cell: "inf" where the rule always holds (docs/rules.md), else 6 decimals.
void conviction_cell(CsvWriter& w, double v) {
  if (std::isinf(v))
    w.text("inf");
  else
    w.number(v);
}

// The support cells of one CSV file. A support is count / baskets (as doubles: the itemsets'
// column below, rule_metrics' ratio), a function of the count alone, so where the baskets are few
// each count's cell is formatted once, on first use, and copied after (mushroom 10%: 574,431
// itemsets of 7,312 distinct counts); the same bytes number(support, 9) writes (csv_number tries
// the same fixed_digits first; a support is never negative, so the cell is plain).
class SupportCells {
 public:
  static constexpr std::uint64_t kMaxBaskets = std::uint64_t{1} << 16;  // at most 4 MiB of cells
  explicit SupportCells(std::uint64_t baskets) {
    if (baskets <= kMaxBaskets) cells_.resize(baskets + 1);
  }
  void write(CsvWriter& w, std::uint64_t count, double support) {
    if (count >= cells_.size()) {
      w.number(support, 9);
      return;
    }
    CsvCell& c = cells_[count];
    if (c.size() == 0) c = CsvCell(csv_number(support, 9));  // never empty once formatted
    w.text(c);
  }

 private:
  std::vector<CsvCell> cells_;
};

// Names by item id over an id span: the input's, else the id itself.
std::string join_ids(std::span<const std::uint32_t> ids, const std::vector<std::string>& names) {
  std::string s;
  for (const std::uint32_t id : ids) {
    if (!s.empty()) s += " | ";
    s += names[id];
  }
  return s;
}

// /rules/segments and csv/segment_rules.csv, csv/rule_segments.csv (docs/rules.md, "Per segment").
void write_segments(const Comm& comm, ResultsFile& results, OutputSet& out, const rules_job::SegmentRules& s,
                    const RulesConfig& cfg, const std::vector<std::string>& names) {
  results.write_attr_int(layout::rules::kSegmentMinCount, cfg.segment_min_count);
  results.write_strings(layout::rules::kSegmentSegmentation, s.segmentation);
  results.write_replicated(layout::rules::kSegmentCode, s.code);
  results.write_strings(layout::rules::kSegmentName, s.name);
  results.write_replicated(layout::rules::kSegmentBaskets, s.baskets);
  results.write_replicated(layout::rules::kSegmentMinCountRow, s.min_count);
  results.write_replicated(layout::rules::kSegmentItemsets, s.itemsets);
  results.write_strings(layout::rules::kSegmentStatus, s.status);
  results.write_replicated(layout::rules::kSegmentRuleOffset, s.rule_offset);
  std::vector<double> sup, conf, lift, lev, conv, o_sup, o_conf, o_lift;
  for (std::size_t i = 0; i < s.rules(); ++i) {
    sup.push_back(s.metrics[i].support);
    conf.push_back(s.metrics[i].confidence);
    lift.push_back(s.metrics[i].lift);
    lev.push_back(s.metrics[i].leverage);
    conv.push_back(s.metrics[i].conviction);
    o_sup.push_back(s.overall[i].support);
    o_conf.push_back(s.overall[i].confidence);
    o_lift.push_back(s.overall[i].lift);
  }
  results.write_replicated(layout::rules::kSegAntecedentOffset, s.antecedent_offset);
  results.write_replicated(layout::rules::kSegAntecedent, s.antecedent);
  results.write_replicated(layout::rules::kSegConsequentOffset, s.consequent_offset);
  results.write_replicated(layout::rules::kSegConsequent, s.consequent);
  results.write_replicated(layout::rules::kSegRuleCount, s.count);
  results.write_replicated(layout::rules::kSegRuleSupport, sup);
  results.write_replicated(layout::rules::kSegRuleConfidence, conf);
  results.write_replicated(layout::rules::kSegRuleLift, lift);
  results.write_replicated(layout::rules::kSegRuleLeverage, lev);
  results.write_replicated(layout::rules::kSegRuleConviction, conv);
  results.write_replicated(layout::rules::kSegRuleOverallCount, s.overall_count);
  results.write_replicated(layout::rules::kSegRuleOverallSupport, o_sup);
  results.write_replicated(layout::rules::kSegRuleOverallConfidence, o_conf);
  results.write_replicated(layout::rules::kSegRuleOverallLift, o_lift);

  const std::string segments_csv = out.temp_path("csv/rule_segments.csv");
  const std::string rules_csv = out.temp_path("csv/segment_rules.csv");
  if (!comm.is_root()) return;
  CsvWriter sc(segments_csv, {"segmentation", "code", "segment", "baskets", "min_count", "itemsets", "rules", "status"});
  for (std::size_t g = 0; g < s.segments(); ++g)
    sc.row({s.segmentation[g], std::to_string(s.code[g]), s.name[g], std::to_string(s.baskets[g]),
            std::to_string(s.min_count[g]), std::to_string(s.itemsets[g]),
            std::to_string(s.rule_offset[g + 1] - s.rule_offset[g]), s.status[g]});
  sc.close();
  CsvWriter rc(rules_csv, {"segmentation", "segment", "antecedent", "consequent", "count", "support", "confidence",
                           "lift", "overall_lift", "overall_confidence", "overall_count", "overall_support", "leverage",
                           "conviction"});
  for (std::size_t g = 0; g < s.segments(); ++g)
    for (std::uint64_t i = s.rule_offset[g]; i < s.rule_offset[g + 1]; ++i) {
      const std::span<const std::uint32_t> a(s.antecedent.data() + s.antecedent_offset[i],
                                             s.antecedent_offset[i + 1] - s.antecedent_offset[i]);
      const std::span<const std::uint32_t> c(s.consequent.data() + s.consequent_offset[i],
                                             s.consequent_offset[i + 1] - s.consequent_offset[i]);
      rc.text(s.segmentation[g]).text(s.name[g]).text(join_ids(a, names)).text(join_ids(c, names));
      rc.integer(s.count[i]).number(sup[i], 9).number(conf[i], 9).number(lift[i], 9).number(o_lift[i], 9);
      rc.number(o_conf[i], 9).integer(s.overall_count[i]).number(o_sup[i], 9).number(lev[i], 9);
      conviction_cell(rc, conv[i]);
      rc.end_row();
    }
  rc.close();
}

}  // namespace

void write_rules(const Comm& comm, ResultsFile& results, OutputSet& out, const RulesResult& r, const RulesConfig& cfg,
                 bool in_pipeline) {
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
  results.write_attr_int(layout::rules::kRulesDerived, cfg.itemsets_only ? 0 : 1);

  std::vector<std::string> item_names;
  for (const std::uint32_t id : flist.ids) item_names.push_back(names[id]);
  results.write_replicated(layout::rules::kItemId, flist.ids);
  results.write_replicated(layout::rules::kItemCount, flist.counts);
  results.write_strings(layout::rules::kItemName, item_names);

  // Itemsets with item ids (not F-list ranks), in the canonical order of kernels/fpgrowth.
  const auto support_of = [&](std::uint64_t count) { return static_cast<double>(count) / static_cast<double>(f.baskets); };
  results.write_replicated(layout::rules::kItemsetOffset, f.itemsets.offsets);
  results.write_replicated_parts<std::uint32_t>(layout::rules::kItemsetItems, f.itemsets.items.size(),
                                                [&](std::uint64_t first, std::span<std::uint32_t> part) {
                                                  for (std::size_t i = 0; i < part.size(); ++i)
                                                    part[i] = flist.ids[f.itemsets.items[first + i]];
                                                });
  results.write_replicated(layout::rules::kItemsetCount, f.itemsets.counts);
  results.write_replicated_parts<double>(layout::rules::kItemsetSupport, f.itemsets.size(),
                                         [&](std::uint64_t first, std::span<double> part) {
                                           for (std::size_t i = 0; i < part.size(); ++i)
                                             part[i] = support_of(f.itemsets.counts[first + i]);
                                         });

  // The rule columns one at a time through one buffer (chess 80%'s 552,564 rules: 4.4 MB a column
  // instead of 35 MB of columns at once, fresh pages the kernel would zero).
  const auto& rs = r.rules;
  {
    std::vector<std::uint64_t> off{0};
    std::vector<std::uint32_t> side;
    off.reserve(rs.size() + 1);
    side.reserve(rs.items.size());
    const auto write_side = [&](const auto& off_path, const auto& items_path, bool antecedent) {
      off.resize(1);
      side.clear();
      for (std::size_t i = 0; i < rs.size(); ++i) {
        for (const Rank x : antecedent ? rs.antecedent(i) : rs.consequent(i)) side.push_back(flist.ids[x]);
        off.push_back(side.size());
      }
      results.write_replicated(off_path, off);
      results.write_replicated(items_path, side);
    };
    write_side(layout::rules::kAntecedentOffset, layout::rules::kAntecedent, true);
    write_side(layout::rules::kConsequentOffset, layout::rules::kConsequent, false);
    off.resize(rs.size());
    for (std::size_t i = 0; i < rs.size(); ++i) off[i] = rs.rules[i].count;
    results.write_replicated(layout::rules::kRuleCount, std::span<const std::uint64_t>(off));
  }
  {
    std::vector<double> col(rs.size());
    const auto write_metric = [&](const auto& path, double fpgrowth::RuleMetrics::*field) {
      for (std::size_t i = 0; i < rs.size(); ++i) col[i] = rs.rules[i].metrics.*field;
      results.write_replicated(path, col);
    };
    write_metric(layout::rules::kRuleSupport, &fpgrowth::RuleMetrics::support);
    write_metric(layout::rules::kRuleConfidence, &fpgrowth::RuleMetrics::confidence);
    write_metric(layout::rules::kRuleLift, &fpgrowth::RuleMetrics::lift);
    write_metric(layout::rules::kRuleLeverage, &fpgrowth::RuleMetrics::leverage);
    write_metric(layout::rules::kRuleConviction, &fpgrowth::RuleMetrics::conviction);
  }

  results.write_column(layout::rules::kCustomerId, r.customer_id);
  results.write_column(layout::rules::kRecommendCount, r.recommend_count);
  results.write_rows(layout::rules::kRecommendItem, r.recommend_item);
  results.write_rows(layout::rules::kRecommendScore, r.recommend_score);
  results.write_rows(layout::rules::kRecommendRule, r.recommend_rule);

  if (in_pipeline && !cfg.itemsets_only) write_segments(comm, results, out, r.segments, cfg, names);

  const std::string itemsets_csv = out.temp_path("csv/itemsets.csv");
  // --itemsets-only: no rules.csv (an earlier run's goes: RulesStage::retire_outputs).
  const std::string rules_csv = cfg.itemsets_only ? std::string() : out.temp_path("csv/rules.csv");
  if (!comm.is_root()) return;
  // Each item's name as a cell, formatted once: an itemset's or a rule side's cell is then its
  // items' cells joined (text_joined), unless a name needs quoting or the formula guard.
  std::vector<CsvCell> item_cell;
  item_cell.reserve(flist.ids.size());
  for (const std::uint32_t id : flist.ids) item_cell.emplace_back(names[id]);
  const CsvJoin items_joined(item_cell, " | ");
  CsvWriter ic(itemsets_csv, {"items", "size", "count", "support"});
  std::string joined, joined2;
  SupportCells support_cells(f.baskets);
  for (std::size_t i = 0; i < f.itemsets.size(); ++i) {
    if (!ic.text_joined(f.itemsets[i], items_joined)) ic.text(join_names(f.itemsets[i], flist, names, joined));
    ic.integer(f.itemsets[i].size());
    ic.integer(f.itemsets.counts[i]);
    support_cells.write(ic, f.itemsets.counts[i], support_of(f.itemsets.counts[i]));
    ic.end_row();
  }
  ic.close();
  if (cfg.itemsets_only) return;
  CsvWriter rc(rules_csv,
               {"antecedent", "consequent", "count", "support", "confidence", "lift", "leverage", "conviction"});
  // A rule's antecedent cell is made once for all its rules (they are adjacent; chess 80% has
  // 552,564 rules of 8,001 antecedents).
  CsvCell antecedent_cell;
  std::span<const Rank> last_antecedent;
  SupportCells rule_support_cells(f.baskets);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const auto& m = rs.rules[i].metrics;
    const std::span<const Rank> a = rs.antecedent(i), c = rs.consequent(i);
    if (a.size() == 1) {
      rc.text(item_cell[a[0]]);
    } else {
      if (!std::ranges::equal(a, last_antecedent)) {
        antecedent_cell = CsvCell(join_names(a, flist, names, joined));
        last_antecedent = a;
      }
      rc.text(antecedent_cell);
    }
    if (c.size() == 1)
      rc.text(item_cell[c[0]]);
    else if (!rc.text_joined(c, items_joined))
      rc.text(join_names(c, flist, names, joined2));
    rc.integer(rs.rules[i].count);
    rule_support_cells.write(rc, rs.rules[i].count, m.support);
    rc.number(m.confidence, 9).number(m.lift, 9).number(m.leverage, 9);
    conviction_cell(rc, m.conviction);
    rc.end_row();
  }
  rc.close();
}

}  // namespace crmpi
