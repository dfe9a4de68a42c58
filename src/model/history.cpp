// Replaying earlier migrations; see history.hpp.
#include "model/history.hpp"

#include <optional>

#include "core/parse.hpp"
#include "model/locks.hpp"

namespace migsafe {

std::shared_ptr<const Catalog> replay_history(
    const std::vector<std::shared_ptr<const SourceFile>>& files, const LintSettings& settings) {
  auto acc = std::make_shared<Catalog>();
  if (settings.base_catalog) *acc = *settings.base_catalog;
  for (const auto& file : files) {
    LintSettings s = settings;
    s.base_catalog = acc;
    ParsedFile parsed = parse_file(*file);
    FileContext ctx(*file, s);
    for (const Statement& stmt : parsed.statements) {
      std::optional<Effect> effect;
      ctx.advance(stmt, [&]() -> const Effect& {
        if (!effect) effect = predict(stmt, ctx);
        return *effect;
      });
    }
    auto next = std::make_shared<Catalog>(ctx.catalog());
    next->mark_history();
    acc = next;
  }
  return acc;
}

}  // namespace migsafe
