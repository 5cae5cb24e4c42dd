// comm/shuffle.hpp at any rank count and partition. Every rank regenerates the whole input from a
// seed and computes the expected result on its own:
//   - sample sort: the concatenation over ranks (gathered in rank order) equals std::sort of the
//     whole input, so it is the same at every rank count; every record sits on the rank that owns
//     its key under the returned splitters; all keys equal -> one rank holds everything.
//   - exchange with payloads: rank r receives, for source ranks in order, the records that source
//     holds for r in the order they were laid out, each with its payload bytes.
//   - string keys with their bytes as payload (ingest's use): as the sample sort, keys included.
// Small rounds (a few records per destination) make every exchange take many rounds with the
// sent pages released in between. No ASSERT between collectives: a rank leaving a test early
// would leave the others waiting in the next collective.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "comm/comm.hpp"
#include "comm/dictionary_merge.hpp"
#include "comm/shuffle.hpp"
#include "kernels/common/uninitialized_allocator.hpp"
#include "tests/mpi/toolkit/partitions.hpp"

namespace crmpi {
namespace {

using crmpi_test::kShapes;
using crmpi_test::share;

struct Rec {
  std::uint64_t key;
  std::uint64_t id;  // global index in the input
};
bool operator==(const Rec& a, const Rec& b) { return a.key == b.key && a.id == b.id; }
std::ostream& operator<<(std::ostream& os, const Rec& r) { return os << "{key " << r.key << ", id " << r.id << "}"; }

// "" when equal, else where the sequences first differ (gtest would print every element).
template <class T>
std::string first_difference(const std::vector<T>& got, const std::vector<T>& want) {
  std::ostringstream os;
  for (std::size_t i = 0; i < got.size() && i < want.size(); ++i)
    if (!(got[i] == want[i])) {
      os << "at " << i << ": got " << got[i] << ", want " << want[i];
      return os.str();
    }
  if (got.size() != want.size()) os << "sizes " << got.size() << " and " << want.size();
  return os.str();
}
bool by_key_then_id(const Rec& a, const Rec& b) { return std::tie(a.key, a.id) < std::tie(b.key, b.id); }

std::vector<Rec> global_recs(std::uint64_t seed, std::size_t n, std::uint64_t range) {
  std::mt19937_64 rng(seed);
  std::vector<Rec> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = {range ? rng() % range : rng(), i};
  return v;
}

template <class V>
std::vector<Rec> my_share(const V& all, crmpi_test::Shape shape, const Comm& w) {
  const auto [b, e] = share(shape, all.size(), w.rank(), w.size());
  return {all.begin() + static_cast<std::ptrdiff_t>(b), all.begin() + static_cast<std::ptrdiff_t>(e)};
}

void expect_owned(const Comm& w, std::span<const std::uint64_t> splitters, std::span<const Rec> mine) {
  EXPECT_EQ(splitters.size(), static_cast<std::size_t>(w.size() - 1));
  const auto all = w.allgatherv<std::uint64_t>(splitters);  // every rank got the same splitters
  EXPECT_EQ(all.size(), splitters.size() * static_cast<std::size_t>(w.size()));
  for (std::size_t i = 0; !splitters.empty() && i < all.size(); ++i) EXPECT_EQ(all[i], splitters[i % splitters.size()]);
  std::size_t elsewhere = 0;
  for (const Rec& x : mine) elsewhere += owner_of(splitters, x.key) != w.rank();
  EXPECT_EQ(elsewhere, 0u) << "records on a rank that does not own their key";
}

TEST(SampleSort, GloballySortedAndOwnedAtAnyPartition) {
  const Comm w;
  struct Case {
    std::size_t n;
    std::uint64_t range;  // 0: any 64-bit key
  };
  std::uint64_t seed = 7;
  for (const Case c : {Case{0, 0}, Case{1, 0}, Case{7, 3}, Case{5000, 10}, Case{20000, 0}}) {
    auto want = global_recs(seed++, c.n, c.range);
    const auto input = want;
    std::sort(want.begin(), want.end(), by_key_then_id);
    for (const auto shape : kShapes)
      for (const std::uint64_t round : {std::uint64_t{0}, std::uint64_t{3}}) {
        auto mine = my_share(input, shape, w);
        const auto splitters = sample_sort_by_key(
            w, mine, [](const Rec& r) { return r.key; }, by_key_then_id, {.records_per_destination = round});
        EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end(), by_key_then_id));
        if (w.size() > 1) expect_owned(w, splitters, mine);
        EXPECT_EQ(first_difference(w.allgatherv<Rec>(mine), want), "")
            << c.n << " records, " << name(shape) << ", round " << round;
      }
  }
}

TEST(SampleSort, AllKeysEqualLandOnOneRank) {
  const Comm w;
  const auto input = global_recs(1, 3000, 1);  // every key 0
  for (const auto shape : kShapes) {
    auto mine = my_share(input, shape, w);
    sample_sort_by_key(w, mine, [](const Rec& r) { return r.key; }, by_key_then_id);
    // The owner of the only key is rank 0: no splitter is below it.
    EXPECT_EQ(mine.size(), w.rank() == 0 ? input.size() : 0) << name(shape);
    EXPECT_EQ(first_difference(w.allgatherv<Rec>(mine), input), "") << name(shape);  // ids ascending = input order
  }
}

TEST(SampleSort, DefaultOrderIsKeyThenBytes) {
  const Comm w;
  // Keys with many ties; the default order breaks them by the record's bytes (memcmp), which the
  // reference applies the same way.
  const auto input = global_recs(9, 4000, 5);
  auto want = input;
  std::sort(want.begin(), want.end(), [](const Rec& a, const Rec& b) {
    return a.key != b.key ? a.key < b.key : std::memcmp(&a, &b, sizeof a) < 0;
  });
  for (const auto shape : kShapes) {
    auto mine = my_share(input, shape, w);
    sample_sort_by_key(w, mine, [](const Rec& r) { return r.key; });
    EXPECT_EQ(first_difference(w.allgatherv<Rec>(mine), want), "") << name(shape);
  }
}

// A basket: a group (the routing key) and a variable-length list of item codes as its payload.
struct Basket {
  std::uint64_t id;
  std::uint32_t group;
  std::uint32_t n_items;
};
std::uint32_t group_of(std::uint64_t id) { return static_cast<std::uint32_t>((id * 0x9E3779B97F4A7C15ULL) >> 59); }
std::uint32_t n_items_of(std::uint64_t id) { return static_cast<std::uint32_t>(id * 7 % 13); }  // 0..12
std::uint32_t item(std::uint64_t id, std::uint32_t k) { return static_cast<std::uint32_t>(id * 31 + k * 1000003); }

TEST(ExchangeByCounts, PayloadsArriveGroupedBySourceInOrderSent) {
  const Comm w;
  const auto P = static_cast<std::uint32_t>(w.size());
  for (const std::uint64_t n : {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{200000}})
    for (const auto shape : kShapes) {
      // This rank's baskets, laid out by destination (group % P), in id order within each.
      const auto [b, e] = share(shape, n, w.rank(), w.size());
      UninitializedVector<Basket> mine;
      std::vector<std::uint32_t> items;  // the payloads, in `mine` order
      std::vector<std::uint64_t> counts(P, 0), offset;
      for (std::uint32_t d = 0; d < P; ++d)
        for (std::uint64_t id = b; id < e; ++id) {
          if (group_of(id) % P != d) continue;
          mine.push_back({id, group_of(id), n_items_of(id)});
          offset.push_back(items.size());
          for (std::uint32_t k = 0; k < n_items_of(id); ++k) items.push_back(item(id, k));
          ++counts[d];
        }
      auto payload_of = [&](const Basket& x) {
        const auto i = static_cast<std::size_t>(&x - mine.data());
        return std::span<const std::uint32_t>(items.data() + offset[i], x.n_items);
      };
      const std::vector<std::uint64_t> from =
          exchange_by_counts(w, mine, counts, items, payload_of, {.records_per_destination = 1000, .release_sent = true});

      // Expected: sources in rank order, each source's baskets for this rank in id order; the
      // count from each source.
      std::vector<std::uint64_t> want_ids, want_from(P, 0);
      std::vector<std::uint32_t> want_items;
      for (int s = 0; s < w.size(); ++s) {
        const auto [sb, se] = share(shape, n, s, w.size());
        for (std::uint64_t id = sb; id < se; ++id) {
          if (group_of(id) % P != static_cast<std::uint32_t>(w.rank())) continue;
          want_ids.push_back(id);
          ++want_from[static_cast<std::size_t>(s)];
          for (std::uint32_t k = 0; k < n_items_of(id); ++k) want_items.push_back(item(id, k));
        }
      }
      std::vector<std::uint64_t> got_ids;
      std::size_t bad_fields = 0;
      for (const Basket& x : mine) {
        got_ids.push_back(x.id);
        bad_fields += x.group != group_of(x.id) || x.n_items != n_items_of(x.id);
      }
      EXPECT_EQ(bad_fields, 0u);
      EXPECT_EQ(first_difference(got_ids, want_ids), "") << n << " baskets, " << name(shape);
      EXPECT_EQ(first_difference(items, want_items), "") << n << " baskets, " << name(shape);
      EXPECT_EQ(from, want_from) << n << " baskets, " << name(shape);
    }
}

TEST(ExchangeByCounts, RejectsCountsThatDoNotMatchTheRecords) {
  const Comm w;
  std::vector<Rec> mine(2, Rec{1, 1});
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(w.size()), 0);  // sums to 0, not 2
  EXPECT_THROW(exchange_by_counts(w, mine, counts), std::invalid_argument);
}

// Ingest's use: lines keyed by a string whose bytes sit in an arena, sent as the line's payload.
struct Line {
  std::uint64_t key_off;
  std::uint32_t key_len;
  std::uint32_t value;
};
struct Lines {
  std::vector<Line> lines;
  std::string arena;
  std::string_view key(const Line& l) const { return {arena.data() + l.key_off, l.key_len}; }
};

std::vector<std::pair<std::string, std::uint32_t>> global_keyed(std::uint64_t seed, std::size_t n, std::size_t keys) {
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, std::uint32_t>> v;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = rng() % keys;
    std::string key = k % 4 == 0 ? std::string() : "cust-" + std::to_string(k);  // "" is a key too
    if (k % 3 == 0) key += std::string(30, static_cast<char>(0xE9));           // long, high bytes
    v.emplace_back(std::move(key), static_cast<std::uint32_t>(rng()));
  }
  return v;
}

TEST(StringKeys, SortedOwnedAndKeyBytesIntactAtAnyPartition) {
  const Comm w;
  std::uint64_t seed = 21;
  for (const auto& [n, keys] : {std::pair<std::size_t, std::size_t>{0, 1}, {9, 1}, {3000, 40}, {20000, 5000}}) {
    const auto input = global_keyed(seed++, n, keys);
    auto want = input;
    std::sort(want.begin(), want.end());
    for (const auto shape : kShapes) {
      const auto [b, e] = share(shape, n, w.rank(), w.size());
      Lines s;
      for (std::size_t i = b; i < e; ++i) {
        s.lines.push_back({s.arena.size(), static_cast<std::uint32_t>(input[i].first.size()), input[i].second});
        s.arena += input[i].first;
      }
      auto less = [&](const Line& x, const Line& y) {
        return std::pair(s.key(x), x.value) < std::pair(s.key(y), y.value);
      };
      std::sort(s.lines.begin(), s.lines.end(), less);
      auto key_at = [&](std::size_t i) { return s.key(s.lines[i]); };
      const auto splitters = choose_splitters<std::string>(w, s.lines.size(), key_at);
      const auto counts = owner_counts<std::string>(s.lines.size(), key_at, splitters);
      exchange_by_counts(w, s.lines, counts, s.arena, [&](const Line& l) { return s.key(l); },
                         {.records_per_destination = 7});
      std::uint64_t off = 0;  // key bytes arrive in line order
      for (auto& l : s.lines) {
        l.key_off = off;
        off += l.key_len;
      }
      EXPECT_EQ(off, s.arena.size());
      std::sort(s.lines.begin(), s.lines.end(), less);

      EXPECT_EQ(splitters.size(), static_cast<std::size_t>(w.size() - 1));
      EXPECT_EQ(allgather_string_lists(w, w.rank() == 0 ? std::span<const std::string>(splitters)
                                                        : std::span<const std::string>()),
                splitters);  // rank 0's splitters are every rank's
      std::vector<std::pair<std::string, std::uint32_t>> got;
      std::size_t elsewhere = 0;
      for (const Line& l : s.lines) {
        elsewhere += owner_of(std::span<const std::string>(splitters), s.key(l)) != w.rank();
        got.emplace_back(s.key(l), l.value);
      }
      EXPECT_EQ(elsewhere, 0u) << "lines on a rank that does not own their key, " << name(shape);
      std::vector<std::string> got_keys;
      std::vector<std::uint32_t> got_values;
      for (auto& [k, v] : got) {
        got_keys.push_back(k);
        got_values.push_back(v);
      }
      const auto all_keys = allgather_string_lists(w, got_keys);
      const auto all_values = w.allgatherv<std::uint32_t>(got_values);
      std::vector<std::string> want_keys;
      std::vector<std::uint32_t> want_values;
      for (const auto& [k, v] : want) {
        want_keys.push_back(k);
        want_values.push_back(v);
      }
      EXPECT_EQ(first_difference(all_keys, want_keys), "") << n << " lines, " << name(shape);
      EXPECT_EQ(first_difference(all_values, want_values), "") << n << " lines, " << name(shape);
    }
  }
}

}  // namespace
}  // namespace crmpi
