#include "io/h5.hpp"

#include <algorithm>
#include <filesystem>

#include "kernels/common/errors.hpp"

namespace crmpi::h5 {

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
  id_ = H5I_INVALID_HID;
}

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
herr_t innermost(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (n == 0 && err->desc) *out = err->desc;
  return 0;
}
}  // namespace

std::string last_hdf5_message() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost, &msg);
  return msg;
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) {
    std::string why = last_hdf5_message();
    H5Eclear2(H5E_DEFAULT);
    throw IoError(what + (why.empty() ? "" : ": " + why));
  }
  return id;
}

namespace {
DataError not_hdf5(const std::string& path) {
  std::string why = last_hdf5_message();
  H5Eclear2(H5E_DEFAULT);
  return DataError("cannot open '" + path + "' as HDF5 (empty, truncated or not an HDF5 file)" +
                   (why.empty() ? "" : ": " + why));
}
}  // namespace

Handle open_read_posix(const std::string& path) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw not_hdf5(path);
  return Handle(f);
}

Handle open_parallel(const std::string& path, const Comm& comm, Access access) {
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"));
  if (comm.size() > 1) check(H5Pset_fapl_mpio(fapl.id(), comm.native(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  if (access == Access::kRead) {
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.id());
    if (f < 0) throw not_hdf5(path);
    return Handle(f);
  }
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id());
  return Handle(check(f, "cannot create '" + path + "'"));
}

bool link_exists(hid_t loc, const std::string& path) {
  // H5Lexists fails (rather than answering false) when an intermediate group is missing.
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && prefix != "/") {
      if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    if (pos == std::string::npos) return true;
  }
}

DatasetShape inspect(hid_t file, const std::string& path) {
  DatasetShape s;
  if (!link_exists(file, path)) return s;
  H5O_info_t info;
  if (H5Oget_info_by_name(file, path.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) {
    H5Eclear2(H5E_DEFAULT);
    return s;
  }
  Handle d(check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open dataset " + path));
  Handle t(check(H5Dget_type(d.id()), "type of " + path));
  Handle sp(check(H5Dget_space(d.id()), "dataspace of " + path));
  s.exists = true;
  s.type_class = H5Tget_class(t.id());
  s.type_size = H5Tget_size(t.id());
  s.is_signed = s.type_class == H5T_INTEGER && H5Tget_sign(t.id()) == H5T_SGN_2;
  s.dims = H5Sget_simple_extent_ndims(sp.id());
  if (s.dims >= 1) {
    hsize_t dims[H5S_MAX_RANK];
    H5Sget_simple_extent_dims(sp.id(), dims, nullptr);
    s.length = dims[0];
  }
  return s;
}

DatasetShape inspect_attr(hid_t obj, const std::string& name) {
  DatasetShape s;
  if (!has_attr(obj, name)) return s;
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name));
  Handle t(check(H5Aget_type(a.id()), "type of attribute " + name));
  Handle sp(check(H5Aget_space(a.id()), "space of attribute " + name));
  s.exists = true;
  s.type_class = H5Tget_class(t.id());
  s.type_size = H5Tget_size(t.id());
  s.is_signed = s.type_class == H5T_INTEGER && H5Tget_sign(t.id()) == H5T_SGN_2;
  s.dims = H5Sget_simple_extent_ndims(sp.id());
  s.length = static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(sp.id()));
  return s;
}

std::string describe_type(const DatasetShape& s) {
  const std::string bits = std::to_string(s.type_size * 8);
  switch (s.type_class) {
    case H5T_INTEGER: return (s.is_signed ? "int" : "uint") + bits;
    case H5T_FLOAT: return "float" + bits;
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    default: return "unsupported type";
  }
}

Handle open_dataset(hid_t file, const std::string& path) {
  return Handle(check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "cannot open dataset " + path));
}

Handle create_dataset_typed(hid_t file, const std::string& path, hid_t type, std::uint64_t length) {
  Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate"));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"));
  H5Pset_layout(dcpl.id(), H5D_CONTIGUOUS);
  // No fill: every element is written by some rank, and filling would write the file twice.
  H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER);
  H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY);
  const hsize_t dims[1] = {length};
  Handle space(check(H5Screate_simple(1, dims, nullptr), "H5Screate_simple"));
  return Handle(check(H5Dcreate2(file, path.c_str(), type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
                      "cannot create dataset " + path));
}

namespace {
// Whether obj's file is open with the MPI-IO driver (open_parallel on more than one rank): only
// such a file has an MPI atomicity mode to read. A local query: H5Fget_access_plist, the plain
// way to the driver, duplicates an MPI-IO file's communicator (MPI_Comm_dup, collective), which
// hangs a rank asking alone and costs a collective call per write.
bool on_mpio(hid_t obj) {
  Handle file(check(H5Iget_file_id(obj), "H5Iget_file_id"));
  hbool_t atomic = false;
  if (H5Fget_mpi_atomicity(file.id(), &atomic) >= 0) return true;
  H5Eclear2(H5E_DEFAULT);  // "incorrect VFL driver": a POSIX file
  return false;
}

// The transfer property list of a write: HDF5's default for an independent write (independent is
// MPI-IO's default mode, and the POSIX driver takes no MPI-IO mode); MPI-IO's collective mode for
// a collective one (every rank calling), on a file open with MPI-IO. A one-rank POSIX file
// (open_parallel) fails writes in collective mode: there the write is a plain one.
Handle transfer_plist(bool collective) {
  Handle dxpl(check(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"));
  if (collective) H5Pset_dxpl_mpio(dxpl.id(), H5FD_MPIO_COLLECTIVE);
  return dxpl;
}

// HDF5 1.10 + MPI-IO cannot move more than 2 GiB in one call: split large requests.
constexpr std::uint64_t kMaxBytesPerCall = std::uint64_t{1} << 30;
}  // namespace

void read_raw(hid_t dset, hid_t mem_type, std::uint64_t offset, std::uint64_t count, void* out,
              const std::string& what) {
  if (count == 0) return;
  const std::size_t elem = H5Tget_size(mem_type);
  const std::uint64_t step = std::max<std::uint64_t>(1, kMaxBytesPerCall / elem);
  Handle file_space(check(H5Dget_space(dset), "dataspace of " + what));
  for (std::uint64_t done = 0; done < count; done += step) {
    const hsize_t start[1] = {offset + done};
    const hsize_t n[1] = {std::min(step, count - done)};
    check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, n, nullptr), "select " + what);
    Handle mem_space(check(H5Screate_simple(1, n, nullptr), "H5Screate_simple"));
    // Default transfer: independent for MPI-IO files, plain reads for POSIX ones.
    check(H5Dread(dset, mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, static_cast<char*>(out) + done * elem),
          "read " + what + " rows " + std::to_string(offset + done) + ".." + std::to_string(offset + done + n[0]));
  }
}

void write_raw(hid_t dset, hid_t mem_type, std::uint64_t offset, std::uint64_t count, const void* in,
               bool collective, const std::string& what) {
  Handle file_space(check(H5Dget_space(dset), "dataspace of " + what));
  collective = collective && on_mpio(dset);  // a one-rank POSIX file: a plain write
  Handle dxpl = transfer_plist(collective);
  const std::size_t elem = H5Tget_size(mem_type);
  if (count == 0) {
    // An empty dataset (e.g. no survey answers at all) has no storage to take part in writing; every
    // rank sees the same length, so every rank returns here alike. (HDF5 1.10 fails the empty
    // collective write below on it: "can't write data".)
    if (!collective || H5Sget_simple_extent_npoints(file_space.id()) == 0) return;
    // A collective write needs every rank: take part with an empty selection.
    H5Sselect_none(file_space.id());
    Handle mem_space(check(H5Screate(H5S_NULL), "H5Screate"));
    H5Sselect_none(mem_space.id());
    check(H5Dwrite(dset, mem_type, mem_space.id(), file_space.id(), dxpl.id(), in), "write " + what);
    return;
  }
  if (count * elem > kMaxBytesPerCall)
    throw IoError("write " + what + ": one write call is limited to 1 GiB; split it (internal error)");
  const hsize_t start[1] = {offset};
  const hsize_t n[1] = {count};
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, n, nullptr), "select " + what);
  Handle mem_space(check(H5Screate_simple(1, n, nullptr), "H5Screate_simple"));
  check(H5Dwrite(dset, mem_type, mem_space.id(), file_space.id(), dxpl.id(), in), "write " + what);
}

namespace {
void write_attr(hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name));
  check(H5Awrite(a.id(), type, data), "write attribute " + name);
}
}  // namespace

void write_attr_int(hid_t obj, const std::string& name, std::int64_t value) {
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"));
  write_attr(obj, name, H5T_NATIVE_INT64, space.id(), &value);
}

void write_attr_double(hid_t obj, const std::string& name, double value) {
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"));
  write_attr(obj, name, H5T_NATIVE_DOUBLE, space.id(), &value);
}

void write_attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"));
  Handle type(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  H5Tset_size(type.id(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.id(), H5T_STR_NULLPAD);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_attr(obj, name, type.id(), space.id(), padded.data());
}

void write_attr_doubles(hid_t obj, const std::string& name, std::span<const double> values) {
  const hsize_t n[1] = {values.size()};
  Handle space(check(H5Screate_simple(1, n, nullptr), "H5Screate_simple"));
  write_attr(obj, name, H5T_NATIVE_DOUBLE, space.id(), values.data());
}

void write_attr_ints(hid_t obj, const std::string& name, std::span<const std::int64_t> values) {
  const hsize_t n[1] = {values.size()};
  Handle space(check(H5Screate_simple(1, n, nullptr), "H5Screate_simple"));
  write_attr(obj, name, H5T_NATIVE_INT64, space.id(), values.data());
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

namespace {
herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> attr_names(hid_t obj) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  check(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr, &names), "list attributes");
  return names;
}

namespace {
Handle open_attr(hid_t obj, const std::string& name) {
  if (!has_attr(obj, name)) throw DataError("attribute '" + name + "' is missing");
  return Handle(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name));
}
void expect_scalar_class(hid_t attr, H5T_class_t want, const std::string& name, const char* want_name) {
  Handle t(check(H5Aget_type(attr), "type of attribute " + name));
  Handle sp(check(H5Aget_space(attr), "space of attribute " + name));
  if (H5Tget_class(t.id()) != want || H5Sget_simple_extent_npoints(sp.id()) != 1)
    throw DataError("attribute '" + name + "' must be a scalar " + want_name);
}
}  // namespace

std::int64_t read_attr_int(hid_t obj, const std::string& name) {
  Handle a = open_attr(obj, name);
  expect_scalar_class(a.id(), H5T_INTEGER, name, "integer");
  std::int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

double read_attr_double(hid_t obj, const std::string& name) {
  Handle a = open_attr(obj, name);
  Handle t(check(H5Aget_type(a.id()), "type of attribute " + name));
  if (H5Tget_class(t.id()) != H5T_FLOAT && H5Tget_class(t.id()) != H5T_INTEGER)
    throw DataError("attribute '" + name + "' must be numeric");
  double v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v), "read attribute " + name);
  return v;
}

std::string read_attr_string(hid_t obj, const std::string& name) {
  Handle a = open_attr(obj, name);
  Handle t(check(H5Aget_type(a.id()), "type of attribute " + name));
  if (H5Tget_class(t.id()) != H5T_STRING) throw DataError("attribute '" + name + "' must be a string");
  if (H5Tis_variable_str(t.id()) > 0) {
    Handle mt(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    H5Tset_size(mt.id(), H5T_VARIABLE);
    // HDF5 converts no variable-length string between ASCII and UTF-8: read in the file's
    // character set (h5py, hence most Python writers, stores UTF-8).
    H5Tset_cset(mt.id(), H5Tget_cset(t.id()));
    char* p = nullptr;
    check(H5Aread(a.id(), mt.id(), &p), "read attribute " + name);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  const std::size_t n = H5Tget_size(t.id());
  std::string s(n, '\0');
  check(H5Aread(a.id(), t.id(), s.data()), "read attribute " + name);
  s.resize(std::min(s.size(), s.find('\0')));
  return s;
}

namespace {
// A 1-D (or scalar) numeric attribute read as `mem_type`.
template <class T>
std::vector<T> read_attr_array(hid_t obj, const std::string& name, hid_t mem_type, bool integers_only) {
  Handle a = open_attr(obj, name);
  Handle t(check(H5Aget_type(a.id()), "type of attribute " + name));
  const H5T_class_t c = H5Tget_class(t.id());
  if (c != H5T_INTEGER && (integers_only || c != H5T_FLOAT))
    throw DataError("attribute '" + name + "' must be " + (integers_only ? "integer" : "numeric"));
  Handle sp(check(H5Aget_space(a.id()), "space of attribute " + name));
  if (H5Sget_simple_extent_ndims(sp.id()) > 1) throw DataError("attribute '" + name + "' must be 1-D");
  std::vector<T> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp.id())));
  if (!v.empty()) check(H5Aread(a.id(), mem_type, v.data()), "read attribute " + name);
  return v;
}
}  // namespace

std::vector<std::int64_t> read_attr_ints(hid_t obj, const std::string& name) {
  return read_attr_array<std::int64_t>(obj, name, H5T_NATIVE_INT64, true);
}

std::vector<double> read_attr_doubles(hid_t obj, const std::string& name) {
  return read_attr_array<double>(obj, name, H5T_NATIVE_DOUBLE, false);
}

void write_strings(hid_t file, const std::string& path, const std::vector<std::string>& values, int my_rank) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  Handle type(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  H5Tset_size(type.id(), width);
  H5Tset_strpad(type.id(), H5T_STR_NULLPAD);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  Handle d = create_dataset_typed(file, path, type.id(), values.size());
  if (my_rank != 0 || values.empty()) return;
  std::vector<char> buf(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), buf.begin() + static_cast<std::ptrdiff_t>(i * width));
  Handle dxpl = transfer_plist(false);
  check(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, dxpl.id(), buf.data()), "write " + path);
}

std::vector<std::string> read_strings(hid_t file, const std::string& path) {
  Handle d = open_dataset(file, path);
  Handle t(check(H5Dget_type(d.id()), "type of " + path));
  if (H5Tget_class(t.id()) != H5T_STRING) throw DataError(path + " must hold strings");
  Handle sp(check(H5Dget_space(d.id()), "space of " + path));
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp.id()));
  std::vector<std::string> out;
  out.reserve(n);
  if (n == 0) return out;
  if (H5Tis_variable_str(t.id()) > 0) {
    Handle mt(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    H5Tset_size(mt.id(), H5T_VARIABLE);
    H5Tset_cset(mt.id(), H5Tget_cset(t.id()));  // as in read_attr_string: no ASCII <-> UTF-8 conversion
    std::vector<char*> ptrs(n, nullptr);
    check(H5Dread(d.id(), mt.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + path);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mt.id(), sp.id(), H5P_DEFAULT, ptrs.data());
    return out;
  }
  const std::size_t width = H5Tget_size(t.id());
  std::vector<char> buf(width * n);
  check(H5Dread(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + path);
  for (std::size_t i = 0; i < n; ++i) {
    std::string s(buf.data() + i * width, width);
    s.resize(std::min(s.size(), s.find('\0')));
    out.push_back(std::move(s));
  }
  return out;
}

Handle open_or_create_group(hid_t file, const std::string& path) {
  if (link_exists(file, path)) return Handle(check(H5Gopen2(file, path.c_str(), H5P_DEFAULT), "open group " + path));
  Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate"));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return Handle(check(H5Gcreate2(file, path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), "create group " + path));
}

bool is_group(hid_t file, const std::string& path) {
  if (path != "/" && !link_exists(file, path)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(file, path.c_str(), &info, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return info.type == H5O_TYPE_GROUP;
}

Handle open_object(hid_t file, const std::string& path) {
  return Handle(check(H5Oopen(file, path.c_str(), H5P_DEFAULT), "cannot open " + path));
}

namespace {
herr_t collect_object(hid_t root, const char* name, const H5L_info_t* link, void* data) {
  if (link->type != H5L_TYPE_HARD) return 0;  // soft and external links are not objects of the file
  H5O_info_t info;
  if (H5Oget_info_by_name(root, name, &info, H5P_DEFAULT) < 0) return -1;
  if (info.type == H5O_TYPE_GROUP || info.type == H5O_TYPE_DATASET)
    static_cast<std::vector<ObjectInfo>*>(data)->push_back(
        {"/" + std::string(name), info.type == H5O_TYPE_GROUP});
  return 0;
}
}  // namespace

std::vector<ObjectInfo> list_objects(hid_t file) {
  std::vector<ObjectInfo> out;
  check(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collect_object, &out), "list objects");
  return out;
}

}  // namespace crmpi::h5
