// Name lists for the generator's coded attributes. A code stored in data is an index into the
// matching list; writers store these lists alongside the data so codes stay readable.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace crmpi::gen {

inline constexpr std::array<std::string_view, 6> kRegionNames = {
    "north", "south", "east", "west", "central", "international"};

// Used for both the acquisition channel of a customer and the channel of each order.
inline constexpr std::array<std::string_view, 4> kChannelNames = {"web", "app", "marketplace", "store"};

inline constexpr std::array<std::string_view, 6> kAgeBandNames = {"18-24", "25-34", "35-44",
                                                                  "45-54", "55-64", "65+"};

inline constexpr std::array<std::string_view, 3> kGenderNames = {"female", "male", "other/unknown"};

// Names of the first 20 categories; further categories are called "category_<n>" (1-based).
inline constexpr std::array<std::string_view, 20> kCategoryNames = {
    "electronics", "books",  "home",  "garden",  "toys",   "grocery",    "beauty",
    "sports",      "fashion", "shoes", "jewelry", "music",  "movies",     "games",
    "pets",        "baby",   "automotive", "office", "health", "kitchen"};

// The four canonical groups: frequency tier (lambda vs its prior mean r/alpha) x spend tier
// (nu vs its prior mean q/gamma; low nu = high expected order value p/nu).
inline constexpr std::array<std::string_view, 4> kGroupNames4 = {
    "frequent high spenders", "frequent bargain hunters", "occasional big-ticket", "occasional low spenders"};
inline constexpr std::array<std::string_view, 2> kGroupNames2 = {"frequent buyers", "occasional buyers"};
inline constexpr std::array<std::string_view, 1> kGroupNames1 = {"all customers"};

// Group names for n_groups in {1, 2, 4} (empty span otherwise).
std::span<const std::string_view> group_names(std::uint32_t n_groups);

std::string category_name(std::uint32_t category);

}  // namespace crmpi::gen
