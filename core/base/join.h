#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace alerthub {

// The non-empty parts with `sep` between them: a telegram's missing text or name leaves no
// doubled separator behind.
std::string join_nonempty(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace alerthub
