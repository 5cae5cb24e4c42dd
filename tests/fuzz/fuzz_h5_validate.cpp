// libFuzzer target: validation of an untrusted HDF5 input (io/input_file + io/validate) on a small
// valid file (make_seeds.py writes it; path in $CRMPI_FUZZ_H5_TEMPLATE) whose values the fuzz
// input overwrites in place: each 11-byte edit names a column (byte 0), a row (bytes 1-2) and the
// new value (bytes 3-10, little-endian, cut to the column's width). The datasets are contiguous,
// so an edit is a byte write at the dataset's file offset; the structure stays valid and the
// fuzzer explores crmpi's checks of the values (sorted keys, offsets, days, money, codes,
// products, quantities, scores), not libhdf5's parser. A rejection must be a crmpi::Error (exit
// 65); a file validation accepts must then partition without error.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/input_file.hpp"
#include "io/schema.hpp"
#include "io/validate.hpp"
#include "kernels/common/errors.hpp"
#include "temp_file.hpp"

namespace {

struct Target {
  std::uint64_t offset, count, width;
};
std::vector<char> g_template;
std::vector<Target> g_targets;  // every schema column the template holds, then the root attributes

void load_template() {
  const char* path = std::getenv("CRMPI_FUZZ_H5_TEMPLATE");
  if (!path) {
    std::fprintf(stderr, "fuzz_h5_validate: set CRMPI_FUZZ_H5_TEMPLATE (tests/fuzz/make_seeds.py writes it)\n");
    std::exit(2);
  }
  std::ifstream in(path, std::ios::binary);
  g_template.assign(std::istreambuf_iterator<char>(in), {});
  const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0 || g_template.empty()) std::exit(2);
  for (const auto& c : crmpi::schema::kColumns) {
    const std::string p(c.path);
    if (H5Lexists(f, p.substr(0, p.rfind('/')).c_str(), H5P_DEFAULT) <= 0 || H5Lexists(f, p.c_str(), H5P_DEFAULT) <= 0)
      continue;
    const hid_t d = H5Dopen2(f, p.c_str(), H5P_DEFAULT);
    const hid_t s = H5Dget_space(d), t = H5Dget_type(d);
    const haddr_t off = H5Dget_offset(d);
    const hssize_t n = H5Sget_simple_extent_npoints(s);
    if (off != HADDR_UNDEF && n > 0) g_targets.push_back({off, static_cast<std::uint64_t>(n), H5Tget_size(t)});
    H5Tclose(t), H5Sclose(s), H5Dclose(d);
  }
  H5Fclose(f);
  if (g_targets.empty()) std::exit(2);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  crmpi::pin_safe_mpi_io_settings();
  MPI_Init(argc, argv);  // a singleton: one rank, no launcher
  crmpi::h5::silence_hdf5_errors();
  load_template();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 11 * 64) return 0;
  std::vector<char> bytes = g_template;
  for (std::size_t e = 0; e + 11 <= size; e += 11) {
    const Target& t = g_targets[data[e] % g_targets.size()];
    const std::uint64_t row = (std::uint64_t{data[e + 1]} | std::uint64_t{data[e + 2]} << 8) % t.count;
    const std::uint64_t at = t.offset + row * t.width;
    if (at + t.width > bytes.size()) __builtin_trap();
    std::memcpy(bytes.data() + at, data + e + 3, std::min<std::uint64_t>(t.width, 8));
  }
  const std::string& path = crmpi::fuzz::write_temp_file(bytes.data(), bytes.size(), ".h5");
  static const crmpi::Comm comm;
  try {
    crmpi::InputFile in(comm, path);
    crmpi::Slice slice = in.partition(0, 1);
    const crmpi::ValidationReport r = crmpi::validate_content(in, comm, slice, 5, 1024);
    if (!r.ok()) (void)r.format(path);
  } catch (const crmpi::Error&) {
  }
  return 0;
}
