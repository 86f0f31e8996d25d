#include "hub/console/draft_store.h"

#include <fmt/format.h>

#include <map>

#include "core/base/time_format.h"
#include "hub/console/console_json.h"

namespace alerthub::hub::console {
namespace {

constexpr std::string_view kDraftColumns =
    "id, action, alert_id, template, status, content_json, state, drafted_by, drafted_at, "
    "decided_by, decided_at, break_glass_reason, identifier, sender, sent, cap_xml, "
    "published_version, reason";

Draft draft_of(const SqliteStatement& q) {
    Draft d;
    d.id = q.column_int(0);
    d.action = parse_draft_action(q.column_text(1)).value_or(DraftAction::kIssue);
    d.alert_id = q.column_text(2);
    d.template_id = q.column_text(3);
    d.status = q.column_text(4);
    d.content = draft_content_from_text(q.column_text(5));
    d.state = parse_draft_state(q.column_text(6)).value_or(DraftState::kFailed);
    d.drafted_by = q.column_text(7);
    d.drafted_at = q.column_text(8);
    d.decided_by = q.column_text(9);
    d.decided_at = q.column_text(10);
    d.break_glass_reason = q.column_text(11);
    d.identifier = q.column_text(12);
    d.sender = q.column_text(13);
    d.sent = q.column_text(14);
    d.cap_xml = q.column_text(15);
    d.published_version = q.column_int(16);
    d.reason = q.column_text(17);
    return d;
}

}  // namespace

Result<Draft> load_draft(SqliteDb& db, std::int64_t id) {
    auto q = db.prepare(fmt::format("SELECT {} FROM console_drafts WHERE id = ?", kDraftColumns));
    if (!q) return q.error();
    q->bind(1, id);
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return make_error(ErrorCode::kNotFound, fmt::format("no draft {}", id));
    return draft_of(*q);
}

Result<std::vector<Draft>> list_drafts(SqliteDb& db, std::optional<DraftState> state) {
    const std::string filter = state ? to_string(*state) : std::string();
    auto q = db.prepare(fmt::format(
        "SELECT {} FROM console_drafts WHERE (? = '' OR state = ?) ORDER BY id DESC LIMIT 200",
        kDraftColumns));
    if (!q) return q.error();
    q->bind(1, filter).bind(2, filter);
    std::vector<Draft> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(draft_of(*q));
    }
    return out;
}

Result<std::int64_t> count_drafts(SqliteDb& db, DraftState state) {
    auto q = db.prepare("SELECT COUNT(*) FROM console_drafts WHERE state = ?");
    if (!q) return q.error();
    q->bind(1, to_string(state));
    if (auto row = q->step(); !row) return row.error();
    return q->column_int(0);
}

namespace {

Result<std::optional<Draft>> first_draft(SqliteStatement& q) {
    auto row = q.step();
    if (!row) return row.error();
    if (!*row) return std::optional<Draft>();
    return std::optional<Draft>(draft_of(q));
}

}  // namespace

Result<std::optional<Draft>> find_draft_by_key(SqliteDb& db, std::string_view drafted_by,
                                               std::string_view idempotency_key) {
    auto q = db.prepare(
        fmt::format("SELECT {} FROM console_drafts WHERE drafted_by = ? "
                    "AND json_extract(content_json, '$.idempotency_key') = ? ORDER BY id LIMIT 1",
                    kDraftColumns));
    if (!q) return q.error();
    q->bind(1, drafted_by).bind(2, idempotency_key);
    return first_draft(*q);
}

Result<std::optional<Draft>> find_open_draft(SqliteDb& db, std::string_view alert_id,
                                             DraftAction action) {
    auto q =
        db.prepare(fmt::format("SELECT {} FROM console_drafts WHERE alert_id = ? AND action = ? "
                               "AND state IN (?, ?) ORDER BY id LIMIT 1",
                               kDraftColumns));
    if (!q) return q.error();
    q->bind(1, alert_id)
        .bind(2, to_string(action))
        .bind(3, to_string(DraftState::kPending))
        .bind(4, to_string(DraftState::kApproved));
    return first_draft(*q);
}

Result<std::int64_t> insert_draft(SqliteDb& db, const Draft& d) {
    auto q = db.prepare(
        "INSERT INTO console_drafts (action, alert_id, template, status, content_json, state, "
        "drafted_by, drafted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return q.error();
    q->bind(1, to_string(d.action))
        .bind(2, d.alert_id)
        .bind(3, d.template_id)
        .bind(4, d.status)
        .bind(5, draft_content_text(d.content))
        .bind(6, to_string(d.state))
        .bind(7, d.drafted_by)
        .bind(8, d.drafted_at);
    if (auto r = q->run(); !r) return r.error();
    return db.last_insert_rowid();
}

Status store_approved(SqliteDb& db, const Draft& d) {
    auto q = db.prepare(
        "UPDATE console_drafts SET state = ?, decided_by = ?, decided_at = ?, "
        "break_glass_reason = ?, identifier = ?, sender = ?, sent = ?, cap_xml = ? "
        "WHERE id = ? AND state = ?");
    if (!q) return q.error();
    q->bind(1, to_string(DraftState::kApproved))
        .bind(2, d.decided_by)
        .bind(3, d.decided_at)
        .bind(4, d.break_glass_reason)
        .bind(5, d.identifier)
        .bind(6, d.sender)
        .bind(7, d.sent)
        .bind(8, d.cap_xml)
        .bind(9, d.id)
        .bind(10, to_string(DraftState::kPending));
    return q->run();
}

Status store_published(SqliteDb& db, std::int64_t id, std::string_view alert_id,
                       std::int64_t version) {
    auto q = db.prepare(
        "UPDATE console_drafts SET state = ?, alert_id = ?, published_version = ? WHERE id = ?");
    if (!q) return q.error();
    q->bind(1, to_string(DraftState::kPublished)).bind(2, alert_id).bind(3, version).bind(4, id);
    return q->run();
}

Status store_failed(SqliteDb& db, std::int64_t id, std::string_view reason) {
    auto q = db.prepare("UPDATE console_drafts SET state = ?, reason = ? WHERE id = ?");
    if (!q) return q.error();
    q->bind(1, to_string(DraftState::kFailed)).bind(2, reason).bind(3, id);
    return q->run();
}

Status store_decision(SqliteDb& db, std::int64_t id, DraftState state, std::string_view decided_by,
                      std::string_view decided_at, std::string_view reason) {
    auto q = db.prepare(
        "UPDATE console_drafts SET state = ?, decided_by = ?, decided_at = ?, reason = ? "
        "WHERE id = ? AND state = ?");
    if (!q) return q.error();
    q->bind(1, to_string(state))
        .bind(2, decided_by)
        .bind(3, decided_at)
        .bind(4, reason)
        .bind(5, id)
        .bind(6, to_string(DraftState::kPending));
    return q->run();
}

Result<PublishedChain> published_chain(SqliteDb& db, std::string_view alert_id,
                                       std::int64_t before_version) {
    auto q = db.prepare(
        "SELECT sender, identifier, sent, content_json, status, action, published_version "
        "FROM console_drafts WHERE alert_id = ? AND state = ? AND (? = 0 OR published_version "
        "< ?) ORDER BY published_version");
    if (!q) return q.error();
    q->bind(1, alert_id)
        .bind(2, to_string(DraftState::kPublished))
        .bind(3, before_version)
        .bind(4, before_version);
    PublishedChain c;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        c.references.push_back({q->column_text(0), q->column_text(1), q->column_text(2)});
        c.latest_content = draft_content_from_text(q->column_text(3));
        c.status = q->column_text(4);
        c.cancelled = parse_draft_action(q->column_text(5)) == DraftAction::kCancel;
        c.latest_version = q->column_int(6);
    }
    if (c.references.empty())
        return make_error(
            ErrorCode::kNotFound,
            fmt::format("この情報 ({}) はこのコンソールから発表されたものではありません / '{}' is "
                        "not a notice published from this console",
                        alert_id, alert_id));
    return c;
}

Result<std::vector<NoticeInForce>> notices_in_force(SqliteDb& db, WallTime now) {
    auto q = db.prepare(
        "SELECT alert_id, action, sent, content_json FROM console_drafts WHERE state = ? AND "
        "alert_id != '' ORDER BY alert_id, published_version");
    if (!q) return q.error();
    q->bind(1, to_string(DraftState::kPublished));
    std::map<std::string, std::pair<std::string, DraftContent>>
        latest;  // alert id -> sent, content
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        latest[q->column_text(0)] = {q->column_text(2), draft_content_from_text(q->column_text(3))};
    }
    std::vector<NoticeInForce> out;
    for (auto& [alert_id, sent_and_content] : latest) {
        auto& [sent, content] = sent_and_content;
        if (content.action == DraftAction::kCancel) continue;
        auto sent_at = parse_rfc3339(sent);
        if (content.expires_hours > 0 && sent_at &&
            *sent_at + std::chrono::hours(content.expires_hours) <= now)
            continue;
        out.push_back({alert_id, std::move(content)});
    }
    return out;
}

}  // namespace alerthub::hub::console
