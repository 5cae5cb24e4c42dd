// Sample sort of the parsed lines by customer key: afterwards every line of a customer is on one
// rank, ranks hold ascending key ranges (so rank order is output order), and each rank's lines
// are sorted by customer, order, day, time, product, quantity, amount, field hash. Collective.
#pragma once

#include "comm/comm.hpp"
#include "jobs/ingest/order_lines.hpp"

namespace crmpi::ingest_job {

void shuffle_by_customer(const Comm& comm, LineStore& store);

}  // namespace crmpi::ingest_job
