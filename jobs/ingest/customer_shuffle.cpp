#include "jobs/ingest/customer_shuffle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <tuple>

#include "jobs/ingest/distributed_strings.hpp"
#include "jobs/log.hpp"

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

// Merges consecutive sorted runs of the given lengths (pairwise, O(n log runs)).
void merge_runs(LineStore& s, std::vector<std::uint64_t> runs) {
  while (runs.size() > 1) {
    std::vector<std::uint64_t> next;
    std::uint64_t begin = 0;
    for (std::size_t i = 0; i < runs.size(); i += 2) {
      if (i + 1 == runs.size()) {
        next.push_back(runs[i]);
        break;
      }
      const auto b = s.lines.begin() + static_cast<std::ptrdiff_t>(begin);
      const auto m = b + static_cast<std::ptrdiff_t>(runs[i]);
      const auto e = m + static_cast<std::ptrdiff_t>(runs[i + 1]);
      std::inplace_merge(b, m, e, LineLess{s});
      next.push_back(runs[i] + runs[i + 1]);
      begin += runs[i] + runs[i + 1];
    }
    runs = std::move(next);
  }
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

}  // namespace

void shuffle_by_customer(const Comm& comm, LineStore& store) {
  Stopwatch sw;
  std::sort(store.lines.begin(), store.lines.end(), LineLess{store});
  spdlog::debug("ingest: local sort of {} lines {:.2f}s", store.lines.size(), sw.seconds());
  const int P = comm.size();
  if (P == 1) return;
  const auto splitters = choose_splitters(comm, store);
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(P), 0);
  {
    std::size_t dest = 0;
    for (const auto& l : store.lines) {
      const auto key = store.key(l);
      while (dest < splitters.size() && key > std::string_view(splitters[dest])) ++dest;
      ++counts[dest];
    }
  }
  std::vector<std::uint64_t> byte_counts(static_cast<std::size_t>(P), 0);
  std::string send_arena;
  send_arena.reserve(store.arena.size());
  {
    std::size_t i = 0;
    for (std::size_t d = 0; d < counts.size(); ++d)
      for (std::uint64_t c = 0; c < counts[d]; ++c, ++i) {
        const auto key = store.key(store.lines[i]);
        send_arena += key;
        byte_counts[d] += key.size();
      }
  }
  store.arena.clear();
  store.arena.shrink_to_fit();
  spdlog::debug("ingest: splitters and packing {:.2f}s", sw.seconds());
  std::vector<std::uint64_t> recv_counts;
  auto recv_lines = comm.alltoallv<Line>(store.lines, counts, &recv_counts);
  store.lines.clear();
  store.lines.shrink_to_fit();
  auto recv_arena = comm.alltoallv<char>(std::span<const char>(send_arena.data(), send_arena.size()), byte_counts);
  send_arena.clear();
  send_arena.shrink_to_fit();
  store.arena.assign(recv_arena.begin(), recv_arena.end());
  recv_arena = {};
  std::uint64_t off = 0;
  for (auto& l : recv_lines) {
    l.key_off = off;
    off += l.key_len;
  }
  store.lines = std::move(recv_lines);
  spdlog::debug("ingest: alltoallv {:.2f}s", sw.seconds());
  merge_runs(store, std::move(recv_counts));  // each source sent a sorted run
  spdlog::debug("ingest: merge after the shuffle {:.2f}s", sw.seconds());
}

}  // namespace crmpi::ingest_job
