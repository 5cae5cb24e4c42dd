// Association rules from the frequent itemsets, derived by all ranks together. Every rank holds the
// itemsets (the gather phase of pfp.hpp) and ends with the same rule table (the recommendations of
// each rank's customers need all of it); the derivation itself is spread instead of repeated:
//
//   enumerate  each rank the candidate rules of one block of itemsets, blocks balanced by the
//              rules an itemset can give (its length with single-item consequents, else 2^length);
//   sort       the candidates sample-sorted by antecedent (comm/shuffle.hpp): rank order is
//              antecedent order, and every candidate of an antecedent lands on one rank, so the
//              top-N-per-antecedent cut is local;
//   assemble   each rank its rules, then one allgatherv in rank order: the table fpgrowth::make_rules
//              builds on one rank, bit for bit, at any rank count.
//
// Enumeration, sorting and assembly are each ~1/P of the work; what every rank still does is
// index the itemsets (one hash per itemset) and receive the finished table.
#pragma once

#include "comm/comm.hpp"
#include "kernels/fpgrowth/rules.hpp"

namespace crmpi::rules_job {

// Collective. Every rank passes the same itemsets; a set missing a needed subset is a DataError
// on every rank (fpgrowth::make_rules's std::invalid_argument).
fpgrowth::RuleSet derive_rules(const Comm& comm, const fpgrowth::Itemsets& frequent, fpgrowth::Count baskets,
                               const fpgrowth::RuleParams& params);

}  // namespace crmpi::rules_job
