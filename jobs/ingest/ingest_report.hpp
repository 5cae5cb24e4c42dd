// What `crmpi ingest` tells the user: the bad lines (an exit-65 message naming file:line, or the
// rejects file) and the count of every line rule. Collective.
#pragma once

#include <cstdint>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/order_reader.hpp"
#include "jobs/ingest/ingest_command.hpp"

namespace crmpi::ingest_job {

// Without --rejects, any bad line on any rank fails the run on every rank: CollectiveError (65)
// naming the first --max-errors of them. With --rejects, rank 0 writes them all, sorted by file
// and line. Clears `bad`.
void report_bad_lines(const Comm& comm, const IngestConfig& cfg, std::uint64_t local_bad_count,
                      std::vector<BadLine>& bad);

struct WrittenFileSummary {
  std::uint64_t customers = 0, orders = 0, items = 0, products = 0, regions = 0;
  std::int32_t as_of_day = 0;
};

// The numbers of distinct customer ids and invoices in the input, over all ranks, into `parsed`;
// the id lists are released (they would otherwise be held through the shuffle).
void count_input_ids(const Comm& comm, ParsedShare& parsed);

// Rank 0 logs the summary and the count of every line class (every line in exactly one).
void report_counts(const Comm& comm, const IngestConfig& cfg, const WrittenFileSummary& written, ParsedShare& parsed);

}  // namespace crmpi::ingest_job
