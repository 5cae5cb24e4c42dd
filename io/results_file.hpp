// results.h5 writer: distributed columns written collectively at each rank's global offset,
// small replicated tables written once, and the provenance every output carries. Jobs write
// through the layout's entries (io/results_schema.hpp), which fix each object's path, kind and
// element type; the string-path overloads are the layer underneath.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/results_schema.hpp"

namespace crmpi {

struct Provenance {
  std::string crmpi_version;
  std::string command;       // the subcommand, e.g. "rfm"
  std::string config_toml;   // the effective configuration
  std::string input_path;
  std::uint64_t input_bytes = 0;
  std::string input_checksum;  // hex of the position-keyed checksum of the key datasets
  int ranks = 1;
  std::string start_time, end_time;  // ISO 8601 UTC
};

class ResultsFile {
 public:
  ResultsFile(const Comm& comm, const std::string& path);  // collective create (truncates)
  hid_t id() const { return file_.id(); }

  // Each rank passes its rows; they land in rank order. Collective.
  template <class T>
  void write_column(const std::string& path, std::span<const T> local) {
    write_column_raw(path, h5::native_type<T>(), sizeof(T), local.data(), local.size());
  }
  template <class T>
  void write_column(const std::string& path, const std::vector<T>& local) {
    write_column<T>(path, std::span<const T>(local));
  }
  // Every rank passes the same values; rank 0 writes them. Collective.
  template <class T>
  void write_replicated(const std::string& path, std::span<const T> values) {
    write_replicated_raw(path, h5::native_type<T>(), values.data(), values.size());
  }
  template <class T>
  void write_replicated(const std::string& path, const std::vector<T>& values) {
    write_replicated<T>(path, std::span<const T>(values));
  }
  void write_strings(const std::string& path, const std::vector<std::string>& values);
  h5::Handle group(const std::string& path);

  // Through the layout: an entry (or results_schema::at(entry, model)) in place of the path; an
  // object written as another kind or element type than its entry says is a bug (exit 70).
  template <class T>
  void write_column(const results_schema::Object& o, std::span<const T> local) {
    results_schema::expect(o, results_schema::Kind::kColumn, results_schema::type_of<T>());
    write_column<T>(o.path, local);
  }
  template <class T, class A>
  void write_column(const results_schema::Object& o, const std::vector<T, A>& local) {
    write_column<T>(o, std::span<const T>(local));
  }
  // A flattened per-customer list (Kind::kRows): each rank its customers' rows, in rank order.
  template <class T>
  void write_rows(const results_schema::Object& o, const std::vector<T>& local) {
    results_schema::expect(o, results_schema::Kind::kRows, results_schema::type_of<T>());
    write_column<T>(o.path, std::span<const T>(local));
  }
  template <class T>
  void write_replicated(const results_schema::Object& o, std::span<const T> values) {
    results_schema::expect(o, results_schema::Kind::kTable, results_schema::type_of<T>());
    write_replicated<T>(o.path, values);
  }
  template <class T>
  void write_replicated(const results_schema::Object& o, const std::vector<T>& values) {
    write_replicated<T>(o, std::span<const T>(values));
  }
  void write_strings(const results_schema::Object& o, const std::vector<std::string>& values);
  // A replicated table of n values derived from others (item ids from F-list ranks, supports from
  // counts), made part by part: fill(first, part) sets part[i] to value first + i. Rank 0 writes
  // each part from one reused buffer of at most kPartBytes, so the table never exists whole in
  // memory: no second full-size array of fresh pages, which the kernel zeroes first (mushroom 10%'s
  // 4.6M item ids are 18 MB). Every rank passes the same n. Collective.
  static constexpr std::size_t kPartBytes = std::size_t{1} << 20;
  template <class T, class Fill>
  void write_replicated_parts(const results_schema::Object& o, std::uint64_t n, Fill&& fill) {
    results_schema::expect(o, results_schema::Kind::kTable, results_schema::type_of<T>());
    h5::Handle d = h5::create_dataset_typed(file_.id(), o.path, h5::native_type<T>(), n);
    if (!comm_.is_root()) return;
    std::vector<T> part(std::min<std::uint64_t>(n, kPartBytes / sizeof(T)));
    for (std::uint64_t first = 0; first < n; first += part.size()) {
      const std::span<T> p(part.data(), std::min<std::uint64_t>(part.size(), n - first));
      fill(first, p);
      h5::write_raw(d.id(), h5::native_type<T>(), first, p.size(), p.data(), false, o.path);
    }
  }
  // Attributes: every rank passes the same value (collective).
  void write_attr_int(const results_schema::Object& o, std::int64_t value);
  void write_attr_double(const results_schema::Object& o, double value);
  void write_attr_string(const results_schema::Object& o, const std::string& value);
  void write_attr_ints(const results_schema::Object& o, std::span<const std::int64_t> values);
  void write_attr_doubles(const results_schema::Object& o, std::span<const double> values);

  void write_provenance(const Provenance& p);
  void close() { file_.reset(); }

 private:
  void write_column_raw(const std::string& path, hid_t type, std::size_t elem, const void* data, std::uint64_t n);
  void write_replicated_raw(const std::string& path, hid_t type, const void* data, std::uint64_t n);
  const Comm& comm_;
  h5::Handle file_;
};

std::string utc_now_iso8601();

}  // namespace crmpi
