#include "hub/journal/journal_reads.h"

#include <fmt/format.h>

namespace alerthub::hub {

Result<std::vector<LatestAlertVersion>> JournalReads::latest_versions(int limit) {
    auto q =
        db_.prepare(fmt::format("SELECT v.alert_json, v.created, d.origin, COALESCE(r.reason, '') "
                                "FROM alert_versions v JOIN documents d ON d.id = v.document_id "
                                "LEFT JOIN routing r ON r.alert_id = v.alert_id "
                                "AND r.version = v.version "
                                "WHERE v.version = (SELECT MAX(w.version) FROM alert_versions w "
                                "WHERE w.alert_id = v.alert_id) ORDER BY v.created DESC LIMIT {}",
                                limit));
    if (!q) return q.error();
    std::vector<LatestAlertVersion> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        auto alert = decode_alert(q->column_text(0));
        if (!alert) continue;
        out.push_back({std::move(*alert), q->column_text(1), q->column_text(2), q->column_text(3)});
    }
    return out;
}

Result<std::vector<EarlierVersion>> JournalReads::versions_before(std::string_view alert_id,
                                                                  std::int64_t version) {
    auto q = db_.prepare(
        "SELECT version, alert_json FROM alert_versions WHERE alert_id = ? AND version < ? "
        "ORDER BY version");
    if (!q) return q.error();
    q->bind(1, alert_id).bind(2, version);
    std::vector<EarlierVersion> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        auto alert = decode_alert(q->column_text(1));
        if (!alert) continue;
        out.push_back({q->column_int(0), std::move(*alert)});
    }
    return out;
}

Result<std::vector<DeviceRow>> JournalReads::devices() {
    auto q = db_.prepare(
        "SELECT device_id, online, received, status_json FROM devices ORDER BY device_id");
    if (!q) return q.error();
    std::vector<DeviceRow> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(
            {q->column_text(0), q->column_int(1) != 0, q->column_text(2), q->column_text(3)});
    }
    return out;
}

Result<std::vector<ClockOffsetRow>> JournalReads::clock_offsets() {
    auto q = db_.prepare("SELECT peer, offset_ms, measured FROM clock_offsets ORDER BY peer");
    if (!q) return q.error();
    std::vector<ClockOffsetRow> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({q->column_text(0), q->column_int(1), q->column_text(2)});
    }
    return out;
}

Result<std::vector<ReceiptRow>> JournalReads::receipts(std::string_view alert_id) {
    auto q = db_.prepare(
        "SELECT channel, version, outcome, recipients, attempts, detail, finished "
        "FROM receipts WHERE alert_id = ? ORDER BY version, id");
    if (!q) return q.error();
    q->bind(1, alert_id);
    std::vector<ReceiptRow> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({q->column_text(0), q->column_int(1), q->column_text(2), q->column_int(3),
                       q->column_int(4), q->column_text(5), q->column_text(6)});
    }
    return out;
}

Result<std::vector<DisplayAckRow>> JournalReads::display_acks(std::string_view alert_id) {
    auto q = db_.prepare(
        "SELECT device_id, version, displayed_at FROM display_acks WHERE alert_id = ? "
        "ORDER BY version, id");
    if (!q) return q.error();
    q->bind(1, alert_id);
    std::vector<DisplayAckRow> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({q->column_text(0), q->column_int(1), q->column_text(2)});
    }
    return out;
}

Result<std::vector<DoorActivity>> JournalReads::door_activity() {
    auto q = db_.prepare(
        "SELECT CASE WHEN instr(origin, ':') > 0 THEN substr(origin, 1, instr(origin, ':') - 1) "
        "ELSE origin END AS door, MAX(received), COUNT(*) FROM documents GROUP BY door "
        "ORDER BY door");
    if (!q) return q.error();
    std::vector<DoorActivity> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({q->column_text(0), q->column_text(1), q->column_int(2)});
    }
    return out;
}

}  // namespace alerthub::hub
