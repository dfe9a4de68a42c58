// `migsafe locks` output: the lock model's timeline of each file (see model/timeline.hpp) as a
// text table or as JSON (docs/locks-json.md). Also the pieces `migsafe trace` reuses to show a
// prediction: lock lists, what a lock blocks, what makes a statement long.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "model/timeline.hpp"

namespace migsafe {

// "reads, writes, DDL" / "writes, DDL" / "DDL" / "" for what a lock blocks.
std::string blocks_text(LockMode m);
// The notes column: rewrite, scan, index build, waits, transaction block, unknown, more.
std::vector<std::string> effect_notes(const Effect& e);
// One line of SQL for a table cell: whitespace collapsed, cut to `width` code points.
std::string one_line(std::string_view sql, size_t width);

nlohmann::json lock_json(const RelationLock& l);
nlohmann::json effect_json(const Effect& e);

void write_locks_text(const std::vector<FileTimeline>& files, std::ostream& out);
void write_locks_json(const std::vector<FileTimeline>& files, int pg_version, std::ostream& out);

}  // namespace migsafe
