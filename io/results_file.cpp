#include "io/results_file.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace crmpi {

ResultsFile::ResultsFile(const Comm& comm, const std::string& path)
    : comm_(comm), file_(h5::open_parallel(path, comm, h5::Access::kCreate)) {}

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

void ResultsFile::write_strings(const results_schema::Object& o, const std::vector<std::string>& values) {
  results_schema::expect(o, results_schema::Kind::kStrings, results_schema::Type::kString);
  write_strings(o.path, values);
}

namespace rs = results_schema;

namespace {
// Calls write(id) with the object an attribute belongs to: the file itself for root attributes.
template <class Write>
void on_holder(hid_t file, const rs::Object& o, Write&& write) {
  if (o.path == "/") return write(file);
  const h5::Handle g = h5::open_or_create_group(file, o.path);
  write(g.id());
}
}  // namespace

void ResultsFile::write_attr_int(const rs::Object& o, std::int64_t value) {
  rs::expect(o, rs::Kind::kAttr, rs::Type::kInt64);
  on_holder(file_.id(), o, [&](hid_t id) { h5::write_attr_int(id, std::string(o.entry->attr), value); });
}

void ResultsFile::write_attr_double(const rs::Object& o, double value) {
  rs::expect(o, rs::Kind::kAttr, rs::Type::kFloat64);
  on_holder(file_.id(), o, [&](hid_t id) { h5::write_attr_double(id, std::string(o.entry->attr), value); });
}

void ResultsFile::write_attr_string(const rs::Object& o, const std::string& value) {
  rs::expect(o, rs::Kind::kAttr, rs::Type::kString);
  on_holder(file_.id(), o, [&](hid_t id) { h5::write_attr_string(id, std::string(o.entry->attr), value); });
}

void ResultsFile::write_attr_ints(const rs::Object& o, std::span<const std::int64_t> values) {
  rs::expect(o, rs::Kind::kAttrArray, rs::Type::kInt64);
  on_holder(file_.id(), o, [&](hid_t id) { h5::write_attr_ints(id, std::string(o.entry->attr), values); });
}

void ResultsFile::write_attr_doubles(const rs::Object& o, std::span<const double> values) {
  rs::expect(o, rs::Kind::kAttrArray, rs::Type::kFloat64);
  on_holder(file_.id(), o, [&](hid_t id) { h5::write_attr_doubles(id, std::string(o.entry->attr), values); });
}

void ResultsFile::write_provenance(const Provenance& p) {
  using namespace results_schema::root;
  write_attr_string(kCrmpiVersion, p.crmpi_version);
  write_attr_string(kCommand, p.command);
  write_attr_string(kConfig, p.config_toml);
  write_attr_string(kInputPath, p.input_path);
  write_attr_int(kInputBytes, static_cast<std::int64_t>(p.input_bytes));
  write_attr_string(kInputChecksum, p.input_checksum);
  write_attr_int(kRanks, p.ranks);
  write_attr_string(kStartTime, p.start_time);
  write_attr_string(kEndTime, p.end_time);
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
