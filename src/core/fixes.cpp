// Fix selection, application, unified diffs and safe file replacement; see fixes.hpp.
#include "core/fixes.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/discover.hpp"
#include "core/plpgsql.hpp"

namespace migsafe {

namespace {

// Two edits whose order of application would matter, or that change the same bytes.
bool conflict(const Edit& a, const Edit& b) {
  if (a.span.empty() && b.span.empty()) return a.span.begin == b.span.begin;
  if (a.span.empty()) return b.span.begin <= a.span.begin && a.span.begin <= b.span.end;
  if (b.span.empty()) return conflict(b, a);
  return a.span.begin < b.span.end && b.span.begin < a.span.end;
}

bool conflict(const Fix& a, const Fix& b) {
  for (const Edit& x : a.edits)
    for (const Edit& y : b.edits)
      if (conflict(x, y)) return true;
  return false;
}

bool same_edits(const Fix& a, const Fix& b) {
  if (a.edits.size() != b.edits.size()) return false;
  for (size_t i = 0; i < a.edits.size(); ++i)
    if (!(a.edits[i].span == b.edits[i].span) || a.edits[i].text != b.edits[i].text) return false;
  return true;
}

// A fix that can be applied at all: edits inside the file that do not overlap each other.
bool well_formed(const Fix& f, size_t size) {
  if (f.edits.empty()) return false;
  for (size_t i = 0; i < f.edits.size(); ++i) {
    const Span& s = f.edits[i].span;
    if (s.end < s.begin || s.end > size) return false;
    for (size_t j = i + 1; j < f.edits.size(); ++j)
      if (conflict(f.edits[i], f.edits[j])) return false;
  }
  return true;
}

std::string label(const ChosenFix& c) {
  return fmt::format("[{}] {}: {}", c.fix->safe ? "safe" : "unsafe", c.finding->rule, c.fix->title);
}

std::string where(const SourceFile& file, size_t offset) {
  Position p = file.position(offset);
  return fmt::format("{}:{}:{}", file.path(), p.line, p.column);
}

struct LabeledEdit {
  const Edit* edit;
  size_t fix;  // index into the chosen fixes
  uint32_t first_line, last_line;
};

// The text of lines [first, last] (1-based) including their line endings.
std::string_view lines_text(const SourceFile& f, uint32_t first, uint32_t last) {
  size_t begin = f.line_start(first);
  size_t end = last < f.line_count() ? f.line_start(last + 1) : f.bytes().size();
  return std::string_view(f.bytes()).substr(begin, end - begin);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

void emit_line(std::string& out, char mark, std::string_view line) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

FixSelection select_fixes(const std::vector<Finding>& findings, bool safe_only) {
  FixSelection out;
  for (bool safe_pass : {true, false}) {
    if (!safe_pass && safe_only) break;
    for (const Finding& f : findings) {
      for (const Fix& fix : f.fixes) {
        if (fix.safe != safe_pass || !well_formed(fix, static_cast<size_t>(-1))) continue;
        bool duplicate = std::any_of(out.chosen.begin(), out.chosen.end(),
                                     [&](const ChosenFix& c) { return same_edits(*c.fix, fix); });
        if (duplicate) continue;
        auto blocker = std::find_if(out.chosen.begin(), out.chosen.end(),
                                    [&](const ChosenFix& c) { return conflict(*c.fix, fix); });
        if (blocker != out.chosen.end())
          out.overlapping.push_back(ChosenFix{&f, &fix, blocker->finding});
        else
          out.chosen.push_back(ChosenFix{&f, &fix, nullptr});
      }
    }
  }
  auto by_position = [](const ChosenFix& a, const ChosenFix& b) {
    return a.finding->span.begin < b.finding->span.begin;
  };
  std::stable_sort(out.chosen.begin(), out.chosen.end(), by_position);
  std::stable_sort(out.overlapping.begin(), out.overlapping.end(), by_position);
  return out;
}

std::string apply_fixes(const std::string& text, const std::vector<ChosenFix>& fixes) {
  std::vector<const Edit*> edits;
  for (const ChosenFix& c : fixes)
    if (well_formed(*c.fix, text.size()))
      for (const Edit& e : c.fix->edits) edits.push_back(&e);
  std::sort(edits.begin(), edits.end(),
            [](const Edit* a, const Edit* b) { return a->span.begin > b->span.begin; });
  std::string out = text;
  for (const Edit* e : edits) out.replace(e->span.begin, e->span.end - e->span.begin, e->text);
  return out;
}

std::string fix_diff(const SourceFile& file, const FixSelection& sel) {
  if (sel.chosen.empty() && sel.overlapping.empty()) return "";
  const std::string& bytes = file.bytes();
  std::string out;
  size_t safe = 0;
  for (const ChosenFix& c : sel.chosen) safe += c.fix->safe ? 1 : 0;
  out += fmt::format(
      "# migsafe: {} fix{} for {} ({} safe: applied by --fix; {} unsafe: review "
      "before applying)\n",
      sel.chosen.size(), sel.chosen.size() == 1 ? "" : "es", file.path(), safe,
      sel.chosen.size() - safe);
  for (const ChosenFix& c : sel.chosen)
    out += fmt::format("#   {} {}\n", where(file, c.finding->span.begin), label(c));
  for (const ChosenFix& c : sel.overlapping)
    out += fmt::format("#   {} {} (not shown: it overlaps the fix for {} at {})\n",
                       where(file, c.finding->span.begin), label(c), c.blocked_by->rule,
                       where(file, c.blocked_by->span.begin));
  if (sel.chosen.empty()) return out;

  // Lines that hold text: a final line ending does not start one more (an insertion at the
  // very end belongs to the last line).
  const bool final_newline = !bytes.empty() && bytes.back() == '\n';
  const uint32_t lines = std::max<uint32_t>(1, file.line_count() - (final_newline ? 1 : 0));
  auto line_of = [&](size_t offset) { return std::min(lines, file.position(offset).line); };
  std::vector<LabeledEdit> edits;
  for (size_t i = 0; i < sel.chosen.size(); ++i) {
    if (!well_formed(*sel.chosen[i].fix, bytes.size())) continue;
    for (const Edit& e : sel.chosen[i].fix->edits) {
      uint32_t first = line_of(e.span.begin);
      uint32_t last = e.span.empty() ? first : line_of(e.span.end - 1);
      edits.push_back(LabeledEdit{&e, i, first, std::max(first, last)});
    }
  }
  std::sort(edits.begin(), edits.end(), [](const LabeledEdit& a, const LabeledEdit& b) {
    return a.edit->span.begin < b.edit->span.begin;
  });
  // Blocks of changed lines (edits on the same or overlapping lines), then hunks (blocks whose
  // 3-line contexts touch).
  struct Block {
    uint32_t first, last;
    std::vector<const LabeledEdit*> edits;
  };
  std::vector<Block> blocks;
  for (const LabeledEdit& e : edits) {
    if (!blocks.empty() && e.first_line <= blocks.back().last) {
      blocks.back().last = std::max(blocks.back().last, e.last_line);
      blocks.back().edits.push_back(&e);
    } else {
      blocks.push_back(Block{e.first_line, e.last_line, {&e}});
    }
  }
  const uint32_t context = 3;
  std::string path = file.path();
  bool relative = !path.empty() && path[0] != '/';
  out +=
      fmt::format("--- {}{}\n+++ {}{}\n", relative ? "a/" : "", path, relative ? "b/" : "", path);
  long shift = 0;  // new line number minus old line number so far
  for (size_t b = 0; b < blocks.size();) {
    size_t e = b + 1;
    while (e < blocks.size() && blocks[e].first <= blocks[e - 1].last + 2 * context + 1) ++e;
    uint32_t first = blocks[b].first > context ? blocks[b].first - context : 1;
    uint32_t last = std::min(lines, blocks[e - 1].last + context);
    std::string body, labels;
    std::vector<size_t> seen;
    size_t old_count = 0, new_count = 0;
    uint32_t line = first;
    for (size_t k = b; k < e; ++k) {
      const Block& blk = blocks[k];
      for (; line < blk.first; ++line, ++old_count, ++new_count)
        emit_line(body, ' ', lines_text(file, line, line));
      std::string_view old_text = lines_text(file, blk.first, blk.last);
      size_t base = file.line_start(blk.first);
      std::string new_text(old_text);
      for (auto it = blk.edits.rbegin(); it != blk.edits.rend(); ++it) {
        const Edit& ed = *(*it)->edit;
        new_text.replace(ed.span.begin - base, ed.span.end - ed.span.begin, ed.text);
        if (std::find(seen.begin(), seen.end(), (*it)->fix) == seen.end())
          seen.push_back((*it)->fix);
      }
      auto olds = split_lines(old_text);
      auto news = split_lines(new_text);
      // Lines the edits left as they were are context, not a removal and an addition.
      size_t head = 0, tail = 0;
      while (head < olds.size() && head < news.size() && olds[head] == news[head]) ++head;
      while (tail < olds.size() - head && tail < news.size() - head &&
             olds[olds.size() - 1 - tail] == news[news.size() - 1 - tail])
        ++tail;
      for (size_t i = 0; i < head; ++i) emit_line(body, ' ', olds[i]);
      for (size_t i = head; i < olds.size() - tail; ++i) emit_line(body, '-', olds[i]);
      for (size_t i = head; i < news.size() - tail; ++i) emit_line(body, '+', news[i]);
      for (size_t i = olds.size() - tail; i < olds.size(); ++i) emit_line(body, ' ', olds[i]);
      old_count += olds.size();
      new_count += news.size();
      line = blk.last + 1;
    }
    for (; line <= last; ++line, ++old_count, ++new_count)
      emit_line(body, ' ', lines_text(file, line, line));
    std::sort(seen.begin(), seen.end());
    std::vector<std::string> names;
    for (size_t i : seen) {
      std::string name = fmt::format("{} [{}]", sel.chosen[i].finding->rule,
                                     sel.chosen[i].fix->safe ? "safe" : "unsafe");
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    for (const std::string& name : names) labels += (labels.empty() ? "" : ", ") + name;
    out += fmt::format("@@ -{},{} +{},{} @@ {}\n", first, old_count,
                       static_cast<long>(first) + shift, new_count, labels);
    out += body;
    shift += static_cast<long>(new_count) - static_cast<long>(old_count);
    b = e;
  }
  return out;
}

bool replace_file(const std::string& path, const std::string& bytes, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target = fs::canonical(path, ec);  // the file a symbolic link points to
  if (ec) {
    error = path + ": " + ec.message();
    return false;
  }
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    error = path + ": not a regular file";
    return false;
  }
  if (st.st_nlink > 1) {
    error = path + ": has other hard links, which a rewrite would separate (use --diff)";
    return false;
  }
  std::string templ =
      (target.parent_path() / ("." + target.filename().string() + ".migsafe-XXXXXX")).string();
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    error = fmt::format("{}: cannot create a temporary file next to it: {}", path,
                        std::strerror(errno));
    return false;
  }
  std::string tmp(name.data());
  auto fail = [&](const char* what) {
    error = fmt::format("{}: {}: {}", path, what, std::strerror(errno));
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  };
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write the temporary file");
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, st.st_mode & 07777) != 0) return fail("cannot copy the file's permissions");
  if (::fchown(fd, st.st_uid, st.st_gid) != 0) {
    // Only the owner's group may be out of reach for a non-root user; the mode still holds.
  }
  if (::fsync(fd) != 0) return fail("cannot flush the temporary file");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    error = fmt::format("{}: cannot close the temporary file: {}", path, std::strerror(errno));
    return false;
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    error = fmt::format("{}: cannot replace it: {}", path, std::strerror(errno));
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

void Fixer::say(const std::string& text) {
  if (text.empty()) return;
  auto lock = lock_stderr();  // workers may be inside the PL/pgSQL parser, which borrows stderr
  log_ << text << std::flush;
}

FileResult Fixer::fix(const FileResult& r, const LintPlan& plan, const Relint& relint) {
  if (!r.error.empty() || !r.file) return r;
  const std::string& path = r.file->path();
  auto syntax_errors = [&](const std::string& bytes) {
    RuleSelection only;
    only.select = {"syntax-error"};
    LintPlan p(plan.settings(), only);
    return lint_source(std::make_shared<const SourceFile>(path, bytes), p).findings.size();
  };
  // Passes: apply the safe fixes that do not overlap, lint the result again (its findings and
  // fixes are computed on the new text), and go on while safe fixes are left. A fix skipped for
  // overlapping one pass is usually applied by the next.
  FileResult current = r;
  std::string log;
  size_t applied = 0;
  size_t errors = 0;
  bool counted = false;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    FixSelection sel = select_fixes(current.findings, true);
    if (sel.chosen.empty()) break;
    const std::string& text = current.file->bytes();
    std::string next = apply_fixes(text, sel.chosen);
    if (next == text) break;
    if (!counted) {
      errors = syntax_errors(text);
      counted = true;
    }
    if (syntax_errors(next) > errors) {
      log += fmt::format(
          "migsafe: {}: not fixed: {} would leave a syntax error (please report this migsafe "
          "bug); see them with --diff\n",
          path, applied ? "the remaining fixes" : "the fixes");
      break;
    }
    for (const ChosenFix& c : sel.chosen)
      log += fmt::format("fixed {} [{}] {}\n", where(*current.file, c.finding->span.begin),
                         c.finding->rule, c.fix->title);
    applied += sel.chosen.size();
    current = relint(std::make_shared<const SourceFile>(path, std::move(next)));
  }
  // What is left for a human: unsafe fixes, and safe ones still overlapping after the passes.
  for (const ChosenFix& c : select_fixes(current.findings, true).overlapping)
    log += fmt::format("not fixed {} [{}] {}: it overlaps the fix for {} at {}\n",
                       where(*current.file, c.finding->span.begin), c.finding->rule, c.fix->title,
                       c.blocked_by->rule, where(*current.file, c.blocked_by->span.begin));
  if (applied > 0) {
    std::string on_disk, error;
    if (!read_file(path, on_disk, error) || on_disk != r.file->bytes()) {
      log = fmt::format("migsafe: {}: not fixed: it changed while it was being checked\n", path);
      failed_ = true;
      current = r;
    } else if (!replace_file(path, current.file->bytes(), error)) {
      log = fmt::format("migsafe: not fixed: {}\n", error);
      failed_ = true;
      current = r;
    } else {
      applied_ += applied;
      ++files_;
    }
  }
  say(log);
  for (const Finding& f : current.findings) left_ += f.fixes.size();
  return current;
}

bool Fixer::finish() {
  std::string text = fmt::format("migsafe: applied {} fix{} to {} file{}", applied_,
                                 applied_ == 1 ? "" : "es", files_, files_ == 1 ? "" : "s");
  if (left_)
    text += fmt::format("; {} more {} review (see them with --diff)", left_,
                        left_ == 1 ? "needs" : "need");
  say(text + "\n");
  return !failed_;
}

}  // namespace migsafe
