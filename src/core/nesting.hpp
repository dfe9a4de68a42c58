// A cheap upper bound on how deeply a statement's parse tree nests, read from its text before
// libpg_query sees it. libpg_query, protobuf-c's unpacker and the tree walks all recurse once
// per level, so a statement like `SELECT 1 + 1 + ... + 1` with a few thousand terms overflows
// the stack (a crash, not an error). Statements above the bound are reported, not parsed.
#pragma once

#include <cstddef>
#include <string_view>

namespace migsafe {

// The deepest nesting migsafe parses. Real migrations stay far below it; the stack is safe up
// to several times more (also under AddressSanitizer, whose frames are larger).
inline constexpr size_t kMaxNesting = 1000;

struct NestingCheck {
  bool too_deep = false;
  size_t offset = 0;  // byte offset in the text where the bound passes kMaxNesting
};

// Counts, outside strings, quoted identifiers, dollar quotes and comments: open parentheses
// and brackets, plus for each open level the chainable operators (`+`, `||`, `::`, `->`, ...,
// unary minus) and the words CASE and NOT since that level's last comma. Comparison
// operators (`=`, `<`, `>`, `<=`, `>=`, `<>`, `!=`) cannot chain in PostgreSQL's grammar and
// AND / OR chains are flattened by it, so neither counts. This never undercounts a tree's
// depth, so a statement it accepts is safe to parse.
NestingCheck check_nesting(std::string_view sql);

}  // namespace migsafe
