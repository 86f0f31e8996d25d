#include "hub/console/console_json.h"

#include <fmt/format.h>

#include "core/base/time_format.h"

namespace alerthub::hub::console {
namespace {

using nlohmann::json;

json texts_json(const LocalizedText& t) {
    json out = json::object();
    for (const auto& [lang, text] : t) out[lang] = text;
    return out;
}

LocalizedText texts_of(const json& j) {
    LocalizedText out;
    if (!j.is_object()) return out;
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
    return out;
}

template <typename T>
json or_null(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

Result<DraftRequest> parse_request(const json& req) {
    DraftRequest r;
    r.action = req.value("action", "issue");
    if (!parse_draft_action(r.action)) return r;  // refused by Drafts
    r.idempotency_key = req.value("idempotency_key", "");
    if (r.action != "issue") r.alert_id = req.value("alert_id", "");
    if (r.action == "cancel") {
        r.reason = req.value("reason", "");
        return r;
    }
    if (req.contains("template")) r.template_id = req.value("template", "");
    if (req.contains("status")) r.status = req.value("status", "");

    auto areas = req.value("areas", json::array());
    constexpr const char* kAreasShape =
        "areas は町丁目コードのリストです / areas must be a list of town-block codes";
    if (!areas.is_array()) return invalid_request(kAreasShape);
    for (const auto& code : areas) {
        if (!code.is_string()) return invalid_request(kAreasShape);
        r.areas.push_back(code.get<std::string>());
    }
    auto whole_ward = req.value("whole_ward", json(false));
    if (!whole_ward.is_boolean())
        return invalid_request(
            "whole_ward は true か false です / whole_ward must be true or false");
    r.whole_ward = whole_ward.get<bool>();
    auto shelters = req.value("shelters", json::array());
    constexpr const char* kSheltersShape =
        "shelters は避難所・施設名のリストです / shelters must be a list of names";
    if (!shelters.is_array()) return invalid_request(kSheltersShape);
    for (const auto& s : shelters) {
        if (!s.is_string()) return invalid_request(kSheltersShape);
        r.shelters.push_back(s.get<std::string>());
    }
    auto facilities = req.value("facilities", json::array());
    constexpr const char* kFacilitiesShape =
        "facilities は施設IDのリストです / facilities must be a list of facility ids";
    if (!facilities.is_array()) return invalid_request(kFacilitiesShape);
    for (const auto& id : facilities) {
        if (!id.is_string()) return invalid_request(kFacilitiesShape);
        r.facility_ids.push_back(id.get<std::string>());
    }
    r.hazard = req.value("hazard", "");
    r.link = req.value("link", "");
    auto expires = req.value("expires_hours", json(0));
    if (!expires.is_number_integer())
        return invalid_request(
            "有効時間は0（なし）から168までの整数です / expires_hours must be a whole number from "
            "0 (none) to 168");
    r.expires_hours = expires.get<std::int64_t>();

    for (auto [field, texts] :
         {std::pair{"headline", &r.headline}, std::pair{"description", &r.description},
          std::pair{"instruction", &r.instruction}}) {
        if (!req.contains(field)) continue;
        const auto& given = req.at(field);
        if (!given.is_object())
            return invalid_request(fmt::format(
                "{} は言語ごとの文面です / {} must map languages to texts", field, field));
        LocalizedText t;
        for (auto it = given.begin(); it != given.end(); ++it) {
            if (!it.value().is_string())
                return invalid_request(fmt::format("{}.{} は文字列です / {}.{} must be text", field,
                                                   it.key(), field, it.key()));
            t[it.key()] = it.value().get<std::string>();
        }
        *texts = std::move(t);
    }
    return r;
}

}  // namespace

Result<DraftRequest> draft_request_from_json(const json& body) {
    if (!body.is_object()) return invalid_request("the request must be a JSON object");
    try {
        return parse_request(body);
    } catch (const json::exception& e) {
        // A field of the wrong type ("template": 3): nlohmann's value() throws.
        return invalid_request(
            fmt::format("項目の型が違います / a field has the wrong type: {}", e.what()));
    }
}

json draft_content_json(const DraftContent& c) {
    json out = json::object();
    out["action"] = to_string(c.action);
    if (c.action != DraftAction::kIssue) out["alert_id"] = c.alert_id;
    out["template"] = c.template_id;
    out["status"] = c.status;
    json areas = json::array();
    for (const auto& a : c.areas) areas.push_back({{"code", a.code}, {"name", a.name}});
    out["areas"] = areas;
    out["whole_ward"] = c.whole_ward;
    json facilities = json::array();
    for (const auto& f : c.facilities)
        facilities.push_back(
            {{"id", f.id}, {"kind", f.kind}, {"name", f.name}, {"name_en", f.name_en}});
    // Left out when none (what drafts stored before facilities were picked look like).
    if (!facilities.empty()) out["facilities"] = facilities;
    out["shelters"] = c.shelters;
    out["hazard"] = c.hazard;
    out["link"] = c.link;
    out["expires_hours"] = c.expires_hours;
    out["headline"] = texts_json(c.headline);
    out["description"] = texts_json(c.description);
    out["instruction"] = texts_json(c.instruction);
    if (c.note) out["note"] = *c.note;
    if (!c.idempotency_key.empty()) out["idempotency_key"] = c.idempotency_key;
    return out;
}

DraftContent draft_content_from_json(const json& j) {
    DraftContent c;
    if (!j.is_object()) return c;
    try {
        c.action = parse_draft_action(j.value("action", "issue")).value_or(DraftAction::kIssue);
        c.alert_id = j.value("alert_id", "");
        c.template_id = j.value("template", "");
        c.status = j.value("status", "actual");
        for (const auto& a : j.value("areas", json::array()))
            if (a.is_object()) c.areas.push_back({a.value("code", ""), a.value("name", "")});
        // Drafts saved before whole_ward was stored: no block meant the whole ward.
        c.whole_ward = j.value("whole_ward", c.areas.empty());
        for (const auto& f : j.value("facilities", json::array()))
            if (f.is_object())
                c.facilities.push_back({.id = f.value("id", ""),
                                        .kind = f.value("kind", ""),
                                        .name = f.value("name", ""),
                                        .name_en = f.value("name_en", "")});
        for (const auto& s : j.value("shelters", json::array()))
            if (s.is_string()) c.shelters.push_back(s.get<std::string>());
        c.hazard = j.value("hazard", "");
        c.link = j.value("link", "");
        c.expires_hours = j.value("expires_hours", 0);
        c.headline = texts_of(j.value("headline", json::object()));
        c.description = texts_of(j.value("description", json::object()));
        c.instruction = texts_of(j.value("instruction", json::object()));
        if (j.contains("note")) c.note = j.value("note", "");
        c.idempotency_key = j.value("idempotency_key", "");
    } catch (const json::exception&) {
        // Only the console writes this column: what it cannot read stays at the defaults.
    }
    return c;
}

std::string draft_content_text(const DraftContent& content) {
    return draft_content_json(content).dump();
}

DraftContent draft_content_from_text(std::string_view text) {
    return draft_content_from_json(json::parse(text, nullptr, false));
}

json draft_json(const Draft& d) {
    return {{"id", d.id},
            {"action", to_string(d.action)},
            {"alert_id", d.alert_id},
            {"template", d.template_id},
            {"status", d.status},
            {"state", to_string(d.state)},
            {"drafted_by", d.drafted_by},
            {"drafted_at", d.drafted_at},
            {"decided_by", d.decided_by},
            {"decided_at", d.decided_at},
            {"break_glass_reason", d.break_glass_reason},
            {"identifier", d.identifier},
            {"published_version", d.published_version},
            {"reason", d.reason},
            {"content", draft_content_json(d.content)}};
}

json draft_view_json(const DraftView& v) {
    json out = draft_json(v.draft);
    if (v.preview) {
        out["preview"] = json::parse(encode_alert(*v.preview));
        json texts = json::object();
        for (const auto& [lang, t] : v.channel_texts)
            texts[lang] = {{"mail_subject", t.mail_subject},
                           {"mail_text", t.mail_text},
                           {"line_text", t.line_text}};
        out["channel_texts"] = texts;
    }
    if (v.preview_error) out["preview_error"] = *v.preview_error;
    if (v.changes) out["changes"] = draft_changes_json(*v.changes);
    return out;
}

json draft_changes_json(const DraftChanges& c) {
    auto areas = [](const std::vector<DraftArea>& list) {
        json out = json::array();
        for (const auto& a : list) out.push_back({{"code", a.code}, {"name", a.name}});
        return out;
    };
    json out = {{"base_version", c.base_version},      {"changed", c.any()},
                {"areas_added", areas(c.areas_added)}, {"areas_removed", areas(c.areas_removed)},
                {"shelters_added", c.shelters_added},  {"shelters_removed", c.shelters_removed},
                {"texts_changed", c.texts_changed}};
    // The rest only when it changes: {"from", "to"}.
    auto from_to = [&](const char* key, const auto& from, const auto& to) {
        if (from != to) out[key] = {{"from", from}, {"to", to}};
    };
    from_to("template", c.template_before, c.template_after);
    from_to("level", or_null(c.level_before), or_null(c.level_after));
    from_to("whole_ward", c.whole_ward_before, c.whole_ward_after);
    from_to("hazard", c.hazard_before, c.hazard_after);
    from_to("link", c.link_before, c.link_after);
    from_to("expires_hours", c.expires_hours_before, c.expires_hours_after);
    return out;
}

json notice_json(const NoticeForUpdate& n) {
    return {{"alert_id", n.alert_id},
            {"version", n.version},
            {"content", draft_content_json(n.content)},
            {"update", draft_content_json(n.update)}};
}

json reference_json(const ComposeReference& r) {
    json templates = json::array();
    for (const auto& [t, break_glass] : r.templates)
        templates.push_back({{"id", t.id},
                             {"name", texts_json(t.name)},
                             {"level", or_null(t.level)},
                             {"needs_shelters", t.needs_shelters},
                             {"takes_hazard", t.takes_hazard},
                             {"break_glass", break_glass}});
    json hazards = json::array();
    for (const auto& h : r.hazards) hazards.push_back({{"id", h.id}, {"name", texts_json(h.name)}});
    json blocks = json::array();
    for (const auto& b : r.town_blocks)
        blocks.push_back(
            {{"code", b.code}, {"name", b.name}, {"town", b.town}, {"district", b.district}});
    return {{"templates", templates},
            {"hazards", hazards},
            {"town_blocks", blocks},
            {"languages", r.languages},
            {"channels", r.channels},
            {"training", r.training},
            {"break_glass_level5", r.break_glass_level5}};
}

json board_json(const Board& board) {
    json devices = json::array();
    for (const auto& d : board.devices) {
        // The screen's own status message: its "showing" list is passed on as it sent it.
        auto status = json::parse(d.status_json, nullptr, false);
        devices.push_back(
            {{"device_id", d.device_id},
             {"online", d.online},
             {"received", d.received},
             {"showing",
              status.is_object() ? status.value("showing", json::array()) : json::array()},
             {"software_version",
              status.is_object() ? status.value("software_version", "") : std::string()},
             {"areas", status.is_object() ? status.value("areas", json::array()) : json::array()},
             // What the screen refused because the hub had not signed it, and what it
             // dropped for room (issue 12): staff must see an attack on the screens.
             {"refused_messages",
              status.is_object() ? status.value("refused_messages", std::int64_t{0}) : 0},
             {"last_refusal",
              status.is_object() ? status.value("last_refusal", "") : std::string()},
             {"evicted_alerts",
              status.is_object() ? status.value("evicted_alerts", std::int64_t{0}) : 0}});
    }
    json alerts = json::array();
    for (const auto& a : board.alerts) {
        json receipts = json::object();
        for (const auto& [channel, r] : a.receipts)
            receipts[channel] = {{"version", r.version},       {"outcome", r.outcome},
                                 {"recipients", r.recipients}, {"attempts", r.attempts},
                                 {"detail", r.detail},         {"finished", r.finished}};
        json acks = json::object();
        for (const auto& [device, k] : a.acks)
            acks[device] = {{"version", k.version}, {"displayed_at", k.displayed_at}};
        json behind = json::array();
        for (const auto& s : a.screens.not_latest)
            behind.push_back({{"device_id", s.device_id},
                              {"version", or_null(s.version)},
                              {"displayed_at", or_null(s.displayed_at)},
                              {"online", s.online},
                              {"last_seen", s.last_seen},
                              {"showing_instead", s.showing_instead}});
        json screens = {{"version", a.screens.version}, {"latest", a.screens.latest},
                        {"total", a.screens.total},     {"known", a.screens.known},
                        {"ended", a.screens.ended},     {"not_latest", behind}};
        alerts.push_back({{"id", a.id},
                          {"screens", screens},
                          {"version", a.version},
                          {"state", to_string(a.state)},
                          {"status", to_string(a.status)},
                          {"source", to_string(a.source)},
                          {"origin", a.origin},
                          {"level", or_null(a.level)},
                          {"severity", to_string(a.severity)},
                          {"event_name", a.event_name},
                          {"prefix", a.prefix},
                          {"headline", a.headline},
                          {"headline_en", a.headline_en},
                          {"updated", a.updated},
                          {"expires", or_null(a.expires)},
                          {"why", a.why},
                          {"staff", a.staff},
                          {"receipts", receipts},
                          {"acks", acks}});
    }
    json feeds = json::array();
    for (const auto& f : board.feeds)
        feeds.push_back({{"source", f.source},
                         {"last_received", f.last_received},
                         {"age_s", or_null(f.age_s)},
                         {"documents", f.documents}});
    json clocks = json::array();
    for (const auto& c : board.clocks)
        clocks.push_back({{"peer", c.peer},
                          {"offset_s", c.offset_s},
                          {"measured", c.measured},
                          {"skewed", c.skewed}});
    return {{"now", board.now},
            {"training", board.training},
            {"alerts", alerts},
            {"devices", devices},
            {"feeds", feeds},
            {"clocks", clocks},
            {"pending_drafts", board.pending_drafts}};
}

json user_json(const User& u) {
    return {{"name", u.name},       {"role", to_string(u.role)}, {"disabled", u.disabled},
            {"created", u.created}, {"updated", u.updated},      {"facilities", u.facilities}};
}

json facility_json(const FacilityView& v) {
    const site::Facility& f = *v.facility;
    json hazards = json::array();
    for (auto h : f.hazards) hazards.push_back(site::hazard_key(h));
    json out = {{"id", f.id},           {"kind", site::facility_kind_key(f.kind)},
                {"name", f.name},       {"name_en", f.name_en},
                {"address", f.address}, {"hazards", hazards},
                {"welfare", f.welfare}, {"capacity", f.capacity},
                {"state", "closed"},    {"taken_in", 0},
                {"updated", nullptr},   {"updated_by", nullptr}};
    if (v.status) {
        out["state"] = site::facility_state_key(v.status->status.state);
        out["taken_in"] = v.status->status.taken_in;
        out["updated"] = format_rfc3339_jst(v.status->status.updated);
        out["updated_by"] = v.status->by;
    }
    return out;
}

json audit_entry_json(const AuditEntry& e) {
    return {{"seq", e.seq},         {"at", e.at},
            {"actor", e.actor},     {"action", e.action},
            {"subject", e.subject}, {"detail", json::parse(e.detail, nullptr, false)},
            {"hash", e.hash}};
}

json audit_verification_json(const AuditVerification& v) {
    return {{"ok", v.ok},
            {"entries", v.entries},
            {"head_seq", v.head.seq},
            {"head_hash", v.head.hash},
            {"problem", v.problem}};
}

}  // namespace alerthub::hub::console
