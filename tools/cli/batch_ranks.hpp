// A batch folder on an MPI job (docs/design.md#18-mpi-runs): file k of the
// batch (in the order the command line and the sorted folders give) runs
// whole on rank k mod N, as a one-process job there (engine::mpi::Solo);
// rank 0 gathers every file's reports and writes them in file order, so the
// bytes, the summary and what is said on stderr are the one-process run's.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tools/report/batch.hpp"

namespace vestsim::tools {

// What one file of a batch gave: its reports or the error that stopped it.
struct FileOutcome {
  enum class Status { kRan, kRunError, kUsageError, kFailed };
  Status status = Status::kRan;
  std::string message;               // the error's what()
  std::string said;                  // what the run wrote to std::cerr
  std::vector<std::string> reports;  // one per format, in the caller's order
  std::vector<BatchRow> rows;        // batch_rows of its summary
};

// The owner of file k on a job of `ranks` ranks: k mod ranks.
int file_owner(std::size_t k, int ranks);

// Runs `run(k)` on this rank for every file k (of `files`) with wanted(k) that it owns
// (file_owner), inside an engine::mpi::Solo and with std::cerr captured into
// FileOutcome::said; a UsageError, RunError or other std::exception becomes
// the outcome's status and message. Collective: on rank 0 the outcome of
// every wanted file, in place (nullopt for the others); empty elsewhere. Each outcome carries
// its file's name: a rank whose list of files differs from rank 0's (another folder, another
// working directory) is a RunError on rank 0, naming the rank and the file, never a report
// filed under another file's name.
std::vector<std::optional<FileOutcome>> run_files_on_ranks(
    const std::vector<std::string>& files, const std::function<bool(std::size_t)>& wanted,
    const std::function<FileOutcome(std::size_t)>& run);

// Says o.said on std::cerr, then throws what stopped the file (the same
// type and message), if anything did.
void replay(const FileOutcome& o);

}  // namespace vestsim::tools
