#include "engine/mpi.hpp"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

#ifdef VESTSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace vestsim::engine::mpi {

std::pair<std::uint64_t, std::uint64_t> share(std::uint64_t items, int r) {
  const auto n = static_cast<std::uint64_t>(size()), k = static_cast<std::uint64_t>(r);
  assert(r >= 0 && k < n);
  const std::uint64_t base = items / n, extra = items % n;
  const std::uint64_t begin = k * base + std::min(k, extra);
  return {begin, begin + base + (k < extra ? 1 : 0)};
}

std::pair<std::uint64_t, std::uint64_t> share_paths(std::uint64_t paths, std::uint64_t block,
                                                    int r) {
  assert(block > 0);
  const auto [b, e] = share((paths + block - 1) / block, r);
  return {std::min(paths, b * block), std::min(paths, e * block)};
}

namespace {
int solo_depth = 0;     // live Solo objects
std::uint64_t met = 0;  // collectives made with other ranks (collectives_made)
// note_input(): each input's name and the FNV-1a hash of its bytes.
std::map<std::string, std::uint64_t, std::less<>> inputs;

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// The inputs read so far, as one number: the same on two ranks that read the same files.
[[maybe_unused]] std::uint64_t inputs_digest() {
  std::uint64_t h = fnv1a("");
  for (const auto& [name, hash] : inputs) {
    h = fnv1a(name, h);
    h = fnv1a(std::string_view(reinterpret_cast<const char*>(&hash), sizeof hash), h);
  }
  return h;
}
}  // namespace

// Before a collective with other ranks: counts it, and compares the ranks' inputs (with MPI:
// below).
void meet();

void note_input(std::string_view name, std::string_view bytes) {
  inputs[std::string(name)] = fnv1a(bytes);
}

std::uint64_t collectives_made() {
  return met;
}

Solo::Solo() {
  ++solo_depth;
}
Solo::~Solo() {
  assert(solo_depth > 0);
  --solo_depth;
}

std::uint64_t broadcast_number(std::uint64_t v) {
  std::vector<std::byte> b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  broadcast(b);
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

#ifdef VESTSIM_HAVE_MPI

namespace {
bool started = false;  // MPI_Init ran in this process
// agree_on_exit()'s communicator, made with the session (MPI_Comm_dup is itself a collective of
// MPI_COMM_WORLD, which a rank that stopped early must not call while the others are in another).
MPI_Comm ending = MPI_COMM_NULL;

// Counts of `elem`-byte items as one MPI datatype, so that counts stay ints.
MPI_Datatype item_type(std::size_t elem) {
  MPI_Datatype t;
  MPI_Type_contiguous(static_cast<int>(elem), MPI_BYTE, &t);
  MPI_Type_commit(&t);
  return t;
}
}  // namespace

void meet() {
  if (size() == 1) return;
  ++met;
  const std::uint64_t mine = inputs_digest();
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  std::vector<std::uint64_t> all(static_cast<std::size_t>(n));
  MPI_Allgather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
  std::string differ;
  for (int r = 1; r < n; ++r)
    if (all[static_cast<std::size_t>(r)] != all[0])
      differ += (differ.empty() ? "" : ", ") + std::to_string(r);
  if (!differ.empty())
    throw std::runtime_error(
        "MPI rank" + std::string(differ.find(',') == std::string::npos ? " " : "s ") + differ +
        " read other inputs than rank 0 (other files, other contents under the same name, or "
        "other values of --set, --paths, --seed or --sampler): every rank must be given the same "
        "scenario and regime files and the same options; nothing was merged");
}

Session::Session(int* argc, char*** argv) {
  // Started by a launcher? OpenMPI's mpirun, PMI/PMIx (srun, MPICH's hydra) say so.
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") ||
                        std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
  if (!launched) return;
  int provided = 0;
  // Only the main thread calls MPI; TBB's workers never do.
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_dup(MPI_COMM_WORLD, &ending);
  started = true;
}

Session::~Session() {
  if (started) {
    MPI_Comm_free(&ending);
    MPI_Finalize();
  }
  started = false;
}

int rank() {
  int r = 0;
  if (started && solo_depth == 0) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  int s = 1;
  if (started && solo_depth == 0) MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

void sum_all(std::span<std::uint64_t> v) {
  if (size() == 1 || v.empty()) return;
  meet();
  // In chunks: counts are ints.
  for (std::size_t i = 0; i < v.size(); i += INT_MAX / 2) {
    const int n = static_cast<int>(std::min<std::size_t>(INT_MAX / 2, v.size() - i));
    MPI_Allreduce(MPI_IN_PLACE, v.data() + i, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  }
}

std::vector<std::byte> gather(std::span<const std::byte> mine) {
  if (size() == 1) return {mine.begin(), mine.end()};
  meet();
  const int n = size();
  assert(mine.size() <= INT_MAX);
  const int count = static_cast<int>(mine.size());
  std::vector<int> counts(n), offsets(n);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<std::byte> all;
  if (root()) {
    long long total = 0;
    for (int r = 0; r < n; ++r) {
      offsets[r] = static_cast<int>(total);
      total += counts[r];
    }
    assert(total <= INT_MAX);
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(), offsets.data(), MPI_BYTE, 0,
              MPI_COMM_WORLD);
  return all;
}

void broadcast(std::vector<std::byte>& bytes) {
  if (size() == 1) return;
  meet();
  unsigned long long n = bytes.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  bytes.resize(n);
  assert(n <= INT_MAX);
  MPI_Bcast(bytes.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD);
}

void gather_ranges(std::span<const std::byte> mine, std::span<std::byte> all, std::size_t elem,
                   std::span<const std::pair<std::uint64_t, std::uint64_t>> ranges) {
  if (size() == 1) return;
  meet();
  const int n = size();
  assert(ranges.size() == static_cast<std::size_t>(n));
  std::vector<int> counts(n), offsets(n);
  for (int r = 0; r < n; ++r) {
    const auto [b, e] = ranges[r];
    assert(e - b <= INT_MAX && b <= INT_MAX);
    counts[r] = static_cast<int>(e - b);
    offsets[r] = static_cast<int>(b);
  }
  assert(root() || mine.size() == counts[rank()] * elem);
  MPI_Datatype t = item_type(elem);
  if (root())
    MPI_Gatherv(MPI_IN_PLACE, 0, t, all.data(), counts.data(), offsets.data(), t, 0,
                MPI_COMM_WORLD);
  else
    MPI_Gatherv(mine.data(), counts[rank()], t, nullptr, nullptr, nullptr, t, 0, MPI_COMM_WORLD);
  MPI_Type_free(&t);
}

std::vector<int> agree_on_exit(int status, bool stopped, std::chrono::milliseconds patience,
                               FunctionRef<void()> last_words) {
  if (!started || solo_depth != 0) return {status};
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  if (n == 1) return {status};
  std::vector<int> all(static_cast<std::size_t>(n));
  MPI_Request request;
  MPI_Iallgather(&status, 1, MPI_INT, all.data(), 1, MPI_INT, ending, &request);
  if (!stopped) {
    MPI_Wait(&request, MPI_STATUS_IGNORE);
  } else {
    const auto give_up = std::chrono::steady_clock::now() + patience;
    for (int done = 0;;) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done) break;
      if (std::chrono::steady_clock::now() >= give_up) {
        last_words();
        MPI_Abort(MPI_COMM_WORLD, status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return all;
}

#else  // one process

void meet() {}

std::vector<int> agree_on_exit(int status, bool, std::chrono::milliseconds, FunctionRef<void()>) {
  return {status};
}

Session::Session(int*, char***) {}
Session::~Session() = default;
int rank() {
  return 0;
}
int size() {
  return 1;
}
void sum_all(std::span<std::uint64_t>) {}
std::vector<std::byte> gather(std::span<const std::byte> mine) {
  return {mine.begin(), mine.end()};
}
void broadcast(std::vector<std::byte>&) {}
void gather_ranges(std::span<const std::byte>, std::span<std::byte>, std::size_t,
                   std::span<const std::pair<std::uint64_t, std::uint64_t>>) {}

#endif

}  // namespace vestsim::engine::mpi
