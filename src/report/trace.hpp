// `migsafe trace` output: each statement's predicted effect beside what the server did, as text
// or JSON (docs/trace.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "db/trace.hpp"

namespace migsafe {

struct TraceHeader {
  std::string path;
  std::string server_version;         // "15.18"
  std::string where;                  // "a throwaway cluster" or "the database you named"
  std::vector<std::string> replayed;  // earlier migrations replayed to build the schema
};

void write_trace_text(const TraceHeader& h, const FileTimeline& timeline, const db::TraceResult& r,
                      std::ostream& out);
void write_trace_json(const TraceHeader& h, const FileTimeline& timeline, const db::TraceResult& r,
                      std::ostream& out);

}  // namespace migsafe
