#include "signage_player/playlist.h"

#include "core/protocol/alert_text.h"

namespace alerthub::player {

void Playlist::set_manifest(std::optional<ContentManifest> manifest) {
    std::optional<std::string> playing;
    if (auto* item = current()) playing = item->id;
    manifest_ = std::move(manifest);
    current_.reset();
    if (!playing || !manifest_) return;
    for (std::size_t i = 0; i < manifest_->items.size(); ++i)
        if (manifest_->items[i].id == *playing) current_ = i;
}

const PlaylistItem* Playlist::current() const {
    if (!manifest_ || !current_ || *current_ >= manifest_->items.size()) return nullptr;
    return &manifest_->items[*current_];
}

const PlaylistItem* Playlist::advance(WallTime now, SteadyTime steady,
                                      const std::function<bool(const PlaylistItem&)>& playable) {
    if (!manifest_ || manifest_->items.empty()) {
        current_.reset();
        return nullptr;
    }
    auto& items = manifest_->items;
    auto eligible = [&](const PlaylistItem& item) {
        return is_scheduled(item, now) && (item.type == ContentType::kText || playable(item));
    };
    if (auto* item = current(); item && eligible(*item) && steady - since_ < item->duration)
        return item;
    std::size_t start = current_ ? *current_ + 1 : 0;
    for (std::size_t k = 0; k < items.size(); ++k) {
        std::size_t i = (start + k) % items.size();
        if (eligible(items[i])) {
            current_ = i;
            since_ = steady;
            return &items[i];
        }
    }
    current_.reset();
    return nullptr;
}

std::optional<SteadyTime> Playlist::next_switch() const {
    if (auto* item = current()) return since_ + item->duration;
    return std::nullopt;
}

namespace {

// "ja / en", either alone, or (neither present) whatever language the item has.
std::string both_languages(const LocalizedText& text, std::string_view separator) {
    std::string ja = text_in_language(text, "ja");
    std::string en = text_in_language(text, "en");
    if (!ja.empty() && !en.empty() && ja != en) return ja + std::string(separator) + en;
    if (!ja.empty()) return ja;
    if (!en.empty()) return en;
    return text.empty() ? std::string() : text.begin()->second;
}

}  // namespace

ContentItem make_content_item(const PlaylistItem& item, const std::string& image_path) {
    ContentItem out;
    if (item.type == ContentType::kImage) out.image_path = image_path;
    out.title = both_languages(item.title, " / ");
    out.body = both_languages(item.body, "\n");
    return out;
}

}  // namespace alerthub::player
