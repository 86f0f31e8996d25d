#pragma once
// Which ordinary-content item plays now. Pure (no I/O, no clock of its own): the loop gives
// it the time and asks whether an image is in the cache. Items play in manifest order,
// each for its duration, skipping those outside their schedule windows and images not
// (yet) in the cache; with nothing playable the screen shows no content.

#include <functional>
#include <optional>

#include "core/protocol/content_manifest.h"
#include "signage_player/screen.h"

namespace alerthub::player {

class Playlist {
public:
    // Replaces the manifest (nullopt: none). The item on screen keeps playing if the new
    // manifest still has it.
    void set_manifest(std::optional<ContentManifest> manifest);
    const std::optional<ContentManifest>& manifest() const { return manifest_; }

    // The item for now, moving on when the current one has had its time or may no longer
    // play. `playable` says whether an image item's file is ready (text always plays).
    const PlaylistItem* advance(WallTime now, SteadyTime steady,
                                const std::function<bool(const PlaylistItem&)>& playable);
    const PlaylistItem* current() const;

    // When the current item's time is up; nullopt with nothing playing.
    std::optional<SteadyTime> next_switch() const;

private:
    std::optional<ContentManifest> manifest_;
    std::optional<std::size_t> current_;
    SteadyTime since_{};
};

// What the screen model draws for `item`: Japanese, then English. `image_path` is the
// verified file in the media cache (images only).
ContentItem make_content_item(const PlaylistItem& item, const std::string& image_path);

}  // namespace alerthub::player
