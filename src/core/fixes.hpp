// What `check --diff` and `check --fix` do with the fixes findings carry: choose fixes whose
// edits do not overlap, apply them to a file's text, show them as a unified diff, and (for
// --fix) write the file through a temporary file and rename, then lint it again.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/linter.hpp"

namespace migsafe {

struct ChosenFix {
  const Finding* finding = nullptr;
  const Fix* fix = nullptr;
  const Finding* blocked_by = nullptr;  // for a skipped fix: the finding whose fix it overlaps
};

struct FixSelection {
  std::vector<ChosenFix> chosen;       // in file order; their edits never overlap
  std::vector<ChosenFix> overlapping;  // skipped: an edit overlaps a chosen fix's edit
};

// Chooses fixes in file order, safe ones first; a fix is skipped when one of its edits
// overlaps (or touches, for an insertion) an edit already chosen. A fix identical to a chosen
// one (two findings, one remedy) is not listed twice. `safe_only`: unsafe fixes are ignored.
FixSelection select_fixes(const std::vector<Finding>& findings, bool safe_only);

// `text` with the edits of `fixes` applied (the edits must not overlap).
std::string apply_fixes(const std::string& text, const std::vector<ChosenFix>& fixes);

// The chosen fixes of one file as a unified diff (a/ and b/ paths, 3 lines of context), each
// hunk headed by the fixes it holds ("safe" ones are what --fix applies, "unsafe" ones need a
// human). Comment lines above the file headers list every fix, including skipped ones. Empty
// when there is none.
std::string fix_diff(const SourceFile& file, const FixSelection& selection);

// `--fix` over a run: applies the safe fixes of each file it is given and reports what it did.
// Files may be fixed from several threads at once.
class Fixer {
 public:
  // Lints a file's new text the way the run lints it (its plan, its inline suppressions).
  using Relint = std::function<FileResult(std::shared_ptr<const SourceFile>)>;

  explicit Fixer(std::ostream& log) : log_(log) {}
  // Applies the safe fixes of `r` in passes (re-linting after each, until no safe fix applies;
  // at most kMaxPasses), writes the file once and returns its findings after fixing; `r`
  // itself when nothing was applied. `plan` is the file's plan (for the syntax check).
  FileResult fix(const FileResult& r, const LintPlan& plan, const Relint& relint);
  // Prints the totals; returns false when a file could not be written.
  bool finish();

 private:
  static constexpr int kMaxPasses = 10;
  void say(const std::string& text);
  std::ostream& log_;
  std::atomic<size_t> applied_{0};
  std::atomic<size_t> files_{0};
  std::atomic<size_t> left_{0};  // fixes that need a human: unsafe or overlapping
  std::atomic<bool> failed_{false};
};

// Writes `bytes` to `path` through a temporary file in the same directory and a rename, keeping
// the file's permission bits (and owner, when allowed). A symbolic link is followed: its target
// is replaced. Returns false and sets `error` on failure, leaving the file untouched.
bool replace_file(const std::string& path, const std::string& bytes, std::string& error);

}  // namespace migsafe
