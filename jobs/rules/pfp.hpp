// Parallel FP-growth over the ranks' baskets (pfp.cpp has the phases). No I/O, so the MPI tests
// and the per-segment runs (segments.hpp) call this very code.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/fpgrowth/flist.hpp"
#include "kernels/fpgrowth/itemsets.hpp"
#include "kernels/fpgrowth/merge_baskets.hpp"

namespace crmpi {

namespace rules_job {

// A rank's baskets: item ids (product ids or category codes), basket b = ids[offsets[b], offsets[b+1]).
struct Baskets {
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> ids;
  std::size_t size() const { return offsets.size() - 1; }
  std::span<const std::uint32_t> operator[](std::size_t b) const {
    return {ids.data() + offsets[b], static_cast<std::size_t>(offsets[b + 1] - offsets[b])};
  }
};

// A rank's baskets merged by segments and kept items, with weights (kernels/fpgrowth/merge_baskets.hpp).
using WeightedBaskets = fpgrowth::WeightedBaskets;

// The baskets one mining run reads, without copying them: all of a rank's baskets, only those of
// the customers whose segment code is `code` (customer c owning baskets [basket_begin[c],
// basket_begin[c + 1]); selecting costs a scan of the codes, 4 bytes a customer, per pass instead
// of a copy of the segment's baskets), or the merged baskets of one segment (WeightedBaskets).
class BasketView {
 public:
  BasketView(const Baskets& all) : all_(&all) {}  // NOLINT(google-explicit-constructor): every basket
  BasketView(const Baskets& all, std::span<const std::uint64_t> basket_begin, std::span<const std::uint32_t> codes,
             std::uint32_t code)
      : all_(&all), basket_begin_(basket_begin), codes_(codes), code_(code), selected_(true) {}
  BasketView(const WeightedBaskets& merged, std::size_t segmentation, std::uint32_t code)
      : merged_(&merged), weights_(merged.weight), codes_(merged.code[segmentation]), code_(code), selected_(true) {}
  explicit BasketView(const WeightedBaskets& merged)  // every merged basket
      : merged_(&merged), weights_(merged.weight) {}

  // At least as many baskets and ids as for_each visits (those of the whole set it selects from).
  std::pair<std::size_t, std::size_t> bounds() const {
    return merged_ ? std::pair{merged_->size(), merged_->ids.size()} : std::pair{all_->size(), all_->ids.size()};
  }

  // f(std::span<const std::uint32_t> ids, fpgrowth::Count weight) for each basket (weight 1) or
  // merged basket, in the rank's order.
  template <class F>
  void for_each(F&& f) const {
    if (merged_) {
      for (std::size_t b = 0; b < weights_.size(); ++b)
        if (!selected_ || codes_[b] == code_) f((*merged_)[b], weights_[b]);
      return;
    }
    if (!selected_) {
      for (std::size_t b = 0; b < all_->size(); ++b) f((*all_)[b], fpgrowth::Count{1});
      return;
    }
    const std::size_t customers = basket_begin_.empty() ? 0 : std::min(codes_.size(), basket_begin_.size() - 1);
    for (std::size_t c = 0; c < customers; ++c) {
      if (codes_[c] != code_) continue;
      for (std::uint64_t b = basket_begin_[c]; b < basket_begin_[c + 1]; ++b) f((*all_)[b], fpgrowth::Count{1});
    }
  }

 private:
  const Baskets* all_ = nullptr;
  const WeightedBaskets* merged_ = nullptr;  // set: the view reads these
  std::span<const std::uint64_t> basket_begin_;
  std::span<const fpgrowth::Count> weights_;
  std::span<const std::uint32_t> codes_;
  std::uint32_t code_ = 0;
  bool selected_ = false;
};

struct PfpParams {
  double min_support = 0.01;
  fpgrowth::Count min_count = 1;
  std::uint32_t max_length = 0;
  std::uint64_t max_itemsets = 0;  // 0: unlimited
  // The frequent-pair filter (kernels/fpgrowth/pair_filter.hpp): automatic, where a rank's pass
  // over its baskets pays for the table (PairCounts::pays, on the mean over the ranks); always,
  // wherever the table is allowed (at most PairCounts::kMaxItems frequent items); never. The
  // itemsets are the same either way.
  enum class PairFilterUse { automatic, always, never } pair_filter = PairFilterUse::automatic;
};

// The bytes of one shuffled group-dependent transaction's record (its length and weight); its
// item ranks travel beside it, sizeof(fpgrowth::Rank) each.
inline constexpr std::size_t kShippedRecordBytes = 12;

struct PfpResult {
  fpgrowth::Count baskets = 0;    // over all ranks
  fpgrowth::Count min_count = 0;  // the threshold applied
  fpgrowth::FList flist;          // the frequent items, the same on every rank
  fpgrowth::Itemsets itemsets;    // every frequent itemset (F-list ranks), canonical order, on every rank
  std::uint32_t groups = 0;
  std::vector<fpgrowth::Count> group_work;  // estimated work per group (= per rank)
  std::uint64_t sent_items = 0;             // group-dependent basket items this rank sent
  std::uint64_t sent_prefixes = 0;          // in so many group-dependent transactions (a record each)
  std::uint64_t sent_bytes = 0;             // of those, the bytes handed to the exchange for other ranks
  std::uint64_t tree_transactions = 0;      // distinct transactions this rank's FP-tree was built from
  bool pair_filtered = false;                // the frequent-pair filter ran (on every rank)
  std::uint64_t possible_pairs = 0;          // item pairs it kept as possibly frequent
  std::uint64_t cut_items_before = 0, cut_items_after = 0;  // this rank's basket item ranks it read, kept
  double seconds_pairs = 0;                  // its count, reduction and cut (part of seconds_count)
  double seconds_count = 0, seconds_shuffle = 0, seconds_mine = 0, seconds_gather = 0;
  // More than max_itemsets itemsets were frequent: `itemsets` is empty, and these say how many
  // were found (at least, when the mining stopped early) and a support that keeps under the cap.
  bool over_cap = false, found_at_least = false;
  std::uint64_t found = 0;
  double suggested_support = 1;
};

// Collective. id_space: item ids are below it on every rank. Every rank returns the same result;
// over_cap is the caller's to report (over_cap_message).
PfpResult parallel_fpgrowth(const Comm& comm, const BasketView& local, std::uint32_t id_space, const PfpParams& p);

// The min count a run over `baskets` baskets (over all ranks) applies: Spark's ceil(min_support x
// baskets), at least p.min_count and 1.
fpgrowth::Count min_count_for(fpgrowth::Count baskets, const PfpParams& p);
std::string over_cap_message(const PfpResult& r, std::uint64_t max_itemsets);

}  // namespace rules_job

}  // namespace crmpi
