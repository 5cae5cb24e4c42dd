#include "kernels/ingest/header_check.hpp"

#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"

namespace crmpi::ingest {
namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool looks_like_value(std::string_view field) {
  field = trim_blanks(field);
  if (field.empty()) return false;
  // A number with too many decimals or out of range is still a number, not a column name.
  const NumberError e = parse_money_micros(field).error;
  if (e == NumberError::kNone || e == NumberError::kTooManyDecimals || e == NumberError::kOverflow) return true;
  return parse_datetime(field).ok();
}

}  // namespace

bool header_looks_like_data(std::span<const std::string_view> fields) {
  if (fields.empty()) return false;
  for (auto f : fields)
    if (!looks_like_value(f)) return false;
  return true;
}

}  // namespace crmpi::ingest
