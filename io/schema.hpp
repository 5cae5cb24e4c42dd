// The crmpi input layout, defined once (docs/schema.md describes it for people).
//
// Columnar and CSR-linked so that a rank reads contiguous slices:
//   /customers/*  one row per customer, sorted by customer_id; order_offset[i]..order_offset[i+1]
//                 are the customer's rows in /orders (length n_customers + 1).
//   /orders/*     sorted by customer then day; item_offset likewise points into /items.
//   /items/*, /products/*, /surveys/*, /dictionaries/*, /truth/* as listed below.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace crmpi::schema {

inline constexpr std::int64_t kVersion = 1;

// Root attributes.
inline constexpr const char* kAttrSchemaVersion = "schema_version";
inline constexpr const char* kAttrAsOfDay = "as_of_day";  // int32 day: end of the quarter analysed
inline constexpr const char* kAttrCurrency = "currency";  // ISO 4217 code of the minor units
inline constexpr const char* kAttrDictionary = "dictionary";  // on a code column: its names dataset

// Which table a column's length follows.
enum class Table : std::uint8_t { kCustomers, kCustomersPlusOne, kOrders, kOrdersPlusOne, kItems, kProducts, kSurveys };

// Parts of the file that come and go together.
enum class Part : std::uint8_t { kCore, kDemographics, kItems, kProducts, kSurveys };

enum class Kind : std::uint8_t { kUnsigned, kSigned };

struct ColumnSpec {
  std::string_view path;
  Kind kind;
  std::uint8_t max_bytes;      // wider stored types are rejected (they would not fit in memory types)
  Table table;
  Part part;
  bool required_in_part;       // false: the column may be absent even when its part is present
  std::string_view dictionary; // names dataset for a code column ("" if none)
};

// Column paths.
inline constexpr std::string_view kCustomerId = "/customers/customer_id";
inline constexpr std::string_view kSignupDay = "/customers/signup_day";
inline constexpr std::string_view kRegion = "/customers/region";
inline constexpr std::string_view kAcquisitionChannel = "/customers/acquisition_channel";
inline constexpr std::string_view kAgeBand = "/customers/age_band";
inline constexpr std::string_view kGender = "/customers/gender";
inline constexpr std::string_view kOrderOffset = "/customers/order_offset";
inline constexpr std::string_view kOrderId = "/orders/order_id";
inline constexpr std::string_view kOrderCustomerId = "/orders/customer_id";
inline constexpr std::string_view kOrderDay = "/orders/day";
inline constexpr std::string_view kOrderAmount = "/orders/amount_cents";
inline constexpr std::string_view kOrderChannel = "/orders/channel";
inline constexpr std::string_view kItemOffset = "/orders/item_offset";
inline constexpr std::string_view kItemProduct = "/items/product_id";
inline constexpr std::string_view kItemQuantity = "/items/quantity";
inline constexpr std::string_view kProductCategory = "/products/category";
inline constexpr std::string_view kSurveyCustomerId = "/surveys/customer_id";
inline constexpr std::string_view kSurveyDay = "/surveys/day";
inline constexpr std::string_view kSurveyScore = "/surveys/score";

// Dictionaries (1-D string datasets; a code c names entry c).
inline constexpr std::string_view kDictRegion = "/dictionaries/region";
inline constexpr std::string_view kDictAcquisitionChannel = "/dictionaries/acquisition_channel";
inline constexpr std::string_view kDictAgeBand = "/dictionaries/age_band";
inline constexpr std::string_view kDictGender = "/dictionaries/gender";
inline constexpr std::string_view kDictOrderChannel = "/dictionaries/order_channel";
inline constexpr std::string_view kDictCategory = "/dictionaries/category";
// Written by `crmpi ingest` (optional, not checked by validation): original ids behind codes.
inline constexpr std::string_view kDictCustomerKey = "/dictionaries/customer_key";  // customer_id c -> its text id
inline constexpr std::string_view kDictProductKey = "/dictionaries/product_key";    // product_id p -> stock code
inline constexpr std::string_view kDictProductName = "/dictionaries/product_name";  // product_id p -> name

// Planted truth written by `crmpi generate` (absent in real data).
inline constexpr std::string_view kTruthGroup = "/truth";
inline constexpr std::string_view kTruthCustomerGroup = "/truth/customer_group";
inline constexpr std::string_view kTruthGroupNames = "/truth/group_names";
// With `crmpi generate --personas` only (docs/generate.md, "Personas"): customer_group is the
// persona, group_names the persona names, and /truth/personas holds each persona's parameters,
// float64 with one row per persona (row k = customer_group k) unless noted.
inline constexpr std::string_view kTruthPersonas = "/truth/personas";
inline constexpr std::string_view kTruthPersonaWeight = "/truth/personas/weight";  // mixture weight
inline constexpr std::string_view kTruthPersonaBgnbdR = "/truth/personas/bgnbd_r";  // BG/NBD, weeks
inline constexpr std::string_view kTruthPersonaBgnbdAlpha = "/truth/personas/bgnbd_alpha";
inline constexpr std::string_view kTruthPersonaBgnbdA = "/truth/personas/bgnbd_a";
inline constexpr std::string_view kTruthPersonaBgnbdB = "/truth/personas/bgnbd_b";
inline constexpr std::string_view kTruthPersonaGgP = "/truth/personas/gg_p";  // Gamma-Gamma, currency units
inline constexpr std::string_view kTruthPersonaGgQ = "/truth/personas/gg_q";
inline constexpr std::string_view kTruthPersonaGgGamma = "/truth/personas/gg_gamma";
inline constexpr std::string_view kTruthPersonaMeanOrderValue = "/truth/personas/mean_order_value";
inline constexpr std::string_view kTruthPersonaSignupFrom = "/truth/personas/signup_from";  // share of history
inline constexpr std::string_view kTruthPersonaSignupTo = "/truth/personas/signup_to";
inline constexpr std::string_view kTruthPersonaBasketSizeFactor = "/truth/personas/basket_size_factor";
inline constexpr std::string_view kTruthPersonaFavouriteBoost = "/truth/personas/favourite_boost";
// n_personas x n_order_channels, row-major: persona k's order-channel shares are rows
// [k * C, (k + 1) * C), C = length of /dictionaries/order_channel.
inline constexpr std::string_view kTruthPersonaOrderChannelShare = "/truth/personas/order_channel_share";
// The favourite categories the catalog drew per persona, CSR (uint32 offsets, n_personas + 1;
// uint16 category codes): persona k's are rows [favourite_offset[k], favourite_offset[k + 1]).
inline constexpr std::string_view kTruthPersonaFavouriteOffset = "/truth/personas/favourite_offset";
inline constexpr std::string_view kTruthPersonaFavouriteCategory = "/truth/personas/favourite_category";

inline constexpr ColumnSpec kColumns[] = {
    {kCustomerId, Kind::kUnsigned, 8, Table::kCustomers, Part::kCore, true, ""},
    {kOrderOffset, Kind::kUnsigned, 8, Table::kCustomersPlusOne, Part::kCore, true, ""},
    {kSignupDay, Kind::kSigned, 4, Table::kCustomers, Part::kCore, false, ""},
    {kRegion, Kind::kUnsigned, 2, Table::kCustomers, Part::kDemographics, false, kDictRegion},
    {kAcquisitionChannel, Kind::kUnsigned, 1, Table::kCustomers, Part::kDemographics, false, kDictAcquisitionChannel},
    {kAgeBand, Kind::kUnsigned, 1, Table::kCustomers, Part::kDemographics, false, kDictAgeBand},
    {kGender, Kind::kUnsigned, 1, Table::kCustomers, Part::kDemographics, false, kDictGender},
    {kOrderId, Kind::kUnsigned, 8, Table::kOrders, Part::kCore, true, ""},
    {kOrderCustomerId, Kind::kUnsigned, 8, Table::kOrders, Part::kCore, true, ""},
    {kOrderDay, Kind::kSigned, 4, Table::kOrders, Part::kCore, true, ""},
    {kOrderAmount, Kind::kSigned, 8, Table::kOrders, Part::kCore, true, ""},
    {kOrderChannel, Kind::kUnsigned, 1, Table::kOrders, Part::kCore, false, kDictOrderChannel},
    {kItemOffset, Kind::kUnsigned, 8, Table::kOrdersPlusOne, Part::kItems, true, ""},
    {kItemProduct, Kind::kUnsigned, 4, Table::kItems, Part::kItems, true, ""},
    {kItemQuantity, Kind::kUnsigned, 4, Table::kItems, Part::kItems, true, ""},
    {kProductCategory, Kind::kUnsigned, 2, Table::kProducts, Part::kProducts, true, kDictCategory},
    {kSurveyCustomerId, Kind::kUnsigned, 8, Table::kSurveys, Part::kSurveys, true, ""},
    {kSurveyDay, Kind::kSigned, 4, Table::kSurveys, Part::kSurveys, true, ""},
    {kSurveyScore, Kind::kUnsigned, 1, Table::kSurveys, Part::kSurveys, true, ""},
};

// Sanity bounds used by validation.
inline constexpr std::int32_t kMinDay = 0;       // 1970-01-01
inline constexpr std::int32_t kMaxDay = 73049;   // 2169-12-31
inline constexpr std::int64_t kMaxOrderAmountCents = 100'000'000'00;  // 100 million per order is absurd
inline constexpr std::uint32_t kMaxItemQuantity = 1'000'000;
inline constexpr std::uint8_t kMaxNpsScore = 10;

}  // namespace crmpi::schema
