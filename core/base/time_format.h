#pragma once
// RFC 3339 timestamps. Alerts are encoded with the JST offset (+09:00) because that is the
// time people are shown; any offset is accepted on input.

#include <optional>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/result.h"

namespace alerthub {

// Parses "2003-06-17T14:57:00-07:00", "...Z", with optional fractional seconds.
Result<WallTime> parse_rfc3339(std::string_view text);

// "2003-06-18T06:57:00+09:00"
std::string format_rfc3339_jst(WallTime t);

// "2003-06-18 06:57" in JST, for people.
std::string format_jst_minutes(WallTime t);

// "06:57" in JST.
std::string format_jst_hhmm(WallTime t);

}  // namespace alerthub
