// Loads the RFM segment mapping table (TOML) into the kernel's SegmentMap.
#include <toml++/toml.h>

#include <filesystem>
#include <sstream>

#include "jobs/rfm/rfm_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

extern const char* const kBuiltinRfmSegmentsToml;  // generated from config/rfm_segments.toml

rfm::SegmentMap load_segment_map(const std::string& path) {
  const std::string source = path.empty() ? "built-in config/rfm_segments.toml" : path;
  toml::table root;
  try {
    if (path.empty()) {
      root = toml::parse(std::string_view(kBuiltinRfmSegmentsToml), std::string_view("rfm_segments.toml"));
    } else {
      if (!std::filesystem::exists(path)) throw ConfigError("RFM segment table '" + path + "' does not exist");
      root = toml::parse_file(path);
    }
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << source << ":" << e.source().begin.line << ": " << e.description();
    throw ConfigError(os.str());
  }
  std::vector<rfm::SegmentRule> rules;
  for (const auto& [k, v] : root)
    if (k.str() != "segment") throw ConfigError(source + ": unknown key '" + std::string(k.str()) + "'");
  const auto* segs = root["segment"].as_array();
  if (!segs) throw ConfigError(source + ": expected [[segment]] tables");
  for (const auto& node : *segs) {
    const auto* t = node.as_table();
    if (!t) throw ConfigError(source + ": every [[segment]] must be a table");
    rfm::SegmentRule rule;
    for (const auto& [k, v] : *t) {
      if (k.str() == "name" && v.is_string()) rule.name = v.as_string()->get();
      else if (k.str() == "cells" && v.is_array()) {
        for (const auto& c : *v.as_array()) {
          if (!c.is_string()) throw ConfigError(source + ": cells must be strings like \"5 4-5 *\"");
          rule.cells.push_back(c.as_string()->get());
        }
      } else {
        throw ConfigError(source + ": segment key '" + std::string(k.str()) + "' is unknown or of the wrong type");
      }
    }
    rules.push_back(std::move(rule));
  }
  try {
    return rfm::build_segment_map(rules);
  } catch (const ConfigError& e) {
    throw ConfigError(source + ": " + e.what());
  }
}

}  // namespace crmpi
