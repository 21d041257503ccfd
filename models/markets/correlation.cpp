#include "models/markets/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>

namespace vestsim::models {

namespace {

constexpr double kEigenFloor = 1e-4;  // docs/model.md#m1-drivers-and-correlation

Eigen::MatrixXd matrix_of(const std::vector<CorrelationPair>& pairs,
                          std::vector<std::string>& drivers) {
  for (const CorrelationPair& p : pairs) {
    if (p.a == p.b) throw std::invalid_argument("a driver correlated with itself: " + p.a);
    if (!(p.rho > -1 && p.rho < 1))
      throw std::invalid_argument(fmt::format("rho {} outside (-1, 1)", p.rho));
    drivers.push_back(p.a);
    drivers.push_back(p.b);
  }
  std::sort(drivers.begin(), drivers.end());
  drivers.erase(std::unique(drivers.begin(), drivers.end()), drivers.end());
  const auto index = [&](const std::string& d) {
    return std::lower_bound(drivers.begin(), drivers.end(), d) - drivers.begin();
  };
  const Eigen::Index n = static_cast<Eigen::Index>(drivers.size());
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(n, n);
  for (const CorrelationPair& p : pairs) {
    const auto i = index(p.a), j = index(p.b);
    if (r(i, j) != 0)
      throw std::invalid_argument("the pair " + p.a + ", " + p.b + " is given twice");
    r(i, j) = r(j, i) = p.rho;
  }
  return r;
}

// Clips the eigenvalues at kEigenFloor and rescales to a unit diagonal.
Eigen::MatrixXd nearest_valid(const Eigen::MatrixXd& r, double& smallest) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r);
  smallest = eig.eigenvalues().minCoeff();
  const Eigen::VectorXd clipped = eig.eigenvalues().cwiseMax(kEigenFloor);
  Eigen::MatrixXd a = eig.eigenvectors() * clipped.asDiagonal() * eig.eigenvectors().transpose();
  const Eigen::VectorXd d = a.diagonal().cwiseSqrt().cwiseInverse();
  a = d.asDiagonal() * a * d.asDiagonal();
  return 0.5 * (a + a.transpose());
}

}  // namespace

std::string CorrelationProblem::as_yaml() const {
  std::string out = "correlations:\n";
  const std::size_t n = drivers.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      if (const double rho = nearest[i * n + j]; rho != 0)
        out += fmt::format("  - {{between: [{}, {}], rho: {:.6f}}}\n", drivers[i], drivers[j], rho);
  return out;
}

CorrelationResult compile_correlation(const std::vector<CorrelationPair>& pairs) {
  CorrelationResult out;
  std::vector<std::string> drivers;
  const Eigen::MatrixXd r = matrix_of(pairs, drivers);
  const Eigen::LLT<Eigen::MatrixXd> llt(r);
  if (llt.info() != Eigen::Success) {
    out.problem.drivers = drivers;
    Eigen::MatrixXd a = nearest_valid(r, out.problem.smallest_eigenvalue);
    // What the user pastes is printed to 6 decimals: round here, so the
    // printed matrix is the one checked to be valid below.
    a = (a.array() * 1e6).round() / 1e6;
    a.diagonal().setOnes();
    out.problem.nearest.assign(a.data(), a.data() + a.size());  // symmetric: order is moot
    return out;
  }
  out.ok = true;
  out.factor.drivers = drivers;
  const Eigen::MatrixXd l = llt.matrixL();
  for (Eigen::Index i = 0; i < l.rows(); ++i)
    for (Eigen::Index j = 0; j <= i; ++j) out.factor.lower.push_back(l(i, j));
  return out;
}

}  // namespace vestsim::models
