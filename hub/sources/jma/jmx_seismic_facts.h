#pragma once
// The place-by-place facts (jmx_facts.h) of the seismic, tsunami and notice telegrams:
// 震度速報 / 震源・震度 (quake and intensities), 震源, 緊急地震速報 (EEW areas), 津波警報・
// 注意報・予報 and 津波情報 (forecast regions, observations), 気象特別警報報知 and 噴火速報
// (the municipalities named). parse_jmx calls it for these types; what a ward makes of them is
// hub/policy/ward_reading_seismic.cpp and ward_reading_tsunami.cpp.

#include <string>
#include <string_view>
#include <vector>

#include "hub/sources/jma/jmx_facts.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {

// Reads what a telegram of `type_code` says place by place into `facts`. A time that does not
// parse is left unset with a line in `warnings` naming it; nothing else is refused here (the
// telegram-wide reading in jmx_parser.cpp already accepted the document).
void read_seismic_facts(std::string_view type_code, XmlElement head, XmlElement body,
                        JmxFacts& facts, std::vector<std::string>& warnings);

// JMA's intensities in order ("1" < … < "4" < "5-" < "5+" < "6-" < "6+" < "7"): the rank
// (1..9), or 0 for anything else ("", "over", "不明").
int intensity_rank(std::string_view intensity);

}  // namespace alerthub::hub
