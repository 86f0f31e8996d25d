#pragma once
// Source documents tag texts with BCP 47 tags ("en-US", "ja-JP", "zh-TW"); the canonical
// alert keys texts by the few tags channels pick from ("en", "ja", "zh-Hans", "zh-Hant",
// "ja-x-easy", ...).

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace alerthub::hub {

// "en-US" -> "en", "ja-JP" -> "ja", "zh-CN"/"zh-SG"/"zh-Hans-*" -> "zh-Hans",
// "zh-TW"/"zh-HK"/"zh-MO"/"zh-Hant-*" -> "zh-Hant", "ja-x-easy" stays; otherwise the
// primary subtag, lower-case. Fails when `tag` is not a language tag at all.
Result<std::string> normalize_language_tag(std::string_view tag);

}  // namespace alerthub::hub
