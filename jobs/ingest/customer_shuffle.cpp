#include "jobs/ingest/customer_shuffle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <span>
#include <tuple>

#include "comm/dictionary_merge.hpp"
#include "jobs/common/log.hpp"
#include "kernels/common/memory_reuse.hpp"
#include "kernels/common/msd_radix_sort.hpp"

namespace crmpi::ingest_job {
namespace {

// Total order of lines: customer, order, day, time, product, quantity, amount, field hash.
struct LineLess {
  const LineStore& s;
  static auto tie(const Line& l) {
    return std::tie(l.order_hash, l.day, l.seconds, l.product, l.quantity, l.amount_cents, l.hash);
  }
  bool operator()(const Line& a, const Line& b) const {
    if (!key_equal(s, a, b)) return key_less(s, a, b);
    return tie(a) < tie(b);
  }
};

// The customer-then-order sort of a rank's lines: radix passes on the key prefix (LineLess's
// first criterion), LineLess inside each customer's small bucket. Same order as std::sort with
// LineLess, in ~60% of its time on the 80-byte lines (docs/PERFORMANCE.md, ingest).
void sort_lines(LineStore& store) {
  Line* first = store.lines.data();
  msd_radix_sort(first, first + store.lines.size(), [](const Line& l) { return l.key_prefix; }, LineLess{store});
}

// Splitters from a regular sample (up to 64 keys per rank at evenly spaced lines of the sorted
// store): rank r gets keys in (splitters[r-1], splitters[r]].
std::vector<std::string> choose_splitters(const Comm& comm, const LineStore& store) {
  const std::size_t n = store.lines.size();
  const std::size_t k = std::min<std::size_t>(n, 64);
  std::vector<std::string> mine;
  for (std::size_t i = 0; i < k; ++i) mine.emplace_back(store.key(store.lines[(2 * i + 1) * n / (2 * k)]));
  auto samples = allgather_string_lists(comm, mine);
  std::sort(samples.begin(), samples.end());
  const auto P = static_cast<std::size_t>(comm.size());
  std::vector<std::string> splitters;
  for (std::size_t r = 1; r < P; ++r) splitters.push_back(samples.empty() ? std::string() : samples[samples.size() * r / P]);
  return splitters;
}

// Lines sent to one destination per round: bounds the exchange buffers (ours and the comm
// layer's) to about P x 4 MiB whatever the data size. With the pages of sent lines released
// after each round and the receive buffer resident only where written, a rank holds about one
// copy of its lines during the exchange (unsent + received), not two.
// CRMPI_INGEST_ROUND_LINES (hidden, for tests) sets a smaller round, so small inputs take many.
std::uint64_t round_lines() {
  static const std::uint64_t n = [] {
    const char* env = std::getenv("CRMPI_INGEST_ROUND_LINES");
    const std::uint64_t dflt = (std::uint64_t{4} << 20) / sizeof(Line);
    if (env == nullptr || *env == '\0') return dflt;
    const auto v = std::strtoull(env, nullptr, 10);
    return v > 0 ? std::min<std::uint64_t>(v, dflt) : dflt;
  }();
  return n;
}

// Sends counts[d] consecutive lines (and their key bytes) to each rank d, in rounds. Afterwards
// `store` holds the received lines grouped by source rank in rank order (each source's lines in
// the order sent).
void exchange_in_rounds(const Comm& comm, LineStore& store, const std::vector<std::uint64_t>& counts) {
  const auto P = static_cast<std::size_t>(comm.size());
  std::vector<std::uint64_t> first(P + 1, 0), key_bytes(P, 0);
  for (std::size_t d = 0; d < P; ++d) {
    first[d + 1] = first[d] + counts[d];
    for (std::uint64_t i = first[d]; i < first[d + 1]; ++i) key_bytes[d] += store.lines[i].key_len;
  }
  const std::vector<std::uint64_t> one_each(P, 1);
  const auto recv_counts = comm.alltoallv<std::uint64_t>(counts, one_each);
  const auto recv_key_bytes = comm.alltoallv<std::uint64_t>(key_bytes, one_each);
  // Where the next line and key byte from each source go.
  std::vector<std::uint64_t> line_at(P, 0), byte_at(P, 0);
  for (std::size_t s = 1; s < P; ++s) {
    line_at[s] = line_at[s - 1] + recv_counts[s - 1];
    byte_at[s] = byte_at[s - 1] + recv_key_bytes[s - 1];
  }
  LineStore received;
  received.lines.resize(line_at[P - 1] + recv_counts[P - 1]);
  received.arena.resize(byte_at[P - 1] + recv_key_bytes[P - 1]);
  const std::uint64_t kRoundLines = round_lines();
  const std::uint64_t most = *std::max_element(counts.begin(), counts.end());
  const std::uint64_t rounds = comm.allreduce_max((most + kRoundLines - 1) / kRoundLines);
  std::vector<Line> send;
  std::string send_keys;
  std::vector<std::uint64_t> send_lines(P), send_bytes(P), got_lines, got_bytes;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    send.clear();
    send_keys.clear();
    const std::uint64_t lo = round * kRoundLines;
    for (std::size_t d = 0; d < P; ++d) {
      send_lines[d] = counts[d] > lo ? std::min(kRoundLines, counts[d] - lo) : 0;
      send_bytes[d] = 0;
      for (std::uint64_t i = first[d] + lo; i < first[d] + lo + send_lines[d]; ++i) {
        const Line& l = store.lines[i];
        send.push_back(l);
        send_keys += store.key(l);
        send_bytes[d] += l.key_len;
      }
    }
    // The lines just packed are not read again: their pages go back to the system, so the rank
    // holds about one copy of its lines (unsent + received) instead of two.
    // (From the previous round's start: the page this round's first line shares with it.)
    const std::uint64_t from = lo >= kRoundLines ? lo - kRoundLines : 0;
    for (std::size_t d = 0; d < P; ++d) {
      const Line* base = store.lines.data() + first[d];
      release_pages(base + std::min(from, counts[d]), base + std::min(lo + send_lines[d], counts[d]));
    }
    const auto got = comm.alltoallv<Line>(send, send_lines, &got_lines);
    const auto got_keys =
        comm.alltoallv<char>(std::span<const char>(send_keys.data(), send_keys.size()), send_bytes, &got_bytes);
    std::size_t line_pos = 0, byte_pos = 0;
    for (std::size_t s = 0; s < P; ++s) {
      std::copy_n(got.begin() + static_cast<std::ptrdiff_t>(line_pos), got_lines[s],
                  received.lines.begin() + static_cast<std::ptrdiff_t>(line_at[s]));
      std::copy_n(got_keys.begin() + static_cast<std::ptrdiff_t>(byte_pos), got_bytes[s],
                  received.arena.begin() + static_cast<std::ptrdiff_t>(byte_at[s]));
      line_pos += got_lines[s];
      byte_pos += got_bytes[s];
      line_at[s] += got_lines[s];
      byte_at[s] += got_bytes[s];
    }
  }
  // Keys arrived in line order: offsets are a running sum.
  std::uint64_t off = 0;
  for (auto& l : received.lines) {
    l.key_off = off;
    off += l.key_len;
  }
  store = std::move(received);
}

}  // namespace

namespace {

// Sends each (sorted) line to the rank owning its key and sorts what arrives.
void exchange_sorted(const Comm& comm, LineStore& store, const std::vector<std::string>& splitters, Stopwatch& sw) {
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(comm.size()), 0);
  {
    std::size_t dest = 0;
    for (const auto& l : store.lines) {
      const auto key = store.key(l);
      while (dest < splitters.size() && key > std::string_view(splitters[dest])) ++dest;
      ++counts[dest];
    }
  }
  exchange_in_rounds(comm, store, counts);
  spdlog::debug("ingest: exchange {:.2f}s", sw.seconds());
  // Each source sent a sorted run; sorted again in place rather than merged: std::inplace_merge
  // takes a buffer of half the lines (+157 MiB at 2 ranks on the bench, kept by the heap), the
  // radix sort nothing, for ~0.15 s more (docs/PERFORMANCE.md, ingest).
  sort_lines(store);
  spdlog::debug("ingest: sort after the shuffle {:.2f}s", sw.seconds());
}

}  // namespace

std::vector<std::string> shuffle_by_customer(const Comm& comm, LineStore& store) {
  Stopwatch sw;
  sort_lines(store);
  spdlog::debug("ingest: local sort of {} lines {:.2f}s", store.lines.size(), sw.seconds());
  if (comm.size() == 1) return {};
  auto splitters = choose_splitters(comm, store);
  exchange_sorted(comm, store, splitters, sw);
  return splitters;
}

void send_to_customer_owners(const Comm& comm, LineStore& store, const std::vector<std::string>& splitters) {
  Stopwatch sw;
  sort_lines(store);
  if (comm.size() > 1) exchange_sorted(comm, store, splitters, sw);
}

}  // namespace crmpi::ingest_job
