#include "tools/cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace vestsim::tools {

Progress::Progress(std::uint64_t total, bool quiet, std::string what)
    : total_(total), what_(std::move(what)) {
  if (quiet || !isatty(STDERR_FILENO) || total == 0) return;
  thread_ = std::thread([this] { loop(); });
}

void Progress::loop() {
  const auto start = std::chrono::steady_clock::now();
  bool shown = false;
  while (!stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (t < 1.0) continue;
    const double f = std::min(1.0, static_cast<double>(done_.load()) / static_cast<double>(total_));
    const int width = 30, filled = static_cast<int>(f * width);
    const double eta = f > 0 ? t * (1 - f) / f : 0;
    std::fprintf(stderr, "\r[%s%s] %3.0f%%  %llu/%llu %s  %.1fs, ~%.0fs left ",
                 std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
                 100 * f, static_cast<unsigned long long>(done_.load()),
                 static_cast<unsigned long long>(total_), what_.c_str(), t, eta);
    shown = true;
  }
  if (shown) std::fprintf(stderr, "\r%s\r", std::string(90, ' ').c_str());
}

}  // namespace vestsim::tools
