#include "comm/comm.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace crmpi {

Comm::Comm(MPI_Comm comm) : comm_(comm) {
  if (!mpi_running()) return;  // rank 0 of 1
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

void Comm::check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    throw std::runtime_error(std::string(what) + " failed: " + std::string(msg, static_cast<std::size_t>(len)));
  }
}

int Comm::as_int(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("MPI message count exceeds INT_MAX elements");
  return static_cast<int>(n);
}

void Comm::barrier() const {
  const Meter m(0);
  if (size_ == 1) return;
  check(MPI_Barrier(comm_), "MPI_Barrier");
}

void Comm::bcast_bytes(void* data, std::uint64_t n, int root) const {
  // Chunked so that payloads over 2 GiB work with the int-count MPI-3 API.
  constexpr std::uint64_t kChunk = 1u << 30;
  auto* p = static_cast<char*>(data);
  for (std::uint64_t off = 0; off < n; off += kChunk) {
    const auto len = static_cast<int>(std::min(kChunk, n - off));
    const Meter m(rank_ == root ? static_cast<std::uint64_t>(len) : 0);
    if (size_ == 1) continue;
    check(MPI_Bcast(p + off, len, MPI_BYTE, root, comm_), "MPI_Bcast");
  }
}

void Comm::bcast(std::string& s, int root) const {
  std::uint64_t n = s.size();
  bcast(n, root);
  s.resize(n);
  bcast_bytes(s.data(), n, root);
}

std::vector<std::uint8_t> Comm::allgatherv_bytes(std::span<const std::uint8_t> local) const {
  return allgatherv<std::uint8_t>(local);
}

void Comm::allgatherv_bytes_into(std::span<const std::uint8_t> local, std::span<const std::uint64_t> bytes,
                                 std::uint8_t* out, std::uint64_t max_call) const {
  const auto p = static_cast<std::size_t>(size_);
  if (bytes.size() != p || bytes[static_cast<std::size_t>(rank_)] != local.size())
    throw std::invalid_argument("allgatherv: one byte count per rank, this rank's = its local size");
  std::vector<std::uint64_t> displ(p, 0);
  for (std::size_t r = 1; r < p; ++r) displ[r] = displ[r - 1] + bytes[r - 1];
  const std::uint64_t total = p ? displ[p - 1] + bytes[p - 1] : 0;
  if (size_ == 1) {
    const Meter m(local.size());
    if (!local.empty()) std::memcpy(out, local.data(), local.size());
    return;
  }
  if (total <= max_call) {
    std::vector<int> counts(p), displs(p);
    for (std::size_t r = 0; r < p; ++r) {
      counts[r] = as_int(bytes[r]);
      displs[r] = as_int(displ[r]);
    }
    const Meter m(local.size());
    check(MPI_Allgatherv(local.data(), as_int(local.size()), MPI_BYTE, out, counts.data(), displs.data(), MPI_BYTE,
                         comm_),
          "MPI_Allgatherv");
    return;
  }
  // Large: each rank's block is broadcast from its owner, max_call bytes at a time.
  if (!local.empty()) std::memcpy(out + displ[static_cast<std::size_t>(rank_)], local.data(), local.size());
  for (std::size_t r = 0; r < p; ++r)
    for (std::uint64_t off = 0; off < bytes[r]; off += max_call) {
      const std::uint64_t n = std::min(max_call, bytes[r] - off);
      const Meter m(r == static_cast<std::size_t>(rank_) ? n : 0);
      check(MPI_Bcast(out + displ[r] + off, as_int(n), MPI_BYTE, static_cast<int>(r), comm_), "MPI_Bcast");
    }
}

void Comm::gatherv_bytes_to_root(std::span<const std::uint8_t> local, std::span<const std::uint64_t> bytes,
                                 std::uint8_t* out, std::uint64_t max_call) const {
  const auto p = static_cast<std::size_t>(size_);
  if (size_ == 1) {
    const Meter m(local.size());
    if (!local.empty()) std::memcpy(out, local.data(), local.size());
    return;
  }
  // Every rank must take the same branch: the root decides and broadcasts.
  std::uint64_t total = 0;
  if (is_root())
    for (const std::uint64_t b : bytes) total += b;
  bcast(total);
  if (total <= max_call) {
    std::vector<int> counts(is_root() ? p : 0), displs(is_root() ? p : 0);
    for (std::size_t r = 0, off = 0; is_root() && r < p; off += bytes[r], ++r) {
      counts[r] = as_int(bytes[r]);
      displs[r] = as_int(off);
    }
    const Meter m(local.size());
    check(MPI_Gatherv(local.data(), as_int(local.size()), MPI_BYTE, out, counts.data(), displs.data(), MPI_BYTE, 0,
                      comm_),
          "MPI_Gatherv");
    return;
  }
  // Large: each rank sends its block to the root in chunks of at most max_call bytes, in rank order.
  constexpr int kTag = 0x6a7;
  if (!is_root()) {
    for (std::uint64_t off = 0; off < local.size(); off += max_call) {
      const Meter m(std::min<std::uint64_t>(max_call, local.size() - off));
      check(MPI_Send(local.data() + off, as_int(std::min<std::uint64_t>(max_call, local.size() - off)), MPI_BYTE, 0,
                     kTag, comm_),
            "MPI_Send");
    }
    return;
  }
  std::uint64_t at = 0;
  for (std::size_t r = 0; r < p; ++r) {
    if (r == 0) {
      if (!local.empty()) std::memcpy(out, local.data(), local.size());
    } else {
      for (std::uint64_t off = 0; off < bytes[r]; off += max_call) {
        const Meter m(0);
        check(MPI_Recv(out + at + off, as_int(std::min(max_call, bytes[r] - off)), MPI_BYTE, static_cast<int>(r), kTag,
                       comm_, MPI_STATUS_IGNORE),
              "MPI_Recv");
      }
    }
    at += bytes[r];
  }
}

std::vector<std::string> Comm::allgather_strings(const std::string& s) const {
  const auto lens = allgather<std::uint64_t>(s.size());
  auto bytes = allgatherv_bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  std::vector<std::string> out;
  std::size_t off = 0;
  for (auto len : lens) {
    out.emplace_back(reinterpret_cast<const char*>(bytes.data()) + off, len);
    off += len;
  }
  return out;
}

std::vector<std::uint64_t> Comm::exchange_counts(std::span<const std::uint64_t> send_bytes) const {
  const auto p = static_cast<std::size_t>(size_);
  if (send_bytes.size() != p) throw std::invalid_argument("alltoallv: one count per rank expected");
  const Meter m(p * sizeof(std::uint64_t));
  if (size_ == 1) return {send_bytes.begin(), send_bytes.end()};
  std::vector<std::uint64_t> recv_bytes(p, 0);
  check(MPI_Alltoall(send_bytes.data(), 1, MPI_UINT64_T, recv_bytes.data(), 1, MPI_UINT64_T, comm_),
        "MPI_Alltoall");
  return recv_bytes;
}

void Comm::alltoallv_bytes_into(std::span<const std::uint8_t> send, std::span<const std::uint64_t> send_bytes,
                                std::span<const std::uint64_t> recv_bytes, std::uint8_t* out) const {
  const auto p = static_cast<std::size_t>(size_);
  if (size_ == 1) {  // what the rank sends itself
    const Meter m(send_bytes[0]);
    if (send_bytes[0] > 0) std::memcpy(out, send.data(), send_bytes[0]);
    return;
  }
  std::vector<std::uint64_t> sdispl(p, 0), rdispl(p, 0);
  for (std::size_t r = 1; r < p; ++r) {
    sdispl[r] = sdispl[r - 1] + send_bytes[r - 1];
    rdispl[r] = rdispl[r - 1] + recv_bytes[r - 1];
  }
  const std::uint64_t total_send = p ? sdispl[p - 1] + send_bytes[p - 1] : 0;
  const std::uint64_t total_recv = p ? rdispl[p - 1] + recv_bytes[p - 1] : 0;
  std::vector<int> sc(p), rc(p), sd(p), rd(p);
  // Every rank takes the same path: decided on the largest total of any rank.
  const std::uint64_t largest = allreduce_max(std::max(total_send, total_recv));
  if (largest <= direct_max_bytes_) {
    // One call on the caller's buffers: no packing copies (every count and offset fits an int).
    for (std::size_t r = 0; r < p; ++r) {
      sc[r] = static_cast<int>(send_bytes[r]);
      rc[r] = static_cast<int>(recv_bytes[r]);
      sd[r] = static_cast<int>(sdispl[r]);
      rd[r] = static_cast<int>(rdispl[r]);
    }
    if (largest > 0) {
      const Meter m(total_send);
      check(MPI_Alltoallv(send.data(), sc.data(), sd.data(), MPI_BYTE, out, rc.data(), rd.data(), MPI_BYTE, comm_),
            "MPI_Alltoallv");
    }
    return;
  }
  // Rounds of at most round_bytes_ per pair keep every int count and displacement in range.
  const std::uint64_t kRound = round_bytes_;
  std::uint64_t max_pair = 0;
  for (std::size_t r = 0; r < p; ++r) max_pair = std::max({max_pair, send_bytes[r], recv_bytes[r]});
  max_pair = allreduce_max(max_pair);
  const std::uint64_t rounds = (max_pair + kRound - 1) / kRound;
  std::vector<std::uint8_t> sbuf, rbuf;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t lo = round * kRound;
    std::uint64_t stot = 0, rtot = 0;
    for (std::size_t r = 0; r < p; ++r) {
      const std::uint64_t s = send_bytes[r] > lo ? std::min(kRound, send_bytes[r] - lo) : 0;
      const std::uint64_t q = recv_bytes[r] > lo ? std::min(kRound, recv_bytes[r] - lo) : 0;
      sc[r] = static_cast<int>(s);
      rc[r] = static_cast<int>(q);
      stot += s;
      rtot += q;
    }
    if (stot > static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ||
        rtot > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
      throw std::length_error("alltoallv round exceeds INT_MAX bytes: too many ranks for one round");
    sbuf.resize(stot);
    rbuf.resize(rtot);
    std::uint64_t so = 0, ro = 0;
    for (std::size_t r = 0; r < p; ++r) {
      sd[r] = static_cast<int>(so);
      rd[r] = static_cast<int>(ro);
      if (sc[r]) std::memcpy(sbuf.data() + so, send.data() + sdispl[r] + lo, static_cast<std::size_t>(sc[r]));
      so += static_cast<std::uint64_t>(sc[r]);
      ro += static_cast<std::uint64_t>(rc[r]);
    }
    const Meter m(stot);
    check(MPI_Alltoallv(sbuf.data(), sc.data(), sd.data(), MPI_BYTE, rbuf.data(), rc.data(), rd.data(),
                        MPI_BYTE, comm_),
          "MPI_Alltoallv");
    for (std::size_t r = 0; r < p; ++r)
      if (rc[r]) std::memcpy(out + rdispl[r] + lo, rbuf.data() + rd[r], static_cast<std::size_t>(rc[r]));
  }
}

void Comm::abort(int exit_code) const {
  if (mpi_running()) MPI_Abort(comm_, exit_code);
  std::_Exit(exit_code);  // MPI_Abort should not return; never continue if it does
}

void pin_safe_mpi_io_settings() {
  // ompi#10546: OMPIO's read data sieving (new in 4.1) returns wrong bytes for some file views;
  // fixed after 4.1.4, which is what Debian 12 ships. Turning it off keeps OMPIO correct.
  ::setenv("OMPI_MCA_fbtl_posix_read_datasieving", "0", 0);
  // ompi#7795: the ROMIO alternative crashes with chunked HDF5 datasets, so stay on OMPIO.
  ::setenv("OMPI_MCA_io", "ompio", 0);
}

bool started_by_launcher() {
  for (const char* launched : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(launched)) return true;
  return false;
}

bool mpi_running() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);  // both may be called before MPI_Init and after MPI_Finalize
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

MpiSession::MpiSession(int& argc, char**& argv, MpiStart start) {
  if (start == MpiStart::kWhenLaunched && !started_by_launcher()) return;
  pin_safe_mpi_io_settings();
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  // Errors come back as codes (turned into exceptions by Comm::check) instead of aborting silently.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

MpiSession::~MpiSession() {
  if (mpi_running()) MPI_Finalize();
}

}  // namespace crmpi
