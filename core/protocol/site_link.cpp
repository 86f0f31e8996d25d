#include "core/protocol/site_link.h"

#include <algorithm>

namespace alerthub {

std::string site_alert_dir(std::string_view alert_id) {
    return "a/" + std::string(alert_id) + "/";
}

void put_site_link(Alert& alert, std::string_view base_url) {
    std::erase_if(alert.links, [](const AlertLink& l) { return l.rel == kSiteLinkRel; });
    std::string base(base_url);
    while (base.ends_with('/')) base.pop_back();
    AlertLink link{.rel = std::string(kSiteLinkRel),
                   .url = base + "/" + site_alert_dir(alert.id),
                   .title = {{"ja", "詳しい情報と避難先"},
                             {"ja-x-easy", "くわしい じょうほう と にげる ところ"},
                             {"en", "Details and where to go"}}};
    alert.links.insert(alert.links.begin(), std::move(link));
}

const AlertLink* find_site_link(const Alert& alert) {
    for (const auto& link : alert.links)
        if (link.rel == kSiteLinkRel) return &link;
    return nullptr;
}

std::string site_location_url(const AlertLink& site, std::string_view location) {
    std::string url = site.url;
    if (!url.ends_with('/')) url += '/';
    return url + std::string(location) + ".html";
}

bool valid_location_key(std::string_view key) {
    if (key.empty() || key.size() > 64 || key == "index") return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

}  // namespace alerthub
