// Small RAII layer over the HDF5 C API, used only inside io/.
//
// Every HDF5 failure becomes a crmpi::Error naming the file/dataset and HDF5's own reason;
// HDF5's automatic error-stack printing is switched off so users see one clear message.
#pragma once

#include <hdf5.h>

#include "comm/comm.hpp"

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace crmpi::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  // While an exception unwinds, nothing is closed: closing a parallel file is collective, and
  // the other ranks may never get there (the job then aborts, or main() calls H5close() on all
  // ranks together after a collective error).
  ~Handle() {
    if (std::uncaught_exceptions() == 0) reset();
  }
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int16_t>) return H5T_NATIVE_INT16;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_NATIVE_UINT16;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else static_assert(sizeof(T) == 0, "no HDF5 native type for T");
}

// Turns off HDF5's error printing for the whole process (call once at start).
void silence_hdf5_errors();
// The innermost message on HDF5's current error stack ("" if none).
std::string last_hdf5_message();
// Throws IoError("<what>: <hdf5 message>") when id < 0 (or herr_t < 0).
hid_t check(hid_t id, const std::string& what);

enum class Access { kRead, kCreate };
// Opens/creates `path` for all ranks of `comm` (a collective call): with the MPI-IO driver where
// `comm` has several ranks; with HDF5's POSIX (sec2) driver where it has one (then MPI need not be
// started: comm/comm.hpp), since MPI-IO gives a
// lone writer nothing and costs it the loading of OMPIO's components (~10 dlopens) and its
// shared-file-pointer lock files: 4-7 ms of a 0.1 s `crmpi rules` (docs/slurm.md, "Launch cost").
// The datasets and attributes are the same either way; write_raw makes plain writes to a POSIX file.
Handle open_parallel(const std::string& path, const Comm& comm, Access access);

// Opens `path` read-only on this rank alone with HDF5's POSIX (sec2) driver. Input reads are
// independent contiguous slices, so MPI-IO adds nothing but overhead (and its read path is
// where ompi#10546 lives); every rank opens the file itself.
Handle open_read_posix(const std::string& path);

bool link_exists(hid_t loc, const std::string& path);  // checks each path component

struct DatasetShape {
  bool exists = false;
  H5T_class_t type_class = H5T_NO_CLASS;
  std::size_t type_size = 0;
  bool is_signed = false;
  int dims = 0;
  std::uint64_t length = 0;  // extent of dimension 0
};
DatasetShape inspect(hid_t file, const std::string& path);
// The same for attribute `name` of `obj` (dims 0: scalar).
DatasetShape inspect_attr(hid_t obj, const std::string& name);
std::string describe_type(const DatasetShape& s);  // e.g. "int64", "float64", "string"

Handle open_dataset(hid_t file, const std::string& path);

// Creates a 1-D contiguous dataset of `length` elements (collective; parent groups are created).
// Contiguous layout on purpose: no chunk index to read, and no exposure to ompi#7795.
Handle create_dataset_typed(hid_t file, const std::string& path, hid_t type, std::uint64_t length);
template <class T>
Handle create_dataset(hid_t file, const std::string& path, std::uint64_t length) {
  return create_dataset_typed(file, path, native_type<T>(), length);
}

// Reads/writes elements [offset, offset+count) of a 1-D dataset.
// Reads are independent (each rank streams its own chunks); writes may be collective, in which
// case every rank must call the same number of times (count 0 is allowed).
void read_raw(hid_t dset, hid_t mem_type, std::uint64_t offset, std::uint64_t count, void* out,
              const std::string& what);
void write_raw(hid_t dset, hid_t mem_type, std::uint64_t offset, std::uint64_t count, const void* in,
               bool collective, const std::string& what);

template <class T>
void read(hid_t dset, std::uint64_t offset, std::uint64_t count, T* out, const std::string& what) {
  read_raw(dset, native_type<T>(), offset, count, out, what);
}
template <class T>
std::vector<T> read_vector(hid_t dset, std::uint64_t offset, std::uint64_t count, const std::string& what) {
  std::vector<T> v(count);
  read<T>(dset, offset, count, v.data(), what);
  return v;
}
template <class T>
void write(hid_t dset, std::uint64_t offset, std::span<const T> values, bool collective, const std::string& what) {
  write_raw(dset, native_type<T>(), offset, values.size(), values.data(), collective, what);
}

// Attributes (collective when the file is open in parallel: every rank passes the same value).
void write_attr_int(hid_t obj, const std::string& name, std::int64_t value);
void write_attr_double(hid_t obj, const std::string& name, double value);
void write_attr_string(hid_t obj, const std::string& name, const std::string& value);
void write_attr_doubles(hid_t obj, const std::string& name, std::span<const double> values);
void write_attr_ints(hid_t obj, const std::string& name, std::span<const std::int64_t> values);
bool has_attr(hid_t obj, const std::string& name);
std::vector<std::string> attr_names(hid_t obj);  // in name order
std::int64_t read_attr_int(hid_t obj, const std::string& name);
double read_attr_double(hid_t obj, const std::string& name);
std::string read_attr_string(hid_t obj, const std::string& name);
std::vector<std::int64_t> read_attr_ints(hid_t obj, const std::string& name);  // 1-D integer attribute
std::vector<double> read_attr_doubles(hid_t obj, const std::string& name);     // 1-D numeric attribute

// A list of names as a 1-D fixed-length string dataset (collective create; rank 0 writes).
void write_strings(hid_t file, const std::string& path, const std::vector<std::string>& values, int my_rank);
std::vector<std::string> read_strings(hid_t file, const std::string& path);

Handle open_or_create_group(hid_t file, const std::string& path);
bool is_group(hid_t file, const std::string& path);       // "/" included
Handle open_object(hid_t file, const std::string& path);  // a group or dataset ("/" too)

// Every group and dataset below the root, as absolute paths in name order ("/a", "/a/b", ...).
struct ObjectInfo {
  std::string path;
  bool group = false;  // else a dataset (other object types are not listed)
};
std::vector<ObjectInfo> list_objects(hid_t file);

}  // namespace crmpi::h5
