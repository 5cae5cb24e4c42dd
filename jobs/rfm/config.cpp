// `crmpi rfm` options: binding and validation; the as-of day and the segment table parsed once.
#include "jobs/cli/options.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void RfmConfig::bind(Options& o) {
  o.bind("rfm", "segments", segments, "RFM segment mapping table (TOML); default: the built-in config/rfm_segments.toml");
  o.bind("rfm", "as-of", as_of, "analysis day YYYY-MM-DD; default: the input's as_of_day");
}

void RfmConfig::validate() {
  as_of_day.reset();
  if (!as_of.empty()) {
    as_of_day = parse_iso_date(as_of);
    if (!as_of_day) throw ConfigError("--as-of must be a real date YYYY-MM-DD, got '" + as_of + "'");
  }
  segment_map = load_segment_map(segments);  // fails before any work if the table is bad
}

}  // namespace crmpi
