// crmpi::fpgrowth: the local compute of distributed frequent itemsets and association rules (PFP,
// Li et al. 2008, in the shape of Spark MLlib's FPGrowth). Pure functions and small classes over
// plain data (no MPI, no I/O); an MPI driver calls them on each rank's baskets and exchanges what
// they return.
//
// The distributed run, and the piece each step uses:
//   1. Count each item's baskets on every rank; sum the counts across ranks (integers).
//   2. flist.hpp      make_flist: frequent items by count descending, then id ascending; every rank
//                     the same. basket_ranks: a basket as ranks in it (ascending, distinct).
//      pair_filter.hpp  PairCounts over the ranked baskets, summed across ranks; PairFilter cuts
//                     each basket to its items in a frequent pair with another of its items
//                     (exact for every itemset of two or more items; the single items' counts are
//                     the F-list's: MineParams::item_counts), before DistinctTransactions' sort.
//   3. groups.hpp     add_prefix_work on every basket, summed across ranks; assign_groups: greedy
//                     LPT over those estimates, not round-robin.
//   4. groups.hpp     GroupSplitter: each basket's group-dependent transactions (Spark's
//                     genCondTransactions), sent to the rank that owns each group; split_by_group
//                     makes them for a rank's merged, sorted baskets, each group's sorted and
//                     merged.
//      transactions.hpp  Transactions (ranks + integer weights); DistinctTransactions merges a
//                     rank's baskets before the split, RunMerger the sorted runs that arrive
//                     (as the group's tree is built from them), so repeated prefixes travel
//                     and are stored once.
//   5. mine.hpp       mine_group: the group's FP-tree (fp_tree.hpp) mined for the itemsets whose
//                     least frequent item is in the group, exact counts, in canonical order.
//   6. itemsets.hpp   The canonical order (colexicographic: by least frequent item first) puts each
//                     item's itemsets in one block: the gathered result is the per-item blocks in
//                     rank order, whatever the grouping and the rank count.
//   7. rules.hpp      make_rules on the complete set: measures from integer counts, a fixed order.
//
// Why the results do not depend on the partition: counts are integers summed exactly; the F-list,
// the grouping and the splitting are functions of the summed counts and of each basket alone; a
// group's tree and its mining are functions of the multiset of transactions it receives (mining
// visits items by rank, never by arrival order); the output order is canonical; rule measures are
// fixed operations on integer counts.
//
// Limits and huge baskets:
//   - Memory. A basket of L frequent items is one path of at most L tree nodes; the tree is at
//     most the total length of the group's transactions, usually much less. Conditional trees
//     are built level by level and reused (one per recursion depth).
//   - Shuffle. A basket sends at most min(L, groups) prefixes, of total length at most
//     L x min(L, groups) ranks; the driver can merge duplicates before sending.
//   - Mining time. The projections read each item's conditional pattern base, the basket
//     prefixes above it: a long basket costs O(L^2) there (less where its prefixes share tree
//     paths), and the recursion follows only extensions with at least min_count baskets, so a few
//     huge baskets (fewer than min_count of them) add projection work but no itemsets.
//   - Explosion. Many long baskets over the same items make 2^L itemsets: max_length bounds the
//     depth and max_itemsets stops the run cleanly (MineResult::truncated, with the count reached)
//     before memory runs out; the driver reports it with a higher support to try.
//   - Strategy for baskets beyond any reason (an order of 10,000 distinct products): the driver
//     may cut a basket to its first K ranks (its K most frequent items) before splitting. That
//     bounds a basket's cost at O(K^2) and K x min(K, groups) shuffled ranks, but undercounts the
//     itemsets with an item past a cut: it is a configured, reported approximation, never silent.
#pragma once

#include "kernels/fpgrowth/flist.hpp"
#include "kernels/fpgrowth/fp_tree.hpp"
#include "kernels/fpgrowth/groups.hpp"
#include "kernels/fpgrowth/itemsets.hpp"
#include "kernels/fpgrowth/mine.hpp"
#include "kernels/fpgrowth/pair_filter.hpp"
#include "kernels/fpgrowth/rules.hpp"
#include "kernels/fpgrowth/transactions.hpp"
