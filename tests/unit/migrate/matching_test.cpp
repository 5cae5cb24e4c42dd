// min_cost_assignment and centroid_distances on fixtures small enough to check by hand: every
// expected assignment is the cheapest of the enumerated alternatives listed next to it.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "kernels/migrate/matching.hpp"

namespace crmpi::migrate {
namespace {

TEST(MinCostAssignment, SquareTakesTheCheapestPermutation) {
  // Costs, rows x columns:    permutations (column of rows 0, 1, 2) and totals:
  //   4 1 3                   012: 4+0+2=6  021: 4+5+2=11  102: 1+2+2=5
  //   2 0 5                   120: 1+5+3=9  201: 3+2+2=7   210: 3+0+3=6
  //   3 2 2                   least: 102, total 5 (the greedy row-by-row pick 1, 0, 2 agrees here)
  EXPECT_EQ(min_cost_assignment({4, 1, 3, 2, 0, 5, 3, 2, 2}, 3, 3), (std::vector<int>{1, 0, 2}));
}

TEST(MinCostAssignment, GreedyWouldBeWrong) {
  // 1 2     row 0 greedily takes column 0 (1), row 1 then pays 10: 11; the optimum 2 + 2 = 4.
  // 2 10
  EXPECT_EQ(min_cost_assignment({1, 2, 2, 10}, 2, 2), (std::vector<int>{1, 0}));
}

TEST(MinCostAssignment, FewerRowsThanColumns) {
  // 1 2 3    pairs (col of row 0, col of row 1): 01: 5, 02: 7, 10: 4, 12: 8, 20: 5, 21: 7 -> 10
  // 2 4 6    column 2 stays unmatched.
  EXPECT_EQ(min_cost_assignment({1, 2, 3, 2, 4, 6}, 2, 3), (std::vector<int>{1, 0}));
}

TEST(MinCostAssignment, MoreRowsThanColumns) {
  // The transpose of the case above: columns 0, 1 go to rows 1, 0; row 2 is unmatched (-1).
  EXPECT_EQ(min_cost_assignment({1, 2, 2, 4, 3, 6}, 3, 2), (std::vector<int>{1, 0, -1}));
}

TEST(MinCostAssignment, EmptyAndBadInput) {
  EXPECT_EQ(min_cost_assignment({}, 2, 0), (std::vector<int>{-1, -1}));
  EXPECT_TRUE(min_cost_assignment({}, 0, 3).empty());
  EXPECT_THROW(min_cost_assignment({1, 2, 3}, 2, 2), std::invalid_argument);
  EXPECT_THROW(min_cost_assignment({1, NAN, 3, 4}, 2, 2), std::invalid_argument);
}

TEST(CentroidDistances, RestandardizedWithTheAfterRunsScaler) {
  // Before: mean (1, 10), std (2, 5); centroid z (0.5, 1) -> transformed (1 + 0.5*2, 10 + 1*5) = (2, 15).
  // After:  mean (0, 5), std (4, 0): feature 1 is constant after, left out; feature 0: (2 - 0)/4 = 0.5.
  // After centroids z (1.5, 7) and (0.5, -3): distances |0.5 - 1.5| = 1 and |0.5 - 0.5| = 0.
  Centroids before{1, 2, {0.5, 1}, {1, 10}, {2, 5}};
  Centroids after{2, 2, {1.5, 7, 0.5, -3}, {0, 5}, {4, 0}};
  const auto d = centroid_distances(before, after);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_DOUBLE_EQ(d[0], 1.0);
  EXPECT_DOUBLE_EQ(d[1], 0.0);
}

TEST(CentroidDistances, SameScalerIsThePlainDistance) {
  // One scaler for both: the distance of the standardized centroids, sqrt(3^2 + 4^2) = 5.
  Centroids before{1, 2, {0, 0}, {7, -2}, {3, 0.5}};
  Centroids after{1, 2, {3, 4}, {7, -2}, {3, 0.5}};
  EXPECT_DOUBLE_EQ(centroid_distances(before, after)[0], 5.0);
  Centroids other{1, 3, {0, 0, 0}, {0, 0, 0}, {1, 1, 1}};
  EXPECT_THROW(centroid_distances(before, other), std::invalid_argument);
}

}  // namespace
}  // namespace crmpi::migrate
