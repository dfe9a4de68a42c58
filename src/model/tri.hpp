// Three-valued answers for facts a static analyser cannot always know.
#pragma once

namespace migsafe {

enum class Tri { No, Yes, Maybe };

}  // namespace migsafe
