#pragma once
// The families behind read_for_ward (hub/policy/ward_reading.h), one file each:
//   ward_reading.cpp           dispatch by type, 取消, and what every family shares
//   ward_reading_warnings.cpp  気象警報・注意報, 土砂災害警戒情報, 記録的短時間大雨情報,
//                              竜巻注意情報, 指定河川洪水予報, 噴火警報
//   ward_reading_seismic.cpp   震度速報, 震源・震度, 震源, 緊急地震速報, 南海トラフ / 後発地震
//   ward_reading_tsunami.cpp   津波警報・注意報・予報, 津波情報

#include <vector>

#include "hub/policy/ward_reading.h"

namespace alerthub::hub {

WardReading read_warnings_for_ward(const SourceDocument& doc,
                                   const std::vector<ServedPlace>& served);
WardReading read_seismic_for_ward(const SourceDocument& doc,
                                  const std::vector<ServedPlace>& served,
                                  const WardThresholds& thresholds);
WardReading read_tsunami_for_ward(const SourceDocument& doc,
                                  const std::vector<ServedPlace>& served);

}  // namespace alerthub::hub
