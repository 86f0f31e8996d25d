#pragma once
// The facilities panel: under an alert about where to go (an evacuation at 警戒レベル 3 or
// higher, or the ward's notice that shelters or temporary stay facilities are open), the
// two or three nearest facilities open to this screen, from the hub's signed list for the
// screen's location (core/protocol/screen_facilities.h). Only those designated for the
// alert's hazards (core/protocol/hazards.h, as on the public site: a tsunami order lists
// tsunami-safe sites only); open ones first, nearest first, then full ones marked 満員, so
// that a full one is never the first place the screen sends people. Japanese first, then
// the language the screen is showing.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/alert.h"
#include "core/protocol/screen_facilities.h"

namespace alerthub::player {

inline constexpr std::size_t kMaxFacilityRows = 3;

struct FacilityPanel {
    std::string title;  // "近くの開設中の避難所・施設 / Open shelters nearby"
    std::vector<std::string> rows;  // "芝浦小学校　開設中 Open　42/300人　350 m"

    bool operator==(const FacilityPanel&) const = default;
};

// An alert in force about where to go: 警戒レベル 3 or higher, a 避難所開設 /
// 一時滞在施設開設 notice (the console's templates, L-Alert's 避難所情報), or an evacuation
// order named so without a level.
bool about_where_to_go(const Alert& alert);

// The panel for `alert` shown in `language`; nullopt when the alert is not about where to
// go or no facility that suits its hazards is open or full.
std::optional<FacilityPanel> make_facility_panel(const Alert& alert, const ScreenFacilities& list,
                                                 std::string_view language);

// "350 m", "1.2 km".
std::string distance_text(int metres);

}  // namespace alerthub::player
