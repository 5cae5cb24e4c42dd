// Matching the k-means segments of two runs by their centroids (docs/migration.md).
//
// Each run standardizes its features with its own mean and standard deviation, so the two sets of
// standardized centroids are in different units. Both are taken back to the transformed feature
// units (mean + z * std: the logs of docs/kmeans.md, not the raw units) and the before run's are
// standardized again with the after run's mean and std; distances are Euclidean there. A feature
// constant in the after run (std 0) does not separate its segments and is left out.
#pragma once

#include <cstddef>
#include <vector>

namespace crmpi::migrate {

// One run's k-means model: k centroids in its standardized units (row-major k x d) and its scaler.
struct Centroids {
  std::size_t k = 0, d = 0;
  std::vector<double> z;          // k x d
  std::vector<double> mean, std;  // d each
};

// distance[i * after.k + j]: the before run's centroid i to the after run's centroid j, in the
// after run's standardized units. Requires before.d == after.d (the same features, same order).
std::vector<double> centroid_distances(const Centroids& before, const Centroids& after);

// The assignment of rows to columns with the least total cost (Hungarian method, O(n^2 m) with
// n = min(rows, cols)): result[r] = r's column, or -1 when rows > cols leaves r unmatched. Every
// row (when rows <= cols) or every column (when cols < rows) is matched. Ties are broken the same
// way for the same input, so every rank computes the same assignment.
std::vector<int> min_cost_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols);

}  // namespace crmpi::migrate
