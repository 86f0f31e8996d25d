// ConsoleService: the live board and the output feed, read from the journal's tables
// (alert_versions, documents, receipts, display_acks, devices; see hub/journal/journal.cpp).

#include <fmt/format.h>

#include <map>
#include <pugixml.hpp>
#include <sstream>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "hub/console/console_service.h"
#include "hub/output/cap_writer.h"

namespace alerthub::hub::console {
namespace {

using nlohmann::json;

// Cancelled and expired alerts stay on the board and in the feed this long.
constexpr auto kRecentlyEnded = std::chrono::hours(24);
constexpr int kMaxAlerts = 200;

struct LatestVersion {
    Alert alert;
    std::string created;
    std::string origin;
};

// The latest version of every alert that is in force or ended less than a day ago.
Result<std::vector<LatestVersion>> recent_alerts(SqliteDb& db, WallTime now) {
    auto q =
        db.prepare(fmt::format("SELECT v.alert_json, v.created, d.origin FROM alert_versions v "
                               "JOIN documents d ON d.id = v.document_id "
                               "WHERE v.version = (SELECT MAX(w.version) FROM alert_versions w "
                               "WHERE w.alert_id = v.alert_id) ORDER BY v.created DESC LIMIT {}",
                               kMaxAlerts));
    if (!q) return q.error();
    std::vector<LatestVersion> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        auto alert = decode_alert(q->column_text(0));
        if (!alert) continue;  // the journal only holds what it encoded itself
        auto created = parse_rfc3339(q->column_text(1));
        const bool expired = alert->expires && *alert->expires <= now;
        if (alert->state == AlertState::kActive && expired) alert->state = AlertState::kExpired;
        const bool recent = created && now - *created < kRecentlyEnded;
        if (alert->state == AlertState::kActive || recent)
            out.push_back({std::move(*alert), q->column_text(1), q->column_text(2)});
    }
    return out;
}

std::string headline_of(const Alert& a, std::string_view lang) {
    auto text = text_in_language(a.headline, lang);
    if (text.empty()) text = text_in_language(a.event_name, lang);
    return text;
}

// How many known screens show `version` (their newest display ack of the alert), and every
// other screen with what it last showed of it: an older version, or nothing (it may be
// outside the alert's areas, or showing a more urgent alert), when it was last heard from.
json screens_summary(std::int64_t version, const json& acks, const json& devices) {
    int latest = 0;
    json behind = json::array();
    for (const auto& d : devices) {
        const auto& id = d["device_id"].get_ref<const std::string&>();
        auto ack = acks.find(id);
        if (ack != acks.end() && (*ack)["version"] == version) {
            ++latest;
            continue;
        }
        behind.push_back(
            {{"device_id", id},
             {"version", ack != acks.end() ? (*ack)["version"] : json(nullptr)},
             {"displayed_at", ack != acks.end() ? (*ack)["displayed_at"] : json(nullptr)},
             {"online", d["online"]},
             {"last_seen", d["received"]}});
    }
    return {{"version", version},
            {"latest", latest},
            {"total", devices.size()},
            {"not_latest", behind}};
}

}  // namespace

Result<json> ConsoleService::board(const Actor& actor) {
    (void)actor;
    std::lock_guard lock(mu_);
    const WallTime now = clock_.now();
    auto alerts = recent_alerts(db_, now);
    if (!alerts) return alerts.error();

    json devices = json::array();
    auto d = db_.prepare(
        "SELECT device_id, online, received, status_json FROM devices ORDER BY device_id");
    if (!d) return d.error();
    for (;;) {
        auto row = d->step();
        if (!row) return row.error();
        if (!*row) break;
        auto status = json::parse(d->column_text(3), nullptr, false);
        devices.push_back(
            {{"device_id", d->column_text(0)},
             {"online", d->column_int(1) != 0},
             {"received", d->column_text(2)},
             {"showing",
              status.is_object() ? status.value("showing", json::array()) : json::array()},
             {"software_version",
              status.is_object() ? status.value("software_version", "") : std::string()}});
    }

    json alert_list = json::array();
    for (const auto& v : *alerts) {
        const Alert& a = v.alert;
        json receipts = json::object();  // channel -> the newest receipt
        auto r = db_.prepare(
            "SELECT channel, version, outcome, recipients, attempts, detail, finished "
            "FROM receipts WHERE alert_id = ? ORDER BY version, id");
        if (!r) return r.error();
        r->bind(1, a.id);
        for (;;) {
            auto row = r->step();
            if (!row) return row.error();
            if (!*row) break;
            receipts[r->column_text(0)] = {
                {"version", r->column_int(1)},    {"outcome", r->column_text(2)},
                {"recipients", r->column_int(3)}, {"attempts", r->column_int(4)},
                {"detail", r->column_text(5)},    {"finished", r->column_text(6)}};
        }
        json acks = json::object();  // device -> the newest ack
        auto k = db_.prepare(
            "SELECT device_id, version, displayed_at FROM display_acks WHERE alert_id = ? "
            "ORDER BY version, id");
        if (!k) return k.error();
        k->bind(1, a.id);
        for (;;) {
            auto row = k->step();
            if (!row) return row.error();
            if (!*row) break;
            acks[k->column_text(0)] = {{"version", k->column_int(1)},
                                       {"displayed_at", k->column_text(2)}};
        }
        alert_list.push_back(
            {{"id", a.id},
             {"screens", screens_summary(a.version, acks, devices)},
             {"version", a.version},
             {"state", to_string(a.state)},
             {"status", to_string(a.status)},
             {"source", to_string(a.source.kind)},
             {"origin", v.origin},
             {"level", a.level ? json(*a.level) : json(nullptr)},
             {"prefix", alert_prefix(a)},
             {"headline", headline_of(a, "ja")},
             {"headline_en", headline_of(a, "en")},
             {"updated", v.created},
             {"expires", a.expires ? json(format_rfc3339_jst(*a.expires)) : json(nullptr)},
             {"staff", a.source.kind == SourceKind::kStaff},
             {"receipts", receipts},
             {"acks", acks}});
    }

    // How fresh each source is: the newest document per door (origin up to its first ':').
    json feeds = json::array();
    auto f = db_.prepare(
        "SELECT CASE WHEN instr(origin, ':') > 0 THEN substr(origin, 1, instr(origin, ':') - 1) "
        "ELSE origin END AS door, MAX(received), COUNT(*) FROM documents GROUP BY door "
        "ORDER BY door");
    if (!f) return f.error();
    for (;;) {
        auto row = f->step();
        if (!row) return row.error();
        if (!*row) break;
        auto last = parse_rfc3339(f->column_text(1));
        feeds.push_back(
            {{"source", f->column_text(0)},
             {"last_received", f->column_text(1)},
             {"age_s",
              last ? json(std::chrono::duration_cast<std::chrono::seconds>(now - *last).count())
                   : json(nullptr)},
             {"documents", f->column_int(2)}});
    }

    auto p = db_.prepare("SELECT COUNT(*) FROM console_drafts WHERE state = 'pending'");
    if (!p) return p.error();
    if (auto row = p->step(); !row) return row.error();
    return json{{"now", format_rfc3339_jst(now)},
                {"training", config_.training},
                {"alerts", alert_list},
                {"devices", devices},
                {"feeds", feeds},
                {"pending_drafts", p->column_int(0)}};
}

namespace {

void child_text(pugi::xml_node parent, const char* name, const std::string& text) {
    parent.append_child(name).append_child(pugi::node_pcdata).set_value(text.c_str());
}

// The feed's own CAP message for a version: the hub re-issues what it distributes under
// its sender, one identifier per version, each version referencing the ones before.
std::string cap_of(SqliteDb& db, const Alert& a, const std::string& sender) {
    CapEnvelope env;
    env.identifier = fmt::format("{}-v{}", a.id, a.version);
    env.sender = sender;
    env.sent = a.source.sent;
    auto q = db.prepare(
        "SELECT version, alert_json FROM alert_versions WHERE alert_id = ? AND version < ? "
        "ORDER BY version");
    if (q) {
        q->bind(1, a.id).bind(2, a.version);
        while (auto row = q->step()) {
            if (!*row) break;
            auto earlier = decode_alert(q->column_text(1));
            if (!earlier) continue;
            env.references.push_back({sender, fmt::format("{}-v{}", a.id, q->column_int(0)),
                                      cap_time(earlier->source.sent)});
        }
    }
    if (env.references.empty())
        env.msg_type = MsgType::kAlert;
    else
        env.msg_type = a.state == AlertState::kCancelled ? MsgType::kCancel : MsgType::kUpdate;
    return write_cap(a, env);
}

}  // namespace

Result<std::string> ConsoleService::atom_feed() {
    std::lock_guard lock(mu_);
    const WallTime now = clock_.now();
    auto alerts = recent_alerts(db_, now);
    if (!alerts) return alerts.error();
    const std::string base = config_.feed_base_url;

    pugi::xml_document doc;
    auto feed = doc.append_child("feed");
    feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
    feed.append_attribute("xml:lang") = "ja";
    child_text(
        feed, "id",
        base.empty() ? "urn:alerthub:feed:" + config_.cap_sender : base + "/feed/alerts.atom");
    child_text(feed, "title", config_.feed_title);
    std::string updated = alerts->empty() ? format_rfc3339_jst(now) : alerts->front().created;
    child_text(feed, "updated", updated);
    child_text(feed.append_child("author"), "name", config_.cap_sender);
    auto self = feed.append_child("link");
    self.append_attribute("rel") = "self";
    self.append_attribute("href") = (base + "/feed/alerts.atom").c_str();
    for (const auto& v : *alerts) {
        const Alert& a = v.alert;
        auto entry = feed.append_child("entry");
        child_text(entry, "id", fmt::format("urn:alerthub:alert:{}:v{}", a.id, a.version));
        std::string title = alert_prefix(a) + headline_of(a, "ja");
        if (auto en = headline_of(a, "en"); !en.empty()) title += " / " + en;
        child_text(entry, "title", title);
        child_text(entry, "updated", v.created);
        child_text(entry, "published", format_rfc3339_jst(a.source.sent));
        auto summary = text_in_language(a.instruction, "ja");
        if (summary.empty()) summary = text_in_language(a.description, "ja");
        if (!summary.empty()) child_text(entry, "summary", summary);
        for (const auto& term : {to_string(a.state), to_string(a.status)}) {
            auto category = entry.append_child("category");
            category.append_attribute("term") = term.c_str();
        }
        auto link = entry.append_child("link");
        link.append_attribute("rel") = "alternate";
        link.append_attribute("type") = "application/cap+xml";
        link.append_attribute("href") = fmt::format("{}/feed/cap/{}.xml", base, a.id).c_str();
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

Result<std::string> ConsoleService::cap_document(std::string_view alert_id) {
    std::lock_guard lock(mu_);
    auto alerts = recent_alerts(db_, clock_.now());
    if (!alerts) return alerts.error();
    for (const auto& v : *alerts)
        if (v.alert.id == alert_id) return cap_of(db_, v.alert, config_.cap_sender);
    return make_error(ErrorCode::kNotFound, fmt::format("no alert '{}' in the feed", alert_id));
}

}  // namespace alerthub::hub::console
