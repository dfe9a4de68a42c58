// JSON building blocks shared by the json and sarif formats.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "core/finding.hpp"
#include "core/source.hpp"

namespace migsafe {

nlohmann::json position_json(const SourceFile& file, size_t offset);
// Serialises without throwing on invalid UTF-8 in the user's SQL (replaced with U+FFFD).
std::string dump_json(const nlohmann::json& j, int indent = -1);
// A stable fingerprint of a finding: rule, path and the statement's text with whitespace
// collapsed, so moving a statement to other lines keeps it.
std::string finding_fingerprint(const SourceFile& file, const std::string& path, const Finding& f);

}  // namespace migsafe
