// results.h5 writer: distributed columns written collectively at each rank's global offset,
// small replicated tables written once, and the provenance every output carries.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/h5.hpp"

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
