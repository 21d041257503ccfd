// Correlated monthly shocks across drivers (docs/model.md#m1-drivers-and-correlation).
//
// The drivers named in a scenario's `correlations:` form a matrix R, ordered
// by driver name. compile_correlation() checks R once per scenario and keeps
// its lower Cholesky factor L in packed form; the path loop then turns each
// month's independent normals eps into correlated ones, z = L * eps, with one
// small triangular product and no allocation. Eigen stays inside the .cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vestsim::models {

struct CorrelationPair {
  std::string a, b;  // driver names
  double rho = 0;    // requires -1 < rho < 1
};

// A correlation matrix checked and factored.
struct CorrelationFactor {
  std::vector<std::string> drivers;  // sorted by name, no duplicates
  // Packed lower Cholesky factor: row i holds L(i, 0..i) from index i(i+1)/2.
  std::vector<double> lower;

  std::size_t size() const { return drivers.size(); }

  // z = L * eps for n = size() drivers. Requires eps and z to hold n values
  // and not to overlap. A driver with no correlation keeps its own normal:
  // its row of L is the unit row.
  void apply(const double* eps, double* z) const {
    const std::size_t n = drivers.size();
    const double* row = lower.data();
    for (std::size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (std::size_t j = 0; j <= i; ++j) sum += row[j] * eps[j];
      z[i] = sum;
      row += i + 1;
    }
  }
};

// What is wrong with a matrix that is not positive definite, and the nearest
// valid one: eigenvalues clipped at 1e-4, rescaled to a unit diagonal.
struct CorrelationProblem {
  double smallest_eigenvalue = 0;
  std::vector<std::string> drivers;  // sorted
  std::vector<double> nearest;       // row-major, drivers.size()^2
  // The nearest matrix as a `correlations:` block to paste into a scenario.
  std::string as_yaml() const;
};

struct CorrelationResult {
  bool ok = false;
  CorrelationFactor factor;    // when ok
  CorrelationProblem problem;  // when !ok
};

// Builds R from `pairs` (pairs not listed have correlation 0) and factors it.
// Requires every rho in (-1, 1) and no pair of a driver with itself nor the
// same pair twice (the loader reports those with their line); throws
// std::invalid_argument if that is violated. Returns !ok when R is not
// positive definite.
CorrelationResult compile_correlation(const std::vector<CorrelationPair>& pairs);

}  // namespace vestsim::models
