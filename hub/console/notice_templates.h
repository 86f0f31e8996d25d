#pragma once
// What staff compose from: the ward's own notices (高齢者等避難, 避難指示, 緊急安全確保,
// 避難所開設, 一時滞在施設開設) and free text. A template fixes the event, its 警戒レベル and
// CAP value sets, and gives default texts with the chosen areas, shelters and hazard filled
// in; staff may edit every text before the draft is saved.
//
// The default texts live in the phrase bank ([staff] of config/phrases/<language>.toml), in
// all nine of its languages, reviewed like any code change; compose_texts() is the one place
// that reads them. Town blocks are shown as each language's `place` writes them (English:
// "Shibaura 1-chome", やさしい日本語: "芝浦一丁目（しばうら いっちょうめ）"); shelter and facility
// names as staff typed them, in every language and in the headline of notices about them.

#include <optional>
#include <string>
#include <vector>

#include "core/protocol/alert.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::hub {
class PhraseBank;
}

namespace alerthub::hub::console {

struct NoticeTemplate {
    std::string id;  // "evac_order"
    LocalizedText name;
    std::optional<int> level;
    std::string category = "safety";
    Severity severity = Severity::kModerate;
    Urgency urgency = Urgency::kExpected;
    Certainty certainty = Certainty::kObserved;
    bool needs_shelters = false;
    bool takes_hazard = false;
};

// Hazards an evacuation notice names (避難指示（高潮）).
struct Hazard {
    std::string id;  // "storm_surge"
    LocalizedText name;
};

const std::vector<NoticeTemplate>& notice_templates();
const NoticeTemplate* find_template(std::string_view id);
const std::vector<Hazard>& hazards();
const Hazard* find_hazard(std::string_view id);

// The variable parts of a notice.
struct NoticeFacts {
    std::vector<std::string> area_names;  // empty: the whole ward
    std::vector<std::string> shelters;    // Japanese names (or as typed)
    std::string hazard;                   // a Hazard id or ""
    // The chosen blocks with their readings, for the languages that show a block by its
    // romanized name or reading; a name in area_names without one here is shown as written.
    std::vector<TownBlock> blocks;
    // Per shelter (same order), its name in Latin script from the data ("": none, the
    // Japanese name is shown); shorter than `shelters` when the rest have none.
    std::vector<std::string> shelters_latin = {};
};

// The languages that show a facility's English name (Latin script): en, vi, pt.
bool latin_script_language(std::string_view lang);

struct ComposedTexts {
    LocalizedText event_name;
    LocalizedText headline;
    LocalizedText description;
    LocalizedText instruction;
};

// The template's default texts for `facts` in every language of `phrases`; free text gets
// the event name only.
ComposedTexts compose_texts(const NoticeTemplate& t, const NoticeFacts& facts,
                            const PhraseBank& phrases);
// Without a bank (hubctl's console commands): the template's names only; staff write the texts.
ComposedTexts compose_texts(const NoticeTemplate& t, const NoticeFacts& facts);

// What a lift (an order with a 警戒レベル) or the end of a notice (an opening, free text) says
// in every language: that it is over, for which areas; never an instruction to move.
ComposedTexts compose_end_texts(const NoticeTemplate& t, const NoticeFacts& facts,
                                const PhraseBank& phrases);

}  // namespace alerthub::hub::console
