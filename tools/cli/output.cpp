#include "tools/cli/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "engine/mpi.hpp"
#include "models/io/load.hpp"
#include "tools/cli/support.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;

namespace {

// The temporary files alive now, for the signal handler: a fixed table, so
// that the handler only reads memory and calls unlink (async-signal-safe).
constexpr int kSlots = 8;
constexpr std::size_t kPathMax = 4096;
char g_temp_paths[kSlots][kPathMax];
volatile std::sig_atomic_t g_in_use[kSlots];

int claim_slot(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int k = 0; k < kSlots; ++k)
    if (!g_in_use[k]) {
      std::memcpy(g_temp_paths[k], path.c_str(), path.size() + 1);
      g_in_use[k] = 1;
      return k;
    }
  return -1;
}

extern "C" void remove_temp_files_and_die(int sig) {
  for (int k = 0; k < kSlots; ++k)
    if (g_in_use[k]) unlink(g_temp_paths[k]);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

constexpr std::size_t kBufferBytes = 1 << 20;

// The files protect_input() registered, by device and inode.
std::map<std::pair<dev_t, ino_t>, std::string>& inputs() {
  static std::map<std::pair<dev_t, ino_t>, std::string> files;
  return files;
}

// The file a write to `target` reaches: a symlink is followed (up to 40 links, as the kernel
// does), so that the file it points to is replaced and the link stays a link; a link to nothing
// yet gives the file it names. Anything else is `target` itself.
fs::path through_links(fs::path target) {
  for (int hop = 0; hop < 40; ++hop) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(target, ec))) return target;
    const fs::path to = fs::read_symlink(target, ec);
    if (ec) return target;
    target = to.is_absolute() ? to : target.parent_path() / to;
  }
  return target;  // a loop: open() says so
}

// The first of the folders `path` goes through (its prefixes, shortest first: the folder it is
// in last, `path` itself not) that is not a folder: a file, or a symlink loop. A part that does
// not exist, or cannot be looked at, ends the look: the write says what it finds there.
std::optional<OutputProblem> blocked_folder(const fs::path& path) {
  fs::path prefix;
  for (const fs::path& part : path.parent_path()) {
    if (part.empty()) continue;
    prefix /= part;
    struct stat st {};
    if (::stat(prefix.c_str(), &st) != 0) {
      const int err = errno;
      if (err == ELOOP) return OutputProblem{OutputProblem::Kind::kLoop, prefix};
      // A symlink to nothing: the folders made for the write cannot replace it, and the write
      // would fail after the run.
      if (err == ENOENT && ::lstat(prefix.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        return OutputProblem{OutputProblem::Kind::kDangling, prefix};
      return std::nullopt;
    }
    if (!S_ISDIR(st.st_mode)) return OutputProblem{OutputProblem::Kind::kNotAFolder, prefix};
  }
  return std::nullopt;
}

}  // namespace

std::string OutputProblem::text() const {
  const std::string name = models::shown_file_name(where.string());
  switch (kind) {
    case Kind::kFolder:
      return fmt::format("{} is a folder", name);
    case Kind::kNotAFolder: {
      std::error_code ec;
      return fmt::format("{} is {}, not a folder", name,
                         fs::is_regular_file(where, ec) ? "a file" : "something else");
    }
    case Kind::kLoop:
      return fmt::format("{} is a symlink loop (it never reaches a file)", name);
    case Kind::kNoFolder:
      return fmt::format("there is no folder {}", name);
    case Kind::kDangling: {
      std::error_code ec;
      return fmt::format("{} is a symlink to nothing ({})", name,
                         models::shown_file_name(fs::read_symlink(where, ec).string()));
    }
  }
  return name;
}

std::optional<OutputProblem> output_problem(const fs::path& target, bool create_folder) {
  using Kind = OutputProblem::Kind;
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0)  // through its symlinks: a link to a folder is a folder
    return S_ISDIR(st.st_mode) ? std::optional(OutputProblem{Kind::kFolder, target}) : std::nullopt;
  const int err = errno;
  if (err == ENOTDIR || err == ELOOP) {
    if (auto problem = blocked_folder(target)) return problem;
    return err == ELOOP ? std::optional(OutputProblem{Kind::kLoop, target}) : std::nullopt;
  }
  if (err != ENOENT) return std::nullopt;  // permissions, a name too long: the write says
  // Nothing there yet, or a symlink to nothing yet: the file it names is the one created, in its
  // own folder, which only the link's own folder is made for.
  const fs::path written = through_links(target);
  if (auto problem = blocked_folder(written)) return problem;
  const fs::path folder = written.has_parent_path() ? written.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::is_directory(folder, ec) || (create_folder && written == target)) return std::nullopt;
  return OutputProblem{Kind::kNoFolder, folder};
}

void protect_input(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) inputs().emplace(std::pair{st.st_dev, st.st_ino}, file);
}

std::optional<std::string> protected_input(const fs::path& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return std::nullopt;
  const auto it = inputs().find(std::pair{st.st_dev, st.st_ino});
  if (it == inputs().end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> over_an_input(const fs::path& target) {
  const auto input = protected_input(target);
  if (!input) return std::nullopt;
  const std::string name = models::shown_file_name(target.string());
  return *input == target.string()
             ? fmt::format("{} is an input of this run; choose another name", name)
             : fmt::format("{} is {}, an input of this run; choose another name", name,
                           models::shown_file_name(*input));
}

OutputFile::OutputFile(const fs::path& target, bool create_folder) : target_(target) {
  if (const auto why = over_an_input(target)) throw UsageError(*why);
  std::error_code ec;
  if (create_folder && target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  const std::string name = models::shown_file_name(target_.string());
  // Said here too, not only before the run: a loop's link would otherwise be replaced by a file.
  if (const auto problem = output_problem(target, create_folder))
    throw RunError(fmt::format("cannot write {}: {}", name, problem->text()));
  const fs::file_status st = fs::status(target, ec);
  std::string step;  // what failed, for the message
  if (!ec && fs::exists(st) && !fs::is_regular_file(st)) {
    step = "open it to write in place";
    fd_ = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);  // a device or a FIFO: in place
  } else {
    written_ = through_links(target);
    const fs::path folder = written_.has_parent_path() ? written_.parent_path() : fs::path(".");
    temp_ = folder / fmt::format(".{}.vestsim-tmp-{}", written_.filename().string(), getpid());
    slot_ = claim_slot(temp_.string());
    if (slot_ < 0) throw RunError("too many output files open at once");
    step =
        "create its temporary file " + models::shown_file_name(temp_.lexically_normal().string());
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, 0666);
  }
  if (fd_ < 0) {
    const int err = errno;
    if (slot_ >= 0) g_in_use[slot_] = 0;
    slot_ = -1;
    // ENOENT although the folder exists: a file system that takes no new file (/proc).
    const fs::path folder = temp_.parent_path();
    std::error_code folder_ec;
    const std::string why = err == ENOENT && !temp_.empty() && fs::is_directory(folder, folder_ec)
                                ? fmt::format(" (the folder {} exists, but takes no new file)",
                                              models::shown_file_name(folder.string()))
                                : "";
    throw RunError(fmt::format("cannot write {} ({}): {}{}", name, step, std::strerror(err), why));
  }
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && slot_ >= 0) {
    ::unlink(temp_.c_str());
    g_in_use[slot_] = 0;
  }
}

void OutputFile::fail(const char* step) {
  const int err = errno;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  // The file the step was on: the temporary file, or the target written in place.
  std::string on =
      models::shown_file_name((slot_ >= 0 ? temp_ : target_).lexically_normal().string());
  if (std::strcmp(step, "rename") == 0) on += " to " + models::shown_file_name(written_.string());
  if (slot_ >= 0) {
    ::unlink(temp_.c_str());
    g_in_use[slot_] = 0;
    slot_ = -1;
  }
  throw RunError(fmt::format("cannot write {} ({} {}): {}",
                             models::shown_file_name(target_.string()), step, on,
                             std::strerror(err)));
}

void OutputFile::flush() {
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void OutputFile::write(std::string_view bytes) {
  assert(!committed_ && fd_ >= 0);
  if (buffer_.size() + bytes.size() > kBufferBytes) flush();
  if (bytes.size() > kBufferBytes) {
    buffer_.assign(bytes);
    flush();
  } else {
    buffer_.append(bytes);
  }
}

void OutputFile::commit() {
  assert(!committed_ && fd_ >= 0);
  flush();
  if (slot_ >= 0 && ::fsync(fd_) != 0) fail("sync");
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    fd_ = -1;
    fail("close");
  }
  if (slot_ >= 0) {
    if (::rename(temp_.c_str(), written_.c_str()) != 0) fail("rename");
    g_in_use[slot_] = 0;
  }
  committed_ = true;
}

void write_file(const fs::path& path, const std::string& content, bool create_folder) {
  if (!engine::mpi::root()) return;  // rank 0 writes for an MPI job
  OutputFile out(path, create_folder);
  out.write(content);
  out.commit();
}

void install_output_signal_handlers() {
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction sa {};
    sa.sa_handler = remove_temp_files_and_die;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
  // A reader that closes the pipe early (`vestsim run | head`) makes the write fail with EPIPE
  // instead of killing the process (exit 141): check_stdout() says so and the exit is 1, as for
  // any failed write to standard output (docs/cli.md, "Exit status").
  std::signal(SIGPIPE, SIG_IGN);
}

void check_stdout() {
  errno = 0;
  std::cout.flush();
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout;
  if (failed)
    throw RunError(fmt::format("cannot write standard output{}{}", errno ? ": " : "",
                               errno ? std::strerror(errno) : ""));
}

}  // namespace vestsim::tools
