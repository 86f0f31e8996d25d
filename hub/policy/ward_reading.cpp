#include "hub/policy/ward_reading.h"

#include <fmt/format.h>

#include "hub/policy/ward_reading_parts.h"

namespace alerthub::hub {
namespace {

// 取消: JMA withdraws a telegram issued in error. It is no lift: what it withdrew may still
// be in force under the telegram that replaces it. The ward is told what is withdrawn, on
// the chain that told it (the lifecycle sends it only where something was sent).
WardReading withdrawn(const SourceDocument& doc, const std::vector<ServedPlace>& served) {
    const JmxFacts& facts = *doc.jma;
    const auto places = all_places(served);
    WardReading r;
    r.verdict = WardVerdict::kWithdrawn;
    const std::string what = facts.info_kind.empty() ? facts.type_code : facts.info_kind;
    r.alert =
        ward_alert(doc, places, fmt::format("{}：{}を取り消します", ward_names(places), what));
    r.alert.state = AlertState::kCancelled;
    r.alert.msg_type = MsgType::kCancel;
    r.reason = fmt::format("{}: {} withdrawn (取消)", ward_names(places), facts.type_code);
    r.fingerprint = ward_fingerprint(r.verdict, {facts.type_code});
    return r;
}

}  // namespace

std::vector<const ServedPlace*> all_places(const std::vector<ServedPlace>& served) {
    std::vector<const ServedPlace*> out;
    for (const auto& s : served) out.push_back(&s);
    return out;
}

bool covers(const ServedPlace& place, std::string_view code) {
    return place.covering.count(std::string(code)) > 0;
}

bool covers(const std::vector<ServedPlace>& served, std::string_view code) {
    for (const auto& s : served)
        if (covers(s, code)) return true;
    return false;
}

std::string ascii_figures(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c0 = static_cast<unsigned char>(s[i]);
        if (c0 == 0xEF && i + 2 < s.size()) {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            auto c2 = static_cast<unsigned char>(s[i + 2]);
            int cp = ((c0 & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                out += static_cast<char>(cp - 0xFF01 + 0x21);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::vector<std::string> telegram_texts(const SourceDocument& doc) {
    std::vector<std::string> out;
    if (doc.jma && !doc.jma->headline.empty()) out.push_back(doc.jma->headline);
    if (auto body = doc.alert.description.find("ja"); body != doc.alert.description.end())
        out.push_back(body->second);
    return out;
}

std::string_view to_string(WardVerdict verdict) {
    switch (verdict) {
        case WardVerdict::kInForce:
            return "in_force";
        case WardVerdict::kNothingInForce:
            return "nothing_in_force";
        case WardVerdict::kNotNamed:
            return "not_named";
        case WardVerdict::kWithdrawn:
            return "withdrawn";
    }
    return "unknown";
}

std::vector<AlertArea> ward_areas(const std::vector<const ServedPlace*>& places) {
    std::vector<AlertArea> out;
    for (const auto* p : places) {
        out.push_back({"jma", p->jma_code, p->name});
        out.push_back({"jisx0402", p->jis, p->name});
    }
    return out;
}

std::string ward_names(const std::vector<const ServedPlace*>& places) {
    std::vector<std::string> names;
    for (const auto* p : places) names.push_back(p->name);
    return join_nonempty(names, "・");
}

Alert ward_alert(const SourceDocument& doc, const std::vector<const ServedPlace*>& places,
                 std::string headline_ja) {
    Alert a = doc.alert;
    a.areas = ward_areas(places);
    a.polygons.clear();
    // The other languages are the phrase bank's, from the ward's kinds: nothing of the
    // telegram-wide reading may stay behind in them.
    a.headline = {{"ja", std::move(headline_ja)}};
    a.event_name = {{"ja", doc.alert.event_name.count("ja") ? doc.alert.event_name.at("ja") : ""}};
    a.instruction.clear();
    a.description.clear();
    if (auto text = join_nonempty(telegram_texts(doc), "\n"); !text.empty())
        a.description["ja"] = text;
    return a;
}

Alert facts_alert(const SourceDocument& doc, const std::vector<ServedPlace>& served) {
    Alert a = ward_alert(doc, all_places(served), "");
    a.description.clear();
    a.level.reset();
    return a;
}

std::string ward_fingerprint(WardVerdict verdict, const std::vector<std::string>& parts) {
    std::string out(to_string(verdict));
    for (const auto& p : parts) out += "\n" + p;
    return out;
}

WardReading not_named(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                      std::string_view why) {
    const auto places = all_places(served);
    WardReading r;
    r.verdict = WardVerdict::kNotNamed;
    // Journaled only: the telegram's own reading stays on the record of what it was about.
    r.alert = doc.alert;
    r.reason = fmt::format("{}: {}", ward_names(places), why);
    r.fingerprint = ward_fingerprint(r.verdict, {});
    return r;
}

WardReading read_for_ward(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                          const WardThresholds& thresholds) {
    if (!doc.jma) return not_named(doc, served, "not a JMA telegram");
    const JmxFacts& facts = *doc.jma;
    if (facts.info_type == "取消") return withdrawn(doc, served);
    const std::string_view type = facts.type_code;
    // By type code family: 震度・震源・緊急地震速報・南海トラフ (VXSE, VYSE, VZSE), 津波 (VTSE);
    // everything else the parser reads is a warning family with items per municipality.
    if (type.starts_with("VXSE") || type.starts_with("VYSE") || type.starts_with("VZSE"))
        return read_seismic_for_ward(doc, served, thresholds);
    if (type.starts_with("VTSE")) return read_tsunami_for_ward(doc, served);
    return read_warnings_for_ward(doc, served);
}

}  // namespace alerthub::hub
