#include "tools/cli/batch_ranks.hpp"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/mpi.hpp"
#include "tools/cli/support.hpp"

namespace vestsim::tools {

namespace {

// Outcomes as bytes: every number in this machine's representation (the
// ranks of a job run the same binary), strings as a length and their bytes.
class Writer {
 public:
  void number(std::uint64_t v) { raw(&v, sizeof v); }
  void real(double v) { raw(&v, sizeof v); }  // every bit, NaN too
  void text(const std::string& s) {
    number(s.size());
    raw(s.data(), s.size());
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }

 private:
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  std::vector<std::byte> bytes_;
};

class Reader {
 public:
  explicit Reader(const std::vector<std::byte>& b) : bytes_(b) {}
  std::uint64_t number() {
    std::uint64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  double real() {
    double v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::string text() {
    std::string s(number(), '\0');
    raw(s.data(), s.size());
    return s;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void raw(void* p, std::size_t n) {
    assert(at_ + n <= bytes_.size());
    std::memcpy(p, bytes_.data() + at_, n);
    at_ += n;
  }
  const std::vector<std::byte>& bytes_;
  std::size_t at_ = 0;
};

void write(Writer& w, std::size_t k, const std::string& file, const FileOutcome& o) {
  w.number(static_cast<std::uint64_t>(engine::mpi::rank()));
  w.number(k);
  w.text(file);
  w.number(static_cast<std::uint64_t>(o.status));
  w.text(o.message);
  w.text(o.said);
  w.number(o.reports.size());
  for (const std::string& r : o.reports) w.text(r);
  w.number(o.rows.size());
  for (const BatchRow& r : o.rows) {
    for (const std::string* s : {&r.scenario, &r.currency, &r.a, &r.b}) w.text(*s);
    for (double v : {r.p_a_beats_b, r.p50_a, r.p50_b, r.p50_diff}) w.real(v);
    w.number(r.has_tax ? 1 : 0);
    for (double v :
         {r.p_a_beats_b_after_tax, r.p50_a_after_tax, r.p50_b_after_tax, r.p50_diff_after_tax})
      w.real(v);
    w.number(r.regimes.size());
    for (const std::string& g : r.regimes) w.text(g);
  }
}

// One outcome as rank `from` sent it: its file k and that file's name there.
struct Sent {
  int from = 0;
  std::size_t k = 0;
  std::string file;
  FileOutcome outcome;
};

Sent read(Reader& in) {
  const auto from = static_cast<int>(in.number());
  const std::size_t k = in.number();
  std::string file = in.text();
  FileOutcome o;
  o.status = static_cast<FileOutcome::Status>(in.number());
  o.message = in.text();
  o.said = in.text();
  o.reports.resize(in.number());
  for (std::string& r : o.reports) r = in.text();
  o.rows.resize(in.number());
  for (BatchRow& r : o.rows) {
    for (std::string* s : {&r.scenario, &r.currency, &r.a, &r.b}) *s = in.text();
    for (double* v : {&r.p_a_beats_b, &r.p50_a, &r.p50_b, &r.p50_diff}) *v = in.real();
    r.has_tax = in.number() != 0;
    for (double* v :
         {&r.p_a_beats_b_after_tax, &r.p50_a_after_tax, &r.p50_b_after_tax, &r.p50_diff_after_tax})
      *v = in.real();
    r.regimes.resize(in.number());
    for (std::string& g : r.regimes) g = in.text();
  }
  return {from, k, std::move(file), std::move(o)};
}

// run(k) as a job of one, with what it says on std::cerr kept.
FileOutcome run_alone(std::size_t k, const std::function<FileOutcome(std::size_t)>& run) {
  const engine::mpi::Solo solo;
  std::ostringstream said;
  std::streambuf* const cerr = std::cerr.rdbuf(said.rdbuf());
  FileOutcome o;
  const auto failed = [&o](FileOutcome::Status status, const char* what) {
    o = FileOutcome{};
    o.status = status;
    o.message = what;
  };
  try {
    o = run(k);
  } catch (const UsageError& e) {
    failed(FileOutcome::Status::kUsageError, e.what());
  } catch (const RunError& e) {
    failed(FileOutcome::Status::kRunError, e.what());
  } catch (const std::exception& e) {
    failed(FileOutcome::Status::kFailed, e.what());
  }
  std::cerr.rdbuf(cerr);
  o.said = said.str();
  return o;
}

}  // namespace

int file_owner(std::size_t k, int ranks) {
  assert(ranks >= 1);
  return static_cast<int>(k % static_cast<std::size_t>(ranks));
}

std::vector<std::optional<FileOutcome>> run_files_on_ranks(
    const std::vector<std::string>& files, const std::function<bool(std::size_t)>& wanted,
    const std::function<FileOutcome(std::size_t)>& run) {
  const std::size_t count = files.size();
  const int ranks = engine::mpi::size(), me = engine::mpi::rank();
  Writer mine;
  for (std::size_t k = 0; k < count; ++k)
    if (file_owner(k, ranks) == me && wanted(k)) write(mine, k, files[k], run_alone(k, run));
  const std::vector<std::byte> all = engine::mpi::gather(mine.bytes());
  std::vector<std::optional<FileOutcome>> out;
  if (!engine::mpi::root()) return out;
  out.resize(count);
  // Every rank is meant to see the same files (docs/cli.md, MPI): where one does not, its
  // outcomes would land under other files' names.
  const auto differs = [](int rank, const std::string& what) {
    return RunError(fmt::format(
        "MPI rank {} {}: every rank must see the same scenario files (the same folder, the "
        "same working directory); no report was written for it",
        rank, what));
  };
  Reader in(all);
  while (!in.done()) {
    Sent sent = read(in);
    if (sent.k >= count || files[sent.k] != sent.file || out[sent.k])
      throw differs(sent.from,
                    fmt::format("ran '{}' as file {} of the batch, which is '{}' here", sent.file,
                                sent.k + 1, sent.k < count ? files[sent.k] : "none"));
    out[sent.k] = std::move(sent.outcome);
  }
  for (std::size_t k = 0; k < count; ++k)
    if (wanted(k) && !out[k])
      throw differs(
          file_owner(k, ranks),
          fmt::format("did not run '{}' (it could not read it, or has other files)", files[k]));
  return out;
}

void replay(const FileOutcome& o) {
  std::cerr << o.said;
  switch (o.status) {
    case FileOutcome::Status::kRan:
      return;
    case FileOutcome::Status::kRunError:
      throw RunError(o.message);
    case FileOutcome::Status::kUsageError:
      throw UsageError(o.message);
    case FileOutcome::Status::kFailed:
      throw std::runtime_error(o.message);
  }
}

}  // namespace vestsim::tools
