#pragma once
// The families behind read_for_ward (hub/policy/ward_reading.h), one file each:
//   ward_reading.cpp           dispatch by type, 取消, and what every family shares
//   ward_reading_warnings.cpp  気象警報・注意報, 土砂災害警戒情報, 記録的短時間大雨情報,
//                              竜巻注意情報, 指定河川洪水予報, 噴火警報
//   ward_reading_seismic.cpp   震度速報, 震源・震度, 震源, 緊急地震速報, 南海トラフ / 後発地震
//   ward_reading_tsunami.cpp   津波警報・注意報・予報, 津波情報

#include <string>
#include <string_view>
#include <vector>

#include "core/base/join.h"
#include "hub/policy/ward_reading.h"

namespace alerthub::hub {

WardReading read_warnings_for_ward(const SourceDocument& doc,
                                   const std::vector<ServedPlace>& served);
WardReading read_seismic_for_ward(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                                  const WardThresholds& thresholds);
WardReading read_tsunami_for_ward(const SourceDocument& doc,
                                  const std::vector<ServedPlace>& served);

// What every family shares (ward_reading.cpp).

// "in_force", "nothing_in_force", "not_named", "withdrawn": for reasons and fingerprints.
std::string_view to_string(WardVerdict verdict);

// Every served place, for the readings that speak of all of them at once.
std::vector<const ServedPlace*> all_places(const std::vector<ServedPlace>& served);

// True when one of the served places lies in the JMA area `code` (ServedPlace::covering).
bool covers(const ServedPlace& place, std::string_view code);
bool covers(const std::vector<ServedPlace>& served, std::string_view code);

// "１ｍ" -> "1m", "０．２ｍ" -> "0.2m": full-width ASCII (U+FF01..U+FF5E) as ASCII, so that
// every language shows the same figure; words (巨大, 高い) stay as written.
std::string ascii_figures(std::string_view s);

// The telegram's own sentence (Head/Headline/Text) and the body texts the parser collected:
// the context every reading keeps in its description.
std::vector<std::string> telegram_texts(const SourceDocument& doc);

// The places an alert for the ward names: each place as JMA writes it (scheme "jma") and as
// JIS X 0402 (scheme "jisx0402"), so that players and channels match either form.
std::vector<AlertArea> ward_areas(const std::vector<const ServedPlace*>& places);

// The ward's names joined for a headline ("港区", "港区・品川区").
std::string ward_names(const std::vector<const ServedPlace*>& places);

// The document's alert with the ward's areas and a description that keeps the telegram's own
// sentence (Head/Headline/Text) as context before the body texts the parser collected.
Alert ward_alert(const SourceDocument& doc, const std::vector<const ServedPlace*>& places,
                 std::string headline_ja);

// The alert of a reading that writes its description from the ward's facts (earthquakes,
// tsunami): the telegram's identity and times, every served place, no description or level.
Alert facts_alert(const SourceDocument& doc, const std::vector<ServedPlace>& served);

// What the ward is told, in a form that compares: the verdict and the parts that make it
// (places, kinds, facts) in order.
std::string ward_fingerprint(WardVerdict verdict, const std::vector<std::string>& parts);

// A reading that says the telegram does not speak of the ward (the reason names the type).
WardReading not_named(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                      std::string_view why);

}  // namespace alerthub::hub
