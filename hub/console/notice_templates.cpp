#include "hub/console/notice_templates.h"

#include <fmt/format.h>

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

// The 警戒レベル wording follows 内閣府「避難情報に関するガイドライン」(令和3年5月).
struct Wording {
    LocalizedText headline;     // {areas} {hazard} {shelters}
    LocalizedText description;  // ditto
    LocalizedText instruction;  // ditto; {shelter_line} is the shelters sentence or ""
};

const Wording* wording_of(std::string_view id) {
    static const std::map<std::string, Wording, std::less<>> kWordings = {
        {"evac_elderly",
         {{{"ja", "【警戒レベル3】{areas}に高齢者等避難{hazard_ja}"},
           {"en", "[Alert Level 3] Evacuation of older people and others{hazard_en}: {areas}"},
           {"ja-x-easy", "【レベル3】お年寄りなどは 逃げてください{hazard_easy}: {areas}"}},
          {{"ja", "港区は、{areas}に高齢者等避難を発令しました。"},
           {"en", "Minato City has issued an evacuation of older people and others for: {areas}."},
           {"ja-x-easy", "みなとくが {areas}の お年寄りなどに 逃げるように 言いました。"}},
          {{"ja", "危険な場所から高齢者等は避難してください。{shelter_line}"},
           {"en",
            "Older people and others who need time to evacuate: leave dangerous places now. "
            "{shelter_line}"},
           {"ja-x-easy",
            "お年寄りや 体の 不自由な 人は 危ない ところから 逃げてください。"
            "{shelter_line}"}}}},
        {"evac_order",
         {{{"ja", "【警戒レベル4】{areas}に避難指示{hazard_ja}"},
           {"en", "[Alert Level 4] Evacuation instructions{hazard_en}: {areas}"},
           {"ja-x-easy", "【レベル4】みんな 逃げてください{hazard_easy}: {areas}"}},
          {{"ja", "港区は、{areas}に避難指示を発令しました。"},
           {"en", "Minato City has issued evacuation instructions for: {areas}."},
           {"ja-x-easy", "みなとくが {areas}の みんなに 逃げるように 言いました。"}},
          {{"ja", "危険な場所から全員避難してください。{shelter_line}"},
           {"en", "Everyone must evacuate from dangerous places. {shelter_line}"},
           {"ja-x-easy", "危ない ところに いる 人は みんな 逃げてください。{shelter_line}"}}}},
        {"emergency_safety",
         {{{"ja", "【警戒レベル5】{areas}に緊急安全確保{hazard_ja}"},
           {"en", "[Alert Level 5] Emergency safety measures{hazard_en}: {areas}"},
           {"ja-x-easy", "【レベル5】命が 危ないです{hazard_easy}: {areas}"}},
          {{"ja",
            "港区は、{areas}に緊急安全確保を発令しました。災害が発生しているか、"
            "切迫しています。"},
           {"en",
            "Minato City has issued emergency safety measures for: {areas}. A disaster is "
            "happening or about to happen."},
           {"ja-x-easy", "みなとくが {areas}に いちばん 強い 知らせを 出しました。"}},
          {{"ja", "命の危険 直ちに安全確保！ 今いる場所より安全な場所へ直ちに移動してください。"},
           {"en",
            "Danger to life! Secure your safety immediately. Move at once to a safer place "
            "than where you are."},
           {"ja-x-easy", "命が 危ないです。すぐに 今より 安全な ところへ 行ってください。"}}}},
        {"shelter_open",
         {{{"ja", "【避難所開設】{shelters}を開設しました"},
           {"en", "Shelters open: {shelters}"},
           {"ja-x-easy", "ひなんじょが あきました: {shelters}"}},
          {{"ja", "港区は、{areas}の避難所を開設しました。開設した避難所: {shelters}"},
           {"en", "Minato City has opened shelters for {areas}: {shelters}"},
           {"ja-x-easy", "みなとくが ひなんじょを あけました: {shelters}"}},
          {{"ja", "避難が必要な方は、開設した避難所へ避難してください。"},
           {"en", "If you need to evacuate, go to an open shelter."},
           {"ja-x-easy", "逃げる 人は あいている ひなんじょへ 行ってください。"}}}},
        {"stay_facility_open",
         {{{"ja", "【帰宅困難者】一時滞在施設を開設しました"},
           {"en", "Temporary stay facilities open for people unable to return home"},
           {"ja-x-easy", "家に 帰れない 人が 休む ところが あきました"}},
          {{"ja", "港区は、帰宅困難者のための一時滞在施設を開設しました: {shelters}"},
           {"en",
            "Minato City has opened temporary stay facilities for people who cannot get "
            "home: {shelters}"},
           {"ja-x-easy", "家に 帰れない 人が 休む ところ: {shelters}"}},
          {{"ja",
            "むやみに移動を開始せず、安全な場所にとどまってください。帰宅できない方は"
            "一時滞在施設を利用できます。"},
           {"en",
            "Do not rush to travel home: stay in a safe place. If you cannot get home, you "
            "can stay at a temporary stay facility."},
           {"ja-x-easy", "すぐに 家に 帰らないで ください。安全な ところに いてください。"}}}},
    };
    auto it = kWordings.find(id);
    return it == kWordings.end() ? nullptr : &it->second;
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

ComposedTexts compose_texts(const NoticeTemplate& t, const NoticeFacts& facts) {
    ComposedTexts out;
    out.event_name = t.name;
    const Wording* w = wording_of(t.id);
    if (!w) return out;
    const Hazard* hazard = find_hazard(facts.hazard);
    auto hazard_text = [&](const char* lang) {
        auto it = hazard ? hazard->name.find(lang) : t.name.end();
        return hazard && it != hazard->name.end() ? it->second : std::string();
    };
    std::map<std::string, std::string> vars = {
        {"areas", facts.area_names.empty() ? "港区全域" : join(facts.area_names, "、")},
        {"shelters", join(facts.shelters, "、")},
        {"hazard_ja", hazard ? "（" + hazard_text("ja") + "）" : ""},
        {"hazard_en", hazard ? " (" + hazard_text("en") + ")" : ""},
        {"hazard_easy", hazard ? "（" + hazard_text("ja-x-easy") + "）" : ""},
    };
    const std::map<std::string, std::string> shelter_lines = {
        {"ja", "避難先: {shelters}"},
        {"en", "Shelters: {shelters}"},
        {"ja-x-easy", "逃げる ところ: {shelters}"}};
    for (const auto& lang : {"ja", "en", "ja-x-easy"}) {
        auto v = vars;
        if (lang == std::string("en") && facts.area_names.empty())
            v["areas"] = "all of Minato City";
        if (lang == std::string("ja-x-easy") && facts.area_names.empty())
            v["areas"] = "みなとくの ぜんぶ";
        if (lang == std::string("en")) v["shelters"] = join(facts.shelters, ", ");
        v["shelter_line"] = facts.shelters.empty() ? "" : fill(shelter_lines.at(lang), v);
        auto put = [&](LocalizedText& target, const LocalizedText& source) {
            if (auto it = source.find(lang); it != source.end()) target[lang] = fill(it->second, v);
        };
        put(out.headline, w->headline);
        put(out.description, w->description);
        put(out.instruction, w->instruction);
    }
    return out;
}

}  // namespace alerthub::hub::console
