// One customer's complete synthetic record, as a pure function of (params, catalog, seed, index).
//
// The MPI driver calls generate_customer for each index it owns; results do not depend on rank,
// partition or call order. Each aspect has its own random stream (see rng.hpp), so e.g. changing
// basket parameters leaves purchase days and spend untouched.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/generate/catalog.hpp"
#include "kernels/generate/params.hpp"

namespace crmpi::gen {

struct CustomerDraw {
  std::uint64_t customer_id = 0;  // customer_id_of(index)
  std::int32_t signup_day = 0;    // = day of the first order
  std::uint8_t region = 0;        // index into kRegionNames
  std::uint8_t acquisition_channel = 0;  // index into kChannelNames
  std::uint8_t age_band = 0;             // index into kAgeBandNames
  std::uint8_t gender = 0;               // index into kGenderNames
  std::uint8_t group = 0;                // index into group_names(n_groups)
  // Latent truth.
  double lambda = 0.0;     // repeat purchases per week while alive
  double p_dropout = 0.0;  // chance to drop out after each repeat purchase (BG/NBD), or the
                           // dropout rate mu per week (Pareto/NBD: params.pareto_dropout)
  double nu = 0.0;         // spend rate: expected order value = spend_p / nu
};

struct OrderDraw {
  std::int32_t day = 0;
  std::int64_t amount_cents = 0;  // >= 1
  std::uint8_t channel = 0;       // index into kChannelNames
  std::uint32_t n_items = 0;      // this order's ItemDraws follow the previous orders' ones
};

struct ItemDraw {
  std::uint32_t product_id = 0;
  std::uint32_t quantity = 0;  // >= 1
};

struct SurveyDraw {
  bool answered = false;
  std::int32_t day = 0;     // valid if answered, in [signup_day, as_of_day]
  std::uint8_t score = 0;   // NPS 0..10, valid if answered
};

struct CustomerCounts {
  std::uint32_t orders = 0;
  std::uint64_t items = 0;
};

// Sorted, unique, sparse ids that differ from indices: 1'000'000 + 3*index + (hash(index) % 3).
std::uint64_t customer_id_of(std::uint64_t index);

// Fills `customer` and `survey`, APPENDS this customer's orders (sorted by day, ties in
// generation order) and their items to the vectors (nothing is cleared). params must be the ones
// the catalog was built from.
void generate_customer(const GeneratorParams& params, const Catalog& catalog, std::uint64_t seed,
                       std::uint64_t index, CustomerDraw& customer, std::vector<OrderDraw>& orders,
                       std::vector<ItemDraw>& items, SurveyDraw& survey);

// Counting pass for the driver: the number of orders and items generate_customer would append,
// without drawing spend, channels, demographics or the survey. `scratch` is reused between calls
// (contents unspecified on return).
CustomerCounts count_customer(const GeneratorParams& params, const Catalog& catalog, std::uint64_t seed,
                              std::uint64_t index, std::vector<ItemDraw>& scratch);

}  // namespace crmpi::gen
