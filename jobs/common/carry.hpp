// What a stage's checkpoint keeps beside its results (`crmpi run`, jobs/pipeline/checkpoints.hpp):
// the parts of its result that later stages and the run's summary read, so that a stage resumed
// from its checkpoint gives them exactly what a computed one would. Saved under /carry/ of the
// checkpoint's results file: per-customer columns in rank order (the customers' global order, so
// a resume reads its own slice back at any rank count), replicated tables and names.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/h5.hpp"
#include "io/results_file.hpp"

namespace crmpi {

// Collective, like ResultsFile: every rank calls the same methods in the same order.
class CarryWriter {
 public:
  explicit CarryWriter(ResultsFile& file) : file_(file) {}
  // This rank's customers' values (rows of its slice, in order).
  template <class T, class A>
  void column(const std::string& name, const std::vector<T, A>& local) {
    file_.write_column<T>(path(name), std::span<const T>(local.data(), local.size()));
  }
  // The same values on every rank.
  template <class T>
  void table(const std::string& name, const std::vector<T>& values) {
    file_.write_replicated<T>(path(name), std::span<const T>(values));
  }
  void value(const std::string& name, std::int64_t v) { table<std::int64_t>(name, {v}); }
  void strings(const std::string& name, const std::vector<std::string>& values) {
    file_.write_strings(path(name), values);
  }

 private:
  static std::string path(const std::string& name) { return "/carry/" + name; }
  ResultsFile& file_;
};

// Local reads (no communication): this rank's rows [offset, offset + count) of each column.
class CarryReader {
 public:
  CarryReader(hid_t file, std::uint64_t offset, std::uint64_t count) : file_(file), offset_(offset), count_(count) {}
  template <class T>
  std::vector<T> column(const std::string& name) const {
    h5::Handle d = h5::open_dataset(file_, path(name));
    return h5::read_vector<T>(d.id(), offset_, count_, path(name));
  }
  template <class T>
  std::vector<T> table(const std::string& name) const {
    const h5::DatasetShape s = h5::inspect(file_, path(name));
    h5::Handle d = h5::open_dataset(file_, path(name));
    return h5::read_vector<T>(d.id(), 0, s.length, path(name));
  }
  std::int64_t value(const std::string& name) const { return table<std::int64_t>(name).at(0); }
  std::vector<std::string> strings(const std::string& name) const { return h5::read_strings(file_, path(name)); }
  bool has(const std::string& name) const { return h5::link_exists(file_, path(name)); }

 private:
  static std::string path(const std::string& name) { return "/carry/" + name; }
  hid_t file_;
  std::uint64_t offset_, count_;
};

}  // namespace crmpi
