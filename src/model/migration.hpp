// What the migration history says about the file being linted: the framework that runs it, its
// name and version, how it pairs with a down migration, whether the change set added or edited
// it, and which other migrations share its version. Computed once per run by the history
// planner (src/core/history.cpp) and read by the history rules; nothing here is per statement.
#pragma once

#include <string>
#include <vector>

#include "core/source.hpp"

namespace migsafe {

// A Liquibase formatted-SQL changeset inside a file.
struct ChangesetFacts {
  Span header;     // the `--changeset author:id` line
  std::string id;  // author:id
  bool has_rollback = false;
  bool in_transaction = true;
};

struct MigrationFacts {
  std::string
      framework;         // flyway, golang-migrate, dbmate, sqitch, liquibase, prisma, diesel, plain
  std::string role;      // versioned, repeatable, undo, up, down, deploy, revert, verify, migration
  std::string name;      // the file as the framework names it (relative to the history root)
  std::string version;   // empty when the framework has none or the name does not parse
  bool named_ok = true;  // the name follows the framework's convention
  std::string expected_name;  // the convention, for messages: V<version>__<description>.sql

  std::vector<std::string> same_version;  // other migrations of the history with this version

  // Change sets (--since): this file existed at the base ref and was edited.
  bool modified_applied = false;
  std::string base_ref;
  // Added by the change set although an already merged migration has a higher version.
  std::string newer_applied;  // that migration's path ("" when in order)
  std::string newer_version;

  // Down migrations: the framework pairs forward migrations with a down / undo / revert script.
  bool pairs_down = false;
  bool has_down = true;
  std::string down_name;  // the file it should have

  std::vector<ChangesetFacts> changesets;  // Liquibase formatted SQL
};

}  // namespace migsafe
