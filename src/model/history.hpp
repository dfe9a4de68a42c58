// The schema before a migration: earlier migrations replayed, in order, into a catalog whose
// objects all count as existing (Origin::History), so the lock model treats them as tables in
// use. Used by `migsafe locks`, `migsafe trace` and the lock oracle test.
#pragma once

#include <memory>
#include <vector>

#include "core/source.hpp"
#include "model/catalog.hpp"
#include "model/context.hpp"

namespace migsafe {

// Replays `files` in order on top of `settings.base_catalog` (if any).
std::shared_ptr<const Catalog> replay_history(
    const std::vector<std::shared_ptr<const SourceFile>>& files, const LintSettings& settings);

}  // namespace migsafe
