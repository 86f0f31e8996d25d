#include "hub/console/notice_templates.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "hub/policy/phrase_bank.h"

namespace alerthub::hub::console {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += sep;
        out += item;
    }
    return out;
}

std::string fill(const std::string& text, const std::map<std::string, std::string>& vars) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '{') {
            auto close = text.find('}', i);
            if (close != std::string::npos) {
                auto it = vars.find(text.substr(i + 1, close - i - 1));
                if (it != vars.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    // A sentence that ended with an empty placeholder leaves a trailing space.
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace

const std::vector<NoticeTemplate>& notice_templates() {
    static const std::vector<NoticeTemplate> kTemplates = {
        {"evac_elderly",
         {{"ja", "高齢者等避難"},
          {"en", "Evacuation of older people and others"},
          {"ja-x-easy", "お年寄りなどは 逃げてください"}},
         3,
         "safety",
         Severity::kSevere,
         Urgency::kExpected,
         Certainty::kLikely,
         false,
         true},
        {"evac_order",
         {{"ja", "避難指示"},
          {"en", "Evacuation instructions"},
          {"ja-x-easy", "みんな 逃げてください"}},
         4,
         "safety",
         Severity::kSevere,
         Urgency::kImmediate,
         Certainty::kLikely,
         false,
         true},
        {"emergency_safety",
         {{"ja", "緊急安全確保"},
          {"en", "Emergency safety measures"},
          {"ja-x-easy", "命が 危ないです"}},
         5,
         "safety",
         Severity::kExtreme,
         Urgency::kImmediate,
         Certainty::kObserved,
         false,
         true},
        {"shelter_open",
         {{"ja", "避難所開設"}, {"en", "Shelters open"}, {"ja-x-easy", "ひなんじょが あきました"}},
         std::nullopt,
         "safety",
         Severity::kModerate,
         Urgency::kExpected,
         Certainty::kObserved,
         true,
         false},
        {"stay_facility_open",
         {{"ja", "一時滞在施設開設（帰宅困難者）"},
          {"en", "Temporary stay facilities open (stranded commuters)"},
          {"ja-x-easy", "家に 帰れない 人が 休む ところ"}},
         std::nullopt,
         "safety",
         Severity::kModerate,
         Urgency::kExpected,
         Certainty::kObserved,
         true,
         false},
        {"free",
         {{"ja", "お知らせ"}, {"en", "Notice"}, {"ja-x-easy", "おしらせ"}},
         std::nullopt,
         "other",
         Severity::kMinor,
         Urgency::kExpected,
         Certainty::kObserved,
         false,
         false},
    };
    return kTemplates;
}

const NoticeTemplate* find_template(std::string_view id) {
    for (const auto& t : notice_templates())
        if (t.id == id) return &t;
    return nullptr;
}

const std::vector<Hazard>& hazards() {
    static const std::vector<Hazard> kHazards = {
        {"flood", {{"ja", "洪水"}, {"en", "flood"}, {"ja-x-easy", "川の 水が あふれる"}}},
        {"inland_flood",
         {{"ja", "内水氾濫"}, {"en", "inland flooding"}, {"ja-x-easy", "まちに 水が あふれる"}}},
        {"storm_surge",
         {{"ja", "高潮"}, {"en", "storm surge"}, {"ja-x-easy", "海の 水が 高くなる"}}},
        {"landslide", {{"ja", "土砂災害"}, {"en", "landslide"}, {"ja-x-easy", "がけが くずれる"}}},
        {"tsunami", {{"ja", "津波"}, {"en", "tsunami"}, {"ja-x-easy", "つなみ"}}},
    };
    return kHazards;
}

const Hazard* find_hazard(std::string_view id) {
    for (const auto& h : hazards())
        if (h.id == id) return &h;
    return nullptr;
}

bool latin_script_language(std::string_view lang) {
    return lang == "en" || lang == "vi" || lang == "pt";
}

namespace {

// The shelters as `lang` shows them.
std::vector<std::string> shelter_names(const NoticeFacts& facts, std::string_view lang) {
    std::vector<std::string> out = facts.shelters;
    if (!latin_script_language(lang)) return out;
    for (std::size_t i = 0; i < out.size() && i < facts.shelters_latin.size(); ++i)
        if (!facts.shelters_latin[i].empty()) out[i] = facts.shelters_latin[i];
    return out;
}

// The placeholders of one language: {areas}, {shelters}, {hazard}, {shelter_line}, {event}.
std::map<std::string, std::string> vars_of(const NoticeTemplate& t, const NoticeFacts& facts,
                                           const PhraseBank& phrases, std::string_view lang) {
    auto phrase = [&](const std::string& key) {
        return phrases.staff_phrase(lang, key).value_or("");
    };
    const std::string separator = phrase("list_separator");
    std::vector<std::string> places;
    for (const auto& name : facts.area_names) {
        auto block = std::find_if(facts.blocks.begin(), facts.blocks.end(),
                                  [&](const TownBlock& b) { return b.name == name; });
        std::string shown = name;
        if (block != facts.blocks.end()) {
            const std::string place = phrase("place");
            // A block without the reading its language needs is shown in Japanese alone.
            const bool has_reading =
                (place.find("{romaji}") == std::string::npos || !block->romaji.empty()) &&
                (place.find("{kana}") == std::string::npos || !block->kana.empty());
            if (has_reading)
                shown =
                    fill(place,
                         {{"name", block->name}, {"romaji", block->romaji}, {"kana", block->kana}});
        }
        places.push_back(shown);
    }
    std::map<std::string, std::string> v = {
        {"areas", places.empty() ? phrase("whole_ward") : join(places, separator)},
        {"shelters", join(shelter_names(facts, lang), separator)},
        {"hazard", ""},
        {"event", phrase(t.id + "_name")},
    };
    if (find_hazard(facts.hazard))
        v["hazard"] = fill(phrase("hazard"), {{"hazard", phrase("hazard_" + facts.hazard)}});
    v["shelter_line"] = facts.shelters.empty() ? "" : fill(phrase("shelter_line"), v);
    return v;
}

ComposedTexts compose_from(const NoticeTemplate& t, const NoticeFacts& facts,
                           const PhraseBank& phrases, const std::string& prefix) {
    ComposedTexts out;
    for (auto lang : kPhraseLanguages) {
        const std::string tag(lang);
        auto name = phrases.staff_phrase(lang, t.id + "_name");
        if (!name) continue;  // a bank without this language
        out.event_name[tag] = *name;
        if (prefix.empty()) continue;  // free text: staff write it
        auto v = vars_of(t, facts, phrases, lang);
        out.headline[tag] = fill(phrases.staff_phrase(lang, prefix + "_headline").value_or(""), v);
        out.description[tag] =
            fill(phrases.staff_phrase(lang, prefix + "_description").value_or(""), v);
        out.instruction[tag] =
            fill(phrases.staff_phrase(lang, prefix + "_instruction").value_or(""), v);
    }
    return out;
}

}  // namespace

ComposedTexts compose_texts(const NoticeTemplate& t, const NoticeFacts& facts,
                            const PhraseBank& phrases) {
    return compose_from(t, facts, phrases, t.id == "free" ? std::string() : t.id);
}

ComposedTexts compose_texts(const NoticeTemplate& t, const NoticeFacts& facts) {
    (void)facts;
    ComposedTexts out;
    out.event_name = t.name;
    return out;
}

ComposedTexts compose_end_texts(const NoticeTemplate& t, const NoticeFacts& facts,
                                const PhraseBank& phrases) {
    // An order (with a 警戒レベル) is lifted; an opening or free notice has ended.
    return compose_from(t, facts, phrases, t.level ? "lifted" : "ended");
}

}  // namespace alerthub::hub::console
