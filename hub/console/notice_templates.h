#pragma once
// What staff compose from: the ward's own notices (高齢者等避難, 避難指示, 緊急安全確保,
// 避難所開設, 一時滞在施設開設) and free text. A template fixes the event, its 警戒レベル and
// CAP value sets, and gives default texts with the chosen areas, shelters and hazard filled
// in; staff may edit every text before the draft is saved.
//
// The default texts live here, in Japanese, English and やさしい日本語, reviewed like any
// code change. The phrase bank (hub/policy/phrase_bank.h) serves JMA alerts only so far; when it
// gains entries for these templates ("staff:<id>"), compose_texts() is the one place to
// read them, so that every language comes from reviewed phrases.

#include <optional>
#include <string>
#include <vector>

#include "core/protocol/alert.h"

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
    std::vector<std::string> shelters;
    std::string hazard;  // a Hazard id or ""
};

struct ComposedTexts {
    LocalizedText event_name;
    LocalizedText headline;
    LocalizedText description;
    LocalizedText instruction;
};

// The template's default texts for `facts`; free text gets the event name only.
ComposedTexts compose_texts(const NoticeTemplate& t, const NoticeFacts& facts);

}  // namespace alerthub::hub::console
