#pragma once
// Ordinary content (schema "alerthub.content/1"): the playlist of one device group,
// retained on {root}/content/{group}. Images (fetched over HTTP(S), checked by SHA-256) and
// text slides, each with a duration and optional schedule windows. See docs/protocol.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/alert.h"

namespace alerthub {

inline constexpr std::string_view kContentSchema = "alerthub.content/1";

enum class ContentType { kImage, kText };

// A time of day range in JST on some weekdays. `to` <= `from` runs past midnight (the
// weekday is the one the window starts on).
struct ScheduleWindow {
    std::uint8_t days = 0x7f;  // bit 0 = Sunday ... bit 6 = Saturday
    int from_minute = 0;       // minutes after 00:00 JST, 0 .. 1439
    int to_minute = 0;

    bool operator==(const ScheduleWindow&) const = default;
};

struct PlaylistItem {
    std::string id;
    ContentType type = ContentType::kText;
    std::string url;      // image: http:// or https://
    std::string sha256;   // image: lower-case hex of the file
    LocalizedText title;  // text slide; an image's optional caption
    LocalizedText body;   // text slide
    std::chrono::seconds duration{10};
    std::vector<ScheduleWindow> schedule;  // empty: at every hour
    std::optional<WallTime> valid_from;
    std::optional<WallTime> valid_until;

    bool operator==(const PlaylistItem&) const = default;
};

// An item the manifest lists but that cannot be played, and why.
struct RejectedItem {
    std::string id;  // as given, "#N" (its position) when it has no usable id
    std::string reason;

    bool operator==(const RejectedItem&) const = default;
};

struct ContentManifest {
    std::string group;
    std::int64_t version = 0;
    std::vector<PlaylistItem> items;
    std::vector<RejectedItem> rejected;  // skipped by decode_content_manifest

    bool operator==(const ContentManifest&) const = default;
};

inline constexpr std::size_t kMaxManifestBytes = 1 << 20;
inline constexpr std::size_t kMaxManifestItems = 500;

// In the window at `t` (JST)?
bool window_contains(const ScheduleWindow& window, WallTime t);
// Scheduled at `t`: inside valid_from/valid_until and one of its windows (or it has none).
bool is_scheduled(const PlaylistItem& item, WallTime t);

std::string encode_content_manifest(const ContentManifest& manifest);
// A manifest whose envelope is wrong (not JSON, wrong schema, no items array) is an error;
// an item that is wrong is left out and listed in `rejected`, the others are kept.
Result<ContentManifest> decode_content_manifest(std::string_view json);

}  // namespace alerthub
