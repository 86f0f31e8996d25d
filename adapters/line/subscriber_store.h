#pragma once
// LINE subscribers: who follows the ward's account, in which language and for which areas
// (SQLite, the adapter's own database file, on its own connection). A LINE user id is
// personal data: it lives only here and in LINE's requests, never in logs (they say "a
// subscriber", or count). Filled by the webhook (follow/unfollow, the settings menu) and by
// CSV import; read when an area-targeted job fixes its audience.
//
// Thread-safe: the webhook's handler threads and the delivery loop each call it.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/town_blocks.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::line {

// The languages a subscriber can choose (tags as in the canonical alert), Japanese first.
struct LineLanguage {
    std::string_view tag;
    std::string_view label;  // in that language, for the menu
};
inline constexpr LineLanguage kLineLanguages[] = {
    {"ja", "日本語"},        {"ja-x-easy", "やさしい日本語"},
    {"en", "English"},       {"zh-Hans", "简体中文"},
    {"zh-Hant", "繁體中文"}, {"ko", "한국어"},
    {"vi", "Tiếng Việt"},    {"ne", "नेपाली"},
    {"pt", "Português"},
};
bool is_line_language(std::string_view tag);

// "U" and 32 lower-case hex digits, as LINE's webhook gives them.
bool is_line_user_id(std::string_view id);

struct LineSubscriber {
    std::string user_id;
    std::string language = "ja";
    std::vector<std::string> areas;  // town-block codes, sorted; empty: the whole ward
    WallTime followed{};
    WallTime updated{};
};

// One recipient of a targeted job.
struct LineRecipient {
    std::string user_id;
    std::string language;
};

class SubscriberStore {
public:
    static Result<SubscriberStore> open(const std::string& path);
    SubscriberStore(SubscriberStore&& other) noexcept : db_(std::move(other.db_)) {}

    // A follow: a new subscriber (Japanese, the whole ward), or the existing one unchanged
    // (LINE redelivers events). Returns whether it is new.
    Result<bool> follow(const std::string& user_id, WallTime now);
    // An unfollow (the user blocked the account): forgotten, as LINE asks (no sends to
    // users who cannot receive them). Returns whether there was one.
    Result<bool> unfollow(const std::string& user_id);
    Result<std::optional<LineSubscriber>> find(const std::string& user_id);
    // Inserts or replaces (language, areas, updated; `followed` only for a new one).
    Status save(const LineSubscriber& subscriber);
    Result<std::int64_t> count();
    Result<std::vector<LineSubscriber>> all();
    // Replaces or adds every subscriber in one transaction: all or nothing.
    Status save_all(const std::vector<LineSubscriber>& subscribers);

    // Subscribers of the whole ward and of any of `codes`, sorted by language (Japanese
    // first, then as kLineLanguages) and user id.
    Result<std::vector<LineRecipient>> audience(const std::vector<std::string>& codes);

private:
    explicit SubscriberStore(SqliteDb db) : db_(std::move(db)) {}
    Status save_locked(const LineSubscriber& subscriber);

    std::mutex mu_;
    SqliteDb db_;
};

// The index of `tag` in kLineLanguages (unknown tags last): the order batches go out in.
std::size_t language_rank(std::string_view tag);

}  // namespace alerthub::line
