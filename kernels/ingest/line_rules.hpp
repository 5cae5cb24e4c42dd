// Real-world order-line rules: which lines of a retail export are sales and which are something
// else (cancellations, bad-debt adjustments, postage and fees, lines without a customer, ...).
// Pure classification of one already parsed line; the driver decides what to keep and reports
// the counts. Defaults follow the UCI Online Retail (I and II) exports.
//
// Every line gets all applicable flags and one primary class, the first that applies in this
// order (most to least decisive for a customer-analytics ingest):
//   kAdjustment      invoice starts with the adjustment prefix ("A": bad-debt write-offs)
//   kMissingCustomer empty customer id: cannot be attributed to anyone
//   kCancellation    invoice starts with the cancel prefix ("C") or quantity < 0 (returns)
//   kNonProduct      stock code in the non-product list (postage, fees, manual, discounts, ...)
//   kNonPositivePrice unit price <= 0 (free samples, zero-price corrections); for a line whose
//                    money field is the line amount (price_is_line_amount, e.g. CDNOW's
//                    dollar_value), only an amount < 0: an amount of 0 is a real free purchase,
//                    a sale flagged kFlagZeroAmount
//   kSale            everything else
// Exact duplicates need state across lines (and, after the shuffle by customer, across ranks'
// input), so they are not a class here: raw_line_hash() gives each raw line a 64-bit hash and
// DuplicateTracker flags repeats; LineCounts::duplicates holds what the driver found.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "kernels/ingest/string_dictionary.hpp"

namespace crmpi::ingest {

struct LineRulesConfig {
  std::string cancel_prefix = "C";
  std::string adjustment_prefix = "A";
  // Stock codes that are not products, compared case-insensitively ("m" and "M" are both
  // "Manual"); an entry ending in '*' matches any code with that prefix. Built from the stock
  // codes of UCI Online Retail I/II whose descriptions are postage, fees, vouchers, tests:
  // POST/DOT postage, C2 carriage, M manual, D discount, S samples, B bad debt, BANK CHARGES,
  // AMAZONFEE, CRUK commission, PADS (0.001 placeholder), ADJUST*, TEST*, gift_0001_* vouchers.
  // DCGS* codes are real items sold via eBay and stay products.
  std::vector<std::string> non_product_codes = {"POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES",
                                                "AMAZONFEE", "CRUK", "PADS", "ADJUST*", "TEST*", "GIFT_0001_*"};
};

// The parsed fields the rules look at; money in micro-units (see exact_number.hpp).
struct OrderLineView {
  std::string_view invoice;
  std::string_view stock_code;
  std::string_view customer;  // empty = missing
  std::int64_t quantity = 0;
  std::int64_t unit_price_micros = 0;  // or the line amount, see price_is_line_amount
  bool price_is_line_amount = false;    // the money field is an amount column, not a unit price
};

enum class LineClass : std::uint8_t {
  kSale,
  kAdjustment,
  kMissingCustomer,
  kCancellation,
  kNonProduct,
  kNonPositivePrice,
};
inline constexpr std::size_t kLineClassCount = 6;
const char* describe(LineClass c);

// Bits of LineVerdict::flags: every rule that matched, not only the primary one.
enum LineFlag : std::uint32_t {
  kFlagAdjustmentInvoice = 1U << 0,
  kFlagMissingCustomer = 1U << 1,
  kFlagCancelInvoice = 1U << 2,
  kFlagNegativeQuantity = 1U << 3,
  kFlagNonProduct = 1U << 4,
  kFlagZeroPrice = 1U << 5,
  kFlagNegativePrice = 1U << 6,
  kFlagZeroAmount = 1U << 7,  // amount column 0: a free purchase, not a reason to drop
};
inline constexpr std::size_t kLineFlagCount = 8;
const char* describe_flag(std::size_t bit);

struct LineVerdict {
  LineClass primary = LineClass::kSale;
  std::uint32_t flags = 0;
};

class LineClassifier {
 public:
  explicit LineClassifier(LineRulesConfig config = {});
  LineVerdict classify(const OrderLineView& line) const;
  bool is_non_product(std::string_view stock_code) const;

 private:
  void mark_first_byte(std::string_view upper_code);

  LineRulesConfig config_;
  // upper-cased; looked up by string_view once per line, so without building a std::string
  std::unordered_set<std::string, TransparentStringHash, std::equal_to<>> exact_codes_;
  std::vector<std::string> prefixes_;             // upper-cased, without '*'
  // First bytes of exact_codes_: most stock codes start with a digit and skip the set lookup.
  std::array<bool, 256> exact_first_byte_{};
  // First bytes (both cases) of any listed code or prefix: a code starting with another byte is
  // no non-product, decided before it is upper-cased.
  std::array<bool, 256> any_first_byte_{};
};

// Counts per primary class and per flag; sums across chunks and ranks with +=.
struct LineCounts {
  std::array<std::uint64_t, kLineClassCount> by_class{};
  std::array<std::uint64_t, kLineFlagCount> by_flag{};
  std::uint64_t lines = 0;
  std::uint64_t duplicates = 0;  // lines whose raw text repeats an earlier line (driver-filled)

  void add(const LineVerdict& v);
  std::uint64_t of(LineClass c) const { return by_class[static_cast<std::size_t>(c)]; }
  std::uint64_t with(LineFlag f) const;
  LineCounts& operator+=(const LineCounts& other);
};

// 64-bit hash (XXH3) of a raw line, without its line terminator. Equal lines hash equal; distinct
// lines collide with probability ~n^2 / 2^65 (1e-8 for 1e6 lines), acceptable for reporting.
std::uint64_t raw_line_hash(std::string_view raw);

// Flags repeats of raw-line hashes seen before (within one tracker's lifetime). After the driver
// shuffles lines by customer, identical lines meet on one rank, so per-rank tracking is global.
class DuplicateTracker {
 public:
  bool seen_before(std::uint64_t hash) { return !seen_.insert(hash).second; }
  std::size_t distinct() const { return seen_.size(); }

 private:
  std::unordered_set<std::uint64_t> seen_;
};

}  // namespace crmpi::ingest
