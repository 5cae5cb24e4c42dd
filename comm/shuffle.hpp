// Sample sort across ranks: records are routed to the rank that owns their key, ranks own
// ascending key ranges, so rank order is key order and all records of one key meet on one rank.
//
//   choose_splitters    P-1 splitters from a regular sample of every rank's sorted keys
//                       (std::string or trivially copyable keys); rank r owns the keys k with
//                       splitters[r-1] < k <= splitters[r]. One allgather of <= 64 keys per rank.
//   owner_of / owner_counts   which rank owns a key; per-destination counts of sorted records.
//   exchange_by_counts  trivially copyable records laid out by destination go to their rank in
//                       bounded rounds, optionally each with a variable-length payload (key
//                       bytes, item lists); what arrives is grouped by source rank in rank order,
//                       each source's records in the order sent; returns the count from each.
//   sample_sort_by_key  the whole sort for fixed-size keys: local sort, splitters, exchange,
//                       sort of what arrived (std::sort; sample_sort_by_key_with: the caller's).
//
// Determinism: splitters depend only on the records' keys and the rank count, and the result of
// sample_sort_by_key (concatenated in rank order) is the globally sorted sequence, the same at
// any rank count when `less` is a total order. Balance: a rank receives about n/P records plus
// the records of keys sampled too rarely; all records of one key always land on one rank, so a
// very common key makes its owner larger.
//
// Memory and communication: the exchange moves every record once (plus its payload), in rounds of
// at most records_per_destination records per destination (default 4 MiB worth), so buffers stay
// at about P x 4 MiB whatever the data size. The receive buffer is sized up front and, with an
// allocator that leaves elements uninitialised (UninitializedVector), is resident only where
// records arrive; with release_sent the pages of records already sent are given back after each
// round, so a rank holds about one copy of its records (unsent + received), not two.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "comm/comm.hpp"
#include "comm/dictionary_merge.hpp"
#include "kernels/common/memory_reuse.hpp"

namespace crmpi {

inline constexpr std::size_t kSamplesPerRank = 64;
inline constexpr std::uint64_t kRoundBytesPerDestination = std::uint64_t{4} << 20;

// key_at(i): the key of this rank's i-th record in ascending key order, i < n. Collective; every
// rank gets the same P-1 splitters (Key{} repeated when no rank has a record).
template <class Key, class KeyAt>
std::vector<Key> choose_splitters(const Comm& comm, std::size_t n, KeyAt&& key_at,
                                  std::size_t samples_per_rank = kSamplesPerRank) {
  const std::size_t k = std::min(n, samples_per_rank);
  std::vector<Key> mine;
  mine.reserve(k);
  // Evenly spaced, from the middle of each of k equal parts.
  for (std::size_t i = 0; i < k; ++i) mine.emplace_back(key_at((2 * i + 1) * n / (2 * k)));
  std::vector<Key> samples;
  if constexpr (std::is_same_v<Key, std::string>) {
    samples = allgather_string_lists(comm, mine);
  } else {
    static_assert(std::is_trivially_copyable_v<Key>, "keys are std::string or trivially copyable");
    samples = comm.allgatherv<Key>(mine);
  }
  std::sort(samples.begin(), samples.end());
  const auto P = static_cast<std::size_t>(comm.size());
  std::vector<Key> splitters;
  splitters.reserve(P > 0 ? P - 1 : 0);
  for (std::size_t r = 1; r < P; ++r) splitters.push_back(samples.empty() ? Key{} : samples[samples.size() * r / P]);
  return splitters;
}

// The rank owning `key`: the number of splitters below it.
template <class Key, class K>
int owner_of(std::span<const Key> splitters, const K& key) {
  return static_cast<int>(std::lower_bound(splitters.begin(), splitters.end(), key) - splitters.begin());
}

// counts[r]: how many of the n records (key_at(i) ascending in i) rank r owns, for exchange_by_counts.
template <class Key, class KeyAt>
std::vector<std::uint64_t> owner_counts(std::size_t n, KeyAt&& key_at, std::span<const Key> splitters) {
  std::vector<std::uint64_t> counts(splitters.size() + 1, 0);
  std::size_t dest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& key = key_at(i);
    while (dest < splitters.size() && splitters[dest] < key) ++dest;
    ++counts[dest];
  }
  return counts;
}

// How an exchange is cut into rounds.
struct ExchangeRounds {
  // Records sent to one destination per round; 0: kRoundBytesPerDestination worth.
  std::uint64_t records_per_destination = 0;
  // Give the pages of records already sent back to the system after each round (release_pages):
  // they read as zeros afterwards, which is fine since the input is replaced by what arrives.
  bool release_sent = true;
};

namespace shuffle_detail {

struct NoPayload {};
template <class Payload>
struct UnitOf {
  using type = typename Payload::value_type;
};
template <>
struct UnitOf<NoPayload> {
  using type = char;
};

template <class Records, class Payload, class PayloadOf>
std::vector<std::uint64_t> exchange(const Comm& comm, Records& records, std::span<const std::uint64_t> counts,
                                    Payload* payload, const PayloadOf& payload_of, ExchangeRounds how) {
  using T = typename Records::value_type;
  static_assert(std::is_trivially_copyable_v<T>, "records travel as bytes");
  constexpr bool kPayload = !std::is_same_v<Payload, NoPayload>;
  const auto P = static_cast<std::size_t>(comm.size());
  std::vector<std::uint64_t> first(P + 1, 0), units(P, 0);
  if (counts.size() != P) throw std::invalid_argument("exchange_by_counts: one count per rank");
  for (std::size_t d = 0; d < P; ++d) first[d + 1] = first[d] + counts[d];
  if (first[P] != records.size()) throw std::invalid_argument("exchange_by_counts: counts do not add up to the records");
  if constexpr (kPayload)
    for (std::size_t d = 0; d < P; ++d)
      for (std::uint64_t i = first[d]; i < first[d + 1]; ++i) units[d] += std::size(payload_of(records[i]));

  const std::vector<std::uint64_t> one_each(P, 1);
  const auto recv_counts = comm.alltoallv<std::uint64_t>(counts, one_each);
  std::vector<std::uint64_t> recv_units(P, 0);
  if constexpr (kPayload) recv_units = comm.alltoallv<std::uint64_t>(units, one_each);
  // Where the next record and payload unit from each source go.
  std::vector<std::uint64_t> rec_at(P, 0), unit_at(P, 0);
  for (std::size_t s = 1; s < P; ++s) {
    rec_at[s] = rec_at[s - 1] + recv_counts[s - 1];
    unit_at[s] = unit_at[s - 1] + recv_units[s - 1];
  }
  Records received;
  received.resize(P ? rec_at[P - 1] + recv_counts[P - 1] : 0);
  using Unit = typename UnitOf<Payload>::type;
  Payload received_payload{};
  if constexpr (kPayload) received_payload.resize(P ? unit_at[P - 1] + recv_units[P - 1] : 0);

  const std::uint64_t per_round = how.records_per_destination
                                      ? how.records_per_destination
                                      : std::max<std::uint64_t>(1, kRoundBytesPerDestination / sizeof(T));
  const std::uint64_t most = P ? *std::max_element(counts.begin(), counts.end()) : 0;
  const std::uint64_t rounds = comm.allreduce_max((most + per_round - 1) / per_round);
  std::vector<T> send;
  std::vector<Unit> send_units;
  std::vector<std::uint64_t> send_n(P), send_u(P, 0), got_n, got_u(P, 0);
  for (std::uint64_t round = 0; round < rounds; ++round) {
    send.clear();
    send_units.clear();
    const std::uint64_t lo = round * per_round;
    for (std::size_t d = 0; d < P; ++d) {
      send_n[d] = counts[d] > lo ? std::min(per_round, counts[d] - lo) : 0;
      send_u[d] = 0;
      for (std::uint64_t i = first[d] + lo; i < first[d] + lo + send_n[d]; ++i) {
        send.push_back(records[i]);
        if constexpr (kPayload) {
          const auto& p = payload_of(records[i]);
          send_units.insert(send_units.end(), std::data(p), std::data(p) + std::size(p));
          send_u[d] += std::size(p);
        }
      }
    }
    if (how.release_sent) {
      // The records just packed are not read again. From the previous round's start: the page
      // this round's first record shares with it is whole only now.
      const std::uint64_t from = lo >= per_round ? lo - per_round : 0;
      for (std::size_t d = 0; d < P; ++d) {
        const T* base = records.data() + first[d];
        release_pages(base + std::min(from, counts[d]), base + std::min(lo + send_n[d], counts[d]));
      }
    }
    const auto got = comm.alltoallv<T>(send, send_n, &got_n);
    std::vector<Unit> got_units;
    if constexpr (kPayload) got_units = comm.alltoallv<Unit>(send_units, send_u, &got_u);
    std::size_t rec_pos = 0, unit_pos = 0;
    for (std::size_t s = 0; s < P; ++s) {
      std::copy_n(got.begin() + static_cast<std::ptrdiff_t>(rec_pos), got_n[s],
                  received.begin() + static_cast<std::ptrdiff_t>(rec_at[s]));
      rec_pos += got_n[s];
      rec_at[s] += got_n[s];
      if constexpr (kPayload) {
        std::copy_n(got_units.begin() + static_cast<std::ptrdiff_t>(unit_pos), got_u[s],
                    received_payload.begin() + static_cast<std::ptrdiff_t>(unit_at[s]));
        unit_pos += got_u[s];
        unit_at[s] += got_u[s];
      }
    }
  }
  records = std::move(received);
  if constexpr (kPayload) *payload = std::move(received_payload);
  return recv_counts;
}

}  // namespace shuffle_detail

// counts[d] consecutive records go to rank d (records laid out by destination, counts summing to
// records.size()). Afterwards `records` holds what arrived, grouped by source rank in rank order,
// each source's records in the order sent; returns how many came from each rank (so a receiver
// finds each source's records without looking at them). Records: a vector of a trivially copyable
// type. Collective.
template <class Records>
std::vector<std::uint64_t> exchange_by_counts(const Comm& comm, Records& records, std::span<const std::uint64_t> counts,
                                              ExchangeRounds how = {}) {
  shuffle_detail::NoPayload none;
  return shuffle_detail::exchange(comm, records, counts, &none,
                                  [](const auto&) { return std::span<const char>(); }, how);
}

// The same, each record carrying payload_of(record): a contiguous range (std::string_view,
// std::span) of Payload's elements, usually a slice of `payload`. payload_of is called with the
// element records[i] itself, so it may find i as &record - records.data() instead of the record
// carrying where its payload is. Afterwards `payload` holds the payloads of the received records,
// concatenated in their order; the receiver finds each record's slice from lengths the records
// carry (a running sum). Returns the records from each rank, as above. Collective.
template <class Records, class Payload, class PayloadOf>
std::vector<std::uint64_t> exchange_by_counts(const Comm& comm, Records& records, std::span<const std::uint64_t> counts,
                                              Payload& payload, const PayloadOf& payload_of, ExchangeRounds how = {}) {
  static_assert(std::is_trivially_copyable_v<typename Payload::value_type>);
  return shuffle_detail::exchange(comm, records, counts, &payload, payload_of, how);
}

// Sorts the records of all ranks by a total order whose first criterion is the key (key_of(a) <
// key_of(b) implies a before b; Key trivially copyable with <), which sort_local(records) applies
// to one rank's records: both local sorts are the caller's (a counting sort by a small key, say).
// Afterwards rank r holds, sorted, the records whose keys it owns under the returned splitters.
// Collective.
template <class Records, class KeyOf, class SortLocal>
auto sample_sort_by_key_with(const Comm& comm, Records& records, const KeyOf& key_of, const SortLocal& sort_local,
                             ExchangeRounds how = {}) {
  using Key = std::decay_t<decltype(key_of(records[0]))>;
  sort_local(records);
  if (comm.size() == 1) return std::vector<Key>{};
  auto key_at = [&](std::size_t i) { return key_of(records[i]); };
  auto splitters = choose_splitters<Key>(comm, records.size(), key_at);
  const auto counts = owner_counts<Key>(records.size(), key_at, splitters);
  exchange_by_counts(comm, records, counts, how);
  // One sorted run per source rank: sorted again in place (std::inplace_merge would take a
  // buffer of up to half the records).
  sort_local(records);
  return splitters;
}

// The same with std::sort by `less`, that order.
template <class Records, class KeyOf, class Less>
auto sample_sort_by_key(const Comm& comm, Records& records, const KeyOf& key_of, const Less& less,
                        ExchangeRounds how = {}) {
  return sample_sort_by_key_with(
      comm, records, key_of, [&](Records& r) { std::sort(r.begin(), r.end(), less); }, how);
}

// The same with the key first and then the record's bytes as the order: a total order for
// records without padding, so the result is the same at any rank count.
template <class Records, class KeyOf>
auto sample_sort_by_key(const Comm& comm, Records& records, const KeyOf& key_of, ExchangeRounds how = {}) {
  using T = typename Records::value_type;
  static_assert(std::has_unique_object_representations_v<T>, "padding bytes would make the order unspecified");
  return sample_sort_by_key(
      comm, records, key_of,
      [&](const T& a, const T& b) {
        const auto ka = key_of(a), kb = key_of(b);
        if (ka < kb) return true;
        if (kb < ka) return false;
        return std::memcmp(&a, &b, sizeof(T)) < 0;
      },
      how);
}

}  // namespace crmpi
