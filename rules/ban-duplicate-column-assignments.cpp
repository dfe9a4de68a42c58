// The same column assigned twice in one SET list or listed twice in an INSERT column list,
// CREATE TABLE or CREATE VIEW: PostgreSQL rejects the statement, so the migration fails there.
#include <fmt/format.h>

#include <map>
#include <vector>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-duplicate-column-assignments",
    .severity = Severity::Error,
    .category = "data",
    .summary = "the same column assigned or listed twice in one statement",
    .why =
        "PostgreSQL rejects an UPDATE that assigns a column twice (\"multiple assignments to "
        "same column\") and an INSERT, CREATE TABLE or CREATE VIEW that lists it twice (\"column "
        "specified more than once\"): the migration fails at that statement.",
    .instead = "Keep one assignment (the value you mean) and delete the other.",
};

struct Use {
  int location = -1;
  bool partial = false;  // a.x = ..., arr[1] = ...: several of these may share a column
};

// Reports every use of a column after its first, unless all of its uses are partial.
void report_duplicates(const std::vector<std::pair<std::string, Use>>& uses, Check& c,
                       std::string_view what, std::string_view error) {
  std::map<std::string, std::vector<Use>> by_name;
  std::vector<std::string> order;
  for (const auto& [name, use] : uses) {
    if (!by_name.count(name)) order.push_back(name);
    by_name[name].push_back(use);
  }
  for (const std::string& name : order) {
    const auto& all = by_name[name];
    if (all.size() < 2) continue;
    bool all_partial = true;
    for (const Use& u : all) all_partial = all_partial && u.partial;
    if (all_partial) continue;
    for (size_t i = 1; i < all.size(); ++i) {
      auto finding = c.report(
          c.token_at(all[i].location),
          fmt::format("{} {} more than once in this {}: PostgreSQL rejects the statement ({}), "
                      "so the migration fails here",
                      quote_ident(name), what == "SET" ? "is assigned" : "is listed",
                      what == "SET" ? "SET list" : what, fmt::format(fmt::runtime(error), name)));
      finding.help(fmt::format("Keep one {} of {} (the one you mean) and delete the other.",
                               what == "SET" ? "assignment" : "entry", quote_ident(name)));
    }
  }
}

std::vector<std::pair<std::string, Use>> targets(PgQuery__Node* const* list, size_t n) {
  std::vector<std::pair<std::string, Use>> out;
  for (const PgQuery__Node* x : items(list, n)) {
    const auto* t = as<PgQuery__ResTarget>(x);
    if (!t || !t->name) continue;
    out.push_back({t->name, Use{t->location, t->n_indirection > 0}});
  }
  return out;
}

constexpr std::string_view kSetError = "multiple assignments to same column \"{}\"";
constexpr std::string_view kListError = "column \"{}\" specified more than once";

void visit_update(const PgQuery__UpdateStmt& s, Check& c) {
  report_duplicates(targets(s.target_list, s.n_target_list), c, "SET", kSetError);
}

void visit_on_conflict(const PgQuery__OnConflictClause& s, Check& c) {
  report_duplicates(targets(s.target_list, s.n_target_list), c, "SET", kSetError);
}

void visit_insert(const PgQuery__InsertStmt& s, Check& c) {
  report_duplicates(targets(s.cols, s.n_cols), c, "INSERT column list", kListError);
}

void visit_merge(const PgQuery__MergeWhenClause& s, Check& c) {
  bool insert = s.command_type == PG_QUERY__CMD_TYPE__CMD_INSERT;
  report_duplicates(targets(s.target_list, s.n_target_list), c,
                    insert ? "INSERT column list" : "SET", insert ? kListError : kSetError);
}

void visit_create(const PgQuery__CreateStmt& s, Check& c) {
  std::vector<std::pair<std::string, Use>> uses;
  for (const PgQuery__Node* e : items(s.table_elts, s.n_table_elts)) {
    const auto* d = as<PgQuery__ColumnDef>(e);
    if (d && d->colname) uses.push_back({d->colname, Use{d->location, false}});
  }
  report_duplicates(uses, c, "CREATE TABLE", kListError);
}

void visit_view(const PgQuery__ViewStmt& s, Check& c) {
  // The alias list has no positions: point at the view's name.
  std::vector<std::pair<std::string, Use>> uses;
  int at = s.view ? s.view->location : -1;
  for (const PgQuery__Node* a : items(s.aliases, s.n_aliases))
    uses.push_back({std::string(string_value(a)), Use{at, false}});
  report_duplicates(uses, c, "CREATE VIEW column list", kListError);
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__UpdateStmt>(visit_update),
               on<PgQuery__OnConflictClause>(visit_on_conflict),
               on<PgQuery__InsertStmt>(visit_insert), on<PgQuery__MergeWhenClause>(visit_merge),
               on<PgQuery__CreateStmt>(visit_create), on<PgQuery__ViewStmt>(visit_view)}}};

}  // namespace
}  // namespace migsafe
