// Files compiled into the binary at build time (rule docs pages, data tables).
#pragma once

#include <cstddef>
#include <string_view>

namespace migsafe {

struct EmbeddedFile {
  const char* path;
  const char* contents;
};

extern const EmbeddedFile embedded_docs[];
extern const size_t embedded_docs_count;
extern const EmbeddedFile embedded_data[];
extern const size_t embedded_data_count;

// Contents of an embedded file by its path relative to the repository root ("" when absent).
std::string_view embedded(std::string_view path);

}  // namespace migsafe
