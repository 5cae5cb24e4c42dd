#include "kernels/rfm/segments.hpp"

#include <sstream>

#include "kernels/common/errors.hpp"

namespace crmpi::rfm {

namespace {

struct Range {
  int lo, hi;
};

bool parse_part(const std::string& s, Range& r) {
  if (s == "*") {
    r = {1, 5};
    return true;
  }
  auto digit = [](char c) { return c >= '1' && c <= '5' ? c - '0' : -1; };
  if (s.size() == 1 && digit(s[0]) > 0) {
    r = {digit(s[0]), digit(s[0])};
    return true;
  }
  if (s.size() == 3 && s[1] == '-' && digit(s[0]) > 0 && digit(s[2]) >= digit(s[0])) {
    r = {digit(s[0]), digit(s[2])};
    return true;
  }
  return false;
}

std::string cell_name(int r, int f, int m) {
  return "R" + std::to_string(r) + " F" + std::to_string(f) + " M" + std::to_string(m);
}

}  // namespace

SegmentMap build_segment_map(const std::vector<SegmentRule>& rules) {
  if (rules.empty()) throw ConfigError("RFM segment table is empty");
  if (rules.size() > 250) throw ConfigError("RFM segment table has more than 250 segments");
  SegmentMap map;
  map.names.push_back(kNoPurchasesName);
  std::array<int, 125> owner{};
  owner.fill(-1);
  std::vector<std::string> problems;
  for (std::size_t s = 0; s < rules.size(); ++s) {
    const auto& rule = rules[s];
    if (rule.name.empty()) problems.push_back("segment #" + std::to_string(s + 1) + " has no name");
    for (const auto& n : map.names)
      if (n == rule.name) problems.push_back("segment name '" + rule.name + "' is used twice");
    map.names.push_back(rule.name);
    if (rule.cells.empty()) problems.push_back("segment '" + rule.name + "' lists no cells");
    for (const auto& pattern : rule.cells) {
      std::istringstream is(pattern);
      std::string a, b, c, extra;
      Range rr{}, fr{}, mr{};
      if (!(is >> a >> b >> c) || (is >> extra) || !parse_part(a, rr) || !parse_part(b, fr) || !parse_part(c, mr)) {
        problems.push_back("segment '" + rule.name + "': cell pattern '" + pattern +
                           "' is not \"R F M\" with each part 1-5, a range like 2-4, or *");
        continue;
      }
      for (int r = rr.lo; r <= rr.hi; ++r)
        for (int f = fr.lo; f <= fr.hi; ++f)
          for (int m = mr.lo; m <= mr.hi; ++m) {
            const auto idx = static_cast<std::size_t>((r - 1) * 25 + (f - 1) * 5 + (m - 1));
            if (owner[idx] >= 0 && owner[idx] != static_cast<int>(s))
              problems.push_back("cell " + cell_name(r, f, m) + " is claimed by both '" +
                                 rules[static_cast<std::size_t>(owner[idx])].name + "' and '" + rule.name + "'");
            owner[idx] = static_cast<int>(s);
            map.code[idx] = static_cast<std::uint8_t>(s + 1);
          }
    }
  }
  for (int r = 1; r <= 5; ++r)
    for (int f = 1; f <= 5; ++f)
      for (int m = 1; m <= 5; ++m)
        if (owner[static_cast<std::size_t>((r - 1) * 25 + (f - 1) * 5 + (m - 1))] < 0)
          problems.push_back("cell " + cell_name(r, f, m) + " belongs to no segment");
  if (!problems.empty()) {
    std::string msg = "RFM segment table is invalid (" + std::to_string(problems.size()) + " problem(s)):";
    for (std::size_t i = 0; i < problems.size() && i < 10; ++i) msg += "\n  " + problems[i];
    if (problems.size() > 10) msg += "\n  ...";
    throw ConfigError(msg);
  }
  return map;
}

}  // namespace crmpi::rfm
