#include "jobs/ingest/customer_shuffle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <span>
#include <tuple>

#include "comm/shuffle.hpp"
#include "jobs/common/job_common.hpp"
#include "jobs/common/log.hpp"
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

// Lines sent to one destination per round: bounds the exchange buffers (ours and the comm
// layer's) to about P x 4 MiB whatever the data size; with the pages of sent lines released after
// each round (comm/shuffle.hpp) a rank holds about one copy of its lines during the exchange.
// CRMPI_INGEST_ROUND_LINES (hidden, for tests) sets a smaller round, so small inputs take many.
std::uint64_t round_lines() {
  static const std::uint64_t n = [] {
    const char* env = std::getenv("CRMPI_INGEST_ROUND_LINES");
    const std::uint64_t dflt = kRoundBytesPerDestination / sizeof(Line);
    if (env == nullptr || *env == '\0') return dflt;
    const auto v = std::strtoull(env, nullptr, 10);
    return v > 0 ? std::min<std::uint64_t>(v, dflt) : dflt;
  }();
  return n;
}

// Sends each (sorted) line to the rank owning its key and sorts what arrives.
void exchange_sorted(const Comm& comm, LineStore& store, const std::vector<std::string>& splitters, Stopwatch& sw) {
  auto key_at = [&](std::size_t i) { return store.key(store.lines[i]); };
  const auto counts = owner_counts<std::string>(store.lines.size(), key_at, splitters);
  // The key bytes travel with their lines; they arrive in line order, so offsets are a running sum.
  exchange_by_counts(comm, store.lines, counts, store.arena, [&](const Line& l) { return store.key(l); },
                     {.records_per_destination = round_lines(), .release_sent = true});
  std::uint64_t off = 0;
  for (auto& l : store.lines) {
    l.key_off = off;
    off += l.key_len;
  }
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
  auto splitters = choose_splitters<std::string>(comm, store.lines.size(),
                                                 [&](std::size_t i) { return store.key(store.lines[i]); });
  fault_point(comm, "ingest-shuffle");
  exchange_sorted(comm, store, splitters, sw);
  return splitters;
}

void send_to_customer_owners(const Comm& comm, LineStore& store, const std::vector<std::string>& splitters) {
  Stopwatch sw;
  sort_lines(store);
  if (comm.size() > 1) exchange_sorted(comm, store, splitters, sw);
}

}  // namespace crmpi::ingest_job
