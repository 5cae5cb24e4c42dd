#include "kernels/migrate/matching.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace crmpi::migrate {

std::vector<double> centroid_distances(const Centroids& before, const Centroids& after) {
  if (before.d != after.d) throw std::invalid_argument("centroid_distances: different feature counts");
  const std::size_t d = after.d;
  std::vector<double> out(before.k * after.k, 0.0);
  for (std::size_t i = 0; i < before.k; ++i) {
    // Before centroid i in the after run's standardized units.
    std::vector<double> z(d, 0.0);
    for (std::size_t f = 0; f < d; ++f)
      if (after.std[f] > 0)
        z[f] = (before.mean[f] + before.z[i * d + f] * before.std[f] - after.mean[f]) / after.std[f];
    for (std::size_t j = 0; j < after.k; ++j) {
      double s = 0;
      for (std::size_t f = 0; f < d; ++f)
        if (after.std[f] > 0) s += (z[f] - after.z[j * d + f]) * (z[f] - after.z[j * d + f]);
      out[i * after.k + j] = std::sqrt(s);
    }
  }
  return out;
}

namespace {

// Rows <= cols: the classic potentials-and-augmenting-paths form of the Hungarian method
// (1-based internally; column 0 is the virtual start).
std::vector<int> assign_rows(const std::vector<double>& a, std::size_t n, std::size_t m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(m + 1, 0);
  std::vector<std::size_t> p(m + 1, 0), way(m + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = p[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {  // strict: the lowest column wins a tie
          delta = minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(n, -1);
  for (std::size_t j = 1; j <= m; ++j)
    if (p[j] != 0) row_to_col[p[j] - 1] = static_cast<int>(j - 1);
  return row_to_col;
}

}  // namespace

std::vector<int> min_cost_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols) {
  if (cost.size() != rows * cols) throw std::invalid_argument("min_cost_assignment: cost is not rows x cols");
  for (const double c : cost)
    if (!std::isfinite(c)) throw std::invalid_argument("min_cost_assignment: costs must be finite");
  if (rows == 0 || cols == 0) return std::vector<int>(rows, -1);
  if (rows <= cols) return assign_rows(cost, rows, cols);
  // More rows than columns: assign the columns to rows on the transposed costs.
  std::vector<double> t(cost.size());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) t[c * rows + r] = cost[r * cols + c];
  const std::vector<int> col_to_row = assign_rows(t, cols, rows);
  std::vector<int> out(rows, -1);
  for (std::size_t c = 0; c < cols; ++c) out[static_cast<std::size_t>(col_to_row[c])] = static_cast<int>(c);
  return out;
}

}  // namespace crmpi::migrate
