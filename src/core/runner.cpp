// Parallel, ordered lint run; see runner.hpp.
#include "core/runner.hpp"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "config/baseline.hpp"
#include "core/discover.hpp"
#include "report/reporter.hpp"

namespace migsafe {

namespace fs = std::filesystem;

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

FileResult lint_path(const std::string& path, const std::string& shown, const FilePlan& plan) {
  FileResult r;
  std::string bytes, error;
  if (!read_file(path, bytes, error)) {
    r.error = error;
    return r;
  }
  return lint_file(std::make_shared<const SourceFile>(shown, std::move(bytes)), plan);
}

// Runs `job(i)` for every file on `jobs` threads and calls `emit(i, result)` in input order.
// At most `window` results wait for their turn, which bounds memory by the files in flight.
template <class Job, class Emit>
void run_in_order(size_t count, unsigned jobs, Job job, Emit emit) {
  using Result = decltype(job(size_t{0}));
  if (jobs <= 1 || count <= 1) {
    for (size_t i = 0; i < count; ++i) emit(i, job(i));
    return;
  }
  const size_t window = static_cast<size_t>(jobs) * 4;
  std::vector<std::optional<Result>> slots(count);
  std::mutex mu;
  std::condition_variable ready, room;
  size_t next = 0, emitted = 0;
  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return next >= count || next < emitted + window; });
        if (next >= count) return;
        i = next++;
      }
      Result r = job(i);
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(r);
      }
      ready.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (size_t i = 0; i < count; ++i) {
    Result r;
    {
      std::unique_lock lock(mu);
      ready.wait(lock, [&] { return slots[i].has_value(); });
      r = std::move(*slots[i]);
      slots[i].reset();
      emitted = i + 1;
    }
    room.notify_all();
    emit(i, std::move(r));
  }
  for (auto& t : threads) t.join();
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// One file's outcome: its report, the baseline entries it matched, and (with
// --write-baseline) the entries it contributes.
struct Outcome {
  FileResult result;
  std::vector<size_t> matched;
  std::vector<BaselineEntry> entries;
};

}  // namespace

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  CliOverrides flags = options.flags;
  if (!options.framework.empty()) {
    if (!is_framework(options.framework)) {
      err << "migsafe: unknown framework '" << options.framework << "'\n";
      return 2;
    }
    flags.framework = options.framework;
  }
  std::optional<ConfigResolver> resolver;
  try {
    resolver.emplace(flags, options.config);
  } catch (const ConfigError& e) {
    err << "migsafe: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    err << "migsafe: " << e.what() << " (see `migsafe rules`)\n";
    return 2;
  }
  Discovered found = discover(options.paths);
  for (const auto& e : found.errors) err << "migsafe: " << e << "\n";
  if (!found.errors.empty() && found.files.empty()) return 2;

  // Each file's plan; files the config excludes are dropped (named ones with a note).
  std::vector<std::string> files, shown;
  std::vector<FilePlan> plans;
  for (size_t i = 0; i < found.files.size(); ++i) {
    const std::string& f = found.files[i];
    std::string name = f;
    if (f == "-") name = options.stdin_filename.empty() ? "<stdin>" : options.stdin_filename;
    FilePlan plan;
    try {
      plan = resolver->resolve(name);
    } catch (const ConfigError& e) {
      err << "migsafe: " << e.what() << "\n";
      return 2;
    }
    if (!plan.excluded_by.empty()) {
      if (found.named[i])
        err << "migsafe: " << name << ": skipped: " << plan.config << " excludes it ("
            << plan.excluded_by << ")\n";
      continue;
    }
    files.push_back(f);
    shown.push_back(name);
    plans.push_back(std::move(plan));
  }

  std::optional<Baseline> baseline;
  if (!options.baseline.empty()) {
    try {
      baseline.emplace(Baseline::load(options.baseline));
    } catch (const std::exception& e) {
      err << "migsafe: --baseline " << e.what() << "\n";
      return 2;
    }
  }
  std::string write_dir;
  if (!options.write_baseline.empty()) {
    std::error_code ec;
    write_dir = fs::absolute(options.write_baseline, ec).lexically_normal().parent_path().string();
  }

  // Never write the report or a baseline over a file we were asked to lint.
  for (const auto& f : files) {
    if (f == "-") continue;
    for (const auto& [flag, target] : {std::pair{"--output", &options.output},
                                       std::pair{"--write-baseline", &options.write_baseline}}) {
      if (!target->empty() && same_file(f, *target)) {
        err << "migsafe: " << flag << " " << *target << " is one of the files being checked\n";
        return 2;
      }
    }
  }

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
  std::vector<bool> matched(baseline ? baseline->entries().size() : 0, false);
  std::set<std::string> linted;  // baseline paths of the files checked
  std::vector<BaselineEntry> written;
  reporter->begin();
  run_in_order(
      files.size(), jobs,
      [&](size_t i) {
        Outcome o;
        o.result = lint_path(files[i], shown[i], plans[i]);
        if (!options.write_baseline.empty())
          o.entries = baseline_entries(o.result, baseline_path(shown[i], write_dir));
        if (baseline)
          o.matched = baseline->apply(o.result, baseline_path(shown[i], baseline->dir()));
        return o;
      },
      [&](size_t i, Outcome o) {
        const FileResult& r = o.result;
        summary.add(r);
        if (!r.error.empty()) {
          err << "migsafe: " << r.error << "\n";
          io_error = true;
        }
        for (const Finding& f : r.findings)
          if (fails(f.severity, plans[i].fail_on)) failed = true;
        for (size_t m : o.matched) matched[m] = true;
        if (baseline) linted.insert(baseline_path(shown[i], baseline->dir()));
        for (auto& e : o.entries) written.push_back(std::move(e));
        reporter->file(r);
      });
  if (baseline) {
    summary.baseline = options.baseline;
    for (size_t k = 0; k < matched.size(); ++k) {
      if (matched[k]) continue;
      const BaselineEntry& e = baseline->entries()[k];
      // Stale: its file was checked and the finding is gone, or the file no longer exists.
      // Entries for files this run did not check say nothing.
      std::error_code fec;
      if (linted.count(e.path) || !fs::exists(fs::path(baseline->dir()) / e.path, fec))
        summary.stale_baseline.push_back(e);
    }
    if (!summary.stale_baseline.empty()) {
      err << "migsafe: " << options.baseline << ": " << summary.stale_baseline.size() << " stale "
          << (summary.stale_baseline.size() == 1 ? "entry" : "entries")
          << " (the finding is gone; drop with --write-baseline " << options.baseline << "):\n";
      for (const BaselineEntry& e : summary.stale_baseline)
        err << "  " << e.path << ":" << e.line << ": " << e.rule << "\n";
    }
  }
  reporter->end(summary);
  if (!options.output.empty()) {
    file_out.close();
    if (!file_out || std::rename(tmp_output.c_str(), options.output.c_str()) != 0) {
      err << "migsafe: cannot write " << options.output << "\n";
      std::remove(tmp_output.c_str());
      return 2;
    }
  }
  if (!options.write_baseline.empty()) {
    try {
      write_baseline(options.write_baseline, written);
    } catch (const std::exception& e) {
      err << "migsafe: " << e.what() << "\n";
      return 2;
    }
    err << "migsafe: wrote " << written.size() << " "
        << (written.size() == 1 ? "finding" : "findings") << " to " << options.write_baseline
        << "\n";
    failed = false;  // every finding is now in the baseline
  }
  if (io_error) return 2;
  return failed ? 1 : 0;
}

}  // namespace migsafe
