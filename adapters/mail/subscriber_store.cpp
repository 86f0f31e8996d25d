#include "adapters/mail/subscriber_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/base/clock.h"
#include "core/storage/schema.h"

namespace alerthub::mail {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS subscribers (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    areas         TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT 'ja',
    state         TEXT NOT NULL
                  CHECK (state IN ('pending', 'active', 'unsubscribed', 'bounced')),
    created_ms    INTEGER NOT NULL,
    confirmed_ms  INTEGER,
    hard_bounces  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS subscribers_state ON subscribers (state);
CREATE TABLE IF NOT EXISTS confirmations (
    token_hash    TEXT PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    areas         TEXT NOT NULL,
    language      TEXT NOT NULL,
    expires_ms    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS used_confirmations (
    token_hash    TEXT PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kept_until_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS registration_mails (
    address_hash  TEXT NOT NULL,
    sent_ms       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS registration_mails_address ON registration_mails (address_hash);
CREATE TABLE IF NOT EXISTS job_recipients (
    job_id        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    subscriber_id INTEGER NOT NULL,  -- 0: a staff copy
    staff_address TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL DEFAULT 'pending'
                  CHECK (outcome IN ('pending', 'accepted', 'refused', 'skipped')),
    code          INTEGER NOT NULL DEFAULT 0,
    sent_ms       INTEGER,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS job_recipients_pending ON job_recipients (job_id, outcome);
)sql";

std::string to_string(RecipientOutcome o) {
    switch (o) {
        case RecipientOutcome::kPending:
            return "pending";
        case RecipientOutcome::kAccepted:
            return "accepted";
        case RecipientOutcome::kRefused:
            return "refused";
        case RecipientOutcome::kSkipped:
            return "skipped";
    }
    return "pending";
}

constexpr const char* kSubscriberColumns =
    "id, email, areas, language, state, created_ms, confirmed_ms, hard_bounces";

Result<Subscriber> read_subscriber(const SqliteStatement& st) {
    Subscriber s;
    s.id = st.column_int(0);
    s.email = st.column_text(1);
    s.areas = split_words(st.column_text(2));
    s.language = st.column_text(3);
    auto state = parse_subscriber_state(st.column_text(4));
    if (!state) return state.error();
    s.state = *state;
    s.created = from_epoch_ms(st.column_int(5));
    if (!st.column_is_null(6)) s.confirmed = from_epoch_ms(st.column_int(6));
    s.hard_bounces = static_cast<int>(st.column_int(7));
    return s;
}

bool matches(const Subscriber& s, const AreaTargeting& t) {
    if (t.whole_ward || s.areas.empty()) return true;
    return std::any_of(s.areas.begin(), s.areas.end(), [&](const std::string& a) {
        return std::binary_search(t.codes.begin(), t.codes.end(), a);
    });
}

}  // namespace

std::string to_string(SubscriberState state) {
    switch (state) {
        case SubscriberState::kPending:
            return "pending";
        case SubscriberState::kActive:
            return "active";
        case SubscriberState::kUnsubscribed:
            return "unsubscribed";
        case SubscriberState::kBounced:
            return "bounced";
    }
    return "pending";
}

Result<SubscriberState> parse_subscriber_state(std::string_view text) {
    for (auto s : {SubscriberState::kPending, SubscriberState::kActive,
                   SubscriberState::kUnsubscribed, SubscriberState::kBounced})
        if (to_string(s) == text) return s;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("unknown subscriber state '{}' (pending, active, "
                                  "unsubscribed, bounced)",
                                  text));
}

Result<SubscriberStore> SubscriberStore::open(const std::string& path) {
    std::error_code ec;  // a failure shows up as SQLite's, naming the path
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    ComponentSchema schema{.component = "mail_subscribers",
                           .version = 1,
                           .marker_table = "subscribers",
                           .create_sql = std::string(kSchema),
                           .migrations = {}};
    if (auto s = apply_schema(*db, schema, path); !s) return s.error();
    return SubscriberStore(std::move(*db));
}

template <typename Key>
Result<std::optional<Subscriber>> SubscriberStore::find_where(const char* column, const Key& key) {
    auto st = db_.prepare(
        fmt::format("SELECT {} FROM subscribers WHERE {} = ?1", kSubscriberColumns, column));
    if (!st) return st.error();
    st->bind(1, key);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<Subscriber>();
    auto s = read_subscriber(*st);
    if (!s) return s.error();
    return std::optional<Subscriber>(std::move(*s));
}

Result<std::optional<Subscriber>> SubscriberStore::find(std::int64_t id) {
    return find_where("id", id);
}

Result<std::optional<Subscriber>> SubscriberStore::find_by_email(const std::string& email) {
    return find_where("email", email);
}

Result<std::int64_t> SubscriberStore::add(const Subscriber& s, WallTime now) {
    auto st = db_.prepare(
        "INSERT INTO subscribers (email, areas, language, state, created_ms, confirmed_ms, "
        "hard_bounces) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (email) DO NOTHING");
    if (!st) return st.error();
    st->bind(1, s.email)
        .bind(2, join_words(s.areas))
        .bind(3, s.language)
        .bind(4, to_string(s.state))
        .bind(5, epoch_ms(s.created == WallTime{} ? now : s.created))
        .bind(7, static_cast<std::int64_t>(s.hard_bounces));
    if (s.confirmed)
        st->bind(6, epoch_ms(*s.confirmed));
    else
        st->bind_null(6);
    if (auto r = st->run(); !r) return r.error();
    if (db_.changes() == 1) return db_.last_insert_rowid();
    auto existing = find_by_email(s.email);
    if (!existing) return existing.error();
    if (!*existing) return make_error(ErrorCode::kInternal, "subscriber vanished while adding");
    return (*existing)->id;
}

Result<int> SubscriberStore::add_all(const std::vector<Subscriber>& subscribers, WallTime now) {
    int added = 0;
    auto status = db_.transaction([&]() -> Status {
        for (auto& s : subscribers) {
            auto id = add(s, now);
            if (!id) return id.error();
            if (db_.changes() == 1) ++added;  // 0 when the address was there
        }
        return {};
    });
    if (!status) return status.error();
    return added;
}

Status SubscriberStore::update(const Subscriber& s) {
    auto st = db_.prepare(
        "UPDATE subscribers SET areas = ?2, language = ?3, state = ?4, confirmed_ms = ?5, "
        "hard_bounces = ?6 WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, s.id)
        .bind(2, join_words(s.areas))
        .bind(3, s.language)
        .bind(4, to_string(s.state))
        .bind(6, static_cast<std::int64_t>(s.hard_bounces));
    if (s.confirmed)
        st->bind(5, epoch_ms(*s.confirmed));
    else
        st->bind_null(5);
    return st->run();
}

Result<std::vector<Subscriber>> SubscriberStore::all() {
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM subscribers ORDER BY id", kSubscriberColumns));
    if (!st) return st.error();
    std::vector<Subscriber> out;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        auto s = read_subscriber(*st);
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

Result<int> SubscriberStore::count(SubscriberState state) {
    auto st = db_.prepare("SELECT COUNT(*) FROM subscribers WHERE state = ?1");
    if (!st) return st.error();
    st->bind(1, to_string(state));
    auto row = st->step();
    if (!row) return row.error();
    return static_cast<int>(st->column_int(0));
}

Status SubscriberStore::add_confirmation(const std::string& token_hash, const Confirmation& c,
                                         WallTime expires) {
    auto st = db_.prepare(
        "INSERT INTO confirmations (token_hash, subscriber_id, areas, language, expires_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return st.error();
    st->bind(1, token_hash)
        .bind(2, c.subscriber_id)
        .bind(3, join_words(c.areas))
        .bind(4, c.language)
        .bind(5, epoch_ms(expires));
    return st->run();
}

Result<std::optional<Confirmation>> SubscriberStore::take_confirmation(
    const std::string& token_hash, WallTime now) {
    std::optional<Confirmation> out;
    auto status = db_.transaction([&]() -> Status {
        auto st = db_.prepare(
            "SELECT subscriber_id, areas, language, expires_ms FROM confirmations "
            "WHERE token_hash = ?1");
        if (!st) return st.error();
        st->bind(1, token_hash);
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return {};
        // An expired token stays until forget_unconfirmed takes it with its registration.
        if (st->column_int(3) <= epoch_ms(now)) return {};
        Confirmation c{st->column_int(0), split_words(st->column_text(1)), st->column_text(2)};
        auto del = db_.prepare("DELETE FROM confirmations WHERE token_hash = ?1");
        if (!del) return del.error();
        del->bind(1, token_hash);
        if (auto s = del->run(); !s) return s;
        auto used = db_.prepare(
            "INSERT OR REPLACE INTO used_confirmations (token_hash, subscriber_id, kept_until_ms) "
            "VALUES (?1, ?2, ?3)");
        if (!used) return used.error();
        used->bind(1, token_hash).bind(2, c.subscriber_id).bind(3, epoch_ms(now + kUsedTokenKept));
        if (auto s = used->run(); !s) return s;
        out = std::move(c);
        return {};
    });
    if (!status) return status.error();
    return out;
}

Result<std::optional<std::int64_t>> SubscriberStore::used_confirmation(
    const std::string& token_hash, WallTime now) {
    auto st = db_.prepare(
        "SELECT subscriber_id FROM used_confirmations WHERE token_hash = ?1 AND kept_until_ms > "
        "?2");
    if (!st) return st.error();
    st->bind(1, token_hash).bind(2, epoch_ms(now));
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(st->column_int(0));
}

Result<int> SubscriberStore::forget_unconfirmed(WallTime now) {
    int forgotten = 0;
    auto status = db_.transaction([&]() -> Status {
        // Only those a registration left pending: an import's pending rows never had a token.
        auto pending = db_.prepare(
            "DELETE FROM subscribers WHERE state = 'pending' AND id IN (SELECT subscriber_id "
            "FROM confirmations WHERE expires_ms <= ?1) AND id NOT IN (SELECT subscriber_id "
            "FROM confirmations WHERE expires_ms > ?1)");
        if (!pending) return pending.error();
        pending->bind(1, epoch_ms(now));
        if (auto s = pending->run(); !s) return s;
        forgotten = db_.changes();
        auto expired = db_.prepare("DELETE FROM confirmations WHERE expires_ms <= ?1");
        if (!expired) return expired.error();
        expired->bind(1, epoch_ms(now));
        if (auto s = expired->run(); !s) return s;
        auto used = db_.prepare("DELETE FROM used_confirmations WHERE kept_until_ms <= ?1");
        if (!used) return used.error();
        used->bind(1, epoch_ms(now));
        return used->run();
    });
    if (!status) return status.error();
    return forgotten;
}

Result<bool> SubscriberStore::allow_registration_mail(const std::string& address_hash,
                                                      WallTime since, WallTime now, int limit) {
    bool allowed = false;
    auto status = db_.transaction([&]() -> Status {
        auto prune = db_.prepare("DELETE FROM registration_mails WHERE sent_ms < ?1");
        if (!prune) return prune.error();
        prune->bind(1, epoch_ms(since));
        if (auto s = prune->run(); !s) return s;
        auto st = db_.prepare("SELECT COUNT(*) FROM registration_mails WHERE address_hash = ?1");
        if (!st) return st.error();
        st->bind(1, address_hash);
        if (auto row = st->step(); !row) return row.error();
        if (st->column_int(0) >= limit) return {};
        auto add =
            db_.prepare("INSERT INTO registration_mails (address_hash, sent_ms) VALUES (?1, ?2)");
        if (!add) return add.error();
        add->bind(1, address_hash).bind(2, epoch_ms(now));
        if (auto s = add->run(); !s) return s;
        allowed = true;
        return {};
    });
    if (!status) return status.error();
    return allowed;
}

Result<int> SubscriberStore::snapshot_audience(const std::string& job_id,
                                               const AreaTargeting& targeting,
                                               const std::vector<std::string>& staff) {
    int size = 0;
    auto status = db_.transaction([&]() -> Status {
        auto existing = db_.prepare("SELECT COUNT(*) FROM job_recipients WHERE job_id = ?1");
        if (!existing) return existing.error();
        existing->bind(1, job_id);
        if (auto row = existing->step(); !row) return row.error();
        size = static_cast<int>(existing->column_int(0));
        if (size > 0) return {};

        // One statement per row: SqliteStatement has no reset, and a prepare costs little.
        auto add = [&](std::int64_t subscriber_id, const std::string& staff_address) -> Status {
            auto insert = db_.prepare(
                "INSERT INTO job_recipients (job_id, seq, subscriber_id, staff_address) "
                "VALUES (?1, ?2, ?3, ?4)");
            if (!insert) return insert.error();
            insert->bind(1, job_id)
                .bind(2, static_cast<std::int64_t>(size))
                .bind(3, subscriber_id)
                .bind(4, staff_address);
            if (auto s = insert->run(); !s) return s;
            ++size;
            return {};
        };
        auto st = db_.prepare(fmt::format(
            "SELECT {} FROM subscribers WHERE state = 'active' ORDER BY id", kSubscriberColumns));
        if (!st) return st.error();
        for (;;) {
            auto row = st->step();
            if (!row) return row.error();
            if (!*row) break;
            auto s = read_subscriber(*st);
            if (!s) return s.error();
            if (!matches(*s, targeting)) continue;
            if (auto r = add(s->id, ""); !r) return r;
        }
        for (auto& address : staff)
            if (auto r = add(0, address); !r) return r;
        return {};
    });
    if (!status) return status.error();
    return size;
}

Result<std::vector<JobRecipient>> SubscriberStore::pending_recipients(const std::string& job_id) {
    auto st = db_.prepare(
        "SELECT r.seq, r.subscriber_id, r.staff_address, s.email, s.language, s.state "
        "FROM job_recipients r LEFT JOIN subscribers s ON s.id = r.subscriber_id "
        "WHERE r.job_id = ?1 AND r.outcome = 'pending' ORDER BY r.seq");
    if (!st) return st.error();
    st->bind(1, job_id);
    std::vector<JobRecipient> out;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        JobRecipient r;
        r.seq = static_cast<int>(st->column_int(0));
        r.subscriber_id = st->column_int(1);
        if (r.subscriber_id == 0) {
            r.email = st->column_text(2);
        } else {
            r.email = st->column_text(3);
            r.language = st->column_is_null(4) ? "ja" : st->column_text(4);
            // Gone or no longer active since the snapshot: not mailed.
            r.active = !st->column_is_null(5) && st->column_text(5) == "active";
        }
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::vector<std::int64_t>> SubscriberStore::record_batch(
    const std::string& job_id, const std::vector<RecipientResult>& results, int bounce_limit) {
    std::vector<std::int64_t> bounced;
    auto status = db_.transaction([&]() -> Status {
        for (auto& r : results) {
            if (r.outcome == RecipientOutcome::kPending) continue;
            auto mark = db_.prepare(
                "UPDATE job_recipients SET outcome = ?3, code = ?4, sent_ms = ?5 "
                "WHERE job_id = ?1 AND seq = ?2");
            if (!mark) return mark.error();
            mark->bind(1, job_id)
                .bind(2, static_cast<std::int64_t>(r.seq))
                .bind(3, to_string(r.outcome))
                .bind(4, static_cast<std::int64_t>(r.code))
                .bind(5, epoch_ms(r.sent));
            if (auto s = mark->run(); !s) return s;
            if (r.subscriber_id == 0) continue;
            if (r.outcome == RecipientOutcome::kAccepted) {
                auto reset = db_.prepare("UPDATE subscribers SET hard_bounces = 0 WHERE id = ?1");
                if (!reset) return reset.error();
                reset->bind(1, r.subscriber_id);
                if (auto s = reset->run(); !s) return s;
            } else if (r.outcome == RecipientOutcome::kRefused) {
                auto refuse = db_.prepare(
                    "UPDATE subscribers SET hard_bounces = hard_bounces + 1, "
                    "state = CASE WHEN hard_bounces + 1 >= ?2 AND state = 'active' "
                    "THEN 'bounced' ELSE state END WHERE id = ?1 "
                    "RETURNING state = 'bounced' AND hard_bounces = ?2");
                if (!refuse) return refuse.error();
                refuse->bind(1, r.subscriber_id).bind(2, static_cast<std::int64_t>(bounce_limit));
                auto row = refuse->step();
                if (!row) return row.error();
                bool now_bounced = *row && refuse->column_int(0) != 0;
                if (auto s = refuse->run(); !s) return s;
                if (now_bounced) bounced.push_back(r.subscriber_id);
            }
        }
        return {};
    });
    if (!status) return status.error();
    return bounced;
}

Result<JobCounts> SubscriberStore::counts(const std::string& job_id) {
    auto st = db_.prepare(
        "SELECT outcome, COUNT(*) FROM job_recipients WHERE job_id = ?1 GROUP BY outcome");
    if (!st) return st.error();
    st->bind(1, job_id);
    JobCounts c;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        auto n = static_cast<int>(st->column_int(1));
        auto outcome = st->column_text(0);
        c.audience += n;
        if (outcome == "accepted") c.accepted = n;
        if (outcome == "refused") c.refused = n;
        if (outcome == "skipped") c.skipped = n;
        if (outcome == "pending") c.pending = n;
    }
    return c;
}

Result<std::vector<SubscriberStore::BatchSummary>> SubscriberStore::batch_summaries(
    const std::string& job_id, int batch_size) {
    auto st = db_.prepare(
        "SELECT seq / ?2 AS batch, COUNT(*), SUM(outcome = 'accepted'), SUM(outcome = 'refused'), "
        "SUM(outcome = 'skipped'), SUM(outcome = 'pending'), MIN(sent_ms), MAX(sent_ms) "
        "FROM job_recipients WHERE job_id = ?1 GROUP BY batch ORDER BY batch");
    if (!st) return st.error();
    st->bind(1, job_id).bind(2, static_cast<std::int64_t>(std::max(batch_size, 1)));
    std::vector<BatchSummary> out;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        BatchSummary b;
        b.index = static_cast<int>(st->column_int(0)) + 1;
        b.counts.audience = static_cast<int>(st->column_int(1));
        b.counts.accepted = static_cast<int>(st->column_int(2));
        b.counts.refused = static_cast<int>(st->column_int(3));
        b.counts.skipped = static_cast<int>(st->column_int(4));
        b.counts.pending = static_cast<int>(st->column_int(5));
        if (!st->column_is_null(6)) b.first_send = from_epoch_ms(st->column_int(6));
        if (!st->column_is_null(7)) b.last_send = from_epoch_ms(st->column_int(7));
        out.push_back(b);
    }
    return out;
}

Status SubscriberStore::adopt_addresses(const std::string& job_id,
                                        const std::vector<std::string>& addresses, int done) {
    return db_.transaction([&]() -> Status {
        for (std::size_t i = 0; i < addresses.size(); ++i) {
            auto st = db_.prepare(
                "INSERT OR IGNORE INTO job_recipients (job_id, seq, subscriber_id, staff_address, "
                "outcome) VALUES (?1, ?2, 0, ?3, ?4)");
            if (!st) return st.error();
            st->bind(1, job_id)
                .bind(2, static_cast<std::int64_t>(i))
                .bind(3, addresses[i])
                .bind(4, static_cast<int>(i) < done ? "accepted" : "pending");
            if (auto s = st->run(); !s) return s;
        }
        return {};
    });
}

Status SubscriberStore::forget_pruned_jobs() {
    auto st =
        db_.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'jobs'");
    if (!st) return st.error();
    if (auto row = st->step(); !row) return row.error();
    if (st->column_int(0) == 0) return {};
    return db_.exec("DELETE FROM job_recipients WHERE job_id NOT IN (SELECT job_id FROM jobs)");
}

}  // namespace alerthub::mail
