// Lookup over the generated embedded-file tables.
#include "core/embedded.hpp"

namespace migsafe {

std::string_view embedded(std::string_view path) {
  for (size_t i = 0; i < embedded_docs_count; ++i) {
    if (path == embedded_docs[i].path) return embedded_docs[i].contents;
  }
  for (size_t i = 0; i < embedded_data_count; ++i) {
    if (path == embedded_data[i].path) return embedded_data[i].contents;
  }
  return {};
}

}  // namespace migsafe
