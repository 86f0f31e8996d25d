#include "hub/output/cap_writer.h"

#include "hub/output/xml_writing.h"

#include <fmt/format.h>

#include <set>

#include "core/base/time_format.h"

namespace alerthub::hub {
namespace {

constexpr std::string_view kLevelParameter = "警戒レベル";

std::string capitalized(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

std::string cap_category(const std::string& category) {
    static const std::set<std::string> kKnown = {"geo",       "met",   "safety", "security",
                                                 "rescue",    "fire",  "health", "env",
                                                 "transport", "infra", "other"};
    if (category == "cbrne") return "CBRNE";
    if (kKnown.count(category)) return capitalized(category);
    return "Other";
}

std::string cap_status(AlertStatus s) {
    switch (s) {
        case AlertStatus::kActual:
            return "Actual";
        case AlertStatus::kExercise:
            return "Exercise";
        case AlertStatus::kTest:
            return "Test";
    }
    return "Actual";
}

std::string cap_msg_type(MsgType t) {
    switch (t) {
        case MsgType::kAlert:
            return "Alert";
        case MsgType::kUpdate:
            return "Update";
        case MsgType::kCancel:
            return "Cancel";
    }
    return "Alert";
}

std::string cap_geocode_name(const std::string& scheme) {
    return scheme == "jisx0402" ? "JISX0402" : scheme;
}

// Japanese first, then the others in the map's (stable) order.
std::vector<std::string> languages_of(const Alert& a) {
    std::set<std::string> all;
    for (const LocalizedText* t : {&a.headline, &a.description, &a.instruction, &a.event_name})
        for (const auto& [lang, text] : *t)
            if (!text.empty()) all.insert(lang);
    std::vector<std::string> out;
    if (all.erase("ja")) out.push_back("ja");
    out.insert(out.end(), all.begin(), all.end());
    // Without any text an <info> has nothing to say unless it carries an event or a place.
    if (out.empty() && (!a.event_code.empty() || a.level || !a.areas.empty())) out.push_back("ja");
    return out;
}

std::string text_or(const LocalizedText& text, const std::string& lang, std::string fallback) {
    auto it = text.find(lang);
    return it != text.end() && !it->second.empty() ? it->second : fallback;
}

}  // namespace

std::string cap_time(WallTime t) {
    return format_rfc3339_jst(std::chrono::floor<std::chrono::seconds>(t));
}

std::string cap_reference_text(const CapReference& r) {
    return r.sender + "," + r.identifier + "," + r.sent;
}

std::string write_cap(const Alert& a, const CapEnvelope& env) {
    pugi::xml_document doc;
    auto alert = doc.append_child("alert");
    alert.append_attribute("xmlns") = std::string(kCap12Namespace).c_str();
    append_text_element(alert, "identifier", env.identifier);
    append_text_element(alert, "sender", env.sender);
    append_text_element(alert, "sent", cap_time(env.sent));
    append_text_element(alert, "status", cap_status(a.status));
    append_text_element(alert, "msgType", cap_msg_type(env.msg_type));
    append_text_element(alert, "scope", "Public");
    if (!env.note.empty()) append_text_element(alert, "note", env.note);
    if (!env.references.empty()) {
        std::string refs;
        for (const auto& r : env.references) {
            if (!refs.empty()) refs += ' ';
            refs += cap_reference_text(r);
        }
        append_text_element(alert, "references", refs);
    }

    const std::string any_event = pick_text(a.event_name, {"ja", "en"});
    for (const auto& lang : languages_of(a)) {
        auto info = alert.append_child("info");
        append_text_element(info, "language", lang);
        append_text_element(info, "category", cap_category(a.category));
        std::string event = text_or(a.event_name, lang, any_event);
        append_text_element(info, "event",
                            !event.empty()          ? event
                            : !a.event_code.empty() ? a.event_code
                                                    : "-");
        append_text_element(info, "urgency", capitalized(to_string(a.urgency)));
        append_text_element(info, "severity", capitalized(to_string(a.severity)));
        append_text_element(info, "certainty", capitalized(to_string(a.certainty)));
        if (!a.event_code.empty()) {
            auto colon = a.event_code.find(':');
            auto code = info.append_child("eventCode");
            append_text_element(code, "valueName",
                                colon == std::string::npos ? to_string(a.source.kind)
                                                           : a.event_code.substr(0, colon));
            append_text_element(
                code, "value",
                colon == std::string::npos ? a.event_code : a.event_code.substr(colon + 1));
        }
        if (a.effective) append_text_element(info, "effective", cap_time(*a.effective));
        if (a.onset) append_text_element(info, "onset", cap_time(*a.onset));
        if (a.expires) append_text_element(info, "expires", cap_time(*a.expires));
        for (auto [name, text] :
             {std::pair{"headline", &a.headline}, std::pair{"description", &a.description},
              std::pair{"instruction", &a.instruction}}) {
            auto value = text_or(*text, lang, "");
            if (!value.empty()) append_text_element(info, name, value);
        }
        if (!a.links.empty()) append_text_element(info, "web", a.links.front().url);
        if (a.level) {
            auto p = info.append_child("parameter");
            append_text_element(p, "valueName", std::string(kLevelParameter));
            append_text_element(p, "value", std::to_string(*a.level));
        }
        for (const auto& area : a.areas) {
            auto el = info.append_child("area");
            append_text_element(el, "areaDesc", area.name.empty() ? area.code : area.name);
            if (!area.code.empty()) {
                auto geo = el.append_child("geocode");
                append_text_element(geo, "valueName",
                                    cap_geocode_name(area.scheme.empty() ? "code" : area.scheme));
                append_text_element(geo, "value", area.code);
            }
        }
        for (const auto& polygon : a.polygons) {
            auto el = info.append_child("area");
            append_text_element(el, "areaDesc",
                                polygon.area_name.empty() ? "-" : polygon.area_name);
            append_text_element(el, "polygon", polygon.points);
        }
    }
    return xml_text(doc);
}

}  // namespace alerthub::hub
