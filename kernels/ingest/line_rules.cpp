#include "kernels/ingest/line_rules.hpp"

#include <xxhash.h>

#include "kernels/ingest/short_text.hpp"

#include <bit>
#include <utility>

namespace crmpi::ingest {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

const char* describe(LineClass c) {
  switch (c) {
    case LineClass::kSale: return "sale";
    case LineClass::kAdjustment: return "adjustment";
    case LineClass::kMissingCustomer: return "missing_customer";
    case LineClass::kCancellation: return "cancellation";
    case LineClass::kNonProduct: return "non_product";
    case LineClass::kNonPositivePrice: return "non_positive_price";
  }
  return "unknown";
}

const char* describe_flag(std::size_t bit) {
  static constexpr const char* kNames[kLineFlagCount] = {"adjustment_invoice", "missing_customer",
                                                         "cancel_invoice",     "negative_quantity",
                                                         "non_product",        "zero_price",
                                                         "negative_price",     "zero_amount"};
  return bit < kLineFlagCount ? kNames[bit] : "unknown";
}

void LineClassifier::mark_first_byte(std::string_view upper_code) {
  if (upper_code.empty()) {  // an empty prefix matches every code: never skip the full test
    any_first_byte_.fill(true);
    return;
  }
  const auto c = static_cast<unsigned char>(upper_code[0]);
  any_first_byte_[c] = true;
  if (c >= 'A' && c <= 'Z') any_first_byte_[c - 'A' + 'a'] = true;
}

LineClassifier::LineClassifier(LineRulesConfig config) : config_(std::move(config)) {
  for (const std::string& code : config_.non_product_codes) {
    if (!code.empty() && code.back() == '*') {
      prefixes_.push_back(upper(std::string_view(code).substr(0, code.size() - 1)));
      mark_first_byte(prefixes_.back());
    } else {
      const std::string u = upper(code);
      exact_codes_.insert(u);
      exact_first_byte_[u.empty() ? 0 : static_cast<unsigned char>(u[0])] = true;
      mark_first_byte(u);
    }
  }
}

bool LineClassifier::is_non_product(std::string_view stock_code) const {
  if (!stock_code.empty() && !any_first_byte_[static_cast<unsigned char>(stock_code[0])]) return false;
  if (stock_code.empty() && !exact_first_byte_[0] && !any_first_byte_[0]) return false;
  // Called once per line: codes up to 32 bytes (all real ones) are upper-cased on the stack.
  char buffer[32];
  std::string heap;
  std::string_view code;
  if (stock_code.size() <= sizeof buffer) {
    for (std::size_t i = 0; i < stock_code.size(); ++i) {
      const char c = stock_code[i];
      buffer[i] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
    code = std::string_view(buffer, stock_code.size());
  } else {
    heap = upper(stock_code);
    code = heap;
  }
  const auto first = code.empty() ? 0 : static_cast<unsigned char>(code[0]);
  if (exact_first_byte_[first] && exact_codes_.contains(code)) return true;
  for (const std::string& p : prefixes_) {
    if (code.starts_with(p)) return true;
  }
  return false;
}

LineVerdict LineClassifier::classify(const OrderLineView& line) const {
  std::uint32_t f = 0;
  if (!config_.adjustment_prefix.empty() && starts_with_short(line.invoice, config_.adjustment_prefix)) {
    f |= kFlagAdjustmentInvoice;
  }
  if (line.customer.empty()) f |= kFlagMissingCustomer;
  if (!config_.cancel_prefix.empty() && starts_with_short(line.invoice, config_.cancel_prefix)) f |= kFlagCancelInvoice;
  if (line.quantity < 0) f |= kFlagNegativeQuantity;
  if (is_non_product(line.stock_code)) f |= kFlagNonProduct;
  if (line.unit_price_micros == 0) f |= line.price_is_line_amount ? kFlagZeroAmount : kFlagZeroPrice;
  if (line.unit_price_micros < 0) f |= kFlagNegativePrice;

  LineVerdict v;
  v.flags = f;
  if (f & kFlagAdjustmentInvoice) {
    v.primary = LineClass::kAdjustment;
  } else if (f & kFlagMissingCustomer) {
    v.primary = LineClass::kMissingCustomer;
  } else if (f & (kFlagCancelInvoice | kFlagNegativeQuantity)) {
    v.primary = LineClass::kCancellation;
  } else if (f & kFlagNonProduct) {
    v.primary = LineClass::kNonProduct;
  } else if (f & (kFlagZeroPrice | kFlagNegativePrice)) {
    v.primary = LineClass::kNonPositivePrice;
  }
  return v;
}

void LineCounts::add(const LineVerdict& v) {
  ++lines;
  ++by_class[static_cast<std::size_t>(v.primary)];
  for (std::uint32_t f = v.flags; f != 0; f &= f - 1)  // only the set bits: most lines have none
    ++by_flag[static_cast<std::size_t>(std::countr_zero(f))];
}

std::uint64_t LineCounts::with(LineFlag f) const {
  return by_flag[static_cast<std::size_t>(std::countr_zero(static_cast<std::uint32_t>(f)))];
}

LineCounts& LineCounts::operator+=(const LineCounts& other) {
  for (std::size_t i = 0; i < kLineClassCount; ++i) by_class[i] += other.by_class[i];
  for (std::size_t i = 0; i < kLineFlagCount; ++i) by_flag[i] += other.by_flag[i];
  lines += other.lines;
  duplicates += other.duplicates;
  return *this;
}

std::uint64_t raw_line_hash(std::string_view raw) { return XXH3_64bits(raw.data(), raw.size()); }

}  // namespace crmpi::ingest
