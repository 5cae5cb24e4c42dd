// crmpi's communicator layer: the only way jobs/ reach MPI.
//
// A thin, typed wrapper over the MPI C API (no Boost.MPI) so the distributed algorithms also
// build against SimGrid's SMPI (smpicxx) for scaling studies. Every collective here is
// deterministic: reductions are only offered where the result does not depend on the order of
// contributions (integers, min/max) or take an explicit fixed order (gather + fold by block id).
//
// A communicator of one rank never calls MPI: each collective's result is then the rank's own
// contribution (a sum is the value, a gather the one part, an exchange the send buffer), handed
// back locally. So a process that did not start MPI at all (MpiSession, MpiStart::kWhenLaunched:
// crmpi started without a launcher) runs every job as a job of one rank.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/common/stopwatch.hpp"

namespace crmpi {

namespace detail {
template <class T>
MPI_Datatype mpi_type() {
  if constexpr (std::is_same_v<T, char>) return MPI_CHAR;
  else if constexpr (std::is_same_v<T, std::int8_t>) return MPI_INT8_T;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return MPI_UINT8_T;
  else if constexpr (std::is_same_v<T, std::int16_t>) return MPI_INT16_T;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return MPI_UINT16_T;
  else if constexpr (std::is_same_v<T, std::int32_t>) return MPI_INT32_T;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return MPI_UINT32_T;
  else if constexpr (std::is_same_v<T, std::int64_t>) return MPI_INT64_T;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return MPI_UINT64_T;
  else if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else static_assert(sizeof(T) == 0, "no MPI datatype for this type; send it as bytes");
}
template <class T>
inline constexpr bool is_exact_v = std::is_integral_v<T>;
}  // namespace detail

// What this process has handed to MPI through Comm (a communicator of one rank: to Comm, which
// hands it back): calls, the payload bytes it sent (its send buffers; a broadcast counts on its
// root), and seconds inside those calls (waiting for the other ranks included: a rank that
// reaches a collective first waits in it). The jobs log it per stage (jobs/common/log.hpp,
// CommMeter). One thread calls MPI in crmpi, so plain counters suffice.
struct CommTraffic {
  std::uint64_t calls = 0, bytes = 0;
  double seconds = 0;
};

class Comm {
 public:
  // Where MPI was not started (MpiSession), any communicator is this process alone: rank 0 of 1.
  explicit Comm(MPI_Comm comm = MPI_COMM_WORLD);

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // For io/ (HDF5's MPI-IO driver, which it uses only for more than one rank) only.
  MPI_Comm native() const { return comm_; }
  // This process's totals so far (every communicator).
  static const CommTraffic& traffic() { return traffic_; }

  void barrier() const;

  // Sums of integers are exact, so the result is the same at any rank count.
  template <class T>
  T allreduce_sum(T value) const {
    static_assert(detail::is_exact_v<T>, "floating sums depend on order: use allgather + fold");
    return reduce_op(value, MPI_SUM);
  }
  template <class T>
  void allreduce_sum_inplace(std::span<T> values) const {
    static_assert(detail::is_exact_v<T>, "floating sums depend on order: use allgather + fold");
    reduce_inplace(values, MPI_SUM);
  }
  template <class T>
  T allreduce_max(T value) const { return reduce_op(value, MPI_MAX); }
  template <class T>
  T allreduce_min(T value) const { return reduce_op(value, MPI_MIN); }
  template <class T>
  void allreduce_max_inplace(std::span<T> values) const { reduce_inplace(values, MPI_MAX); }
  template <class T>
  void allreduce_min_inplace(std::span<T> values) const { reduce_inplace(values, MPI_MIN); }
  bool allreduce_or(bool value) const { return allreduce_max<int>(value ? 1 : 0) != 0; }

  // Exclusive prefix sum over ranks (rank 0 gets 0). An inclusive MPI_Scan minus the rank's own
  // value: exact for integers, and unlike MPI_Exscan (a P-1 message chain in Open MPI 4.1,
  // P^2/2 messages in SimGrid's SMPI) it uses the library's logarithmic scan.
  template <class T>
  T exscan_sum(T value) const {
    static_assert(detail::is_exact_v<T>);
    const Meter m(sizeof(T));
    if (size_ == 1) return T{};
    T inclusive{};
    check(MPI_Scan(&value, &inclusive, 1, detail::mpi_type<T>(), MPI_SUM, comm_), "MPI_Scan");
    return static_cast<T>(inclusive - value);
  }

  template <class T>
  void bcast(T& value, int root = 0) const {
    const Meter m(rank_ == root ? sizeof(T) : 0);
    if (size_ == 1) return;
    check(MPI_Bcast(&value, 1, detail::mpi_type<T>(), root, comm_), "MPI_Bcast");
  }
  template <class T>
  void bcast(std::vector<T>& values, int root = 0) const {
    std::uint64_t n = values.size();
    bcast(n, root);
    values.resize(n);
    bcast_bytes(values.data(), n * sizeof(T), root);
  }
  void bcast(std::string& s, int root = 0) const;

  // Every rank's value, in rank order.
  template <class T>
  std::vector<T> allgather(const T& value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const Meter m(sizeof(T));
    if (size_ == 1) return {value};
    std::vector<T> out(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&value, sizeof(T), MPI_BYTE, out.data(), sizeof(T), MPI_BYTE, comm_),
          "MPI_Allgather");
    return out;
  }
  // Concatenation of every rank's span, in rank order.
  template <class T>
  std::vector<T> allgatherv(std::span<const T> local) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::vector<std::uint64_t> bytes = allgather<std::uint64_t>(local.size() * sizeof(T));
    std::uint64_t total = 0;
    for (const std::uint64_t b : bytes) total += b;
    std::vector<T> out(total / sizeof(T));
    allgatherv_bytes_into({reinterpret_cast<const std::uint8_t*>(local.data()), local.size() * sizeof(T)}, bytes,
                          reinterpret_cast<std::uint8_t*>(out.data()));
    return out;
  }
  // The same, taking the rank's own part: a communicator of one hands it back without a copy
  // (chess's 552,564 rules are 50 MiB at one rank), the others free it once it is sent.
  template <class T>
  std::vector<T> allgatherv(std::vector<T>&& local) const {
    if (size_ == 1) return std::move(local);
    std::vector<T> out = allgatherv<T>(std::span<const T>(local));
    std::vector<T>().swap(local);
    return out;
  }
  // The byte-level form: every rank's `local` (bytes[r] bytes from rank r) lands at
  // out + bytes[0] + ... + bytes[r-1]. One MPI_Allgatherv when the total fits an int, else one
  // broadcast per rank in chunks of at most max_call bytes (counts and displacements of the MPI
  // calls are ints). max_call is a parameter for tests.
  void allgatherv_bytes_into(std::span<const std::uint8_t> local, std::span<const std::uint64_t> bytes,
                             std::uint8_t* out, std::uint64_t max_call = kMaxCallBytes) const;
  static constexpr std::uint64_t kMaxCallBytes = (std::uint64_t{1} << 31) - 1;
  // Concatenation of every rank's span, in rank order, on rank 0 only (empty elsewhere): for
  // tables only the root needs, so the other ranks' memory stays bounded by their own part.
  template <class T>
  std::vector<T> gatherv_to_root(std::span<const T> local, std::uint64_t max_call = kMaxCallBytes) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::vector<std::uint64_t> bytes = gather_to_root<std::uint64_t>(local.size() * sizeof(T));
    std::uint64_t total = 0;
    for (const std::uint64_t b : bytes) total += b;
    std::vector<T> out(total / sizeof(T));
    gatherv_bytes_to_root({reinterpret_cast<const std::uint8_t*>(local.data()), local.size() * sizeof(T)}, bytes,
                          reinterpret_cast<std::uint8_t*>(out.data()), max_call);
    return out;
  }
  // One value per rank on rank 0 (empty elsewhere).
  template <class T>
  std::vector<T> gather_to_root(const T& value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const Meter m(sizeof(T));
    if (size_ == 1) return {value};
    std::vector<T> out(is_root() ? static_cast<std::size_t>(size_) : 0);
    check(MPI_Gather(&value, sizeof(T), MPI_BYTE, out.data(), sizeof(T), MPI_BYTE, 0, comm_), "MPI_Gather");
    return out;
  }
  std::vector<std::string> allgather_strings(const std::string& s) const;

  // Personalised all-to-all: send_counts[r] elements of `send` (laid out by destination rank)
  // go to rank r; returns what was received, grouped by source rank in rank order.
  // Counts are in elements and may exceed 2^31 bytes in total: large exchanges are chunked.
  template <class T>
  std::vector<T> alltoallv(std::span<const T> send, std::span<const std::uint64_t> send_counts,
                           std::vector<std::uint64_t>* recv_counts_out = nullptr) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::uint64_t> byte_counts(send_counts.size());
    for (std::size_t i = 0; i < send_counts.size(); ++i) byte_counts[i] = send_counts[i] * sizeof(T);
    const std::vector<std::uint64_t> recv_bytes = exchange_counts(byte_counts);
    std::uint64_t total = 0;
    for (auto b : recv_bytes) total += b;
    std::vector<T> out(total / sizeof(T));  // received straight into (T is trivially copyable)
    alltoallv_bytes_into({reinterpret_cast<const std::uint8_t*>(send.data()), send.size() * sizeof(T)}, byte_counts,
                         recv_bytes, reinterpret_cast<std::uint8_t*>(out.data()));
    if (recv_counts_out) {
      recv_counts_out->resize(recv_bytes.size());
      for (std::size_t i = 0; i < recv_bytes.size(); ++i) (*recv_counts_out)[i] = recv_bytes[i] / sizeof(T);
    }
    return out;
  }

  // An exchange whose total sent or received on some rank exceeds INT_MAX bytes (MPI's int
  // counts and displacements) goes in rounds of at most 2^28 bytes per pair, packed into
  // buffers; any other is one MPI_Alltoallv on the caller's buffers. Tests lower both limits to
  // `bytes` to exercise the rounds.
  static void set_exchange_round_bytes(std::uint64_t bytes) { direct_max_bytes_ = round_bytes_ = bytes; }

  // Ends every rank of the job at once (no rank is left waiting in a collective).
  [[noreturn]] void abort(int exit_code) const;

 private:
  template <class T>
  T reduce_op(T value, MPI_Op op) const {
    const Meter m(sizeof(T));
    if (size_ == 1) return value;
    T out{};
    check(MPI_Allreduce(&value, &out, 1, detail::mpi_type<T>(), op, comm_), "MPI_Allreduce");
    return out;
  }
  template <class T>
  void reduce_inplace(std::span<T> values, MPI_Op op) const {
    const Meter m(values.size_bytes());
    if (size_ == 1) return;
    check(MPI_Allreduce(MPI_IN_PLACE, values.data(), as_int(values.size()), detail::mpi_type<T>(), op, comm_),
          "MPI_Allreduce");
  }
  void bcast_bytes(void* data, std::uint64_t n, int root) const;
  std::vector<std::uint8_t> allgatherv_bytes(std::span<const std::uint8_t> local) const;
  // bytes: per-rank byte counts on the root (ignored elsewhere); out: the root's buffer.
  void gatherv_bytes_to_root(std::span<const std::uint8_t> local, std::span<const std::uint64_t> bytes,
                             std::uint8_t* out, std::uint64_t max_call) const;
  // What every rank sends this one (MPI_Alltoall of the counts).
  std::vector<std::uint64_t> exchange_counts(std::span<const std::uint64_t> send_bytes) const;
  // The bytes for rank r (send_bytes[r] of them, laid out by rank) go to rank r; what arrives
  // from rank s is written to `out` after what arrives from ranks before s.
  void alltoallv_bytes_into(std::span<const std::uint8_t> send, std::span<const std::uint64_t> send_bytes,
                            std::span<const std::uint64_t> recv_bytes, std::uint8_t* out) const;
  static inline std::uint64_t direct_max_bytes_ = static_cast<std::uint64_t>(std::numeric_limits<int>::max());
  static inline std::uint64_t round_bytes_ = std::uint64_t{1} << 28;
  static int as_int(std::size_t n);
  static void check(int rc, const char* what);
  // Counts one call into traffic_: `bytes` sent, and the time until it goes out of scope. A
  // communicator of one counts its calls too (handed back locally), so a job logs the same traffic
  // model at any rank count. The clock is clock_gettime's (MPI_Wtime needs MPI started; under
  // SimGrid's smpicxx clock_gettime reads simulated time, as MPI_Wtime does).
  class Meter {
   public:
    explicit Meter(std::uint64_t bytes) {
      ++traffic_.calls;
      traffic_.bytes += bytes;
    }
    ~Meter() { traffic_.seconds += clock_.seconds(); }
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;

   private:
    Stopwatch clock_;
  };
  static inline CommTraffic traffic_;

  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

// Whether a process starts MPI. kAlways: MPI_Init, launched or not (tests, which use
// MPI_COMM_SELF and sub-communicators; the SMPI drivers). kWhenLaunched (crmpi's main): only
// where a launcher started the process (mpirun's OMPI_COMM_WORLD_SIZE, a PMIx or PMI rank from
// srun or Hydra in the environment). A process started on its own is a job of one rank that needs
// no MPI: it skips MPI_Init and MPI_Finalize, ~17 ms of every start (docs/slurm.md, "Launch
// cost"), and every Comm is then a communicator of one (see the top of this file).
enum class MpiStart { kAlways, kWhenLaunched };

// RAII MPI_Init/MPI_Finalize. Pins MPI-IO settings that are safe with Debian's Open MPI 4.1.4
// before MPI starts (see docs/slurm.md); a value the user exported wins.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv, MpiStart start = MpiStart::kAlways);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

// Pins OMPI_MCA_* settings (only where unset). Called before MPI_Init.
void pin_safe_mpi_io_settings();
// Whether a launcher started this process (the variables above).
bool started_by_launcher();
// Whether MPI_Init has run and MPI_Finalize has not.
bool mpi_running();

}  // namespace crmpi
