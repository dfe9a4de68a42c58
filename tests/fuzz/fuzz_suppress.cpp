// libFuzzer entry for the `suppress` target (see targets.hpp); scripts/fuzz.sh builds and runs it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  migsafe::fuzz::suppress(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
