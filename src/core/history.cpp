// Migration histories and framework presets; see history.hpp.
#include "core/history.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <sys/stat.h>

#include "core/discover.hpp"

namespace migsafe {

namespace fs = std::filesystem;

std::string_view framework_name(Framework f) {
  switch (f) {
    case Framework::Plain:
      return "plain";
    case Framework::Flyway:
      return "flyway";
    case Framework::GolangMigrate:
      return "golang-migrate";
    case Framework::Dbmate:
      return "dbmate";
    case Framework::Sqitch:
      return "sqitch";
    case Framework::Liquibase:
      return "liquibase";
    case Framework::Prisma:
      return "prisma";
    case Framework::Diesel:
      return "diesel";
  }
  return "plain";
}

const std::vector<std::string>& framework_names() {
  static const std::vector<std::string> names = {"auto",           "plain",  "flyway",
                                                 "golang-migrate", "dbmate", "sqitch",
                                                 "liquibase",      "prisma", "diesel"};
  return names;
}

bool parse_framework(std::string_view text, Framework* out) {
  for (Framework f :
       {Framework::Plain, Framework::Flyway, Framework::GolangMigrate, Framework::Dbmate,
        Framework::Sqitch, Framework::Liquibase, Framework::Prisma, Framework::Diesel}) {
    if (framework_name(f) == text) {
      *out = f;
      return true;
    }
  }
  return false;
}

bool version_less(const std::string& a, const std::string& b) {
  return natural_less(a, b);
}

namespace history_detail {

PathNormaliser::PathNormaliser() {
  std::error_code ec;
  cwd_ = fs::current_path(ec).string();
}

const fs::path& PathNormaliser::resolved_dir(const std::string& dir) {
  auto [it, fresh] = dirs_.try_emplace(dir);
  std::error_code ec;
  if (fresh) it->second = fs::weakly_canonical(fs::path(dir), ec).lexically_normal();
  return it->second;
}

std::string PathNormaliser::operator()(const std::string& path) {
  if (path == "-") return path;
  // Plain names (against a plain working directory when relative): the absolute path, its
  // directory and its name are string operations, and one lstat tells whether the file is a
  // link; std::filesystem spent ten thousand instructions a file on them.
  std::optional<std::string> plain = plain_absolute(path, cwd_);
  if (!plain) return general(path);
  const std::string& abs = *plain;
  struct stat st;
  if (::lstat(abs.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return general(path);
  size_t slash = abs.rfind('/');
  const std::string& dir = resolved_dir(slash == 0 ? "/" : abs.substr(0, slash)).native();
  std::string_view name = std::string_view(abs).substr(slash + 1);
  // As std::filesystem's `dir / name`: no separator after one that ends the directory.
  if (dir.empty()) return std::string(name);
  return dir.back() == '/' ? dir + std::string(name) : dir + "/" + std::string(name);
}

std::string PathNormaliser::general(const std::string& path) {
  if (path == "-") return path;
  std::error_code ec;
  fs::path abs =
      fs::path(path).is_absolute() || cwd_.empty() ? fs::absolute(path, ec) : fs::path(cwd_) / path;
  fs::path name = abs.filename();
  if (name.empty() || name == "." || name == ".." || fs::is_symlink(fs::symlink_status(abs, ec)))
    return fs::weakly_canonical(abs, ec).lexically_normal().string();
  return (resolved_dir(abs.parent_path().string()) / name).string();  // a directory and a name
}

}  // namespace history_detail

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The first few kilobytes of a file, for framework detection.
std::string head_of(const std::string& path, size_t n = 4096) {
  std::ifstream in(path, std::ios::binary);
  std::string out(n, '\0');
  in.read(out.data(), static_cast<std::streamsize>(n));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// `--liquibase formatted sql` as the first line (case-insensitive, any spacing).
bool starts_liquibase(const std::string& head) {
  size_t i = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  auto skip_space = [&] {
    while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  };
  auto word = [&](std::string_view w) {
    for (char c : w) {
      if (i >= head.size() || std::tolower(static_cast<unsigned char>(head[i])) != c) return false;
      ++i;
    }
    return true;
  };
  skip_space();
  if (!word("--")) return false;
  skip_space();
  if (!word("liquibase")) return false;
  skip_space();
  if (!word("formatted")) return false;
  skip_space();
  return word("sql");
}

// A line `-- migrate:up` (dbmate's marker).
bool has_dbmate_marker(const std::string& head) {
  for (size_t at = head.find("migrate:up"); at != std::string::npos;
       at = head.find("migrate:up", at + 1)) {
    size_t i = at;
    while (i > 0 && (head[i - 1] == ' ' || head[i - 1] == '\t')) --i;
    if (i < 2 || head[i - 1] != '-' || head[i - 2] != '-') continue;
    i -= 2;
    while (i > 0 && (head[i - 1] == ' ' || head[i - 1] == '\t')) --i;
    if (i == 0 || head[i - 1] == '\n') return true;
  }
  return false;
}

// File-name conventions, parsed by hand: these run once per file of every history.
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool iends_with(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i])
      return false;
  return true;
}
size_t leading_digits(const std::string& s, size_t from = 0) {
  size_t i = from;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i - from;
}

struct FlywayName {
  char kind = 'V';      // V, U or R
  std::string version;  // as written (V and U)
};
// V<version>__<description>.sql, U<version>__<description>.sql, R__<description>.sql; the
// version ends at the first "__", as Flyway reads it.
std::optional<FlywayName> flyway_name(const std::string& f) {
  if (f.size() < 8 || !iends_with(f, ".sql")) return std::nullopt;
  char kind = static_cast<char>(std::toupper(static_cast<unsigned char>(f[0])));
  size_t body_end = f.size() - 4;
  if (kind == 'R') {
    if (f.compare(1, 2, "__") != 0 || body_end <= 3) return std::nullopt;
    return FlywayName{'R', ""};
  }
  if ((kind != 'V' && kind != 'U') || !is_digit(f[1])) return std::nullopt;
  size_t sep = f.find("__", 1);
  if (sep == std::string::npos || sep + 2 >= body_end) return std::nullopt;
  std::string version = f.substr(1, sep - 1);
  for (char c : version)
    if (!is_digit(c) && c != '.' && c != '_') return std::nullopt;
  return FlywayName{kind, version};
}

struct GolangName {
  std::string version;
  bool down = false;
};
// <version>_<title>.up.sql / .down.sql
std::optional<GolangName> golang_name(const std::string& f) {
  size_t d = leading_digits(f);
  if (d == 0 || d >= f.size() || f[d] != '_') return std::nullopt;
  bool up = iends_with(f, ".up.sql"), down = iends_with(f, ".down.sql");
  if (!up && !down) return std::nullopt;
  size_t suffix = up ? 7 : 9;
  if (f.size() <= d + 1 + suffix) return std::nullopt;  // an empty title
  return GolangName{f.substr(0, d), down};
}

// dbmate: <version>[_<name>].sql
std::optional<std::string> dbmate_version(const std::string& f) {
  size_t d = leading_digits(f);
  if (d == 0 || !iends_with(f, ".sql")) return std::nullopt;
  if (d == f.size() - 4 || f[d] == '_') return f.substr(0, d);
  return std::nullopt;
}

// Prisma 20240101120000_name, diesel 2024-01-01-120000_name: the version, dashes removed.
std::optional<std::string> dated_dir(const std::string& dir) {
  if (dir.empty() || !is_digit(dir[0])) return std::nullopt;
  size_t i = 0;
  while (i < dir.size() && (is_digit(dir[i]) || dir[i] == '-')) ++i;
  if (i >= dir.size() || dir[i] != '_' || i + 1 >= dir.size()) return std::nullopt;
  std::string v = dir.substr(0, i);
  v.erase(std::remove(v.begin(), v.end(), '-'), v.end());
  return v;
}

// One file of a history, with what its name says.
struct Item {
  size_t index = 0;  // into the request
  fs::path abs;
  std::string rel;  // relative to the history root, '/'-separated
  std::string role;
  std::string version;  // normalised
  std::string key;      // what pairs up and down (version, change or directory name)
  bool named_ok = true;
  bool forward = true;  // part of the forward history (replayed and committed)
  ChangeStatus status = ChangeStatus::Unchanged;
};

struct Group {
  std::string root;  // absolute directory, or "-" for stdin
  std::string arg_root;
  Framework framework = Framework::Plain;
  std::vector<Item> items;
  size_t first = 0;  // earliest discovery index, for report order
};

// The directory that holds a file's history, from the layout alone.
fs::path layout_root(const fs::path& abs) {
  fs::path parent = abs.parent_path();
  std::string fname = lower(abs.filename().string());
  std::string dir = parent.filename().string();
  bool dated = dated_dir(dir).has_value();
  if (dated && (fname == "migration.sql" || fname == "up.sql" || fname == "down.sql"))
    return parent.parent_path();
  if (dir == "deploy" || dir == "revert" || dir == "verify") {
    std::error_code ec;
    if (fs::exists(parent.parent_path() / "sqitch.plan", ec)) return parent.parent_path();
  }
  return parent;
}

}  // namespace

fs::path history_root(const fs::path& file) {
  return layout_root(file);
}

namespace {

Framework detect(const Group& g) {
  std::error_code ec;
  if (g.root != "-" && fs::exists(fs::path(g.root) / "sqitch.plan", ec)) return Framework::Sqitch;
  size_t flyway = 0, golang = 0;
  bool prisma = false, diesel = false;
  for (const Item& it : g.items) {
    std::string fname = it.abs.filename().string();
    std::string lname = lower(fname);
    bool in_dir = it.rel.find('/') != std::string::npos;
    if (in_dir && lname == "migration.sql") prisma = true;
    if (in_dir && (lname == "up.sql" || lname == "down.sql")) diesel = true;
    if (flyway_name(fname)) ++flyway;
    if (golang_name(fname)) ++golang;
  }
  if (prisma) return Framework::Prisma;
  if (diesel) return Framework::Diesel;
  size_t n = g.items.size();
  // Names settle most directories without reading any file.
  if (golang * 2 >= n && golang > 0) return Framework::GolangMigrate;
  if (flyway * 2 >= n && flyway > 0) return Framework::Flyway;
  if (g.root != "-") {
    for (const Item& it : g.items) {
      std::string head = head_of(it.abs.string());
      if (starts_liquibase(head)) return Framework::Liquibase;
      if (has_dbmate_marker(head)) return Framework::Dbmate;
    }
  }
  return Framework::Plain;
}

std::string flyway_version(const std::string& v) {
  std::string out = v;
  std::replace(out.begin(), out.end(), '_', '.');
  return out;
}

// sqitch.plan: change names in deployment order (tags and pragmas skipped; a reworked change
// keeps its first position).
std::vector<std::string> sqitch_changes(const fs::path& root) {
  std::vector<std::string> out;
  std::ifstream in(root / "sqitch.plan");
  std::string line;
  while (std::getline(in, line)) {
    size_t i = 0;
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size() || line[i] == '#' || line[i] == '%' || line[i] == '@') continue;
    size_t e = i;
    while (e < line.size() && !std::isspace(static_cast<unsigned char>(line[e]))) ++e;
    std::string name = line.substr(i, e - i);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

// Name facts and order keys for one file of a group.
void classify(Group& g, Item& it, const std::vector<std::string>& sqitch_plan) {
  std::string fname = it.abs.filename().string();
  switch (g.framework) {
    case Framework::Flyway:
      if (auto f = flyway_name(fname); f && f->kind != 'R') {
        it.version = flyway_version(f->version);
        it.key = it.version;
        it.role = f->kind == 'U' ? "undo" : "versioned";
        it.forward = f->kind == 'V';
      } else if (f) {
        it.role = "repeatable";
        it.key = fname.substr(3, fname.size() - 7);
      } else {
        it.named_ok = false;
        it.role = "migration";
      }
      break;
    case Framework::GolangMigrate:
      if (auto gm = golang_name(fname)) {
        it.version = gm->version;
        it.key = it.version;
        it.role = gm->down ? "down" : "up";
        it.forward = !gm->down;
      } else {
        it.named_ok = false;
        it.role = "migration";
      }
      break;
    case Framework::Dbmate:
      it.role = "migration";
      if (auto v = dbmate_version(fname)) {
        it.version = *v;
        it.key = it.version;
      } else {
        it.named_ok = false;
      }
      break;
    case Framework::Prisma:
    case Framework::Diesel: {
      std::string dir = it.abs.parent_path().filename().string();
      std::string lname = lower(fname);
      bool file_ok = g.framework == Framework::Prisma ? lname == "migration.sql"
                                                      : (lname == "up.sql" || lname == "down.sql");
      auto v = dated_dir(dir);
      if (v && file_ok && it.rel.find('/') != std::string::npos) {
        it.version = *v;
        it.key = dir;
        bool down = lname == "down.sql";
        it.role = g.framework == Framework::Prisma ? "migration" : (down ? "down" : "up");
        it.forward = !down;
      } else {
        it.named_ok = false;
        it.role = "migration";
      }
      break;
    }
    case Framework::Sqitch: {
      std::string dir = it.abs.parent_path().filename().string();
      std::string change = fname.size() > 4 ? fname.substr(0, fname.size() - 4) : fname;
      bool planned = std::find(sqitch_plan.begin(), sqitch_plan.end(), change) != sqitch_plan.end();
      it.key = change;
      it.role = dir == "deploy" || dir == "revert" || dir == "verify" ? dir : "migration";
      it.forward = it.role == "deploy";
      it.named_ok = planned && it.role != "migration";
      break;
    }
    case Framework::Liquibase:
      it.role = "changelog";
      it.key = it.rel;
      break;
    case Framework::Plain:
      it.role = "migration";
      if (size_t d = leading_digits(fname)) it.version = fname.substr(0, d);
      it.key = it.rel;
      break;
  }
  if (!it.named_ok) it.forward = false;
}

std::string expected_name(Framework f) {
  switch (f) {
    case Framework::Flyway:
      return "V<version>__<description>.sql (undo: U<version>__<description>.sql, repeatable: "
             "R__<description>.sql)";
    case Framework::GolangMigrate:
      return "<version>_<title>.up.sql and <version>_<title>.down.sql";
    case Framework::Dbmate:
      return "<version>_<description>.sql (a timestamp version, e.g. 20240131120000_add_users.sql)";
    case Framework::Prisma:
      return "<timestamp>_<name>/migration.sql";
    case Framework::Diesel:
      return "<version>_<name>/up.sql and down.sql";
    case Framework::Sqitch:
      return "deploy/<change>.sql (with revert/ and verify/) for a change listed in sqitch.plan";
    case Framework::Liquibase:
    case Framework::Plain:
      return "";
  }
  return "";
}

// Which files of a directory end in ".conf": a Flyway history asks for every migration whether
// `<name>.conf` exists, which was one failed open per file. A directory asked about often is
// listed once; until then (the pre-commit case: one file of a large directory) each file's
// open decides, since listing thousands of names costs more than a few opens.
class ConfFiles {
 public:
  static constexpr unsigned kListAfter = 32;

  // False when `<file>.conf` certainly does not exist.
  bool may_exist(const fs::path& file) {
    // Split as text: std::filesystem's parent_path() and filename() parse every component.
    const std::string& whole = file.native();
    size_t slash = whole.rfind('/');
    if (slash == std::string::npos) return true;
    // The directory: up to the last '/', or "/" itself for a file at the root.
    auto& [path, dir] = *dirs_.try_emplace(whole.substr(0, std::max<size_t>(slash, 1))).first;
    if (!dir.names && ++dir.asked == kListAfter) {
      std::error_code ec;
      std::set<std::string> names;
      for (fs::directory_iterator d(path, ec), end; !ec && d != end; d.increment(ec))
        if (d->path().extension() == ".conf") names.insert(d->path().filename().string());
      if (!ec) dir.names = std::move(names);  // otherwise unknown: the opens decide
    }
    return !dir.names || dir.names->count(whole.substr(slash + 1) + ".conf") > 0;
  }

 private:
  struct Dir {
    unsigned asked = 0;
    std::optional<std::set<std::string>> names;
  };
  std::map<std::string, Dir> dirs_;
};

TransactionRule transactions_of(Framework f, const Item& it, ConfFiles& confs) {
  switch (f) {
    case Framework::Plain:
    case Framework::Sqitch:
      return TransactionRule::None;
    case Framework::Flyway: {
      // A script configuration file beside the migration can turn the transaction off.
      if (!confs.may_exist(it.abs)) return TransactionRule::FlywayAuto;
      std::ifstream conf(it.abs.string() + ".conf");
      if (!conf)
        return TransactionRule::FlywayAuto;  // (before compiling the regex: 1 M instructions)
      std::string line;
      static const std::regex off(R"(^\s*executeInTransaction\s*=\s*false\s*$)", std::regex::icase);
      while (std::getline(conf, line))
        if (std::regex_match(line, off)) return TransactionRule::None;
      return TransactionRule::FlywayAuto;
    }
    case Framework::GolangMigrate:
    case Framework::Prisma:
      return TransactionRule::ImplicitMulti;
    case Framework::Dbmate:
    case Framework::Liquibase:
      return TransactionRule::Sections;
    case Framework::Diesel: {
      std::ifstream meta(it.abs.parent_path() / "metadata.toml");
      if (!meta) return TransactionRule::Whole;
      std::string line;
      static const std::regex off(R"(^\s*run_in_transaction\s*=\s*false\s*$)");
      while (std::getline(meta, line))
        if (std::regex_match(line, off)) return TransactionRule::None;
      return TransactionRule::Whole;
    }
  }
  return TransactionRule::None;
}

bool pairs_down(Framework f) {
  return f == Framework::Flyway || f == Framework::GolangMigrate || f == Framework::Dbmate ||
         f == Framework::Sqitch || f == Framework::Liquibase || f == Framework::Diesel;
}

std::string down_name_for(Framework f, const Item& it) {
  std::string fname = it.abs.filename().string();
  switch (f) {
    case Framework::Flyway:
      return "U" + fname.substr(1);
    case Framework::GolangMigrate:
      return fname.substr(0, fname.size() - std::string(".up.sql").size()) + ".down.sql";
    case Framework::Diesel:
      return it.key + "/down.sql";
    case Framework::Sqitch:
      return "revert/" + it.key + ".sql";
    case Framework::Dbmate:
      return "a `-- migrate:down` section";
    case Framework::Liquibase:
      return "a `--rollback` for every changeset";
    default:
      return "";
  }
}

// Processing order of a group: the framework's order for forward migrations, each down / undo
// / revert / verify script right after the migration it belongs to, then repeatable migrations
// (Flyway runs them last), then files the framework would not run.
std::vector<Item*> ordered(Group& g, const std::vector<std::string>& sqitch_plan) {
  std::vector<Item*> forward, attached, repeatable, stray;
  for (Item& it : g.items) {
    if (!it.named_ok)
      stray.push_back(&it);
    else if (it.role == "repeatable")
      repeatable.push_back(&it);
    else if (it.forward)
      forward.push_back(&it);
    else
      attached.push_back(&it);
  }
  auto by_rel = [](const Item* a, const Item* b) { return natural_less(a->rel, b->rel); };
  if (g.framework == Framework::Sqitch) {
    auto pos = [&](const Item* x) {
      return std::find(sqitch_plan.begin(), sqitch_plan.end(), x->key) - sqitch_plan.begin();
    };
    std::stable_sort(forward.begin(), forward.end(),
                     [&](const Item* a, const Item* b) { return pos(a) < pos(b); });
  } else if (g.framework == Framework::Flyway || g.framework == Framework::GolangMigrate ||
             g.framework == Framework::Dbmate) {
    std::stable_sort(forward.begin(), forward.end(), [](const Item* a, const Item* b) {
      if (a->version != b->version) return version_less(a->version, b->version);
      return natural_less(a->rel, b->rel);
    });
  } else {
    std::stable_sort(forward.begin(), forward.end(), by_rel);
  }
  std::stable_sort(attached.begin(), attached.end(), by_rel);
  std::stable_sort(repeatable.begin(), repeatable.end(), by_rel);
  std::stable_sort(stray.begin(), stray.end(), by_rel);
  std::vector<Item*> out;
  std::vector<bool> used(attached.size());
  for (Item* f : forward) {
    out.push_back(f);
    // verify before revert: sqitch verifies a change right after deploying it.
    for (const char* role : {"verify", "down", "undo", "revert"})
      for (size_t i = 0; i < attached.size(); ++i)
        if (!used[i] && attached[i]->key == f->key && attached[i]->role == role) {
          out.push_back(attached[i]);
          used[i] = true;
        }
  }
  for (size_t i = 0; i < attached.size(); ++i)
    if (!used[i]) out.push_back(attached[i]);
  out.insert(out.end(), repeatable.begin(), repeatable.end());
  out.insert(out.end(), stray.begin(), stray.end());
  return out;
}

// Two directories that both have a V1 are two histories, not one location's sub-directories.
bool shares_version(const Group& a, const Group& b) {
  std::set<std::string> seen;
  for (const Item& it : a.items)
    if (auto f = flyway_name(it.abs.filename().string()); f && f->kind == 'V')
      seen.insert(flyway_version(f->version));
  for (const Item& it : b.items)
    if (auto f = flyway_name(it.abs.filename().string());
        f && f->kind == 'V' && seen.count(flyway_version(f->version)))
      return true;
  return false;
}

}  // namespace

HistoryPlan plan_histories(const PlanRequest& req) {
  HistoryPlan plan;
  std::optional<Framework> forced;
  if (!req.framework.empty() && req.framework != "auto") {
    Framework f;
    if (!parse_framework(req.framework, &f)) {
      plan.errors.push_back("unknown framework '" + req.framework + "'");
      return plan;
    }
    forced = f;
  }
  // Group by layout root; stdin is a history of its own.
  std::vector<Group> groups;
  std::map<std::string, size_t> by_root;
  history_detail::PathNormaliser normalise;
  for (size_t i = 0; i < req.files.size(); ++i) {
    Item it;
    it.index = i;
    std::string root;
    if (req.files[i] == "-") {
      root = "-";
      it.abs = fs::path(req.shown[i]);
      it.rel = it.abs.filename().string();
    } else {
      it.abs = fs::path(normalise(req.files[i]));
      fs::path r = layout_root(it.abs);
      root = r.string();
      it.rel = it.abs.lexically_relative(r).generic_string();
    }
    if (req.changes.active) {
      auto found = req.changes.files.find(req.files[i] == "-" ? std::string() : it.abs.string());
      it.status = found == req.changes.files.end() ? ChangeStatus::Unchanged : found->second;
      if (req.files[i] == "-") it.status = ChangeStatus::Changed;
    }
    auto [pos, fresh] = by_root.emplace(root, groups.size());
    if (fresh) {
      groups.push_back(
          Group{root, req.roots.empty() ? root : req.roots[i], Framework::Plain, {}, i});
    }
    groups[pos->second].items.push_back(std::move(it));
  }
  for (Group& g : groups) {
    std::optional<Framework> configured;
    for (const Item& it : g.items) {
      if (it.index >= req.frameworks.size()) break;
      const std::string& name = req.frameworks[it.index];
      Framework f;
      if (!name.empty() && name != "auto" && parse_framework(name, &f)) {
        configured = f;
        break;
      }
    }
    g.framework = configured ? *configured : forced ? *forced : detect(g);
  }
  // Flyway reads its locations recursively: sub-directories of one location are one history.
  for (size_t a = 0; a < groups.size(); ++a) {
    if (groups[a].framework != Framework::Flyway) continue;
    for (size_t b = a + 1; b < groups.size(); ++b) {
      if (groups[b].framework != Framework::Flyway || groups[b].arg_root != groups[a].arg_root ||
          groups[a].root == "-" || groups[b].root == "-" || shares_version(groups[a], groups[b]))
        continue;
      for (Item& it : groups[b].items) groups[a].items.push_back(std::move(it));
      groups[b].items.clear();
    }
  }
  std::erase_if(groups, [](const Group& g) { return g.items.empty(); });
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return a.first < b.first; });

  for (size_t h = 0; h < groups.size(); ++h) {
    Group& g = groups[h];
    std::vector<std::string> plan_changes;
    if (g.framework == Framework::Sqitch && g.root != "-") plan_changes = sqitch_changes(g.root);
    for (Item& it : g.items) classify(g, it, plan_changes);

    // Versions already merged (unchanged or edited files), for out-of-order.
    const Item* newest_merged = nullptr;
    for (const Item& it : g.items)
      if (it.forward && !it.version.empty() &&
          (it.status == ChangeStatus::Unchanged || it.status == ChangeStatus::Modified) &&
          (!newest_merged || version_less(newest_merged->version, it.version)))
        newest_merged = &it;

    std::map<std::pair<std::string, std::string>, std::vector<size_t>> by_version;
    for (const Item& it : g.items)
      if (it.named_ok && !it.version.empty()) by_version[{it.version, it.role}].push_back(it.index);
    // (key, role) of every file of the group: whether a migration's down script was passed
    // (a lookup, not a scan of the group per file, which was quadratic in the history).
    std::set<std::pair<std::string, std::string>> keys_and_roles;
    for (const Item& it : g.items) keys_and_roles.emplace(it.key, it.role);

    ConfFiles confs;
    for (Item* it : ordered(g, plan_changes)) {
      PlannedFile pf;
      pf.input = it->index;
      pf.path = req.files[it->index];
      pf.shown = req.shown[it->index];
      pf.history = h;
      pf.framework = g.framework;
      pf.lint = !req.changes.active || it->status != ChangeStatus::Unchanged;
      pf.fresh = it->status == ChangeStatus::Added || it->status == ChangeStatus::Changed;
      pf.commit = it->forward || it->role == "repeatable";
      pf.transactions = transactions_of(g.framework, *it, confs);
      auto facts = std::make_shared<MigrationFacts>();
      facts->framework = std::string(framework_name(g.framework));
      facts->role = it->role;
      facts->name = it->rel;
      facts->version = it->version;
      facts->named_ok = it->named_ok;
      facts->expected_name = expected_name(g.framework);
      if (it->named_ok && !it->version.empty()) {
        for (size_t k : by_version[{it->version, it->role}])
          if (k != it->index) facts->same_version.push_back(req.shown[k]);
      }
      facts->base_ref = req.changes.base_ref;
      facts->modified_applied = it->status == ChangeStatus::Modified;
      if (it->status == ChangeStatus::Added && it->forward && newest_merged &&
          !it->version.empty() && version_less(it->version, newest_merged->version)) {
        facts->newer_applied = req.shown[newest_merged->index];
        facts->newer_version = newest_merged->version;
      }
      facts->pairs_down = pairs_down(g.framework) && it->forward;
      if (facts->pairs_down) {
        facts->down_name = down_name_for(g.framework, *it);
        if (g.framework == Framework::Flyway || g.framework == Framework::GolangMigrate ||
            g.framework == Framework::Diesel || g.framework == Framework::Sqitch) {
          const char* down_role = g.framework == Framework::Flyway   ? "undo"
                                  : g.framework == Framework::Sqitch ? "revert"
                                                                     : "down";
          facts->has_down = keys_and_roles.count({it->key, down_role}) > 0;
          // The down script may exist without having been passed to migsafe.
          std::error_code ec;
          if (!facts->has_down && g.framework != Framework::Flyway && g.root != "-")
            facts->has_down = fs::exists(fs::path(g.root) / facts->down_name, ec);
        }
      }
      pf.facts = std::move(facts);
      plan.files.push_back(std::move(pf));
    }
  }
  plan.histories = groups.size();
  return plan;
}

namespace {

// Blanks bytes [from, to) except line breaks, so offsets and line numbers stay the same.
void blank(std::string& s, size_t from, size_t to) {
  for (size_t i = from; i < to && i < s.size(); ++i)
    if (s[i] != '\n' && s[i] != '\r') s[i] = ' ';
}

struct Line {
  size_t begin, end;  // end excludes the line break
};

std::vector<Line> lines_of(const std::string& s) {
  std::vector<Line> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    size_t end = nl == std::string::npos ? s.size() : nl;
    size_t e = end;
    if (e > start && s[e - 1] == '\r') --e;
    out.push_back(Line{start, e});
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

void prepare_dbmate(const std::string& s, PreparedSource& out) {
  static const std::regex up(R"(^\s*--\s*migrate:up\b(.*)$)");
  static const std::regex down(R"(^\s*--\s*migrate:down\b(.*)$)");
  static const std::regex no_tx(R"(\btransaction:false\b)");
  std::optional<size_t> up_at, down_at, down_body;
  bool up_tx = true;
  for (const Line& l : lines_of(s)) {
    std::string text = s.substr(l.begin, l.end - l.begin);
    std::smatch m;
    if (!up_at && std::regex_match(text, m, up)) {
      up_at = l.begin;
      up_tx = !std::regex_search(std::string(m[1]), no_tx);
    } else if (!down_at && std::regex_match(text, m, down)) {
      down_at = l.begin;
      down_body = l.end;
    }
  }
  if (down_at) {
    // Only SQL (not comments or blanks) makes a down section.
    std::string body = s.substr(*down_body);
    static const std::regex sql_line(R"((^|\n)\s*[^-\s])");
    out.has_down = std::regex_search(body, sql_line);
    out.rewritten = s;
    blank(*out.rewritten, *down_at, s.size());
  } else {
    out.has_down = false;
  }
  // dbmate runs the up section in a transaction unless it says transaction:false.
  out.segments.push_back(TransactionSegment{0, up_at.has_value() && up_tx});
}

void prepare_liquibase(const std::string& s, PreparedSource& out) {
  static const std::regex changeset(R"(^\s*--\s*changeset\s+(\S+)(.*)$)", std::regex::icase);
  static const std::regex rollback(R"(^\s*--\s*rollback\b)", std::regex::icase);
  static const std::regex no_tx(R"(\brunInTransaction\s*:\s*false\b)", std::regex::icase);
  out.segments.push_back(TransactionSegment{0, false});
  bool all_rollback = true;
  for (const Line& l : lines_of(s)) {
    std::string text = s.substr(l.begin, l.end - l.begin);
    std::smatch m;
    if (std::regex_match(text, m, changeset)) {
      ChangesetFacts c;
      c.header = Span{l.begin, l.end};
      c.id = m[1];
      c.in_transaction = !std::regex_search(std::string(m[2]), no_tx);
      out.changesets.push_back(c);
      out.segments.push_back(TransactionSegment{l.begin, c.in_transaction});
    } else if (std::regex_search(text, rollback) && !out.changesets.empty()) {
      out.changesets.back().has_rollback = true;
    }
  }
  for (const auto& c : out.changesets) all_rollback = all_rollback && c.has_rollback;
  out.has_down = all_rollback;
}

}  // namespace

PreparedSource prepare_source(const PlannedFile& file, const std::string& bytes) {
  PreparedSource out;
  if (file.framework == Framework::Dbmate && file.transactions == TransactionRule::Sections)
    prepare_dbmate(bytes, out);
  else if (file.framework == Framework::Liquibase)
    prepare_liquibase(bytes, out);
  return out;
}

std::shared_ptr<const MigrationFacts> complete_facts(const PlannedFile& file,
                                                     const PreparedSource& source) {
  auto facts = std::make_shared<MigrationFacts>(*file.facts);
  facts->changesets = source.changesets;
  if (source.has_down && facts->pairs_down) facts->has_down = *source.has_down;
  return facts;
}

}  // namespace migsafe
