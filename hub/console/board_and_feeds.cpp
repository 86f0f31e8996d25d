#include "hub/console/board_and_feeds.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "core/protocol/area_match.h"
#include "hub/console/draft_store.h"
#include "hub/output/atom_writer.h"
#include "hub/output/cap_writer.h"

namespace alerthub::hub::console {
namespace {

// Cancelled and expired alerts stay on the board and in the feed this long.
constexpr auto kRecentlyEnded = std::chrono::hours(24);
constexpr int kMaxAlerts = 200;

// The latest version of every alert that is in force or ended less than a day ago.
Result<std::vector<LatestAlertVersion>> recent_alerts(SqliteDb& db, WallTime now) {
    auto latest = JournalReads(db).latest_versions(kMaxAlerts);
    if (!latest) return latest.error();
    std::vector<LatestAlertVersion> out;
    for (auto& v : *latest) {
        Alert& alert = v.alert;
        auto created = parse_rfc3339(v.created);
        const bool expired = alert.expires && *alert.expires <= now;
        // Its end passed and the hub's expiry timer has not written the expired version yet.
        if (alert.state == AlertState::kActive && expired) {
            alert.state = AlertState::kExpired;
            v.reason = fmt::format("expired: its end {} JST has passed",
                                   format_jst_minutes(*alert.expires));
        }
        const bool recent = created && now - *created < kRecentlyEnded;
        if (alert.state == AlertState::kActive || recent) out.push_back(std::move(v));
    }
    return out;
}

std::string headline_of(const Alert& a, std::string_view lang) {
    auto text = text_in_language(a.headline, lang);
    if (text.empty()) text = text_in_language(a.event_name, lang);
    return text;
}

// What a screen last reported: the areas it is configured for and the alerts on it.
struct ScreenReport {
    std::vector<std::string> areas;
    std::vector<std::string> showing;
};

ScreenReport screen_report(const DeviceRow& d) {
    ScreenReport r;
    auto status = nlohmann::json::parse(d.status_json, nullptr, false);
    if (!status.is_object()) return r;
    for (const auto& a : status.value("areas", nlohmann::json::array()))
        if (a.is_string()) r.areas.push_back(a.get<std::string>());
    for (const auto& s : status.value("showing", nlohmann::json::array()))
        if (s.is_object() && s.value("alert_id", nlohmann::json()).is_string())
            r.showing.push_back(s.value("alert_id", ""));
    return r;
}

ScreensSummary screens_summary(const Alert& alert, const std::map<std::string, DisplayAckRow>& acks,
                               const std::vector<DeviceRow>& devices, const TownBlocks& blocks) {
    ScreensSummary s;
    s.version = alert.version;
    s.known = devices.size();
    s.ended = alert.state != AlertState::kActive;
    // The table outlives the board; the matcher only borrows it.
    std::shared_ptr<const TownBlocks> table(std::shared_ptr<void>(), &blocks);
    for (const auto& d : devices) {
        ScreenReport report = screen_report(d);
        if (!report.areas.empty() && !ConfiguredAreas(report.areas, table).matches(alert)) continue;
        ++s.total;
        auto ack = acks.find(d.device_id);
        const bool shows_it = std::find(report.showing.begin(), report.showing.end(), alert.id) !=
                              report.showing.end();
        if (ack != acks.end() && ack->second.version == alert.version) ++s.latest;
        const bool flagged = s.ended ? shows_it && d.online
                                     : ack == acks.end() || ack->second.version != alert.version;
        if (!flagged) continue;
        ScreenBehind behind;
        behind.device_id = d.device_id;
        if (ack != acks.end()) {
            behind.version = ack->second.version;
            behind.displayed_at = ack->second.displayed_at;
        }
        behind.online = d.online;
        behind.last_seen = d.received;
        for (const auto& other : report.showing)
            if (other != alert.id) behind.showing_instead = other;
        s.not_latest.push_back(std::move(behind));
    }
    return s;
}

// In force before ended, then the higher 警戒レベル, the graver severity, the newer.
bool more_urgent(const BoardAlert& a, const BoardAlert& b) {
    const bool a_active = a.state == AlertState::kActive;
    const bool b_active = b.state == AlertState::kActive;
    if (a_active != b_active) return a_active;
    if (a.level.value_or(0) != b.level.value_or(0))
        return a.level.value_or(0) > b.level.value_or(0);
    if (a.severity != b.severity) return a.severity < b.severity;
    return a.updated > b.updated;
}

// The feed's own CAP message for a version: the hub re-issues what it distributes under
// its sender, one identifier per version, each version referencing the ones before.
std::string cap_of(SqliteDb& db, const Alert& a, const std::string& sender) {
    CapEnvelope env;
    env.identifier = fmt::format("{}-v{}", a.id, a.version);
    env.sender = sender;
    env.sent = a.source.sent;
    // An unreadable history leaves the references out, as an issue.
    if (auto earlier = JournalReads(db).versions_before(a.id, a.version))
        for (const auto& e : *earlier)
            env.references.push_back(
                {sender, fmt::format("{}-v{}", a.id, e.version), cap_time(e.alert.source.sent)});
    if (env.references.empty())
        env.msg_type = MsgType::kAlert;
    else
        env.msg_type = a.state == AlertState::kCancelled || a.msg_type == MsgType::kCancel
                           ? MsgType::kCancel
                           : MsgType::kUpdate;
    return write_cap(a, env);
}

}  // namespace

Result<Board> LiveBoard::board(const Actor& actor) {
    (void)actor;
    std::lock_guard lock(store_.mu());
    SqliteDb& db = store_.db();
    JournalReads journal(db);
    const WallTime now = store_.clock().now();
    auto alerts = recent_alerts(db, now);
    if (!alerts) return alerts.error();
    auto devices = journal.devices();
    if (!devices) return devices.error();

    Board board;
    board.now = format_rfc3339_jst(now);
    board.training = store_.config().training;
    for (const auto& v : *alerts) {
        const Alert& a = v.alert;
        BoardAlert b;
        auto receipts = journal.receipts(a.id);
        if (!receipts) return receipts.error();
        for (auto& r : *receipts) b.receipts[r.channel] = std::move(r);
        auto acks = journal.display_acks(a.id);
        if (!acks) return acks.error();
        for (auto& k : *acks) b.acks[k.device_id] = std::move(k);
        b.id = a.id;
        b.screens = screens_summary(a, b.acks, *devices, blocks_);
        b.version = a.version;
        b.state = a.state;
        b.status = a.status;
        b.source = a.source.kind;
        b.origin = v.origin;
        b.level = a.level;
        b.severity = a.severity;
        b.event_name = text_in_language(a.event_name, "ja");
        b.prefix = alert_prefix(a);
        b.headline = headline_of(a, "ja");
        b.headline_en = headline_of(a, "en");
        b.updated = v.created;
        if (a.expires) b.expires = format_rfc3339_jst(*a.expires);
        b.why = v.reason;
        b.staff = a.source.kind == SourceKind::kStaff;
        board.alerts.push_back(std::move(b));
    }
    std::stable_sort(board.alerts.begin(), board.alerts.end(), more_urgent);
    board.devices = std::move(*devices);

    // How fresh each source is: the newest document per door.
    auto doors = journal.door_activity();
    if (!doors) return doors.error();
    for (auto& d : *doors) {
        SourceFreshness f;
        f.source = std::move(d.door);
        if (auto last = parse_rfc3339(d.last_received))
            f.age_s = std::chrono::duration_cast<std::chrono::seconds>(now - *last).count();
        f.last_received = std::move(d.last_received);
        f.documents = d.documents;
        board.feeds.push_back(std::move(f));
    }

    auto clocks = journal.clock_offsets();
    if (!clocks) return clocks.error();
    for (const auto& c : *clocks) {
        const auto offset = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::milliseconds(c.offset_ms));
        board.clocks.push_back({.peer = c.peer,
                                .offset_s = offset.count(),
                                .measured = c.measured,
                                .skewed = offset > kClockSkewLimit || -offset > kClockSkewLimit});
    }

    auto pending = count_drafts(db, DraftState::kPending);
    if (!pending) return pending.error();
    board.pending_drafts = *pending;
    return board;
}

Result<std::string> OutputFeed::atom() {
    std::lock_guard lock(store_.mu());
    const WallTime now = store_.clock().now();
    auto alerts = recent_alerts(store_.db(), now);
    if (!alerts) return alerts.error();
    const ConsoleConfig& config = store_.config();
    const std::string& base = config.feed_base_url;

    AtomFeed feed;
    feed.id = base.empty() ? "urn:alerthub:feed:" + config.cap_sender : base + "/feed/alerts.atom";
    feed.title = config.feed_title;
    feed.updated = alerts->empty() ? format_rfc3339_jst(now) : alerts->front().created;
    feed.author = config.cap_sender;
    feed.self_href = base + "/feed/alerts.atom";
    for (const auto& v : *alerts) {
        const Alert& a = v.alert;
        AtomEntry e;
        e.id = fmt::format("urn:alerthub:alert:{}:v{}", a.id, a.version);
        e.title = alert_prefix(a) + headline_of(a, "ja");
        if (auto en = headline_of(a, "en"); !en.empty()) e.title += " / " + en;
        e.updated = v.created;
        e.published = format_rfc3339_jst(a.source.sent);
        e.summary = text_in_language(a.instruction, "ja");
        if (e.summary.empty()) e.summary = text_in_language(a.description, "ja");
        e.categories = {to_string(a.state), to_string(a.status)};
        e.link_type = "application/cap+xml";
        e.link_href = fmt::format("{}/feed/cap/{}.xml", base, a.id);
        feed.entries.push_back(std::move(e));
    }
    return write_atom(feed);
}

Result<std::string> OutputFeed::cap_document(std::string_view alert_id) {
    std::lock_guard lock(store_.mu());
    auto alerts = recent_alerts(store_.db(), store_.clock().now());
    if (!alerts) return alerts.error();
    for (const auto& v : *alerts)
        if (v.alert.id == alert_id) return cap_of(store_.db(), v.alert, store_.config().cap_sender);
    return make_error(ErrorCode::kNotFound, fmt::format("no alert '{}' in the feed", alert_id));
}

}  // namespace alerthub::hub::console
