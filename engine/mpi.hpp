// The engine's only door to MPI (docs/design.md#18-mpi-runs). Every MPI call
// of vestsim is in engine/mpi.cpp. Built without MPI (VESTSIM_MPI off, or no
// MPI found), this is one process: rank 0 of 1, and every call is a copy.
//
// What crosses ranks is integers (summed: their order does not matter) and
// bytes gathered in rank order. Work is shared out as contiguous ranges in
// rank order, so rank order is item order: floating-point results are merged
// by the caller in item order, never in order of arrival.
//
// Contracts: collective calls must be made by every rank in the same order
// with the same sizes. A failed MPI call aborts the job (MPI's default).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/parallel.hpp"

namespace vestsim::engine::mpi {

// Initialises MPI for the life of the object when built with MPI and started
// by a launcher (mpirun, srun: their environment names a rank); a plain start
// stays a job of one without touching MPI. Make one, first thing in main.
class Session {
 public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

int rank();  // 0 without MPI
int size();  // 1 without MPI
inline bool root() {
  return rank() == 0;
}

// While one lives, this process is a job of its own: rank() 0, size() 1 and
// every collective a copy, so that work given whole to one rank (a file of a
// batch folder, docs/design.md#18-mpi-runs) runs as in a one-process job.
// Nests. Make and destroy on the main thread, between collectives.
class Solo {
 public:
  Solo();
  ~Solo();
  Solo(const Solo&) = delete;
  Solo& operator=(const Solo&) = delete;
};

// Items [begin, end) of `items` that rank r of size() handles: contiguous
// ranges in rank order, sizes differing by at most one.
std::pair<std::uint64_t, std::uint64_t> share(std::uint64_t items, int r);

// Paths [begin, end) of `paths` that rank r handles: whole blocks of `block`
// paths (the last one may be short), shared out as share() does.
std::pair<std::uint64_t, std::uint64_t> share_paths(std::uint64_t paths, std::uint64_t block,
                                                    int r);

// Element-wise sum over every rank; the result on every rank.
void sum_all(std::span<std::uint64_t> v);

// Every rank's bytes, concatenated in rank order, on rank 0 (empty elsewhere).
std::vector<std::byte> gather(std::span<const std::byte> mine);

// Rank 0's bytes on every rank.
void broadcast(std::vector<std::byte>& bytes);

// Rank 0's number on every rank (a decision rank 0 makes for the job).
std::uint64_t broadcast_number(std::uint64_t v);

// Fills `all` on rank 0 with every rank's `elem`-byte items: rank r's items
// go to [ranges[r].first, ranges[r].second) of `all` (every rank passes the
// same ranges). Rank 0's own range is already in place in `all`; other ranks
// send `mine` (their range's items) and pass an empty `all`.
void gather_ranges(std::span<const std::byte> mine, std::span<std::byte> all, std::size_t elem,
                   std::span<const std::pair<std::uint64_t, std::uint64_t>> ranges);

// Records an input this process read (a scenario or regime file: its name as given and its
// bytes; or a value given on the command line, under a name of its own). Every collective first
// compares the ranks' inputs so far (a digest of the names and bytes, whatever the order or how
// often each was read): where they differ, every rank throws std::runtime_error alike, naming the
// ranks that differ from rank 0, instead of simulating different scenarios
// (docs/design.md#18-mpi-runs).
void note_input(std::string_view name, std::string_view bytes);

// The collectives this process has made with other ranks (not inside a Solo): 0 means it has
// not yet met the others, so a failure now may have left them waiting (agree_on_exit).
std::uint64_t collectives_made();

// How the job ends (docs/design.md#18-mpi-runs): every rank's exit status, on every rank, in
// rank order ({status} in a job of one). Every rank calls it once, last, outside any Solo, on a
// communicator of its own, so that it never matches a collective another rank is still in. A
// rank that `stopped` early (an exception, or a failure before its first collective: an input
// only it could not read, a variable only its node has) may have skipped collectives the others
// wait in forever; it waits at most `patience` for every rank to come, and if they do not, calls
// `last_words` and aborts the job with its status (mpirun then exits with it). A rank that ran
// its command to the end waits as long as the others take.
std::vector<int> agree_on_exit(int status, bool stopped, std::chrono::milliseconds patience,
                               FunctionRef<void()> last_words);

// Bytes of a vector of trivially copyable values, and back.
template <class T>
std::span<const std::byte> bytes_of(const std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  return std::as_bytes(std::span(v));
}
template <class T>
std::vector<T> values_of(const std::vector<std::byte>& b) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<T> v(b.size() / sizeof(T));
  std::copy(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(v.size() * sizeof(T)),
            reinterpret_cast<std::byte*>(v.data()));
  return v;
}

}  // namespace vestsim::engine::mpi
