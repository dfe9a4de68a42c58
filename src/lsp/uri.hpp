// file:// URIs (RFC 8089, as editors send them) to file system paths and back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace migsafe::lsp {

// "file:///srv/db/a%20b.sql" -> "/srv/db/a b.sql". The authority must be empty or
// "localhost"; nullopt for another scheme, a remote host, a bad %-escape or a NUL byte.
std::optional<std::string> file_uri_to_path(std::string_view uri);
// An absolute path as a file URI: every byte except unreserved characters and "/" is
// %-encoded (upper-case hex), as VS Code does.
std::string path_to_file_uri(std::string_view path);

}  // namespace migsafe::lsp
