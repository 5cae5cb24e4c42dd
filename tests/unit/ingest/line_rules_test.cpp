// Line classification (docs/ingest.md order of classes), flags, non-product codes, counts, duplicate hashes.
#include "kernels/ingest/line_rules.hpp"

#include <gtest/gtest.h>

namespace crmpi::ingest {
namespace {

OrderLineView line(std::string_view invoice, std::string_view code, std::string_view customer, std::int64_t qty,
                   std::int64_t price_micros) {
  return {invoice, code, customer, qty, price_micros, false};
}

TEST(LineRules, PrimaryClassFollowsDocumentedPriority) {
  // Classes in docs/ingest.md's order; lines modelled on UCI Online Retail ones (536365 85123A,
  // C536379 D "Discount", 536414 22139 without customer, A563186 B "Adjust bad debt" -11062.06).
  const LineClassifier c;
  EXPECT_EQ(c.classify(line("536365", "85123A", "17850", 6, 2'550'000)).primary, LineClass::kSale);
  EXPECT_EQ(c.classify(line("C536379", "D", "14527", -1, 27'500'000)).primary, LineClass::kCancellation);
  EXPECT_EQ(c.classify(line("536414", "22139", "", 56, 0)).primary, LineClass::kMissingCustomer);
  EXPECT_EQ(c.classify(line("A563186", "B", "", 1, -11'062'060'000)).primary, LineClass::kAdjustment);
  EXPECT_EQ(c.classify(line("536370", "POST", "12583", 3, 18'000'000)).primary, LineClass::kNonProduct);
  EXPECT_EQ(c.classify(line("536370", "22222", "12583", 3, 0)).primary, LineClass::kNonPositivePrice);
  EXPECT_EQ(c.classify(line("536370", "22222", "12583", 3, -1)).primary, LineClass::kNonPositivePrice);
  // Negative quantity without a C invoice is still a return/write-off.
  EXPECT_EQ(c.classify(line("536589", "21777", "12583", -10, 0)).primary, LineClass::kCancellation);
}

TEST(LineRules, ZeroAmountFromAnAmountColumnIsAFreeSale) {
  const LineClassifier c;
  const OrderLineView free{"", "", "00012", 1, 0, true};
  EXPECT_EQ(c.classify(free).primary, LineClass::kSale);
  EXPECT_EQ(c.classify(free).flags, kFlagZeroAmount);
  const OrderLineView negative{"", "", "00012", 1, -10'000, true};
  EXPECT_EQ(c.classify(negative).primary, LineClass::kNonPositivePrice);
  // A zero unit price (quantity x price mode) is still dropped.
  EXPECT_EQ(c.classify(line("", "", "00012", 1, 0)).primary, LineClass::kNonPositivePrice);
}

TEST(LineRules, AllFlagsAreReported) {
  const LineClassifier c;
  const LineVerdict v = c.classify(line("C1", "post", "", -2, -5));
  EXPECT_EQ(v.primary, LineClass::kMissingCustomer);
  EXPECT_EQ(v.flags, kFlagMissingCustomer | kFlagCancelInvoice | kFlagNegativeQuantity | kFlagNonProduct |
                         kFlagNegativePrice);
}

TEST(LineRules, NonProductCodesCaseInsensitiveWithPrefixes) {
  const LineClassifier c;
  for (const char* code : {"POST", "DOT", "M", "m", "BANK CHARGES", "AMAZONFEE", "C2", "CRUK", "D", "PADS", "S",
                           "B", "ADJUST", "ADJUST2", "TEST001", "gift_0001_20"}) {
    EXPECT_TRUE(c.is_non_product(code)) << code;
  }
  for (const char* code : {"85123A", "DCGSSBOY", "DCGS0003", "POSTAGE BOX", "MM", "22423", ""}) {
    EXPECT_FALSE(c.is_non_product(code)) << code;
  }
}

TEST(LineRules, ConfigurablePrefixesAndCodes) {
  LineRulesConfig cfg;
  cfg.cancel_prefix = "R";
  cfg.adjustment_prefix = "";
  cfg.non_product_codes = {"SHIP*"};
  const LineClassifier c(cfg);
  EXPECT_EQ(c.classify(line("R12", "1", "x", 1, 1)).primary, LineClass::kCancellation);
  EXPECT_EQ(c.classify(line("C12", "1", "x", 1, 1)).primary, LineClass::kSale);
  EXPECT_EQ(c.classify(line("A12", "1", "x", 1, 1)).primary, LineClass::kSale);
  EXPECT_EQ(c.classify(line("1", "ship-eu", "x", 1, 1)).primary, LineClass::kNonProduct);
  EXPECT_EQ(c.classify(line("1", "POST", "x", 1, 1)).primary, LineClass::kSale);
}

TEST(LineCounts, SumAcrossParts) {
  const LineClassifier c;
  LineCounts a, b;
  a.add(c.classify(line("1", "1", "x", 1, 1)));
  a.add(c.classify(line("C1", "1", "x", -1, 1)));
  b.add(c.classify(line("1", "1", "", 1, 0)));
  b.duplicates = 2;
  a += b;
  // Hand count: 3 lines: one sale, one C invoice with quantity -1, one without customer and
  // with price 0 (flagged zero price, classed missing customer).
  EXPECT_EQ(a.lines, 3U);
  EXPECT_EQ(a.of(LineClass::kSale), 1U);
  EXPECT_EQ(a.of(LineClass::kCancellation), 1U);
  EXPECT_EQ(a.of(LineClass::kMissingCustomer), 1U);
  EXPECT_EQ(a.with(kFlagZeroPrice), 1U);
  EXPECT_EQ(a.with(kFlagNegativeQuantity), 1U);
  EXPECT_EQ(a.duplicates, 2U);
}

TEST(Duplicates, HashAndTracker) {
  EXPECT_EQ(raw_line_hash("536365,71053,WHITE METAL LANTERN"), raw_line_hash("536365,71053,WHITE METAL LANTERN"));
  EXPECT_NE(raw_line_hash("536365,71053,WHITE METAL LANTERN"), raw_line_hash("536365,71053,WHITE METAL LANTERN "));
  DuplicateTracker t;
  EXPECT_FALSE(t.seen_before(raw_line_hash("a")));
  EXPECT_FALSE(t.seen_before(raw_line_hash("b")));
  EXPECT_TRUE(t.seen_before(raw_line_hash("a")));
  EXPECT_EQ(t.distinct(), 2U);  // "a" and "b"
}

}  // namespace
}  // namespace crmpi::ingest
