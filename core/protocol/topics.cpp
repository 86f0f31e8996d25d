#include "core/protocol/topics.h"

namespace alerthub {

std::string Topics::id_under(std::string_view section, std::string_view topic) const {
    std::string prefix = root_ + "/" + std::string(section) + "/";
    if (topic.substr(0, prefix.size()) != prefix) return {};
    auto leaf = topic.substr(prefix.size());
    auto slash = leaf.find('/');
    return std::string(slash == std::string_view::npos ? leaf : leaf.substr(0, slash));
}

bool valid_topic_level(std::string_view name) {
    if (name.empty() || name.size() > 200) return false;
    for (char c : name)
        if (c == '/' || c == '+' || c == '#' || c == '\0') return false;
    return true;
}

}  // namespace alerthub
