#pragma once
// What a JMA telegram says about the hub's own ward (issue 11): a telegram speaks about many
// places; residents are told what it says about theirs, at their level, and nothing another
// place's news would make false. Pure: the parser's facts (hub/sources/jma/jmx_facts.h) and
// the served places in, the ward's alert and a verdict out. The lifecycle
// (hub/policy/lifecycle.h) then decides from the verdict and the chain's history whether the
// version is news for the ward.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/protocol/alert.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

// One municipality the hub serves ([area] municipality and neighbours), placed in JMA's area
// codes by the JMA area table.
struct ServedPlace {
    std::string name;      // 港区
    std::string jis;       // JIS X 0402 with check digit: 131032
    std::string jma_code;  // JMA's municipality code: 1310300
    // JMA codes of every area that contains it, of every hierarchy (JmaAreaTable::covering):
    // 1310300 itself, 130011 ２３区西部, 130010 東京地方, 130000 東京都, 350 東京都２３区,
    // 13 東京都 (地震), 312 東京湾内湾 (津波).
    std::set<std::string> covering;
};

// Earthquake thresholds ([jma] in hub.toml; defaults and their sources in config/jma/levels.md).
// Intensities are JMA's: "1".."4", "5-", "5+", "6-", "6+", "7".
struct WardThresholds {
    std::string screens_intensity = "3";   // the ward's 震度 from which screens show it
    std::string everyone_intensity = "4";  // … from which LINE and mail send it too
};

// Who is told.
enum class Reach {
    kNone,      // journaled only
    kScreens,   // published to players; no LINE or mail jobs
    kEveryone,  // published and given a job per channel
};

enum class WardVerdict {
    kInForce,         // something is in force for the ward: `alert` says what, at its level
    kNothingInForce,  // the ward is named, nothing is in force for it (なし, 解除): a lift
                      // when the chain told the ward something, otherwise nothing to send
    kNotNamed,        // the telegram says nothing about the ward
    kWithdrawn,       // 取消: the telegram withdraws what this chain said (not a lift)
};

struct WardReading {
    WardVerdict verdict = WardVerdict::kNotNamed;
    // kInForce: who is told (an earthquake below the screens threshold: kNone). Lifts and
    // withdrawals reach whoever the chain reached.
    Reach reach = Reach::kNone;
    // One line for the journal's routing log and hubctl ("in force: 港区: 暴風警報, 波浪警報").
    std::string reason;
    // The document's alert rewritten for the ward: its level, kinds, event code, areas (the
    // served places, scheme jma and jisx0402), a headline built from the ward's facts, the
    // telegram's own sentence and body kept as context in the description. Languages other
    // than Japanese are filled afterwards by the phrase bank from `kinds`.
    Alert alert;
    // The event codes of every kind in force for the ward, most severe first ("VPWW53:05",
    // "VPWW53:07"): what the phrase bank names in each language. For the ward's lift
    // (kNothingInForce): the kinds its item lifts, where it names them.
    std::vector<std::string> kinds;
    // The ward's facts that phrase templates show in every language, by placeholder name:
    // "intensity" (JMA's "4", "5-"), "height" ("1m", or JMA's word such as 巨大),
    // "arrival" (JST "HH:MM", "14:30"), "place" (the name of the area the fact is for:
    // 東京湾内湾, 東京都２３区, 港区).
    std::map<std::string, std::string> facts;
    // JMA's code of facts["place"] (312, 350, 1310300): the phrase bank shows the place with
    // its reading (romaji, kana) from the area table.
    std::string place_code;
    // What the ward is told, in a form that compares: the same fingerprint again is not news.
    std::string fingerprint;
};

// For a document with JMA facts (SourceDocument::jma: a telegram from any door, also relayed
// by L-Alert). Documents without facts are not this function's business.
WardReading read_for_ward(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                          const WardThresholds& thresholds);

}  // namespace alerthub::hub
