// Change sets: which migrations a pull request adds or edits. `--since REF` asks git (the
// command-line tool) for the files changed between the merge base of REF and HEAD, plus
// uncommitted and untracked files; `--changed FILE...` names them directly.
#pragma once

#include <string>
#include <vector>

#include "core/history.hpp"

namespace migsafe {

// Fills `out` with the files changed since `ref` in the git repository that holds `where`.
// Returns "" on success, otherwise a message for the user.
std::string changes_since(const std::string& ref, const std::string& where, ChangeSet& out);

// Marks `files` as changed (added or edited; git is not asked which).
void mark_changed(const std::vector<std::string>& files, ChangeSet& out);

}  // namespace migsafe
