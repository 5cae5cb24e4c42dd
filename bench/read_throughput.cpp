// HDF5 read throughput of the jobs' partitioned read path next to a raw read of the same bytes,
// in the same run, at any rank count.
//
// Every rank reads the columns the RFM job reads for its slice (customer ids, order offsets,
// signup days; order days and amounts, chunk by chunk through for_each_order_chunk), then reads
// exactly the same byte ranges with pread() at the datasets' file offsets (contiguous layout makes
// H5Dget_offset meaningful). Passes alternate raw/HDF5 three times; the best pass of each counts,
// so both see the same page-cache state, and both read into buffers allocated once (the first
// pass pays the page faults). Prints one line per run for docs/PERFORMANCE.md.
//
// usage: mpiexec -n P bench_read_throughput FILE [chunk_rows]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/input_file.hpp"
#include "io/order_chunks.hpp"

using namespace crmpi;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Range {
  std::string column;
  std::size_t elem;
  std::uint64_t first, count;
};

std::uint64_t raw_read(int fd, hid_t file, const std::vector<Range>& ranges, std::vector<char>& buf) {
  std::uint64_t bytes = 0;
  for (const auto& r : ranges) {
    h5::Handle d = h5::open_dataset(file, r.column);
    const haddr_t base = H5Dget_offset(d.id());
    std::uint64_t off = base + r.first * r.elem, left = r.count * r.elem;
    while (left > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      const ssize_t got = pread(fd, buf.data(), n, static_cast<off_t>(off));
      if (got <= 0) throw std::runtime_error("pread failed");
      off += static_cast<std::uint64_t>(got);
      left -= static_cast<std::uint64_t>(got);
      bytes += static_cast<std::uint64_t>(got);
    }
  }
  return bytes;
}

// Destination buffers of the HDF5 path, allocated once (like the raw path's buffer), so both
// paths measure reading, not first-touch page faults of fresh memory.
struct Buffers {
  std::vector<std::uint64_t> ids, off;
  std::vector<std::int32_t> signup;
  OrderChunk chunk;
};

std::uint64_t hdf5_read(InputFile& in, const Slice& s, std::uint64_t chunk_rows, Buffers& b) {
  const std::uint64_t n = s.customers();
  b.ids.resize(n);
  b.off.resize(n + 1);
  b.signup.resize(n);
  in.read(schema::kCustomerId, s.customer_begin, n, b.ids.data());
  in.read(schema::kOrderOffset, s.customer_begin, n + 1, b.off.data());
  in.read(schema::kSignupDay, s.customer_begin, n, b.signup.data());
  std::uint64_t bytes = n * 8 + (n + 1) * 8 + n * 4;
  std::int64_t sink = 0;
  for_each_order_chunk(
      in, b.off, OrderColumns{.day = true, .amount = true}, chunk_rows,
      [&](const OrderChunk& ch) {
        bytes += ch.size * 12;
        sink += ch.size ? ch.amount_cents[ch.size / 2] : 0;
      },
      &b.chunk);
  if (sink == 42) std::puts("");  // keep the reads observable
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  MpiSession mpi(argc, argv);
  Comm w;
  h5::silence_hdf5_errors();
  if (argc < 2) {
    if (w.is_root()) std::fprintf(stderr, "usage: bench_read_throughput FILE [chunk_rows]\n");
    return 64;
  }
  const std::string path = argv[1];
  const std::uint64_t chunk_rows = argc > 2 ? std::stoull(argv[2]) : (1u << 22);
  InputFile in(w, path);
  const Slice s = in.partition(w.rank(), w.size());
  const std::vector<Range> ranges = {{std::string(schema::kCustomerId), 8, s.customer_begin, s.customers()},
                                     {std::string(schema::kOrderOffset), 8, s.customer_begin, s.customers() + 1},
                                     {std::string(schema::kSignupDay), 4, s.customer_begin, s.customers()},
                                     {std::string(schema::kOrderDay), 4, s.order_begin, s.orders()},
                                     {std::string(schema::kOrderAmount), 8, s.order_begin, s.orders()}};
  const int fd = ::open(path.c_str(), O_RDONLY);
  std::vector<char> buf(chunk_rows * 8);
  Buffers buffers;
  double best_raw = 1e30, best_h5 = 1e30;
  std::uint64_t raw_bytes = 0, h5_bytes = 0;
  for (int pass = 0; pass < 3; ++pass) {
    w.barrier();
    double t0 = now();
    raw_bytes = raw_read(fd, in.id(), ranges, buf);
    w.barrier();
    best_raw = std::min(best_raw, now() - t0);
    t0 = now();
    h5_bytes = hdf5_read(in, s, chunk_rows, buffers);
    w.barrier();
    best_h5 = std::min(best_h5, now() - t0);
  }
  ::close(fd);
  const std::uint64_t total = w.allreduce_sum(raw_bytes);
  const std::uint64_t total_h5 = w.allreduce_sum(h5_bytes);
  if (w.is_root()) {
    const double gb = static_cast<double>(total) / 1e9;
    std::printf("read_throughput ranks=%d bytes=%.3fGB raw=%.3fs (%.2f GB/s, %.2f GB/s per rank) "
                "hdf5=%.3fs (%.2f GB/s, %.2f GB/s per rank) hdf5/raw=%.0f%%%s\n",
                w.size(), gb, best_raw, gb / best_raw, gb / best_raw / w.size(), best_h5, gb / best_h5,
                gb / best_h5 / w.size(), 100.0 * best_raw / best_h5, total == total_h5 ? "" : " (BYTE COUNT MISMATCH)");
  }
  return 0;
}
