#include "hub/journal/journal.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <optional>
#include <tuple>

#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "core/protocol/site_link.h"

namespace alerthub::hub {
namespace {

// 2: documents are unique by their identity (SourceDocument::identity), no longer by
// (sender, identifier, sent).
// 3: a version keeps its source's sequence (JMA Serial, L-Alert revision) and whether it
// ended its episode: typed facts the lifecycle rules compare.
// 4: a version keeps what the ward was told (the ward reading's fingerprint, whether it was
// in force) and who it reached (none, screens, everyone): rules W1-W4 compare them.
// 5: an outbox row keeps when it was written and published in milliseconds (created_ms,
// published_ms): the ingest-to-publish histogram's goal is under a second.
constexpr int kSchemaVersion = 5;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    received TEXT NOT NULL,
    origin TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    sender TEXT NOT NULL,
    identifier TEXT NOT NULL,
    sent TEXT NOT NULL,
    identity TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS alert_versions (
    alert_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    sent_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    created TEXT NOT NULL,
    alert_json TEXT NOT NULL,
    sequence INTEGER,
    ends_episode INTEGER NOT NULL DEFAULT 0,
    ward_fingerprint TEXT,
    ward_in_force INTEGER,
    reach TEXT,
    PRIMARY KEY (alert_id, version)
);
CREATE TABLE IF NOT EXISTS message_keys (
    sender TEXT NOT NULL,
    identifier TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    PRIMARY KEY (sender, identifier)
);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    retained INTEGER NOT NULL,
    created TEXT NOT NULL,
    published_at TEXT,
    created_ms INTEGER,
    published_ms INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox(seq) WHERE published_at IS NULL;
CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    detail TEXT NOT NULL,
    first_attempt TEXT NOT NULL,
    finished TEXT NOT NULL,
    received TEXT NOT NULL,
    UNIQUE (job_id, outcome, attempts, finished)
);
CREATE TABLE IF NOT EXISTS receipt_batches (
    receipt_id INTEGER NOT NULL REFERENCES receipts(id),
    batch INTEGER NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    first_send TEXT,
    last_send TEXT,
    detail TEXT NOT NULL,
    PRIMARY KEY (receipt_id, batch)
);
CREATE TABLE IF NOT EXISTS receipt_warnings (
    receipt_id INTEGER NOT NULL REFERENCES receipts(id),
    seq INTEGER NOT NULL,
    warning TEXT NOT NULL,
    PRIMARY KEY (receipt_id, seq)
);
CREATE TABLE IF NOT EXISTS display_acks (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    displayed_at TEXT NOT NULL,
    received TEXT NOT NULL,
    UNIQUE (device_id, alert_id, version, displayed_at)
);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    online INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    received TEXT NOT NULL,
    status_json TEXT NOT NULL
);
)sql";

// Version 1 journals keyed documents by (sender, identifier, sent). Their rows keep exactly
// that as a legacy identity, which ingest() still matches, so a document journaled before
// the upgrade stays a duplicate after it. SQLite cannot drop a UNIQUE constraint: the table
// is rebuilt (https://www.sqlite.org/lang_altertable.html#otheralter).
constexpr std::string_view kMigrateV1 = R"sql(
CREATE TABLE documents_v2 (
    id INTEGER PRIMARY KEY,
    received TEXT NOT NULL,
    origin TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    sender TEXT NOT NULL,
    identifier TEXT NOT NULL,
    sent TEXT NOT NULL,
    identity TEXT NOT NULL UNIQUE
);
INSERT INTO documents_v2 (id, received, origin, sha256, bytes, sender, identifier, sent, identity)
    SELECT id, received, origin, sha256, bytes, sender, identifier, sent,
           'legacy' || char(10) || sender || char(10) || identifier || char(10) || sent
    FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v2 RENAME TO documents;
)sql";

std::string legacy_identity(std::string_view sender, std::string_view identifier,
                            std::string_view sent) {
    return fmt::format("legacy\n{}\n{}\n{}", sender, identifier, sent);
}

Result<std::int64_t> schema_version(SqliteDb& db) {
    auto version = db.prepare("PRAGMA user_version");
    if (!version) return version.error();
    auto row = version->step();
    if (!row) return row.error();
    return *row ? version->column_int(0) : 0;
}

// Foreign keys are off while the table is swapped (SQLite's documented procedure); the
// version is re-read inside the transaction because the hub's two threads open the journal.
Status migrate_from_v1(SqliteDb& db) {
    if (auto s = db.exec("PRAGMA foreign_keys=OFF"); !s) return s;
    auto result = db.transaction([&]() -> Status {
        auto version = schema_version(db);
        if (!version) return version.error();
        if (*version != 1) return {};
        if (auto s = db.exec(kMigrateV1); !s) return s;
        auto check = db.prepare("PRAGMA foreign_key_check");
        if (!check) return check.error();
        auto row = check->step();
        if (!row) return row.error();
        if (*row)
            return make_error(ErrorCode::kInternal,
                              "journal migration 1 -> 2 would break a foreign key");
        return db.exec("PRAGMA user_version = 2");
    });
    if (auto s = db.exec("PRAGMA foreign_keys=ON"); !s) return s;
    return result;
}

// Version 2 journals kept neither fact: the sequence was read back from the identifier
// ("VXSE43/…#2", "documentID#3") and the end of an episode from the event code (a JMA
// all-clear, "VPWW53:00"). Both are read that way once here, for the rows already stored.
constexpr std::string_view kMigrateV2 = R"sql(
ALTER TABLE alert_versions ADD COLUMN sequence INTEGER;
ALTER TABLE alert_versions ADD COLUMN ends_episode INTEGER NOT NULL DEFAULT 0;
UPDATE alert_versions SET ends_episode = 1
    WHERE json_extract(alert_json, '$.event.code') GLOB 'V*:00';
)sql";

// The digits after the last '#' of a version 2 JMA or L-Alert identifier.
std::optional<std::int64_t> legacy_sequence(std::string_view identifier) {
    auto hash = identifier.rfind('#');
    if (hash == std::string_view::npos) return std::nullopt;
    auto digits = identifier.substr(hash + 1);
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return n;
}

Status migrate_from_v2(SqliteDb& db) {
    return db.transaction([&]() -> Status {
        auto version = schema_version(db);
        if (!version) return version.error();
        if (*version != 2) return {};
        if (auto s = db.exec(kMigrateV2); !s) return s;
        auto rows = db.prepare(
            "SELECT v.alert_id, v.version, d.identifier FROM alert_versions v "
            "JOIN documents d ON d.id = v.document_id "
            "WHERE json_extract(v.alert_json, '$.source.kind') IN ('jma', 'lalert')");
        if (!rows) return rows.error();
        std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> found;
        for (;;) {
            auto row = rows->step();
            if (!row) return row.error();
            if (!*row) break;
            if (auto n = legacy_sequence(rows->column_text(2)))
                found.emplace_back(rows->column_text(0), rows->column_int(1), *n);
        }
        for (const auto& [alert_id, v, n] : found) {
            auto q = db.prepare(
                "UPDATE alert_versions SET sequence = ? WHERE alert_id = ? AND version = ?");
            if (!q) return q.error();
            q->bind(1, n).bind(2, alert_id).bind(3, v);
            if (auto s = q->run(); !s) return s;
        }
        return db.exec("PRAGMA user_version = 3");
    });
}

// Version 3 versions were read for the whole telegram: no fingerprint (so the next reading
// of the ward is always news), in force unless ended, sent to everyone when sent.
constexpr std::string_view kMigrateV3 = R"sql(
ALTER TABLE alert_versions ADD COLUMN ward_fingerprint TEXT;
ALTER TABLE alert_versions ADD COLUMN ward_in_force INTEGER;
ALTER TABLE alert_versions ADD COLUMN reach TEXT;
)sql";

Status migrate_from_v3(SqliteDb& db) {
    return db.transaction([&]() -> Status {
        auto version = schema_version(db);
        if (!version) return version.error();
        if (*version != 3) return {};
        if (auto s = db.exec(kMigrateV3); !s) return s;
        return db.exec("PRAGMA user_version = 4");
    });
}

// Version 4 outbox rows have times to the second only: their milliseconds stay NULL (not
// made up), and the latency histogram leaves those rows out.
constexpr std::string_view kMigrateV4 = R"sql(
ALTER TABLE outbox ADD COLUMN created_ms INTEGER;
ALTER TABLE outbox ADD COLUMN published_ms INTEGER;
)sql";

Status migrate_from_v4(SqliteDb& db) {
    return db.transaction([&]() -> Status {
        auto version = schema_version(db);
        if (!version) return version.error();
        if (*version != 4) return {};
        // A journal without an outbox yet gets it whole from kSchema afterwards. (The query is
        // finished before the ALTER: an open statement would lock the table.)
        bool has_outbox = false;
        {
            auto q =
                db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'");
            if (!q) return q.error();
            auto row = q->step();
            if (!row) return row.error();
            has_outbox = *row;
        }
        if (has_outbox) {
            if (auto s = db.exec(kMigrateV4); !s) return s;
        }
        return db.exec("PRAGMA user_version = 5");
    });
}

// Kept apart from kSchema (and added with IF NOT EXISTS) so that older journals gain it
// without a migration; a version with no row here was sent (journals before routing).
constexpr std::string_view kRoutingSchema = R"sql(
CREATE TABLE IF NOT EXISTS routing (
    alert_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (alert_id, version)
);
)sql";

// The end of what each chain shows (its latest sent version, while in force): the expiry
// timer's index (Lifecycle E1). Kept apart and added with IF NOT EXISTS, like routing; a
// journal from before it gains the ends of versions sent from then on.
constexpr std::string_view kExpirySchema = R"sql(
CREATE TABLE IF NOT EXISTS expiries (
    alert_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS expiries_due ON expiries(expires_ms);
CREATE TABLE IF NOT EXISTS clock_offsets (
    peer TEXT PRIMARY KEY,
    offset_ms INTEGER NOT NULL,
    measured TEXT NOT NULL
);
)sql";

// A sent version in force with an end is what the chain shows until that end; any other sent
// version (a cancel, a lift, an expiry, one without an end) leaves nothing to expire. A
// version journaled only changes no screen, so the shown version's end stands.
Status track_end(SqliteDb& db, const Alert& alert) {
    if (alert.state == AlertState::kActive && alert.expires) {
        auto q = db.prepare(
            "INSERT OR REPLACE INTO expiries (alert_id, version, expires_ms) VALUES (?, ?, ?)");
        if (!q) return q.error();
        q->bind(1, alert.id).bind(2, alert.version).bind(3, epoch_ms(*alert.expires));
        return q->run();
    }
    auto q = db.prepare("DELETE FROM expiries WHERE alert_id = ?");
    if (!q) return q.error();
    q->bind(1, alert.id);
    return q->run();
}

// What the hub follows up after publishing (kept apart like kRoutingSchema, so older
// journals gain the tables without a migration): jobs the broker took and no adapter has
// answered yet, and the chains whose retained topic was cleared after they ended.
constexpr std::string_view kFollowUpSchema = R"sql(
CREATE TABLE IF NOT EXISTS open_jobs (
    job_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL REFERENCES outbox(seq),
    first_sent_ms INTEGER NOT NULL,
    last_sent_ms INTEGER NOT NULL,
    resends INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS retained_cleared (
    alert_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    cleared_ms INTEGER NOT NULL
);
)sql";

Error journal_error(std::string_view what, const Error& e) {
    return make_error(ErrorCode::kInternal, fmt::format("journal: {}: {}", what, e.message));
}

// The chain a message (sender, identifier) is keyed to, with its latest version's status.
Result<std::optional<KnownChain>> find_key(SqliteDb& db, std::string_view sender,
                                           std::string_view identifier) {
    auto q = db.prepare(
        "SELECT k.alert_id, (SELECT json_extract(v.alert_json, '$.status') FROM alert_versions v "
        "WHERE v.alert_id = k.alert_id ORDER BY v.version DESC LIMIT 1) "
        "FROM message_keys k WHERE k.sender = ? AND k.identifier = ?");
    if (!q) return q.error();
    q->bind(1, sender).bind(2, identifier);
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return std::optional<KnownChain>();
    KnownChain known{q->column_text(0), std::nullopt};
    if (!q->column_is_null(1)) known.status = q->column_text(1);
    return std::optional<KnownChain>(std::move(known));
}

Status put_key(SqliteDb& db, std::string_view sender, std::string_view identifier,
               std::string_view alert_id) {
    auto q = db.prepare(
        "INSERT OR IGNORE INTO message_keys (sender, identifier, alert_id) VALUES (?, ?, ?)");
    if (!q) return q.error();
    q->bind(1, sender).bind(2, identifier).bind(3, alert_id);
    return q->run();
}

// What the lifecycle rules need of the chain `alert_id` and of a document of the same
// identity (or, for version 1 journals, the same sender, identifier and sent).
Result<ChainState> read_chain_state(SqliteDb& db, const std::string& alert_id,
                                    const std::string& identity, const std::string& legacy) {
    ChainState state;
    auto dup = db.prepare(
        "SELECT v.alert_id, v.version FROM documents d "
        "LEFT JOIN alert_versions v ON v.document_id = d.id WHERE d.identity IN (?, ?)");
    if (!dup) return dup.error();
    dup->bind(1, identity).bind(2, legacy);
    auto dup_row = dup->step();
    if (!dup_row) return dup_row.error();
    state.identity_journaled = *dup_row;
    if (*dup_row && !dup->column_is_null(0))
        state.identity_version = JournaledVersion{dup->column_text(0), dup->column_int(1)};

    auto latest = db.prepare(
        "SELECT version, sent_ms, sequence, state = ?, ends_episode FROM alert_versions "
        "WHERE alert_id = ? ORDER BY version DESC LIMIT 1");
    if (!latest) return latest.error();
    latest->bind(1, to_string(AlertState::kCancelled)).bind(2, alert_id);
    auto latest_row = latest->step();
    if (!latest_row) return latest_row.error();
    if (*latest_row) {
        state.latest_version = latest->column_int(0);
        state.latest_sent_ms = latest->column_int(1);
        if (!latest->column_is_null(2)) state.latest_sequence = latest->column_int(2);
        state.latest_cancelled = latest->column_int(3) != 0;
        state.latest_ends_episode = latest->column_int(4) != 0;
    }

    // The latest version sent, as the ward was told it (rules W1-W4). Rows from before
    // schema 4 have no ward columns: in force unless ended, reached everyone.
    auto told = db.prepare(
        "SELECT v.version, COALESCE(v.ward_fingerprint, ''), "
        "COALESCE(v.ward_in_force, v.state = 'active'), COALESCE(v.reach, 'everyone') "
        "FROM alert_versions v LEFT JOIN routing r "
        "ON r.alert_id = v.alert_id AND r.version = v.version "
        "WHERE v.alert_id = ? AND (r.sent IS NULL OR r.sent = 1) "
        "ORDER BY v.version DESC LIMIT 1");
    if (!told) return told.error();
    told->bind(1, alert_id);
    auto told_row = told->step();
    if (!told_row) return told_row.error();
    if (*told_row) {
        const std::string reach = told->column_text(3);
        state.latest_sent = ChainState::SentVersion{
            told->column_int(0), told->column_text(1), told->column_int(2) != 0,
            reach == "screens" ? Reach::kScreens : Reach::kEveryone};
    }

    // A version with no routing row was sent (journals from before routing).
    auto sent = db.prepare(
        "SELECT MIN(v.version) FROM alert_versions v LEFT JOIN routing r "
        "ON r.alert_id = v.alert_id AND r.version = v.version "
        "WHERE v.alert_id = ? AND (r.sent IS NULL OR r.sent = 1)");
    if (!sent) return sent.error();
    sent->bind(1, alert_id);
    if (auto row = sent->step(); !row) return row.error();
    if (!sent->column_is_null(0)) state.first_sent_version = sent->column_int(0);
    return state;
}

Result<std::int64_t> insert_document(SqliteDb& db, const Alert& parsed, std::string_view raw,
                                     std::string_view origin, const std::string& identity,
                                     const std::string& now) {
    auto ins = db.prepare(
        "INSERT INTO documents (received, origin, sha256, bytes, sender, identifier, sent, "
        "identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return ins.error();
    ins->bind(1, now)
        .bind(2, origin)
        .bind(3, parsed.source.sha256)
        .bind_blob(4, raw)
        .bind(5, parsed.source.sender)
        .bind(6, parsed.source.identifier)
        .bind(7, format_rfc3339_jst(parsed.source.sent))
        .bind(8, identity);
    if (auto s = ins->run(); !s) return s.error();
    return db.last_insert_rowid();
}

// The accepted version, its routing decision and, when it is sent, the retained alert and
// (unless it reaches screens only) one job per channel. Returns the number of outbox rows.
Result<int> write_version(SqliteDb& db, const JournalSettings& settings, const SourceDocument& doc,
                          const IngestResult& result, const Routing& routing,
                          std::int64_t document_id, WallTime now) {
    const Alert& alert = result.alert;
    const std::string created = format_rfc3339_jst(now);
    const std::string alert_json = encode_alert(alert);
    auto ver = db.prepare(
        "INSERT INTO alert_versions (alert_id, version, document_id, sent_ms, state, created, "
        "alert_json, sequence, ends_episode, ward_fingerprint, ward_in_force, reach) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ver) return ver.error();
    ver->bind(1, alert.id)
        .bind(2, alert.version)
        .bind(3, document_id)
        .bind(4, epoch_ms(alert.source.sent))
        .bind(5, to_string(alert.state))
        .bind(6, created)
        .bind(7, alert_json)
        .bind(9, std::int64_t{doc.ends_episode})
        .bind(12, to_string(result.sent ? result.reach : Reach::kNone));
    if (doc.sequence)
        ver->bind(8, *doc.sequence);
    else
        ver->bind_null(8);
    if (routing.ward) {
        ver->bind(10, routing.ward->fingerprint)
            .bind(11, std::int64_t{routing.ward->verdict == WardVerdict::kInForce});
    } else {
        ver->bind_null(10).bind_null(11);
    }
    if (auto s = ver->run(); !s) return s.error();

    auto route = db.prepare(
        "INSERT INTO routing (alert_id, version, sent, reason, created) VALUES (?, ?, ?, ?, ?)");
    if (!route) return route.error();
    route->bind(1, alert.id)
        .bind(2, alert.version)
        .bind(3, std::int64_t{result.sent})
        .bind(4, result.routing_reason)
        .bind(5, created);
    if (auto s = route->run(); !s) return s.error();

    if (result.sent)
        if (auto s = track_end(db, alert); !s) return s.error();
    std::vector<BusMessage> messages;
    if (result.sent) {
        messages.push_back({settings.topics.alert(alert.id), alert_json, true});
        const bool jobs = result.reach == Reach::kEveryone;
        for (const auto& channel : jobs ? settings.channels : std::vector<std::string>{}) {
            DeliveryJob job;
            job.job_id = make_job_id(alert.id, alert.version, channel);
            job.idempotency_key = job.job_id;
            job.channel = channel;
            job.alert = alert;
            job.created = now;
            messages.push_back({settings.topics.job(channel), encode_job(job), false});
        }
    }
    for (const auto& m : messages) {
        auto row = db.prepare(
            "INSERT INTO outbox (topic, payload, retained, created, created_ms) "
            "VALUES (?, ?, ?, ?, ?)");
        if (!row) return row.error();
        row->bind(1, m.topic)
            .bind_blob(2, m.payload)
            .bind(3, std::int64_t{m.retained})
            .bind(4, created)
            .bind(5, epoch_ms(now));
        if (auto s = row->run(); !s) return s.error();
    }
    return static_cast<int>(messages.size());
}

// A cancel with no text of its own (a CAP Cancel without <info>) would reach people as a bare
// 【取消】: it carries the event, headline and areas of the version it cancels.
Status say_what_it_cancels(SqliteDb& db, const std::string& alert_id, Alert& cancel) {
    if (!cancel.headline.empty() || !cancel.event_name.empty()) return {};
    auto q = db.prepare(
        "SELECT alert_json FROM alert_versions WHERE alert_id = ? ORDER BY version DESC LIMIT 1");
    if (!q) return q.error();
    q->bind(1, alert_id);
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return {};
    auto previous = decode_alert(q->column_text(0));
    if (!previous) return previous.error();
    cancel.event_code = previous->event_code;
    cancel.event_name = previous->event_name;
    cancel.headline = previous->headline;
    cancel.category = previous->category;
    if (cancel.areas.empty()) cancel.areas = previous->areas;
    return {};
}

}  // namespace

Result<Journal> Journal::open(const std::string& path, JournalSettings settings,
                              const Clock& clock) {
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    // schema_version() finalizes its statement before the schema is written: a statement
    // left open would hold a read snapshot, and upgrading it to a write fails at once when
    // another connection (the hub's other thread) has written since.
    auto existing = schema_version(*db);
    if (!existing) return existing.error();
    if (*existing > kSchemaVersion)
        return make_error(ErrorCode::kInternal,
                          fmt::format("journal {} has schema version {}; this hub knows up to {}",
                                      path, *existing, kSchemaVersion));
    std::int64_t from = *existing;
    if (from == 1) {
        if (auto s = migrate_from_v1(*db); !s)
            return make_error(
                ErrorCode::kInternal,
                fmt::format("journal {}: migrating schema 1 to 2: {}", path, s.error().message));
        get_logger("hub")->info("journal {} migrated from schema 1 to 2", path);
        from = 2;
    }
    if (from == 2) {
        if (auto s = migrate_from_v2(*db); !s)
            return make_error(
                ErrorCode::kInternal,
                fmt::format("journal {}: migrating schema 2 to 3: {}", path, s.error().message));
        get_logger("hub")->info("journal {} migrated from schema 2 to 3", path);
        from = 3;
    }
    if (from == 3) {
        if (auto s = migrate_from_v3(*db); !s)
            return make_error(
                ErrorCode::kInternal,
                fmt::format("journal {}: migrating schema 3 to 4: {}", path, s.error().message));
        get_logger("hub")->info("journal {} migrated from schema 3 to 4", path);
        from = 4;
    }
    if (from == 4) {
        if (auto s = migrate_from_v4(*db); !s)
            return make_error(
                ErrorCode::kInternal,
                fmt::format("journal {}: migrating schema 4 to 5: {}", path, s.error().message));
        get_logger("hub")->info("journal {} migrated from schema 4 to 5", path);
    }
    if (auto s = db->exec(kSchema); !s) return s.error();
    if (auto s = db->exec(kRoutingSchema); !s) return s.error();
    if (auto s = db->exec(kExpirySchema); !s) return s.error();
    if (auto s = db->exec(kFollowUpSchema); !s) return s.error();
    if (auto s = db->exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion)); !s)
        return s.error();
    return Journal(std::move(*db), std::move(settings), clock);
}

Result<IngestResult> Journal::ingest(const SourceDocument& doc, std::string_view raw,
                                     std::string_view origin, const Routing& routing) {
    const Alert& parsed = doc.alert;
    const std::string now = format_rfc3339_jst(clock_->now());
    const std::string legacy = legacy_identity(parsed.source.sender, parsed.source.identifier,
                                               format_rfc3339_jst(parsed.source.sent));
    const std::string& identity = doc.identity.empty() ? legacy : doc.identity;
    IngestResult result;
    auto body = [&]() -> Status {
        ChainKeys keys;
        auto own = find_key(db_, parsed.source.sender, parsed.source.identifier);
        if (!own) return own.error();
        keys.own = std::move(*own);
        for (const auto& ref : doc.references) {
            auto key = find_key(db_, ref.sender, ref.identifier);
            if (!key) return key.error();
            keys.references.push_back(std::move(*key));
        }
        const ChainChoice chain = choose_chain(doc, keys);
        auto state = read_chain_state(db_, chain.alert_id, identity, legacy);
        if (!state) return state.error();
        static_cast<VersionDecision&>(result) = decide_version(doc, chain, *state, routing);
        if (result.outcome == IngestOutcome::kDuplicate) return {};

        if (chain.starts_at_reference) {
            const auto& first = doc.references.front();
            get_logger("hub")->warn(
                "[alert={}] {} {} references no known message (first: {},{},{}); "
                "starting the chain here",
                chain.alert_id, to_string(parsed.msg_type), parsed.source.identifier, first.sender,
                first.identifier, first.sent);
            for (const auto& ref : doc.references)
                if (auto s = put_key(db_, ref.sender, ref.identifier, chain.alert_id); !s) return s;
        }
        auto document_id = insert_document(db_, parsed, raw, origin, identity, now);
        if (!document_id) return document_id.error();
        if (auto s = put_key(db_, parsed.source.sender, parsed.source.identifier, chain.alert_id);
            !s)
            return s;
        if (result.outcome != IngestOutcome::kAccepted) return {};

        result.alert = parsed;
        result.alert.id = result.alert_id;
        result.alert.version = result.version;
        if (!site_url_.empty()) put_site_link(result.alert, site_url_);
        if (parsed.msg_type == MsgType::kCancel)
            if (auto s = say_what_it_cancels(db_, result.alert_id, result.alert); !s) return s;
        auto rows =
            write_version(db_, settings_, doc, result, routing, *document_id, clock_->now());
        if (!rows) return rows.error();
        result.outbox_rows = *rows;
        return {};
    };
    if (auto s = db_.transaction(body); !s) return journal_error("ingest", s.error());
    return result;
}

Result<std::vector<ExpiredVersion>> Journal::expire_due() {
    const WallTime now = clock_->now();
    std::vector<ExpiredVersion> expired;
    auto body = [&]() -> Status {
        auto due = db_.prepare(
            "SELECT e.alert_id, e.version, v.alert_json FROM expiries e JOIN alert_versions v "
            "ON v.alert_id = e.alert_id AND v.version = e.version "
            "WHERE e.expires_ms <= ? ORDER BY e.expires_ms LIMIT 100");
        if (!due) return due.error();
        due->bind(1, epoch_ms(now));
        std::vector<std::pair<std::string, std::string>> rows;
        for (;;) {
            auto row = due->step();
            if (!row) return row.error();
            if (!*row) break;
            rows.emplace_back(due->column_text(0), due->column_text(2));
        }
        for (const auto& [alert_id, shown_json] : rows) {
            auto shown = decode_alert(shown_json);
            if (!shown) return shown.error();
            auto latest = db_.prepare(
                "SELECT version, document_id, sent_ms, sequence FROM alert_versions "
                "WHERE alert_id = ? ORDER BY version DESC LIMIT 1");
            if (!latest) return latest.error();
            latest->bind(1, alert_id);
            if (auto row = latest->step(); !row) return row.error();
            ExpiryState state{.latest_version = latest->column_int(0),
                              .shown_state = shown->state,
                              .shown_expires = shown->expires,
                              .shown = true};
            const auto decision = decide_expiry(state, now);
            auto forget = db_.prepare("DELETE FROM expiries WHERE alert_id = ?");
            if (!forget) return forget.error();
            forget->bind(1, alert_id);
            if (auto s = forget->run(); !s) return s;
            if (!decision) continue;

            Alert a = std::move(*shown);
            a.version = decision->version;
            a.state = AlertState::kExpired;
            a.signature.clear();
            const std::string created = format_rfc3339_jst(now);
            const std::string alert_json = encode_alert(a);
            auto ver = db_.prepare(
                "INSERT INTO alert_versions (alert_id, version, document_id, sent_ms, state, "
                "created, alert_json, sequence, ends_episode, ward_fingerprint, ward_in_force, "
                "reach) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '', 0, ?)");
            if (!ver) return ver.error();
            ver->bind(1, alert_id)
                .bind(2, a.version)
                .bind(3, latest->column_int(1))
                .bind(4, latest->column_int(2))
                .bind(5, to_string(a.state))
                .bind(6, created)
                .bind(7, alert_json)
                .bind(9, to_string(decision->reach));
            if (latest->column_is_null(3))
                ver->bind_null(8);
            else
                ver->bind(8, latest->column_int(3));
            if (auto s = ver->run(); !s) return s;
            auto route = db_.prepare(
                "INSERT INTO routing (alert_id, version, sent, reason, created) "
                "VALUES (?, ?, 1, ?, ?)");
            if (!route) return route.error();
            route->bind(1, alert_id).bind(2, a.version).bind(3, decision->reason).bind(4, created);
            if (auto s = route->run(); !s) return s;
            auto out = db_.prepare(
                "INSERT INTO outbox (topic, payload, retained, created, created_ms) "
                "VALUES (?, ?, 1, ?, ?)");
            if (!out) return out.error();
            out->bind(1, settings_.topics.alert(alert_id))
                .bind_blob(2, alert_json)
                .bind(3, created)
                .bind(4, epoch_ms(now));
            if (auto s = out->run(); !s) return s;
            expired.push_back({alert_id, a.version, decision->reason});
        }
        return {};
    };
    if (auto s = db_.transaction(body); !s) return journal_error("expire", s.error());
    return expired;
}

Result<std::vector<RoutingRecord>> Journal::routing_log(int limit) {
    auto q = db_.prepare(
        "SELECT r.alert_id, r.version, r.sent, r.reason, r.created, "
        "COALESCE(json_extract(v.alert_json, '$.event.code'), ''), "
        "COALESCE(json_extract(v.alert_json, '$.headline.ja'), '') FROM routing r "
        "LEFT JOIN alert_versions v ON v.alert_id = r.alert_id AND v.version = r.version "
        "ORDER BY r.rowid DESC LIMIT ?");
    if (!q) return q.error();
    q->bind(1, std::int64_t{limit});
    std::vector<RoutingRecord> out;
    for (;;) {
        auto r = q->step();
        if (!r) return r.error();
        if (!*r) break;
        out.push_back({q->column_text(0), q->column_int(1), q->column_int(2) != 0,
                       q->column_text(3), q->column_text(4), q->column_text(5), q->column_text(6)});
    }
    return out;
}

Result<std::vector<OutboxRow>> Journal::unpublished(int limit) {
    auto q = db_.prepare(
        "SELECT seq, topic, payload, retained FROM outbox WHERE published_at IS NULL "
        "ORDER BY seq LIMIT ?");
    if (!q) return q.error();
    q->bind(1, std::int64_t{limit});
    std::vector<OutboxRow> rows;
    for (;;) {
        auto r = q->step();
        if (!r) return r.error();
        if (!*r) break;
        rows.push_back(
            {q->column_int(0), {q->column_text(1), q->column_text(2), q->column_int(3) != 0}});
    }
    return rows;
}

Status Journal::mark_published(std::int64_t seq) {
    const std::int64_t now_ms = epoch_ms(clock_->now());
    const std::string job_prefix = settings_.topics.root() + "/jobs/";
    return db_.transaction([&]() -> Status {
        auto q = db_.prepare(
            "UPDATE outbox SET published_at = ?, published_ms = ? "
            "WHERE seq = ? AND published_at IS NULL");
        if (!q) return q.error();
        q->bind(1, format_rfc3339_jst(from_epoch_ms(now_ms))).bind(2, now_ms).bind(3, seq);
        if (auto s = q->run(); !s) return s;
        if (db_.changes() == 0) return {};
        // A job is open until its receipt; one already receipted (an adapter faster than
        // this mark) needs no follow-up.
        auto track = db_.prepare(
            "INSERT OR IGNORE INTO open_jobs (job_id, seq, first_sent_ms, last_sent_ms, resends) "
            "SELECT json_extract(CAST(o.payload AS TEXT), '$.job_id'), o.seq, ?, ?, 0 "
            "FROM outbox o WHERE o.seq = ? AND substr(o.topic, 1, length(?)) = ? "
            "AND json_valid(CAST(o.payload AS TEXT)) "
            "AND json_extract(CAST(o.payload AS TEXT), '$.job_id') IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM receipts r "
            "WHERE r.job_id = json_extract(CAST(o.payload AS TEXT), '$.job_id'))");
        if (!track) return track.error();
        track->bind(1, now_ms).bind(2, now_ms).bind(3, seq).bind(4, job_prefix).bind(5, job_prefix);
        return track->run();
    });
}

Result<std::vector<OpenJob>> Journal::open_jobs(int limit) {
    auto q = db_.prepare(
        "SELECT j.job_id, o.topic, o.payload, j.first_sent_ms, j.last_sent_ms, j.resends "
        "FROM open_jobs j JOIN outbox o ON o.seq = j.seq ORDER BY j.seq LIMIT ?");
    if (!q) return q.error();
    q->bind(1, std::int64_t{limit});
    std::vector<OpenJob> jobs;
    for (;;) {
        auto r = q->step();
        if (!r) return r.error();
        if (!*r) break;
        jobs.push_back(OpenJob{.job_id = q->column_text(0),
                               .message = {q->column_text(1), q->column_text(2), false},
                               .first_sent = from_epoch_ms(q->column_int(3)),
                               .last_sent = from_epoch_ms(q->column_int(4)),
                               .resends = static_cast<int>(q->column_int(5))});
    }
    return jobs;
}

Status Journal::job_resent(std::string_view job_id, WallTime at) {
    auto q = db_.prepare(
        "UPDATE open_jobs SET last_sent_ms = ?, resends = resends + 1 WHERE job_id = ?");
    if (!q) return q.error();
    q->bind(1, epoch_ms(at)).bind(2, job_id);
    return q->run();
}

Status Journal::give_up_job(std::string_view job_id) {
    auto q = db_.prepare("DELETE FROM open_jobs WHERE job_id = ?");
    if (!q) return q.error();
    q->bind(1, job_id);
    return q->run();
}

Result<std::vector<RetainedVersion>> Journal::retained_versions() {
    // A version with no routing row was sent (journals from before routing).
    auto q = db_.prepare(
        "SELECT v.alert_id, v.version, v.alert_json, v.created, c.cleared_ms "
        "FROM alert_versions v LEFT JOIN retained_cleared c "
        "ON c.alert_id = v.alert_id AND c.version = v.version "
        "WHERE v.version = (SELECT MAX(v2.version) FROM alert_versions v2 "
        "LEFT JOIN routing r2 ON r2.alert_id = v2.alert_id AND r2.version = v2.version "
        "WHERE v2.alert_id = v.alert_id AND (r2.sent IS NULL OR r2.sent = 1)) "
        "ORDER BY v.alert_id");
    if (!q) return q.error();
    std::vector<RetainedVersion> out;
    for (;;) {
        auto r = q->step();
        if (!r) return r.error();
        if (!*r) break;
        RetainedVersion v{.alert_id = q->column_text(0),
                          .version = q->column_int(1),
                          .alert_json = q->column_text(2),
                          .created = {},
                          .cleared = std::nullopt};
        auto created = parse_rfc3339(q->column_text(3));
        if (!created) return journal_error("alert_versions.created", created.error());
        v.created = *created;
        if (!q->column_is_null(4)) v.cleared = from_epoch_ms(q->column_int(4));
        out.push_back(std::move(v));
    }
    return out;
}

Status Journal::record_cleared(std::string_view alert_id, std::int64_t version, WallTime at) {
    auto q = db_.prepare(
        "INSERT INTO retained_cleared (alert_id, version, cleared_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (alert_id) DO UPDATE SET version = excluded.version, "
        "cleared_ms = excluded.cleared_ms");
    if (!q) return q.error();
    q->bind(1, alert_id).bind(2, version).bind(3, epoch_ms(at));
    return q->run();
}

Result<std::int64_t> Journal::unpublished_count() {
    auto q = db_.prepare("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL");
    if (!q) return q.error();
    auto r = q->step();
    if (!r) return r.error();
    return q->column_int(0);
}

Status Journal::record_receipt(const Receipt& r) {
    // The receipt with its batches and warnings (optional in the payload), all or nothing.
    return db_.transaction([&]() -> Status {
        auto q = db_.prepare(
            "INSERT OR IGNORE INTO receipts (job_id, channel, alert_id, version, outcome, "
            "recipients, attempts, detail, first_attempt, finished, received) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!q) return q.error();
        q->bind(1, r.job_id)
            .bind(2, r.channel)
            .bind(3, r.alert_id)
            .bind(4, r.version)
            .bind(5, to_string(r.outcome))
            .bind(6, std::int64_t{r.recipients})
            .bind(7, std::int64_t{r.attempts})
            .bind(8, r.detail)
            .bind(9, format_rfc3339_jst(r.first_attempt))
            .bind(10, format_rfc3339_jst(r.finished))
            .bind(11, format_rfc3339_jst(clock_->now()));
        if (auto s = q->run(); !s) return s;
        const bool stored_now = db_.changes() > 0;
        const auto receipt_id = db_.last_insert_rowid();
        // Any answer (accepted, failed, duplicate) closes the job: it is not published again.
        auto closed = db_.prepare("DELETE FROM open_jobs WHERE job_id = ?");
        if (!closed) return closed.error();
        closed->bind(1, r.job_id);
        if (auto s = closed->run(); !s) return s;
        if (!stored_now) return {};  // a redelivery: stored the first time
        for (auto& b : r.batches) {
            auto qb = db_.prepare(
                "INSERT OR IGNORE INTO receipt_batches (receipt_id, batch, kind, language, "
                "recipients, accepted, failed, first_send, last_send, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            if (!qb) return qb.error();
            qb->bind(1, receipt_id)
                .bind(2, std::int64_t{b.index})
                .bind(3, b.kind)
                .bind(4, b.language)
                .bind(5, std::int64_t{b.recipients})
                .bind(6, std::int64_t{b.accepted})
                .bind(7, std::int64_t{b.failed})
                .bind(10, b.detail);
            for (auto [index, t] : {std::pair{8, &b.first_send}, std::pair{9, &b.last_send}}) {
                if (*t)
                    qb->bind(index, format_rfc3339_jst(**t));
                else
                    qb->bind_null(index);
            }
            if (auto s = qb->run(); !s) return s;
        }
        std::int64_t seq = 0;
        for (auto& w : r.warnings) {
            auto qw = db_.prepare(
                "INSERT OR IGNORE INTO receipt_warnings (receipt_id, seq, warning) VALUES (?, ?, "
                "?)");
            if (!qw) return qw.error();
            qw->bind(1, receipt_id).bind(2, ++seq).bind(3, w);
            if (auto s = qw->run(); !s) return s;
        }
        return {};
    });
}

Status Journal::record_clock_offset(std::string_view peer, WallTime peer_clock) {
    const WallTime now = clock_->now();
    auto q = db_.prepare(
        "INSERT OR REPLACE INTO clock_offsets (peer, offset_ms, measured) VALUES (?, ?, ?)");
    if (!q) return q.error();
    q->bind(1, peer).bind(2, epoch_ms(peer_clock) - epoch_ms(now)).bind(3, format_rfc3339_jst(now));
    return q->run();
}

Result<bool> Journal::record_display_ack(const DisplayAck& a) {
    // Only a version the hub sent can have been displayed: an ack of anything else is a
    // forgery (a stolen screen identity, issue 12) and must not reach the board.
    {
        // Its own scope: the statement (and its read of the WAL snapshot) ends before the
        // write below, which would otherwise fail as "locked" after another connection wrote.
        auto sent = db_.prepare(
            "SELECT 1 FROM alert_versions v LEFT JOIN routing r "
            "ON r.alert_id = v.alert_id AND r.version = v.version "
            "WHERE v.alert_id = ? AND v.version = ? AND (r.sent IS NULL OR r.sent = 1)");
        if (!sent) return sent.error();
        sent->bind(1, a.alert_id).bind(2, a.version);
        auto row = sent->step();
        if (!row) return row.error();
        if (!*row) return false;
    }
    auto q = db_.prepare(
        "INSERT OR IGNORE INTO display_acks (device_id, alert_id, version, displayed_at, received) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!q) return q.error();
    q->bind(1, a.device_id)
        .bind(2, a.alert_id)
        .bind(3, a.version)
        .bind(4, format_rfc3339_jst(a.displayed_at))
        .bind(5, format_rfc3339_jst(clock_->now()));
    if (auto st = q->run(); !st) return st.error();
    return true;
}

Status Journal::record_device_status(const DeviceStatus& s) {
    auto q = db_.prepare(
        "INSERT INTO devices (device_id, online, updated_ms, received, status_json) "
        "VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (device_id) DO UPDATE SET online = excluded.online, "
        "updated_ms = excluded.updated_ms, received = excluded.received, "
        "status_json = excluded.status_json WHERE excluded.updated_ms >= devices.updated_ms");
    if (!q) return q.error();
    q->bind(1, s.device_id)
        .bind(2, std::int64_t{s.online})
        .bind(3, epoch_ms(s.updated))
        .bind(4, format_rfc3339_jst(clock_->now()))
        .bind(5, encode_device_status(s));
    return q->run();
}

Result<std::vector<StoredVersion>> Journal::versions(std::string_view alert_id) {
    auto q = db_.prepare(
        "SELECT version, document_id, alert_json FROM alert_versions WHERE alert_id = ? "
        "ORDER BY version");
    if (!q) return q.error();
    q->bind(1, alert_id);
    std::vector<StoredVersion> out;
    for (;;) {
        auto r = q->step();
        if (!r) return r.error();
        if (!*r) break;
        auto alert = decode_alert(q->column_text(2));
        if (!alert) return journal_error("alert_versions", alert.error());
        out.push_back({q->column_int(0), q->column_int(1), std::move(*alert)});
    }
    return out;
}

Result<std::optional<DeviceStatus>> Journal::device(std::string_view device_id) {
    auto q = db_.prepare("SELECT status_json FROM devices WHERE device_id = ?");
    if (!q) return q.error();
    q->bind(1, device_id);
    auto r = q->step();
    if (!r) return r.error();
    if (!*r) return std::optional<DeviceStatus>();
    auto status = decode_device_status(q->column_text(0));
    if (!status) return journal_error("devices", status.error());
    return std::optional<DeviceStatus>(std::move(*status));
}

Result<std::int64_t> Journal::count_rows(std::string_view table) {
    static constexpr std::array<std::string_view, 13> kTables = {
        "documents",    "alert_versions", "message_keys",    "outbox",           "receipts",
        "display_acks", "devices",        "receipt_batches", "receipt_warnings", "routing",
        "expiries",     "open_jobs",      "retained_cleared"};
    CHECK(std::find(kTables.begin(), kTables.end(), table) != kTables.end(),
          "count_rows: unknown table");
    auto q = db_.prepare(fmt::format("SELECT COUNT(*) FROM {}", table));
    if (!q) return q.error();
    auto r = q->step();
    if (!r) return r.error();
    return q->column_int(0);
}

}  // namespace alerthub::hub
