// Sample sort of the parsed lines by customer key: afterwards every line of a customer is on one
// rank, ranks hold ascending key ranges (so rank order is output order), and each rank's lines
// are sorted by customer, order, day, time, product, quantity, amount, field hash. Collective.
#pragma once

#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/order_lines.hpp"

namespace crmpi::ingest_job {

// Returns the P-1 splitters: rank r owns the keys in (splitters[r-1], splitters[r]].
std::vector<std::string> shuffle_by_customer(const Comm& comm, LineStore& store);

// The same routing for other per-customer rows (customer attributes, surveys): each line goes to
// the rank owning its key under `splitters` (from shuffle_by_customer), sorted the same way.
void send_to_customer_owners(const Comm& comm, LineStore& store, const std::vector<std::string>& splitters);

}  // namespace crmpi::ingest_job
