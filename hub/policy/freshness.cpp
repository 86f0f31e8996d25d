#include "hub/policy/freshness.h"

#include <fmt/format.h>

#include <set>
#include <string_view>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"

namespace alerthub::hub {

std::optional<std::string> stale_reason(const Alert& alert, WallTime now,
                                        std::chrono::seconds max_age) {
    if (alert.source.kind != SourceKind::kJma) return std::nullopt;
    const auto age = now - alert.source.sent;
    if (age <= max_age) return std::nullopt;
    return fmt::format("stale: sent {} JST, {} min before it arrived (max_age_s {})",
                       format_jst_minutes(alert.source.sent),
                       std::chrono::duration_cast<std::chrono::minutes>(age).count(),
                       max_age.count());
}

void mark_replay(Alert& alert) {
    const std::string issued = format_jst_minutes(alert.source.sent);
    std::set<std::string> tags;
    for (auto& [tag, text] : alert.headline) {
        text = replay_mark(tag) + text;
        tags.insert(tag);
    }
    for (const auto& [tag, text] : alert.description) tags.insert(tag);
    for (const auto& tag : tags) {
        auto& text = alert.description[tag];
        text = replay_note(tag, issued) + (text.empty() ? "" : "\n" + text);
    }
}

}  // namespace alerthub::hub
