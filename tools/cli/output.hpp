// Files written whole or not at all (docs/design.md#11-files-are-written-whole-or-not-at-all):
// every output goes to a temporary name in its own folder, is synced, then
// renamed over the target. An interrupt (SIGINT, SIGTERM) removes the
// temporary files still open.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vestsim::tools {

// One output file. Writes go to FOLDER/.NAME.vestsim-tmp-PID; commit() syncs
// it and renames it over the target. Destroyed without commit(), it removes
// the temporary file. A target that exists and is not a regular file (a
// device such as /dev/full, a FIFO) is written in place, since it cannot be
// replaced. A symlink is followed: the file it points to is replaced, the link stays. Not
// copyable; at most 8 are open at once.
class OutputFile {
 public:
  // Opens the temporary file; creates the target's folder first when
  // `create_folder`. Throws RunError naming the target, the step that failed and why when it
  // cannot (a symlink loop is refused, never replaced), UsageError when the target is a
  // protect_input() file.
  explicit OutputFile(const std::filesystem::path& target, bool create_folder = false);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // Appends bytes (buffered). Throws RunError when the write fails.
  void write(std::string_view bytes);
  // Flushes, syncs, closes and renames. Throws RunError (and removes the
  // temporary file) when any step fails. Requires: not yet committed.
  void commit();

 private:
  void flush();
  // Throws RunError "cannot write TARGET (STEP FILE): REASON" (errno), removing the temporary file.
  [[noreturn]] void fail(const char* step);
  std::filesystem::path target_, temp_;
  std::filesystem::path written_;  // target_ through its symlinks: what the rename replaces
  std::string buffer_;
  int fd_ = -1;
  int slot_ = -1;  // in the signal handler's table; -1 when in place
  bool committed_ = false;
};

// What stands in the way of writing a file, found without writing anything (docs/cli.md): the
// file is a folder, a folder of its path is a file or a symlink loop, or its folder does not
// exist and would not be created.
struct OutputProblem {
  enum class Kind { kFolder, kNotAFolder, kLoop, kNoFolder, kDangling } kind;
  std::filesystem::path where;  // the file or folder concerned (a part of the target's path)
  // "X is a folder", "X is a file, not a folder", "X is a symlink loop", "there is no folder X",
  // "X is a symlink to nothing (Y)".
  std::string text() const;
};

// The problem writing `target` (as OutputFile does, symlinks followed; the folders made when
// `create_folder`) would meet; nullopt when none is seen. What only the write itself can tell
// (permissions, a full disk, a file system such as /proc that takes no new files) is not looked
// at. Requires: nothing. Throws: nothing (beyond std::bad_alloc).
std::optional<OutputProblem> output_problem(const std::filesystem::path& target,
                                            bool create_folder);

// Files this process has read (a scenario, a regime file): an OutputFile whose target is one
// of them, by device and inode whatever its name, throws UsageError ("--out would write over
// the input X") instead of replacing it. A file that does not exist is not registered.
void protect_input(const std::filesystem::path& file);
// The input `target` is (its name as registered), if it is one.
std::optional<std::string> protected_input(const std::filesystem::path& target);

// Why `target` must not be written when it is one of the inputs ("NAME is an input of this run;
// choose another name", "NAME is INPUT, an input of this run; ..."); nullopt when it is none.
std::optional<std::string> over_an_input(const std::filesystem::path& target);

// Writes `content` whole to `path` (see OutputFile); throws RunError.
void write_file(const std::filesystem::path& path, const std::string& content,
                bool create_folder = true);

// Installs the SIGINT/SIGTERM handlers that remove live temporary files and
// then die of the signal as if not handled. Call once, early.
void install_output_signal_handlers();

// Flushes standard output; throws RunError ("cannot write standard output:
// REASON") when anything written to it was lost, as coreutils do.
void check_stdout();

}  // namespace vestsim::tools
