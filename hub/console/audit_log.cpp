#include "hub/console/audit_log.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/time_format.h"

namespace alerthub::hub::console {
namespace {

AuditEntry read_entry(const SqliteStatement& q) {
    return {q.column_int(0),  q.column_text(1), q.column_text(2), q.column_text(3),
            q.column_text(4), q.column_text(5), q.column_text(6), q.column_text(7)};
}

constexpr std::string_view kColumns = "seq, at, actor, action, subject, detail, prev_hash, hash";

}  // namespace

std::string audit_canonical(const AuditEntry& e) {
    nlohmann::json j = {{"action", e.action}, {"actor", e.actor}, {"at", e.at},
                        {"detail", e.detail}, {"seq", e.seq},     {"subject", e.subject}};
    // Invalid UTF-8 cannot make dump() throw: it is replaced, and then no longer matches.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string audit_hash(std::string_view prev_hash, const AuditEntry& entry) {
    std::string input(prev_hash);
    input += '\n';
    input += audit_canonical(entry);
    return sha256_hex(input);
}

Result<AuditHead> audit_head(SqliteDb& db) {
    auto q = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    AuditHead head;
    if (*row) head = {q->column_int(0), q->column_text(1)};
    return head;
}

Result<AuditEntry> audit_append(SqliteDb& db, const Clock& clock, std::string_view actor,
                                std::string_view action, std::string_view subject,
                                std::string_view detail) {
    auto head = audit_head(db);
    if (!head) return head.error();
    AuditEntry e;
    e.seq = head->seq + 1;
    e.at = format_rfc3339_jst(clock.now());
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    e.detail = detail.empty() ? "{}" : std::string(detail);
    e.prev_hash = head->hash;
    e.hash = audit_hash(e.prev_hash, e);
    auto q = db.prepare(
        fmt::format("INSERT INTO audit_log ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", kColumns));
    if (!q) return q.error();
    q->bind(1, e.seq)
        .bind(2, e.at)
        .bind(3, e.actor)
        .bind(4, e.action)
        .bind(5, e.subject)
        .bind(6, e.detail)
        .bind(7, e.prev_hash)
        .bind(8, e.hash);
    if (auto s = q->run(); !s) return s.error();
    return e;
}

Result<std::vector<AuditEntry>> audit_list(SqliteDb& db, int limit, std::int64_t before) {
    auto q = db.prepare(fmt::format(
        "SELECT {} FROM audit_log WHERE (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?", kColumns));
    if (!q) return q.error();
    q->bind(1, before).bind(2, before).bind(3, std::int64_t{limit});
    std::vector<AuditEntry> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(read_entry(*q));
    }
    return out;
}

Result<AuditVerification> audit_verify(SqliteDb& db, const std::optional<AuditHead>& expected) {
    auto q = db.prepare(fmt::format("SELECT {} FROM audit_log ORDER BY seq", kColumns));
    if (!q) return q.error();
    AuditVerification v;
    bool expected_seen = !expected || expected->seq == 0;
    auto fail = [&](std::string problem) {
        v.ok = false;
        v.problem = std::move(problem);
        return v;
    };
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        AuditEntry e = read_entry(*q);
        if (e.seq != v.head.seq + 1)
            return fail(fmt::format("entry {} follows entry {}: entries {} to {} are missing",
                                    e.seq, v.head.seq, v.head.seq + 1, e.seq - 1));
        if (e.prev_hash != v.head.hash)
            return fail(fmt::format(
                "entry {}: prev_hash does not match the hash of entry {} (edited or replaced)",
                e.seq, v.head.seq));
        if (audit_hash(e.prev_hash, e) != e.hash)
            return fail(
                fmt::format("entry {}: its hash does not match its content (edited)", e.seq));
        v.head = {e.seq, e.hash};
        ++v.entries;
        if (expected && expected->seq == e.seq) {
            if (expected->hash != e.hash)
                return fail(fmt::format("entry {}: hash {} differs from the recorded head {}",
                                        e.seq, e.hash, expected->hash));
            expected_seen = true;
        }
    }
    if (!expected_seen)
        return fail(fmt::format(
            "the recorded head is entry {} but the log ends at entry {}: newer entries were "
            "deleted",
            expected->seq, v.head.seq));
    return v;
}

}  // namespace alerthub::hub::console
