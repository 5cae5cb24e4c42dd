// The rules stage: the rank's baskets on the pass over the orders, then parallel FP-growth
// (pfp.cpp) and the association rules (rules_stage.hpp).
#include "jobs/rules/rules_stage.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "io/schema.hpp"
#include "jobs/common/log.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "jobs/rules/derive.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/fpgrowth/recommend.hpp"

namespace crmpi {

void RulesStage::begin_pass(const StageInput& in) {
  baskets_ = {};
  basket_begin_ = {0};
  recent_begin_ = {0};
  recent_.clear();
  r_.customer_id = in.customers.id;
  pass_problem_.clear();
  file_ = &in.file;
  order_offset_ = in.customers.order_offset;
  as_of_day_ = as_of_cfg_.value_or(in.file.as_of_day());
  if (!in.file.has_part(schema::Part::kItems)) {
    pass_problem_ = "rules: the input has no /items (the products of each order)";
    return;
  }
  if (cfg_.by_category && !in.file.has_part(schema::Part::kProducts)) {
    pass_problem_ = "rules: --level category needs /products/category, which the input lacks";
    return;
  }
  // The product table is small and not per customer: every rank reads it whole.
  const std::uint64_t products = in.file.has_part(schema::Part::kProducts) ? in.file.sizes().products : 0;
  if (cfg_.by_category) {
    category_of_product_ = in.file.read<std::uint16_t>(schema::kProductCategory, 0, products);
    id_space_ = 1u << 16;
  } else {
    id_space_ = static_cast<std::uint32_t>(products);  // 0 without /products: found from the items below
  }
  reserve_baskets(in);
}

// The baskets are the largest thing the stage holds: sized once from the slice's item and order
// counts (upper bounds: orders after as_of are left out), so that growing them never holds the
// old and the new array together (1.5x to 3x the data at the moment a vector doubles).
void RulesStage::reserve_baskets(const StageInput& in) {
  const auto& oo = in.customers.order_offset;
  if (oo.empty() || oo.back() < oo.front()) return;
  const std::vector<std::uint64_t> first = in.file.read<std::uint64_t>(schema::kItemOffset, oo.front(), 1),
                                   last = in.file.read<std::uint64_t>(schema::kItemOffset, oo.back(), 1);
  // Validation checks the offsets on this very pass; until then, trust them only within the file.
  if (first.size() != 1 || last.size() != 1 || last[0] < first[0] || last[0] > in.file.sizes().items) return;
  baskets_.ids.reserve(last[0] - first[0]);
  baskets_.offsets.reserve(1 + (cfg_.by_customer ? oo.size() - 1 : oo.back() - oo.front()));
  basket_begin_.reserve(oo.size());
  if (cfg_.by_customer && cfg_.recommend > 0) recent_begin_.reserve(oo.size());
}

// Item row `item`'s item for the mining: its product, or with --level category the product's
// category (a product beyond /products is a DataError naming the row).
std::uint32_t RulesStage::item_of(std::uint64_t item, std::uint32_t product) const {
  if (!cfg_.by_category) return product;
  if (product >= category_of_product_.size())
    throw DataError("rules: item " + std::to_string(item) + " has product_id " + std::to_string(product) +
                    " beyond /products (" + std::to_string(category_of_product_.size()) + " rows)");
  return category_of_product_[product];
}

// A basket per order (the default): the chunk's product ids are read straight into the baskets'
// array and compacted there (orders after as_of dropped, products mapped to categories), instead
// of into a temporary copied item by item (that copy was a quarter of the read pass's samples on
// 1M generated customers). The same baskets as consume's general way.
void RulesStage::consume_orders(const OrderChunk& ch) {
  const std::uint64_t first_item = ch.item_offset.front(), n = ch.item_offset.back() - first_item;
  auto& ids = baskets_.ids;
  const std::size_t base = ids.size();
  if (ids.capacity() < base + n) ids.reserve(std::max<std::size_t>(base + n, 2 * ids.capacity()));
  ids.resize(base + n);
  file_->read(schema::kItemProduct, first_item, n, ids.data() + base);
  std::size_t w = base;  // compacting: w never passes the order being read
  for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c) {
    for (std::uint64_t o = order_offset_[c]; o < order_offset_[c + 1]; ++o) {
      const std::uint64_t j = o - ch.order_begin;
      if (ch.day[j] > as_of_day_) continue;  // as RFM: only orders by as_of count
      const std::size_t r0 = base + (ch.item_offset[j] - first_item), r1 = base + (ch.item_offset[j + 1] - first_item);
      if (cfg_.by_category) {
        for (std::size_t r = r0; r < r1; ++r) ids[w++] = item_of(first_item + (r - base), ids[r]);
      } else {
        if (w != r0) std::copy(ids.begin() + static_cast<std::ptrdiff_t>(r0), ids.begin() + static_cast<std::ptrdiff_t>(r1),
                               ids.begin() + static_cast<std::ptrdiff_t>(w));
        w += r1 - r0;
      }
      if (w > baskets_.offsets.back()) baskets_.offsets.push_back(w);
    }
    basket_begin_.push_back(baskets_.size());
  }
  ids.resize(w);
}

// A basket per customer (--baskets customer); a basket per order: consume_orders.
void RulesStage::consume(const OrderChunk& ch) {
  if (!pass_problem_.empty() || ch.size == 0) return;
  if (!cfg_.by_customer) return consume_orders(ch);
  const std::uint64_t first_item = ch.item_offset.front();
  const std::vector<std::uint32_t> product =
      file_->read<std::uint32_t>(schema::kItemProduct, first_item, ch.item_offset.back() - first_item);
  auto add_items = [&](std::uint64_t j) {
    for (std::uint64_t it = ch.item_offset[j]; it < ch.item_offset[j + 1]; ++it)
      baskets_.ids.push_back(item_of(it, product[it - first_item]));
  };
  for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c) {
    std::uint64_t with_items = 0;  // the customer's orders by as_of with items, for `recent`
    for (std::uint64_t o = order_offset_[c]; o < order_offset_[c + 1]; ++o) {
      const std::uint64_t j = o - ch.order_begin;
      if (ch.day[j] > as_of_day_) continue;  // as RFM: only orders by as_of count
      add_items(j);
      with_items += ch.item_offset[j + 1] > ch.item_offset[j];
    }
    if (baskets_.ids.size() > baskets_.offsets.back()) baskets_.offsets.push_back(baskets_.ids.size());
    basket_begin_.push_back(baskets_.size());
    // Recent: the items of the last recent_orders of those orders (orders are sorted by day), kept
    // apart from the customer's one basket. (With a basket per order they are the customer's last
    // baskets: recommend() reads them there.)
    std::uint64_t skip = with_items > static_cast<std::uint64_t>(cfg_.recent_orders)
                             ? with_items - static_cast<std::uint64_t>(cfg_.recent_orders)
                             : 0;
    for (std::uint64_t o = order_offset_[c]; o < order_offset_[c + 1] && cfg_.recommend > 0; ++o) {
      const std::uint64_t j = o - ch.order_begin;
      if (ch.day[j] > as_of_day_ || ch.item_offset[j + 1] == ch.item_offset[j]) continue;
      if (skip > 0) {
        --skip;
        continue;
      }
      for (std::uint64_t it = ch.item_offset[j]; it < ch.item_offset[j + 1]; ++it) {
        recent_.push_back(item_of(it, product[it - first_item]));
      }
    }
    recent_begin_.push_back(recent_.size());
  }
}

// Per local customer: the top cfg_.recommend items from the rules (kernels/fpgrowth/recommend.hpp),
// recent = the items of their last recent_orders orders with items (with a basket per order: their
// last recent_orders baskets), bought = every item of their baskets.
void RulesStage::recommend(const Comm& comm) {
  const std::size_t n = r_.customer_id.size();
  r_.recommend_count.assign(n, 0);
  if (cfg_.recommend == 0) return;
  const fpgrowth::Recommender rec(r_.rules, {.top_n = static_cast<std::uint32_t>(cfg_.recommend)});
  const auto& flist = r_.pfp.flist;
  std::vector<fpgrowth::Rank> recent, bought;
  std::vector<fpgrowth::Recommendation> out;
  // A customer's items as ascending distinct ranks, without a sort per customer (sorting them was
  // ~45% of the step's samples on 1M generated customers): fpgrowth::RankCollector.
  fpgrowth::RankCollector collect(flist);
  auto ranks_of = [&](const std::uint32_t* b, const std::uint32_t* e, std::vector<fpgrowth::Rank>& v) {
    collect.append(std::span<const std::uint32_t>(b, static_cast<std::size_t>(e - b)), v);
  };
  std::uint64_t recommended = 0;
  for (std::size_t c = 0; c < n; ++c) {
    // Customers whose pass was skipped (a stage problem) have no rows: nothing to recommend.
    if (c + 1 >= basket_begin_.size() || (cfg_.by_customer && c + 1 >= recent_begin_.size())) break;
    recent.clear();
    bought.clear();
    const std::uint64_t b0 = baskets_.offsets[basket_begin_[c]], b1 = baskets_.offsets[basket_begin_[c + 1]];
    if (cfg_.by_customer) {
      ranks_of(recent_.data() + recent_begin_[c], recent_.data() + recent_begin_[c + 1], recent);
    } else {
      const std::uint64_t last = basket_begin_[c + 1], orders = static_cast<std::uint64_t>(cfg_.recent_orders);
      const std::uint64_t from = last - std::min(last - basket_begin_[c], orders);
      ranks_of(baskets_.ids.data() + baskets_.offsets[from], baskets_.ids.data() + b1, recent);
    }
    ranks_of(baskets_.ids.data() + b0, baskets_.ids.data() + b1, bought);
    rec.recommend(recent, bought, out);
    r_.recommend_count[c] = static_cast<std::uint32_t>(out.size());
    recommended += !out.empty();
    for (const auto& x : out) {
      r_.recommend_item.push_back(flist.ids[x.item]);
      r_.recommend_score.push_back(x.score);
      r_.recommend_rule.push_back(x.rule);
    }
  }
  r_.customers_recommended = comm.allreduce_sum<std::uint64_t>(recommended);
}

// The segmentations asked for that ran (docs/rules.md, "Per segment"); a warning for one asked
// for by name whose stage did not run.
std::vector<rules_job::Segmentation> RulesStage::segmentations(const Comm& comm, const EarlierStages& earlier) {
  const RfmStage* rfm = earlier.find<RfmStage>();
  const KmeansStage* km = earlier.find<KmeansStage>();
  std::vector<rules_job::Segmentation> list;
  if (cfg_.segments_auto || cfg_.segments_rfm) {
    if (rfm) {
      rfm_code_.assign(rfm->result().segment.begin(), rfm->result().segment.end());
      list.push_back({"rfm", rfm_code_, rfm->result().segments.names});
    } else if (cfg_.segments_rfm && comm.is_root()) {
      spdlog::warn("rules: per-segment rules by rfm asked for, but the rfm stage did not run");
    }
  }
  if (cfg_.segments_auto || cfg_.segments_kmeans) {
    if (km) {
      list.push_back({"kmeans", km->result().segment, km->result().profile.names});
    } else if (cfg_.segments_kmeans && comm.is_root()) {
      spdlog::warn("rules: per-segment rules by kmeans asked for, but the kmeans stage did not run (see its log line)");
    }
  }
  return list;
}

// Rules within each segment (rules_job::mine_segments), over the merged baskets.
void RulesStage::mine_segments(const Comm& comm, std::span<const rules_job::Segmentation> list,
                               const rules_job::WeightedBaskets& merged, const rules_job::SegmentParams& sp) {
  r_.segments = rules_job::mine_segments(comm, merged, list, id_space_, r_.pfp, sp);
  const auto& s = r_.segments;
  std::uint64_t mined = 0;
  for (const auto& st : s.status) mined += st == "mined";
  const std::uint64_t shuffled = comm.allreduce_max<std::uint64_t>(s.shuffled_bytes);
  spdlog::info("rules: per segment: {} segments mined of {}, {} rules in {:.2f}s (over {} merged baskets; their "
               "shuffles to other ranks at most {} bytes from one rank); their overall counts in {:.2f}s ({} itemsets "
               "counted over all baskets, the rest frequent overall)",
               mined, s.segments(), s.rules(), s.seconds_mine, s.merged_baskets, shuffled, s.seconds_overall,
               s.counted_apart);
}

// The per-segment runs' parameters: min count the larger of --min-count and --segment-min-count.
rules_job::PfpParams RulesStage::segment_params(const rules_job::PfpParams& p) const {
  rules_job::PfpParams sp = p;
  sp.min_count = std::max<fpgrowth::Count>(p.min_count, static_cast<fpgrowth::Count>(cfg_.segment_min_count));
  return sp;
}

// Rules from the frequent itemsets, the recommendations they make and the per-segment rules.
void RulesStage::derive_and_recommend(const Comm& comm, const rules_job::PfpParams& p,
                                      std::span<const rules_job::Segmentation> segs,
                                      const rules_job::WeightedBaskets* merged) {
  // Rules from the whole (replicated) set of itemsets, derived by all ranks together (derive.hpp).
  Stopwatch sr;
  const fpgrowth::RuleParams rp{.min_confidence = cfg_.min_confidence,
                                .max_consequent = static_cast<std::uint32_t>(cfg_.max_consequent),
                                .min_lift = cfg_.min_lift,
                                .top_per_antecedent = static_cast<std::uint32_t>(cfg_.top_per_antecedent)};
  r_.rules = rules_job::derive_rules(comm, r_.pfp.itemsets, r_.pfp.baskets, rp);
  r_.seconds_rules = sr.seconds();
  Stopwatch sc;
  recommend(comm);
  recent_ = {};
  recent_begin_ = {};
  spdlog::info("rules: cross-sell recommendations for {} customers in {:.2f}s", r_.customers_recommended, sc.seconds());
  if (merged) mine_segments(comm, segs, *merged, {.pfp = segment_params(p), .rules = rp});
}

std::optional<std::string> RulesStage::compute(const StageInput& in, const EarlierStages& earlier) {
  Stopwatch sw;
  const Comm& comm = in.comm();
  if (!pass_problem_.empty()) {
    if (in_pipeline_) return pass_problem_;
    throw CollectiveError(DataError(pass_problem_));
  }
  // Without /products the id space is the largest product id seen + 1 (validation checks ids
  // against /products where it exists).
  if (id_space_ == 0) {
    std::uint32_t seen = 0;
    for (std::uint32_t id : baskets_.ids) seen = std::max(seen, id + 1);
    id_space_ = comm.allreduce_max(seen);
  }

  const rules_job::PfpParams p{.min_support = cfg_.min_support,
                               .min_count = static_cast<fpgrowth::Count>(cfg_.min_count),
                               .max_length = static_cast<std::uint32_t>(cfg_.max_length),
                               .max_itemsets = static_cast<std::uint64_t>(cfg_.max_itemsets),
                               .pair_filter = cfg_.pair_filter_use};
  // With per-segment rules to mine, the baskets are merged once (segments.hpp) and every run,
  // this one included, reads the merged ones: the same counts from far fewer baskets.
  const std::vector<rules_job::Segmentation> segs =
      cfg_.itemsets_only ? std::vector<rules_job::Segmentation>{} : segmentations(comm, earlier);
  std::optional<rules_job::WeightedBaskets> merged;
  if (!segs.empty()) {
    Stopwatch sm;
    merged = rules_job::merge_for_segments(comm, baskets_, basket_begin_, segs, id_space_, segment_params(p), &p);
    const std::uint64_t n = comm.allreduce_sum<std::uint64_t>(merged->size());
    const std::uint64_t of = comm.allreduce_sum<std::uint64_t>(baskets_.size());
    if (comm.is_root())
      spdlog::info("rules: {} baskets merged into {} (by segments and the items any run can find frequent) in {:.2f}s",
                   of, n, sm.seconds());
  }
  r_.pfp = rules_job::parallel_fpgrowth(comm, merged ? rules_job::BasketView(*merged) : rules_job::BasketView(baskets_),
                                        id_space_, p);
  if (r_.pfp.over_cap) throw CollectiveError(ConfigError("rules: " + rules_job::over_cap_message(r_.pfp, p.max_itemsets)));
  if (r_.pfp.baskets == 0) {
    const std::string why = "rules: no basket (no order with items by the as-of day)";
    if (in_pipeline_) return why;
    throw CollectiveError(DataError(why));
  }

  if (cfg_.itemsets_only) {
    // No rules, so nothing to recommend or to mine per segment: the tables stay empty
    // (/rules@rules_derived = 0).
    r_.recommend_count.assign(r_.customer_id.size(), 0);
    if (comm.is_root()) spdlog::info("rules: --itemsets-only: no rules, recommendations or per-segment rules");
  } else {
    derive_and_recommend(comm, p, segs, merged ? &*merged : nullptr);
  }
  baskets_ = {};  // read by the mining, the recommendations and the per-segment rules: done
  basket_begin_ = {};
  recent_ = {};
  recent_begin_ = {};
  fault_point(comm, "rules");

  // Item names: categories by their dictionary; products by name, else by key, else none.
  r_.item_kind = cfg_.by_category ? "category" : "product";
  if (cfg_.by_category) {
    r_.item_names = in.file.dictionary_of(schema::kProductCategory);
  } else {
    r_.item_names = in.file.read_dictionary(schema::kDictProductName);
    if (r_.item_names.empty()) r_.item_names = in.file.read_dictionary(schema::kDictProductKey);
  }
  r_.seconds = sw.seconds();
  const auto& f = r_.pfp;
  const std::uint64_t work_max = f.group_work.empty() ? 0 : *std::max_element(f.group_work.begin(), f.group_work.end());
  std::uint64_t work_sum = 0;
  for (auto w : f.group_work) work_sum += w;
  // The log's figures in two reductions: sums, then maxima.
  std::array<std::uint64_t, 4> sums{f.sent_items, f.sent_prefixes, f.cut_items_before, f.cut_items_after};
  std::array<std::uint64_t, 2> maxima{f.sent_items, f.sent_bytes};
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(sums));
  comm.allreduce_max_inplace(std::span<std::uint64_t>(maxima));
  const auto [sent_sum, prefixes, before, after] = sums;
  const auto [sent_max, bytes_max] = maxima;
  if (f.pair_filtered) {  // the same on every rank (pfp.cpp decides it from global figures)
    const std::uint64_t F = f.flist.size();
    const double seconds = comm.allreduce_max(f.seconds_pairs);
    spdlog::info("rules: frequent-pair filter: {} of {} pairs of frequent items possibly frequent; the baskets' "
                 "frequent-item ranks {} -> {}; {:.2f}s on the slowest rank (part of count)",
                 f.possible_pairs, F * (F - 1) / 2, before, after, seconds);
  }
  spdlog::info("rules: shuffle of the group-dependent baskets: {} item ranks in {} transactions in all (each "
               "rank's own group's included), at most {} ranks by one rank; to other ranks at most {} bytes from one "
               "rank ({} a rank, {} a transaction)",
               sent_sum, prefixes, sent_max, bytes_max, sizeof(fpgrowth::Rank), rules_job::kShippedRecordBytes);
  spdlog::info("rules: {} baskets, min count {}, {} frequent items, {} frequent itemsets, {} rules in {:.2f}s "
               "(count {:.2f}s, shuffle {:.2f}s, mine {:.2f}s, gather {:.2f}s, rules {:.2f}s); {} groups, "
               "largest group {:.2f}x the mean estimated work",
               f.baskets, f.min_count, f.flist.size(), f.itemsets.size(), r_.rules.size(), r_.seconds, f.seconds_count,
               f.seconds_shuffle, f.seconds_mine, f.seconds_gather, r_.seconds_rules, f.groups,
               work_sum ? static_cast<double>(work_max) * f.groups / static_cast<double>(work_sum) : 1.0);
  return std::nullopt;
}

void RulesStage::write(const StageInput& in, ResultsFile& results, OutputSet& out) const {
  write_rules(in.comm(), results, out, r_, cfg_, in_pipeline_);
}

// --itemsets-only writes no rules: an earlier run's rules files would read as these results'.
void RulesStage::retire_outputs(OutputSet& out) const {
  if (!cfg_.itemsets_only) return;
  out.retire("csv/rules.csv");
  if (in_pipeline_)
    for (const char* csv : {"csv/rule_segments.csv", "csv/segment_rules.csv"}) out.retire(csv);
}

void RulesStage::report(const StageInput& in) const {
  if (!in.comm().is_root()) return;
  const std::string& o = in.common.out;
  if (cfg_.itemsets_only) {
    spdlog::info("rules: results in {}/results.h5 (/rules/itemsets) and {}/csv/itemsets.csv", o, o);
    return;
  }
  spdlog::info("rules: results in {}/results.h5 (/rules) and {}/csv/itemsets.csv, {}/csv/rules.csv{}", o, o, o,
               in_pipeline_ ? ", " + o + "/csv/segment_rules.csv (per segment)" : std::string());
}

}  // namespace crmpi
