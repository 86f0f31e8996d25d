#pragma once
// A staff notice on its way out: what staff ask for (DraftRequest), what the console makes
// of it after checking (DraftContent, stored with the draft), and the draft with its state
// under the two-person rule (Draft). The stored and wire spellings of the enums are the
// to_string/parse pairs below, and nowhere else.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/alert.h"

namespace alerthub::hub::console {

// pending -> approved -> published, or pending -> rejected | withdrawn; approved -> failed
// when the pipeline refuses the document the console built.
enum class DraftState { kPending, kApproved, kPublished, kRejected, kWithdrawn, kFailed };
std::string to_string(DraftState state);
std::optional<DraftState> parse_draft_state(std::string_view text);

enum class DraftAction { kIssue, kUpdate, kCancel };
std::string to_string(DraftAction action);
std::optional<DraftAction> parse_draft_action(std::string_view text);

// What staff send (the body of POST /api/v1/drafts, typed). Unset optionals take the
// notice's own (an update's template and status) or the template's defaults (texts).
struct DraftRequest {
    std::string action = "issue";  // checked by the console, so kept as given
    std::string alert_id;          // update and cancel
    std::optional<std::string> template_id;
    std::optional<std::string> status;  // actual, exercise
    std::vector<std::string> areas;     // town-block codes
    bool whole_ward = false;  // 港区全域: chosen explicitly, never by leaving areas empty
    // Shelters and facilities of the ward's data, by id ("facilities" in JSON): what a
    // 避難所開設 / 一時滞在施設開設 notice opens (docs/protocol.md).
    std::vector<std::string> facility_ids;
    // Names typed by hand: the fallback for a place the ward's data does not list.
    std::vector<std::string> shelters;
    std::string hazard;
    std::string link;
    std::int64_t expires_hours = 0;  // 0: none
    std::optional<LocalizedText> headline;
    std::optional<LocalizedText> description;
    std::optional<LocalizedText> instruction;
    std::string reason;  // cancel: why
    // The same key from the same user saves one draft: a second click or a resent request
    // gets the first draft back (the page makes one key per form it shows).
    std::string idempotency_key;
};

struct DraftArea {
    std::string code;
    std::string name;
};

// A facility of the ward's data a notice names, with its names as the data had them when
// the draft was made.
struct DraftFacility {
    std::string id;
    std::string kind;  // emergency_site, shelter, stay
    std::string name;
    std::string name_en;  // "" when the data has none
};

// A checked request: what the document will say.
struct DraftContent {
    DraftAction action = DraftAction::kIssue;
    std::string alert_id;  // "" for an issue
    std::string template_id;
    std::string status = "actual";
    std::vector<DraftArea> areas;
    bool whole_ward = false;                // areas is empty: the whole ward, as chosen
    std::vector<DraftFacility> facilities;  // chosen from the ward's data
    std::vector<std::string> shelters;      // typed by hand (not in the data)
    std::string hazard;
    std::string link;
    int expires_hours = 0;
    LocalizedText headline;
    LocalizedText description;
    LocalizedText instruction;
    std::optional<std::string> note;  // a cancel's reason
    std::string idempotency_key;      // of the request that saved it ("" when none)
};

struct Draft {
    std::int64_t id = 0;
    DraftAction action = DraftAction::kIssue;
    std::string alert_id;
    std::string template_id;
    std::string status;  // actual, exercise
    DraftContent content;
    DraftState state = DraftState::kPending;
    std::string drafted_by;
    std::string drafted_at;
    std::string decided_by;
    std::string decided_at;
    std::string break_glass_reason;
    std::string identifier;
    std::string sender;
    std::string sent;
    std::string cap_xml;
    std::int64_t published_version = 0;
    std::string reason;
};

// What LINE and mail subscribers of one language read.
struct ChannelTexts {
    std::string mail_subject;
    std::string mail_text;
    std::string line_text;
};

// What an update changes against the version it follows (the version in force, or for a
// published update the version before it): what the officer sees while composing and the
// approver on the last look. Texts are compared without the update mark the update adds.
struct DraftChanges {
    std::int64_t base_version = 0;
    std::string template_before, template_after;
    std::optional<int> level_before, level_after;
    bool whole_ward_before = false, whole_ward_after = false;
    std::vector<DraftArea> areas_added, areas_removed;
    std::string hazard_before, hazard_after;
    std::vector<std::string> shelters_added, shelters_removed;
    std::string link_before, link_after;
    int expires_hours_before = 0, expires_hours_after = 0;
    std::map<std::string, std::vector<std::string>> texts_changed;  // field -> languages
    // Anything a reader would notice: an update that changes nothing is refused.
    bool any() const;
};

// A draft with what it would look like once published.
struct DraftView {
    Draft draft;
    // The canonical alert as the hub's CAP parser reads the document back; unset when the
    // draft names no known template.
    std::optional<Alert> preview;
    std::map<std::string, ChannelTexts> channel_texts;  // per language, with the preview
    std::optional<std::string> preview_error;
    std::optional<DraftChanges> changes;  // an update's
};

}  // namespace alerthub::hub::console
