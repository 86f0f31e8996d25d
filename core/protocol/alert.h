#pragma once
// The canonical alert (schema "alerthub.alert/1"): a superset of CAP 1.2 with an explicit
// lifecycle. Every source is normalized into this; every channel reads only this.
// See docs/protocol.md for the JSON form.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"

namespace alerthub {

inline constexpr std::string_view kAlertSchema = "alerthub.alert/1";

// kCancelled: the source withdrew what it said (CAP Cancel, JMA 取消, issued in error);
// kLifted: the hazard is over (JMA 解除, a ward's last warning lifted, an evacuation order
// lifted). Both end the alert; residents are told which (【取消】 / 【解除】).
enum class AlertState { kActive, kCancelled, kExpired, kLifted };
enum class AlertStatus { kActual, kExercise, kTest };
enum class MsgType { kAlert, kUpdate, kCancel };
enum class SourceKind { kJma, kLAlert, kCap, kStaff };
// CAP 1.2 value sets, lower-case in JSON.
enum class Severity { kExtreme, kSevere, kModerate, kMinor, kUnknown };
enum class Urgency { kImmediate, kExpected, kFuture, kPast, kUnknown };
enum class Certainty { kObserved, kLikely, kPossible, kUnlikely, kUnknown };

// Language tag ("ja", "en", "zh-Hans", "ja-x-easy", ...) -> text.
using LocalizedText = std::map<std::string, std::string>;

struct AlertSource {
    SourceKind kind = SourceKind::kCap;
    std::string sender;
    std::string identifier;  // the original document's identifier
    WallTime sent{};
    std::string sha256;  // of the raw document, hex; the document stays in the journal

    bool operator==(const AlertSource&) const = default;
};

struct AlertArea {
    std::string scheme;  // "jisx0402", "jma", "town", or a CAP geocode valueName ("SAME")
    std::string code;
    std::string name;
    // This area's own 警戒レベル when a source gives levels per area (L-Alert town blocks);
    // nullopt means the alert's level. Never above the alert's level.
    std::optional<int> level = std::nullopt;

    bool operator==(const AlertArea&) const = default;
};

struct AlertPolygon {
    std::string area_name;
    std::string points;  // CAP form: "lat,lon lat,lon ..."

    bool operator==(const AlertPolygon&) const = default;
};

struct AlertLink {
    std::string rel;  // "web", "shelter_map", "stay_facility", ...
    std::string url;
    LocalizedText title;

    bool operator==(const AlertLink&) const = default;
};

struct Alert {
    std::string id;            // stable incident key across versions; topic-safe
    std::int64_t version = 1;  // monotonic per id
    AlertState state = AlertState::kActive;
    AlertStatus status = AlertStatus::kActual;
    MsgType msg_type = MsgType::kAlert;
    AlertSource source;

    std::string event_code;
    LocalizedText event_name;
    std::string category;      // CAP category, lower-case ("met", "safety", ...)
    std::optional<int> level;  // 警戒レベル 1-5
    Severity severity = Severity::kUnknown;
    Urgency urgency = Urgency::kUnknown;
    Certainty certainty = Certainty::kUnknown;

    std::optional<WallTime> effective;
    std::optional<WallTime> onset;
    std::optional<WallTime> expires;

    LocalizedText headline;
    LocalizedText description;
    LocalizedText instruction;

    std::vector<AlertArea> areas;
    std::vector<AlertPolygon> polygons;
    std::vector<AlertLink> links;

    std::string signature;  // Ed25519 over the canonical bytes (base64); empty when unsigned

    bool operator==(const Alert&) const = default;
};

std::string to_string(AlertState v);
std::string to_string(AlertStatus v);
std::string to_string(MsgType v);
std::string to_string(SourceKind v);
std::string to_string(Severity v);
std::string to_string(Urgency v);
std::string to_string(Certainty v);

// JSON, UTF-8. Keys are sorted, so encode(decode(x)) == x byte for byte.
std::string encode_alert(const Alert& alert);
Result<Alert> decode_alert(std::string_view json);

// The text in the first language of `preferred` that has one, else any text, else "".
std::string pick_text(const LocalizedText& text, std::initializer_list<std::string_view> preferred);

// Higher is more severe: 警戒レベル first (none counts as 0), then severity. Of several
// kinds a telegram reports, the highest stands for it (the JMA parser, the ward's reading).
int severity_rank(std::optional<int> level, Severity severity);
// Higher is more urgent: severity_rank first, then urgency.
int urgency_rank(const Alert& alert);

}  // namespace alerthub
