// Streams a rank's orders in chunks that end on customer boundaries, so per-customer work never
// straddles two chunks and memory stays bounded by the chunk size, not by the slice.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "io/input_file.hpp"

namespace crmpi {

struct OrderColumns {
  bool day = false;
  bool amount = false;
  bool customer_id = false;
  bool order_id = false;
  bool channel = false;
  bool item_offset = false;  // n+1 offsets for the chunk's n orders
};

struct OrderChunk {
  std::uint64_t customer_begin = 0, customer_end = 0;  // local customer indices within the slice
  std::uint64_t order_begin = 0;                       // global row of the chunk's first order
  std::uint64_t size = 0;                              // orders in the chunk
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount_cents;
  std::vector<std::uint64_t> customer_id;
  std::vector<std::uint64_t> order_id;
  std::vector<std::uint8_t> channel;
  std::vector<std::uint64_t> item_offset;
};

// Calls fn(const OrderChunk&) for consecutive chunks covering the slice's orders. `order_offset`
// holds the slice's n+1 absolute offsets. A chunk has at most `max_rows` orders unless one
// customer alone has more (then that customer is a chunk of its own). A caller that streams the
// same slice repeatedly may pass `scratch` to keep the chunk buffers between calls.
template <class Fn>
void for_each_order_chunk(InputFile& in, std::span<const std::uint64_t> order_offset, const OrderColumns& cols,
                          std::uint64_t max_rows, Fn&& fn, OrderChunk* scratch = nullptr) {
  const std::uint64_t n = order_offset.size() - 1;
  OrderChunk local;
  OrderChunk& chunk = scratch ? *scratch : local;
  std::uint64_t c = 0;
  while (c < n) {
    std::uint64_t e = c + 1;
    while (e < n && order_offset[e + 1] - order_offset[c] <= max_rows) ++e;
    chunk.customer_begin = c;
    chunk.customer_end = e;
    chunk.order_begin = order_offset[c];
    chunk.size = order_offset[e] - order_offset[c];
    auto load = [&](bool want, auto column, auto& vec, std::uint64_t extra) {
      if (!want) return;
      vec.resize(chunk.size + extra);
      in.read(column, chunk.order_begin, chunk.size + extra, vec.data());
    };
    load(cols.day, schema::kOrderDay, chunk.day, 0);
    load(cols.amount, schema::kOrderAmount, chunk.amount_cents, 0);
    load(cols.customer_id, schema::kOrderCustomerId, chunk.customer_id, 0);
    load(cols.order_id, schema::kOrderId, chunk.order_id, 0);
    load(cols.channel, schema::kOrderChannel, chunk.channel, 0);
    load(cols.item_offset, schema::kItemOffset, chunk.item_offset, 1);
    fn(static_cast<const OrderChunk&>(chunk));
    c = e;
  }
}

}  // namespace crmpi
