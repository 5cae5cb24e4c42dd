// The rules stage: the rank's baskets on the pass over the orders, then parallel FP-growth
// (pfp.cpp) and the association rules (rules_stage.hpp).
#include "jobs/rules/rules_stage.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "io/schema.hpp"
#include "jobs/common/log.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void RulesStage::begin_pass(const StageInput& in) {
  baskets_ = {};
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
}

void RulesStage::consume(const OrderChunk& ch) {
  if (!pass_problem_.empty() || ch.size == 0) return;
  const std::uint64_t first_item = ch.item_offset.front();
  const std::vector<std::uint32_t> product =
      file_->read<std::uint32_t>(schema::kItemProduct, first_item, ch.item_offset.back() - first_item);
  auto add_items = [&](std::uint64_t j) {
    for (std::uint64_t it = ch.item_offset[j]; it < ch.item_offset[j + 1]; ++it) {
      const std::uint32_t p = product[it - first_item];
      if (cfg_.by_category) {
        if (p >= category_of_product_.size())
          throw DataError("rules: item " + std::to_string(it) + " has product_id " + std::to_string(p) +
                          " beyond /products (" + std::to_string(category_of_product_.size()) + " rows)");
        baskets_.ids.push_back(category_of_product_[p]);
      } else {
        baskets_.ids.push_back(p);
      }
    }
  };
  for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c) {
    for (std::uint64_t o = order_offset_[c]; o < order_offset_[c + 1]; ++o) {
      const std::uint64_t j = o - ch.order_begin;
      if (ch.day[j] > as_of_day_) continue;  // as RFM: only orders by as_of count
      add_items(j);
      if (!cfg_.by_customer && baskets_.ids.size() > baskets_.offsets.back()) baskets_.offsets.push_back(baskets_.ids.size());
    }
    if (cfg_.by_customer && baskets_.ids.size() > baskets_.offsets.back()) baskets_.offsets.push_back(baskets_.ids.size());
  }
}

std::optional<std::string> RulesStage::compute(const StageInput& in, const EarlierStages&) {
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
                               .max_itemsets = static_cast<std::uint64_t>(cfg_.max_itemsets)};
  r_.pfp = rules_job::parallel_fpgrowth(comm, baskets_, id_space_, p);
  baskets_ = {};
  if (r_.pfp.baskets == 0) {
    const std::string why = "rules: no basket (no order with items by the as-of day)";
    if (in_pipeline_) return why;
    throw CollectiveError(DataError(why));
  }

  // Rules from the whole (replicated) set of itemsets: every rank derives the same list.
  Stopwatch sr;
  const fpgrowth::RuleParams rp{.min_confidence = cfg_.min_confidence,
                                .max_consequent = static_cast<std::uint32_t>(cfg_.max_consequent),
                                .min_lift = cfg_.min_lift,
                                .top_per_antecedent = static_cast<std::uint32_t>(cfg_.top_per_antecedent)};
  r_.rules = fpgrowth::make_rules(r_.pfp.itemsets, r_.pfp.baskets, rp);
  r_.seconds_rules = sr.seconds();

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
  spdlog::info("rules: {} baskets, min count {}, {} frequent items, {} frequent itemsets, {} rules in {:.2f}s "
               "(count {:.2f}s, shuffle {:.2f}s, mine {:.2f}s, gather {:.2f}s, rules {:.2f}s); {} groups, "
               "largest group {:.2f}x the mean estimated work",
               f.baskets, f.min_count, f.flist.size(), f.itemsets.size(), r_.rules.size(), r_.seconds, f.seconds_count,
               f.seconds_shuffle, f.seconds_mine, f.seconds_gather, r_.seconds_rules, f.groups,
               work_sum ? static_cast<double>(work_max) * f.groups / static_cast<double>(work_sum) : 1.0);
  return std::nullopt;
}

void RulesStage::write(const StageInput& in, ResultsFile& results, OutputSet& out) const {
  write_rules(in.comm(), results, out, r_, cfg_);
}

void RulesStage::report(const StageInput& in) const {
  if (!in.comm().is_root()) return;
  spdlog::info("rules: results in {}/results.h5 (/rules) and {}/csv/itemsets.csv, {}/csv/rules.csv", in.common.out,
               in.common.out, in.common.out);
}

}  // namespace crmpi
