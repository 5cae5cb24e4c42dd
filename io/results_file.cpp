#include "io/results_file.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace crmpi {

ResultsFile::ResultsFile(const Comm& comm, const std::string& path)
    : comm_(comm), file_(h5::open_parallel(path, comm.native(), h5::Access::kCreate)) {}

void ResultsFile::write_column_raw(const std::string& path, hid_t type, std::size_t elem, const void* data,
                                   std::uint64_t n) {
  const std::uint64_t total = comm_.allreduce_sum<std::uint64_t>(n);
  const std::uint64_t offset = comm_.exscan_sum<std::uint64_t>(n);
  h5::Handle d = h5::create_dataset_typed(file_.id(), path, type, total);
  // Collective rounds of at most 256 MiB per rank; ranks with less data join with empty selections.
  const std::uint64_t step = std::max<std::uint64_t>(1, (std::uint64_t{1} << 28) / elem);
  const std::uint64_t rounds = comm_.allreduce_max<std::uint64_t>((n + step - 1) / step);
  for (std::uint64_t k = 0; k < rounds; ++k) {
    const std::uint64_t b = std::min(n, k * step);
    const std::uint64_t cnt = std::min(step, n - b);
    h5::write_raw(d.id(), type, offset + b, cnt, static_cast<const char*>(data) + b * elem, true, path);
  }
}

void ResultsFile::write_replicated_raw(const std::string& path, hid_t type, const void* data, std::uint64_t n) {
  h5::Handle d = h5::create_dataset_typed(file_.id(), path, type, n);
  if (comm_.is_root() && n > 0) h5::write_raw(d.id(), type, 0, n, data, false, path);
}

void ResultsFile::write_strings(const std::string& path, const std::vector<std::string>& values) {
  h5::write_strings(file_.id(), path, values, comm_.rank());
}

h5::Handle ResultsFile::group(const std::string& path) { return h5::open_or_create_group(file_.id(), path); }

void ResultsFile::write_provenance(const Provenance& p) {
  const hid_t f = file_.id();
  h5::write_attr_string(f, "crmpi_version", p.crmpi_version);
  h5::write_attr_string(f, "command", p.command);
  h5::write_attr_string(f, "config", p.config_toml);
  h5::write_attr_string(f, "input_path", p.input_path);
  h5::write_attr_int(f, "input_bytes", static_cast<std::int64_t>(p.input_bytes));
  h5::write_attr_string(f, "input_checksum", p.input_checksum);
  h5::write_attr_int(f, "ranks", p.ranks);
  h5::write_attr_string(f, "start_time", p.start_time);
  h5::write_attr_string(f, "end_time", p.end_time);
}

std::string utc_now_iso8601() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace crmpi
