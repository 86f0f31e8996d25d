#include "signage_player/facility_panel.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "core/protocol/alert_text.h"
#include "core/protocol/hazards.h"

namespace alerthub::player {
namespace {

// The panel's words per language; a language not here reads the English ones.
struct Words {
    std::string_view lang;
    std::string_view title;
    std::string_view open;
    std::string_view full;
};
constexpr std::array<Words, 6> kWords = {{
    {"ja", "近くの開設中の避難所・施設", "開設中", "満員"},
    {"ja-x-easy", "ちかくの ひなんする ところ", "あいています", "いっぱいです"},
    {"en", "Open shelters nearby", "Open", "Full"},
    {"zh-Hans", "附近开放的避难场所", "开放中", "已满"},
    {"zh-Hant", "附近開放的避難場所", "開放中", "已滿"},
    {"ko", "가까운 개설 대피소", "개설", "만원"},
}};

const Words& words_for(std::string_view lang) {
    for (const auto& w : kWords)
        if (w.lang == lang) return w;
    return kWords[2];  // English
}

// "ja" alone, or "ja / other" when the screen shows another language.
std::string both(std::string_view ja, std::string_view other) {
    if (other.empty() || other == ja) return std::string(ja);
    return fmt::format("{} / {}", ja, other);
}

std::string count_text(const ScreenFacility& f) {
    if (f.capacity > 0) return fmt::format("{}/{}人", f.taken_in, f.capacity);
    return fmt::format("{}人", f.taken_in);
}

std::string row(const ScreenFacility& f, std::string_view language) {
    const bool japanese = language == "ja";
    const Words& ja = words_for("ja");
    const Words& other = words_for(language);
    const bool open = f.state == ScreenFacility::State::kOpen;
    std::string name = text_in_language(f.name, "ja");
    // The romanized or English name where the ward's file gives one, for readers of
    // another script (やさしい日本語 reads the Japanese name).
    const std::string en = text_in_language(f.name, "en");
    if (!japanese && language != "ja-x-easy" && !en.empty() && en != name) name += "（" + en + "）";
    const std::string state =
        japanese ? std::string(open ? ja.open : ja.full)
                 : fmt::format("{} {}", open ? ja.open : ja.full, open ? other.open : other.full);
    return fmt::format("{}　{}　{}　{}", name, state, count_text(f), distance_text(f.distance_m));
}

bool names_any(const Alert& alert, std::initializer_list<std::string_view> words) {
    const std::string name = text_in_language(alert.event_name, "ja");
    return std::any_of(words.begin(), words.end(),
                       [&](std::string_view w) { return name.find(w) != std::string::npos; });
}

}  // namespace

std::string distance_text(int metres) {
    if (metres < 1000) return fmt::format("{} m", (metres + 5) / 10 * 10);
    return fmt::format("{:.1f} km", metres / 1000.0);
}

bool about_where_to_go(const Alert& alert) {
    if (alert.state != AlertState::kActive) return false;
    if (alert.level && *alert.level >= 3) return true;
    // The console's templates (hub/console/notice_templates) and L-Alert's 避難所情報.
    if (alert.event_code == "alerthub:shelter_open" ||
        alert.event_code == "alerthub:stay_facility_open" || alert.event_code == "Shelter")
        return true;
    // Another source's evacuation order or notice without a 警戒レベル, by its Japanese name.
    return names_any(
        alert, {"避難所開設", "一時滞在施設開設", "避難指示", "緊急安全確保", "高齢者等避難"});
}

std::optional<FacilityPanel> make_facility_panel(const Alert& alert, const ScreenFacilities& list,
                                                 std::string_view language) {
    if (!about_where_to_go(alert)) return std::nullopt;
    const std::vector<Hazard> hazards = hazards_of(alert);
    std::vector<const ScreenFacility*> chosen;
    // Open ones first, nearest first (the hub's order), then full ones.
    for (auto state : {ScreenFacility::State::kOpen, ScreenFacility::State::kFull})
        for (const auto& f : list.facilities)
            if (chosen.size() < kMaxFacilityRows && f.state == state &&
                designated_for_all(f.hazards, hazards))
                chosen.push_back(&f);
    if (chosen.empty()) return std::nullopt;
    FacilityPanel panel;
    panel.title = both(words_for("ja").title,
                       language == "ja" ? std::string_view() : words_for(language).title);
    for (const ScreenFacility* f : chosen) panel.rows.push_back(row(*f, language));
    return panel;
}

}  // namespace alerthub::player
