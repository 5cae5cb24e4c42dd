// A results.h5 written by an earlier job (layout: io/results_schema.hpp; docs/results.md), opened
// on all ranks of a communicator: what the report and `migrate` read of a previous quarter.
//
// Opening is collective and fails on all ranks together; like InputFile, every rank then opens the
// file itself (POSIX) and reads its own slices. Every other call is local: no communication, so
// ranks may read different objects. Objects are named by layout entries, never by strings; a
// missing object or one whose stored type differs from its entry is a DataError naming it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/results_schema.hpp"

namespace crmpi {

// Rows [begin, end) of a per-customer column.
struct RowRange {
  std::uint64_t begin = 0, end = 0;
  std::uint64_t count() const { return end - begin; }
};

// Rank r's even share of n rows: [floor(n*r/P), floor(n*(r+1)/P)).
RowRange even_share(std::uint64_t n, int rank, int ranks);

class ResultsReader {
 public:
  // Collective. Missing path: NoInputError (66); not an HDF5 file: DataError (65).
  ResultsReader(const Comm& comm, const std::string& path);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.id(); }

  // What the file holds. stages(): the root attribute stages_run where `crmpi run` wrote it, else
  // the stages whose groups are present ("rfm", "clv", "kmeans"), in the order they run.
  std::vector<std::string> stages() const;
  bool has_stage(results_schema::Part part) const;
  std::vector<std::string> clv_models() const;           // /clv@models: purchase models, then gamma_gamma
  std::vector<std::string> clv_purchase_models() const;  // of clv_models(), those with scores
  bool has_gamma_gamma() const;
  bool has_holdout() const;  // /clv@holdout_end is set
  // Whether the file should hold the entry: its stage ran and its condition holds. Models are not
  // considered: pair it with clv_models() / clv_purchase_models() for entries with a placeholder.
  bool applies(const results_schema::Entry& e) const;
  bool has(const results_schema::Object& o) const;  // present (of any type)

  // Per-customer columns: rows of a stage's columns (its customer_id), this rank's even share.
  std::uint64_t customers(results_schema::Part part) const;
  RowRange my_share(results_schema::Part part) const;

  template <class T>
  std::vector<T> read_column(const results_schema::Object& o, std::uint64_t offset,
                             std::uint64_t count) const {
    results_schema::expect(o, results_schema::Kind::kColumn, results_schema::type_of<T>());
    std::vector<T> v(count);
    read_rows(o, offset, count, h5::native_type<T>(), v.data());
    return v;
  }
  template <class T>
  std::vector<T> read_column(const results_schema::Object& o, RowRange rows) const {
    return read_column<T>(o, rows.begin, rows.count());
  }
  // This rank's even share of the column.
  template <class T>
  std::vector<T> read_my_column(const results_schema::Object& o) const {
    return read_column<T>(o, my_share(o.entry->part));
  }
  // Rows [offset, offset + count) of a list-rows dataset (kind rows: customer by customer, as many
  // for each as its count column says, e.g. /rules/recommend/item by /rules/recommend_count).
  template <class T>
  std::vector<T> read_list_rows(const results_schema::Object& o, std::uint64_t offset, std::uint64_t count) const {
    results_schema::expect(o, results_schema::Kind::kRows, results_schema::type_of<T>());
    std::vector<T> v(count);
    read_rows(o, offset, count, h5::native_type<T>(), v.data());
    return v;
  }
  // A whole replicated table.
  template <class T>
  std::vector<T> read_table(const results_schema::Object& o) const {
    results_schema::expect(o, results_schema::Kind::kTable, results_schema::type_of<T>());
    const std::uint64_t n = dataset_length(o);
    std::vector<T> v(n);
    read_rows(o, 0, n, h5::native_type<T>(), v.data());
    return v;
  }
  std::vector<std::string> read_strings(const results_schema::Object& o) const;

  std::int64_t read_attr_int(const results_schema::Object& o) const;
  double read_attr_double(const results_schema::Object& o) const;
  std::string read_attr_string(const results_schema::Object& o) const;
  std::vector<std::int64_t> read_attr_ints(const results_schema::Object& o) const;
  std::vector<double> read_attr_doubles(const results_schema::Object& o) const;

  // The whole file against the layout, one line per problem: an object or attribute the layout
  // does not describe (or does not expect in this file), one of another kind, type or length
  // than its entry, an entry that applies but is missing. Empty: the file is as the layout says.
  std::vector<std::string> check_layout() const;

 private:
  // The dataset after checking it is there, 1-D and of the entry's type (and, for a column, as
  // long as its stage's customer_id); its length.
  std::uint64_t dataset_length(const results_schema::Object& o) const;
  void read_rows(const results_schema::Object& o, std::uint64_t offset, std::uint64_t count, hid_t mem_type,
                 void* out) const;
  h5::Handle attr_holder(const results_schema::Object& o) const;  // checks the attribute's type
  std::string where(const results_schema::Object& o) const;       // "<file>: <object>"

  std::string path_;
  h5::Handle file_;
  int rank_ = 0, ranks_ = 1;
};

}  // namespace crmpi
