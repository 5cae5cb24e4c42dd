// libFuzzer target: validation of an untrusted HDF5 input (io/input_file + io/validate) on a small
// valid file (make_seeds.py writes it; path in $CRMPI_FUZZ_H5_TEMPLATE) whose values the fuzz
// input overwrites: each 11-byte edit names a column (byte 0), a row (bytes 1-2) and the new
// value (bytes 3-10, little-endian, cut to the column's width). The structure stays valid and the
// fuzzer explores crmpi's checks of the values (sorted keys, offsets, days, money, codes,
// products, quantities, scores), not libhdf5's parser (the bad-input corpus covers broken files).
// A rejection must be a crmpi::Error (exit 65); a file validation accepts must then partition
// without error.
//
// The template is opened once, as an in-memory image (HDF5's core driver, no backing file), and
// each input's edited columns are written into it whole with H5Dwrite (a few rows each), the
// previous input's put back first: an HDF5 open allocates and clears about 0.5 MiB of metadata
// cache, which was most of the cost of an input when every input was a new file. Each input's InputFile gets its own file id
// (H5Freopen: the same open file), so crmpi opens its datasets anew every time, as in a run.
#include <hdf5.h>

#include <algorithm>
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

namespace {

struct Target {
  hid_t dataset, type;                  // open for the whole run; type: the file's own
  std::uint64_t count;                  // rows
  std::size_t width;                    // bytes a value
  std::vector<unsigned char> original;  // the template's values, count * width bytes
  std::vector<unsigned char> edited;    // this input's values
  bool dirty = false;                   // edited differs from original in the file
};
hid_t g_file = H5I_INVALID_HID;
std::uint64_t g_file_bytes = 0;
std::vector<Target> g_targets;  // every schema column the template holds

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_h5_validate: %s\n", what);
  std::exit(2);
}

// A whole column at once (a few rows): one H5Dwrite per column an input touches, and one more
// to put it back for the next input.
void write_column(const Target& t, const std::vector<unsigned char>& values) {
  if (H5Dwrite(t.dataset, t.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) __builtin_trap();
}

void load_template() {
  const char* path = std::getenv("CRMPI_FUZZ_H5_TEMPLATE");
  if (!path) die("set CRMPI_FUZZ_H5_TEMPLATE (tests/fuzz/make_seeds.py writes it)");
  std::ifstream in(path, std::ios::binary);
  std::vector<char> image(std::istreambuf_iterator<char>(in), {});
  if (image.empty()) die("the template is missing or empty");
  g_file_bytes = image.size();
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (H5Pset_fapl_core(fapl, 1 << 16, /*backing_store=*/0) < 0 || H5Pset_file_image(fapl, image.data(), image.size()) < 0)
    die("cannot set up the core driver");
  g_file = H5Fopen("fuzz_template.h5", H5F_ACC_RDWR, fapl);  // the name is not opened: the image is the file
  H5Pclose(fapl);
  if (g_file < 0) die("cannot open the template image");
  for (const auto& c : crmpi::schema::kColumns) {
    const std::string p(c.path);
    if (H5Lexists(g_file, p.substr(0, p.rfind('/')).c_str(), H5P_DEFAULT) <= 0 ||
        H5Lexists(g_file, p.c_str(), H5P_DEFAULT) <= 0)
      continue;
    Target t{};
    t.dataset = H5Dopen2(g_file, p.c_str(), H5P_DEFAULT);
    t.type = H5Dget_type(t.dataset);
    const hid_t s = H5Dget_space(t.dataset);
    const hssize_t n = H5Sget_simple_extent_npoints(s);
    H5Sclose(s);
    if (n <= 0) continue;
    t.count = static_cast<std::uint64_t>(n);
    t.width = H5Tget_size(t.type);
    t.original.resize(t.count * t.width);
    if (H5Dread(t.dataset, t.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.original.data()) < 0) die("cannot read the template");
    g_targets.push_back(std::move(t));
  }
  if (g_targets.empty()) die("the template holds no schema column");
}

}  // namespace

// As crmpi started alone: one rank, and MPI not started (comm/comm.hpp, MpiStart::kWhenLaunched).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  crmpi::h5::silence_hdf5_errors();
  load_template();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 11 * 64) return 0;
  for (Target& t : g_targets) {
    if (t.dirty) write_column(t, t.original);
    t.dirty = false;
    t.edited = t.original;
  }
  for (std::size_t e = 0; e + 11 <= size; e += 11) {
    Target& t = g_targets[data[e] % g_targets.size()];
    const std::uint64_t row = (std::uint64_t{data[e + 1]} | std::uint64_t{data[e + 2]} << 8) % t.count;
    std::memcpy(t.edited.data() + row * t.width, data + e + 3, std::min<std::size_t>(t.width, 8));
    t.dirty = true;
  }
  for (const Target& t : g_targets)
    if (t.dirty) write_column(t, t.edited);
  static const crmpi::Comm comm;
  const std::string name = "fuzz_template.h5";
  try {
    crmpi::OpenedFile opened{crmpi::h5::Handle(H5Freopen(g_file)), g_file_bytes};
    if (opened.file.id() < 0) __builtin_trap();
    crmpi::InputFile in(comm, name, std::move(opened));
    crmpi::Slice slice = in.partition(0, 1);
    const crmpi::ValidationReport r = crmpi::validate_content(in, comm, slice, 5, 1024);
    if (!r.ok()) (void)r.format(name);
  } catch (const crmpi::Error&) {
  }
  return 0;
}
