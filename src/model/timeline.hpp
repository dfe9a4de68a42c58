// A migration file statement by statement as the lock model sees it: each statement's predicted
// effect, the transaction it runs in, and the locks its transaction already holds from earlier
// statements (released only at COMMIT). `migsafe locks` prints it; `migsafe trace` prints it
// beside what the server did.
#pragma once

#include <memory>
#include <vector>

#include "core/parse.hpp"
#include "core/source.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe {

enum class TransactionKind { None, Explicit, Assumed };

struct StatementLocks {
  const Statement* statement = nullptr;
  std::string kind;  // "ALTER TABLE", "CREATE INDEX", ... ("" when not named)
  Effect effect;
  // The transaction block the statement runs in: 0 when it runs on its own (autocommit), else
  // 1, 2, ... in the order the file's transaction blocks start. BEGIN / COMMIT belong to theirs.
  int transaction = 0;
  TransactionKind transaction_kind = TransactionKind::None;
  // Locks held when the statement starts, taken by earlier statements of its transaction:
  // the strongest per relation, on relations that existed before the migration.
  std::vector<HeldLock> held;
};

struct FileTimeline {
  std::shared_ptr<const SourceFile> file;
  ParsedFile parsed;
  std::vector<StatementLocks> statements;
  // The catalog after the file, for the next file of a run (every object then counts as
  // existing).
  std::shared_ptr<const Catalog> catalog_after;
};

FileTimeline build_timeline(std::shared_ptr<const SourceFile> file, const LintSettings& settings);

}  // namespace migsafe
