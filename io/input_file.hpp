// The input data set of every analysis job, opened on all ranks of a communicator.
//
// Opening checks the structure (datasets present with the right types and consistent lengths,
// root attributes); content checks are in io/validate.hpp. Reads are independent and
// contiguous: each rank reads its own slice, chunk by chunk.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "comm/comm.hpp"
#include "io/collective_open.hpp"
#include "io/h5.hpp"
#include "io/schema.hpp"

namespace crmpi {

struct InputSizes {
  std::uint64_t customers = 0;
  std::uint64_t orders = 0;
  std::uint64_t items = 0;
  std::uint64_t products = 0;
  std::uint64_t surveys = 0;
};

// A contiguous range of customers and the orders they own (global row indices).
struct Slice {
  std::uint64_t customer_begin = 0, customer_end = 0;
  std::uint64_t order_begin = 0, order_end = 0;
  std::uint64_t customers() const { return customer_end - customer_begin; }
  std::uint64_t orders() const { return order_end - order_begin; }
};

class InputFile {
 public:
  // Collective. Missing path: NoInputError (66); not HDF5/truncated/bad structure: DataError (65).
  InputFile(const Comm& comm, const std::string& path);
  // A file already open on every rank (e.g. an in-memory image through HDF5's core driver, as the
  // fuzz target uses), `name` standing for its path in messages; the structure is checked as above.
  InputFile(const Comm& comm, std::string name, OpenedFile opened);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.id(); }
  const InputSizes& sizes() const { return sizes_; }
  std::int32_t as_of_day() const { return as_of_day_; }
  const std::string& currency() const { return currency_; }
  std::uint64_t file_bytes() const { return file_bytes_; }

  bool has(std::string_view column) const;
  bool has_part(schema::Part part) const;
  // Names of a code column's dictionary (empty if the file has none).
  std::vector<std::string> dictionary_of(std::string_view column);
  // The strings of a dictionary dataset by its path (empty if the file has none).
  std::vector<std::string> read_dictionary(std::string_view path);

  // Rows [offset, offset+count) of a column, converted to T by HDF5.
  template <class T>
  void read(std::string_view column, std::uint64_t offset, std::uint64_t count, T* out) {
    h5::read<T>(dataset(column), offset, count, out, std::string(column));
  }
  template <class T>
  std::vector<T> read(std::string_view column, std::uint64_t offset, std::uint64_t count) {
    std::vector<T> v(count);
    read<T>(column, offset, count, v.data());
    return v;
  }

  // Rank r's share: customers [c_r, c_{r+1}) balancing orders + customers across ranks. Found by
  // binary search on /customers/order_offset with single-element reads, so no rank ever holds
  // the whole offset array.
  Slice partition(int rank, int ranks);

 private:
  hid_t dataset(std::string_view column);
  void check_structure();

  std::string path_;
  std::uint64_t file_bytes_ = 0;
  h5::Handle file_;
  InputSizes sizes_;
  std::int32_t as_of_day_ = 0;
  std::string currency_;
  std::map<std::string, h5::Handle, std::less<>> open_;
  std::map<std::string, bool, std::less<>> present_;
};

}  // namespace crmpi
