// Rules stage (`crmpi rules`, and a stage of `crmpi run`): every frequent itemset of the baskets,
// exactly, by parallel FP-growth, then association rules. Definitions and outputs: docs/rules.md.
//
//   config.cpp       RulesConfig: options and their checks
//   pfp.cpp          parallel FP-growth (PFP, Li et al. 2008): counts reduced, F-list, groups
//                    balanced by estimated work, group-dependent baskets shuffled, each rank mining
//                    its group; no I/O, so the MPI tests run this very code at any rank count
//   segments.cpp     the same within each RFM / k-means segment, beside the rules over all baskets
//   rules_stage.cpp  the baskets on the single pass over the orders, then the above and the rules
//   writer.cpp       /rules in results.h5, csv/itemsets.csv and csv/rules.csv (and the segments')
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/common/stage.hpp"
#include "jobs/rules/pfp.hpp"
#include "jobs/rules/segments.hpp"
#include "kernels/fpgrowth/rules.hpp"

namespace crmpi {

class Options;

struct RulesConfig {
  // As given (command line or config file).
  double min_support = 0.01;     // fraction of the baskets; count = ceil(F x baskets)
  std::int64_t min_count = 1;    // and at least this many baskets
  double min_confidence = 0.8;
  std::int64_t max_length = 0;   // items in an itemset at most; 0: unlimited
  std::int64_t max_itemsets = 1'000'000;
  std::int64_t max_consequent = 1;  // items in a consequent at most; 0: any
  double min_lift = 0;
  std::int64_t top_per_antecedent = 0;  // 0: all
  std::string level = "product";  // product | category
  std::string baskets = "order";  // order | customer
  std::int64_t recommend = 5;      // cross-sell recommendations per customer; 0: none
  std::int64_t recent_orders = 3;  // a customer's recent items: those of their last N orders with items
  // Per-segment rules (`crmpi run`): auto = every segmentation that ran (rfm; kmeans), none, or a
  // list "rfm", "kmeans", "rfm,kmeans" (each must have run).
  std::string segments = "auto";  // --by-segment
  std::int64_t segment_min_count = 10;  // in a segment, frequent: in at least this many baskets too
  // Every frequent itemset and nothing else: no rules, recommendations or per-segment rules (the
  // frequent itemsets as an output of their own, e.g. for another tool; docs/rules.md).
  bool itemsets_only = false;
  // The frequent-pair filter before the shuffle (pfp.hpp, PfpParams::pair_filter): auto | on | off.
  std::string pair_filter = "auto";

  void bind(Options& o);
  void validate();  // throws ConfigError; fills the typed fields

  // Typed, valid after validate().
  bool by_category = false, by_customer = false;
  bool segments_auto = true, segments_rfm = false, segments_kmeans = false;
  rules_job::PfpParams::PairFilterUse pair_filter_use = rules_job::PfpParams::PairFilterUse::automatic;
};


struct RulesResult {
  rules_job::PfpResult pfp;
  fpgrowth::RuleSet rules;
  // Per local customer (rows of customer_id): how many recommendations; then the rows, flattened.
  std::span<const std::uint64_t> customer_id;  // the slice's ids, lent by the job
  std::vector<std::uint32_t> recommend_count;
  std::vector<std::uint32_t> recommend_item;  // item ids
  std::vector<double> recommend_score;
  std::vector<std::uint64_t> recommend_rule;
  std::uint64_t customers_recommended = 0;    // over all ranks
  std::vector<std::string> item_names;  // by item id ("" where the input has none)
  std::string item_kind;                // "product" or "category"
  rules_job::SegmentRules segments;     // per-segment rules (empty: none asked for or none ran)
  double seconds = 0, seconds_rules = 0;
};

// in_pipeline: `crmpi run`, which writes the per-segment tables (empty when none was mined).
void write_rules(const Comm& comm, ResultsFile& results, OutputSet& out, const RulesResult& r, const RulesConfig& cfg,
                 bool in_pipeline);

class RulesStage : public Stage {
 public:
  // In the pipeline (`crmpi run`) an input without items skips the stage; in `crmpi rules` it is
  // an input error.
  // as_of_day: the rfm stage's in `crmpi run` (the same orders as RFM); unset: the input's.
  RulesStage(const RulesConfig& cfg, std::optional<std::int32_t> as_of_day, bool in_pipeline)
      : cfg_(cfg), as_of_cfg_(as_of_day), in_pipeline_(in_pipeline) {}
  std::string_view name() const override { return "rules"; }
  OrderColumns extra_order_columns() const override { return {.item_offset = true}; }
  void begin_pass(const StageInput& in) override;
  void consume(const OrderChunk& chunk) override;
  std::optional<std::string> compute(const StageInput& in, const EarlierStages& earlier) override;
  void write(const StageInput& in, ResultsFile& results, OutputSet& out) const override;
  void retire_outputs(OutputSet& out) const override;
  void report(const StageInput& in) const override;
  const RulesResult& result() const { return r_; }

 private:
  void reserve_baskets(const StageInput& in);
  void consume_orders(const OrderChunk& ch);  // consume() with a basket per order
  std::uint32_t item_of(std::uint64_t item, std::uint32_t product) const;
  std::vector<rules_job::Segmentation> segmentations(const Comm& comm, const EarlierStages& earlier);
  rules_job::PfpParams segment_params(const rules_job::PfpParams& p) const;
  void derive_and_recommend(const Comm& comm, const rules_job::PfpParams& p, std::span<const rules_job::Segmentation> segs,
                            const rules_job::WeightedBaskets* merged);
  void recommend(const Comm& comm);
  void mine_segments(const Comm& comm, std::span<const rules_job::Segmentation> list,
                     const rules_job::WeightedBaskets& merged, const rules_job::SegmentParams& sp);
  const RulesConfig& cfg_;
  std::optional<std::int32_t> as_of_cfg_;
  bool in_pipeline_;
  RulesResult r_;
  rules_job::Baskets baskets_;
  // Per local customer: its baskets [basket_begin_[c], basket_begin_[c+1]); with a basket per
  // customer also the items of its last recent_orders orders (recent_[recent_begin_[c],
  // recent_begin_[c+1])); with a basket per order those are its last baskets, not stored twice.
  std::vector<std::uint64_t> basket_begin_{0}, recent_begin_{0};
  std::vector<std::uint32_t> recent_;
  std::vector<std::uint32_t> rfm_code_;  // the rfm segmentation's codes as the per-segment rules read them
  InputFile* file_ = nullptr;
  std::span<const std::uint64_t> order_offset_;
  std::int32_t as_of_day_ = 0;
  std::vector<std::uint16_t> category_of_product_;
  std::uint32_t id_space_ = 0;
  std::string pass_problem_;
};

}  // namespace crmpi
