// Parallel, ordered lint run; see runner.hpp.
#include "core/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "core/discover.hpp"
#include "core/fixes.hpp"
#include "core/plpgsql.hpp"
#include "report/reporter.hpp"

namespace migsafe {

namespace fs = std::filesystem;

bool parse_fail_on(std::string_view text, FailOn* out) {
  if (text == "error")
    *out = FailOn::Error;
  else if (text == "warning")
    *out = FailOn::Warning;
  else if (text == "info")
    *out = FailOn::Info;
  else if (text == "never")
    *out = FailOn::Never;
  else
    return false;
  return true;
}

bool fails(Severity s, FailOn level) {
  switch (level) {
    case FailOn::Never:
      return false;
    case FailOn::Info:
      return true;
    case FailOn::Warning:
      return s != Severity::Info;
    case FailOn::Error:
      return s == Severity::Error;
  }
  return false;
}

namespace {

bool use_color(const std::string& mode, bool to_file) {
  if (mode == "always") return true;
  if (mode == "never" || to_file) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) != 0;
}

FileResult lint_path(const std::string& path, const std::string& shown, const LintPlan& plan) {
  FileResult r;
  std::string bytes, error;
  if (!read_file(path, bytes, error)) {
    r.error = error;
    return r;
  }
  return lint_source(std::make_shared<const SourceFile>(shown, std::move(bytes)), plan);
}

// Lints `files` on `jobs` threads and calls `emit` for each result in input order. At most
// `window` results wait for their turn, which bounds memory by the files in flight.
template <class Emit>
void lint_in_order(const std::vector<std::string>& files, const std::vector<std::string>& shown,
                   const LintPlan& plan, unsigned jobs, Emit emit) {
  if (jobs <= 1 || files.size() <= 1) {
    for (size_t i = 0; i < files.size(); ++i) emit(lint_path(files[i], shown[i], plan));
    return;
  }
  const size_t window = static_cast<size_t>(jobs) * 4;
  std::vector<std::optional<FileResult>> slots(files.size());
  std::mutex mu;
  std::condition_variable ready, room;
  size_t next = 0, emitted = 0;
  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return next >= files.size() || next < emitted + window; });
        if (next >= files.size()) return;
        i = next++;
      }
      FileResult r = lint_path(files[i], shown[i], plan);
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(r);
      }
      ready.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (size_t i = 0; i < files.size(); ++i) {
    FileResult r;
    {
      std::unique_lock lock(mu);
      ready.wait(lock, [&] { return slots[i].has_value(); });
      r = std::move(*slots[i]);
      slots[i].reset();
      emitted = i + 1;
    }
    room.notify_all();
    emit(r);
  }
  for (auto& t : threads) t.join();
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

}  // namespace

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<LintPlan> plan;
  try {
    plan.emplace(options.settings, options.rules);
  } catch (const std::invalid_argument& e) {
    err << "migsafe: " << e.what() << " (see `migsafe rules`)\n";
    return 2;
  }
  Discovered found = discover(options.paths);
  for (const auto& e : found.errors) err << "migsafe: " << e << "\n";
  if (!found.errors.empty() && found.files.empty()) return 2;

  // Never write the report over a file we were asked to lint.
  for (const auto& f : found.files) {
    if (!options.output.empty() && f != "-" && same_file(f, options.output)) {
      err << "migsafe: --output " << options.output << " is one of the files being checked\n";
      return 2;
    }
  }
  std::optional<Fixer> fixer;
  if (options.fix) {
    if (std::find(found.files.begin(), found.files.end(), "-") != found.files.end()) {
      err << "migsafe: --fix cannot rewrite standard input (--diff shows the fixes)\n";
      return 2;
    }
    fixer.emplace(*plan, err);
  }
  std::vector<std::string> shown = found.files;
  for (auto& s : shown)
    if (s == "-") s = options.stdin_filename.empty() ? "<stdin>" : options.stdin_filename;

  std::ofstream file_out;
  std::string tmp_output;
  if (!options.output.empty()) {
    tmp_output = options.output + ".migsafe-tmp";
    file_out.open(tmp_output, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      err << "migsafe: cannot write " << options.output << "\n";
      return 2;
    }
  }
  std::ostream& sink = options.output.empty() ? out : file_out;
  ReportOptions ro;
  ro.color = use_color(options.color, !options.output.empty());
  std::error_code ec;
  ro.base_dir = fs::current_path(ec).string();
  auto reporter = make_reporter(options.format, sink, ro);
  if (!reporter) {
    err << "migsafe: unknown format '" << options.format << "'\n";
    return 2;
  }

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  RunSummary summary;
  bool failed = false;
  bool io_error = !found.errors.empty();
  reporter->begin();
  lint_in_order(found.files, shown, *plan, jobs, [&](const FileResult& linted) {
    FileResult fixed;
    const FileResult& r = fixer ? (fixed = fixer->fix(linted)) : linted;
    summary.add(r);
    if (!r.error.empty()) {
      auto lock = lock_stderr();  // a worker may be in the PL/pgSQL parser, which borrows stderr
      err << "migsafe: " << r.error << "\n";
      io_error = true;
    }
    for (const Finding& f : r.findings)
      if (fails(f.severity, options.fail_on)) failed = true;
    reporter->file(r);
  });
  reporter->end(summary);
  if (fixer && !fixer->finish()) io_error = true;
  if (!options.output.empty()) {
    file_out.close();
    if (!file_out || std::rename(tmp_output.c_str(), options.output.c_str()) != 0) {
      err << "migsafe: cannot write " << options.output << "\n";
      std::remove(tmp_output.c_str());
      return 2;
    }
  }
  if (io_error) return 2;
  return failed ? 1 : 0;
}

}  // namespace migsafe
