#include "adapters/line/subscriber_store.h"

#include <fmt/format.h>

#include <filesystem>

#include <algorithm>
#include <set>

#include "core/base/clock.h"
#include "core/storage/schema.h"

namespace alerthub::line {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS line_subscribers (
    user_id     TEXT PRIMARY KEY,
    language    TEXT NOT NULL DEFAULT 'ja',
    areas       TEXT NOT NULL DEFAULT '',
    followed_ms INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL
);
)sql";

LineSubscriber read_subscriber(const SqliteStatement& st) {
    LineSubscriber s;
    s.user_id = st.column_text(0);
    s.language = st.column_text(1);
    s.areas = split_words(st.column_text(2));
    s.followed = from_epoch_ms(st.column_int(3));
    s.updated = from_epoch_ms(st.column_int(4));
    return s;
}

constexpr const char* kColumns = "user_id, language, areas, followed_ms, updated_ms";

}  // namespace

bool is_line_language(std::string_view tag) {
    return std::any_of(std::begin(kLineLanguages), std::end(kLineLanguages),
                       [&](const LineLanguage& l) { return l.tag == tag; });
}

bool is_line_user_id(std::string_view id) {
    return id.size() == 33 && id[0] == 'U' && std::all_of(id.begin() + 1, id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::size_t language_rank(std::string_view tag) {
    for (std::size_t i = 0; i < std::size(kLineLanguages); ++i)
        if (kLineLanguages[i].tag == tag) return i;
    return std::size(kLineLanguages);
}

Result<SubscriberStore> SubscriberStore::open(const std::string& path) {
    std::error_code ec;  // a failure here shows up as SQLite's, naming the path
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    ComponentSchema schema{.component = "line_subscribers",
                           .version = 1,
                           .marker_table = "line_subscribers",
                           .create_sql = std::string(kSchema),
                           .migrations = {}};
    if (auto s = apply_schema(*db, schema, path); !s) return s.error();
    return SubscriberStore(std::move(*db));
}

Result<bool> SubscriberStore::follow(const std::string& user_id, WallTime now) {
    std::lock_guard lock(mu_);
    auto st = db_.prepare(
        "INSERT OR IGNORE INTO line_subscribers (user_id, followed_ms, updated_ms) "
        "VALUES (?1, ?2, ?2)");
    if (!st) return st.error();
    st->bind(1, user_id).bind(2, epoch_ms(now));
    if (auto s = st->run(); !s) return s.error();
    return db_.changes() > 0;
}

Result<bool> SubscriberStore::unfollow(const std::string& user_id) {
    std::lock_guard lock(mu_);
    auto st = db_.prepare("DELETE FROM line_subscribers WHERE user_id = ?1");
    if (!st) return st.error();
    st->bind(1, user_id);
    if (auto s = st->run(); !s) return s.error();
    return db_.changes() > 0;
}

Result<std::optional<LineSubscriber>> SubscriberStore::find(const std::string& user_id) {
    std::lock_guard lock(mu_);
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM line_subscribers WHERE user_id = ?1", kColumns));
    if (!st) return st.error();
    st->bind(1, user_id);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<LineSubscriber>();
    return std::optional<LineSubscriber>(read_subscriber(*st));
}

Status SubscriberStore::save_locked(const LineSubscriber& s) {
    auto st = db_.prepare(
        "INSERT INTO line_subscribers (user_id, language, areas, followed_ms, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE SET "
        "language = excluded.language, areas = excluded.areas, updated_ms = excluded.updated_ms");
    if (!st) return st.error();
    auto areas = s.areas;
    std::sort(areas.begin(), areas.end());
    areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
    st->bind(1, s.user_id)
        .bind(2, s.language)
        .bind(3, join_words(areas))
        .bind(4, epoch_ms(s.followed))
        .bind(5, epoch_ms(s.updated));
    return st->run();
}

Status SubscriberStore::save(const LineSubscriber& s) {
    std::lock_guard lock(mu_);
    return save_locked(s);
}

Status SubscriberStore::save_all(const std::vector<LineSubscriber>& subscribers) {
    std::lock_guard lock(mu_);
    return db_.transaction([&]() -> Status {
        for (auto& s : subscribers)
            if (auto r = save_locked(s); !r) return r;
        return {};
    });
}

Result<std::int64_t> SubscriberStore::count() {
    std::lock_guard lock(mu_);
    auto st = db_.prepare("SELECT COUNT(*) FROM line_subscribers");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    return st->column_int(0);
}

Result<std::vector<LineSubscriber>> SubscriberStore::all() {
    std::lock_guard lock(mu_);
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM line_subscribers ORDER BY user_id", kColumns));
    if (!st) return st.error();
    std::vector<LineSubscriber> out;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(read_subscriber(*st));
    }
    return out;
}

Result<std::vector<LineRecipient>> SubscriberStore::audience(
    const std::vector<std::string>& codes) {
    std::set<std::string, std::less<>> wanted(codes.begin(), codes.end());
    std::vector<LineRecipient> out;
    {
        std::lock_guard lock(mu_);
        auto st = db_.prepare("SELECT user_id, language, areas FROM line_subscribers");
        if (!st) return st.error();
        for (;;) {
            auto row = st->step();
            if (!row) return row.error();
            if (!*row) break;
            auto areas = st->column_text(2);
            bool match = areas.empty();  // the whole ward
            for (auto& code : split_words(areas)) match = match || wanted.count(code) > 0;
            if (match) out.push_back({st->column_text(0), st->column_text(1)});
        }
    }
    std::sort(out.begin(), out.end(), [](const LineRecipient& a, const LineRecipient& b) {
        auto ra = language_rank(a.language), rb = language_rank(b.language);
        if (ra != rb) return ra < rb;
        if (a.language != b.language) return a.language < b.language;
        return a.user_id < b.user_id;
    });
    return out;
}

}  // namespace alerthub::line
