// A progress bar on stderr, shown only on a terminal and only after a second.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace vestsim::tools {

// Counts `total` items of kind `what` ("paths", "runs") through counter();
// draws nothing when `quiet`, when stderr is not a terminal, or for 0 items.
class Progress {
 public:
  Progress(std::uint64_t total, bool quiet, std::string what = "paths");
  ~Progress() { stop(); }
  std::atomic<std::uint64_t>* counter() { return &done_; }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop();

  std::uint64_t total_;
  std::string what_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace vestsim::tools
