#pragma once
// The console's typed requests and results in their JSON form: the wire format of the
// HTTP API (docs/protocol.md, "Staff console API") and of hubctl's console commands, and the
// stored form of a draft's content (console_drafts.content_json), which is the same.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "hub/console/accounts.h"
#include "hub/console/audit_log.h"
#include "hub/console/board_and_feeds.h"
#include "hub/console/draft.h"
#include "hub/console/drafts.h"
#include "hub/console/facility_desk.h"

namespace alerthub::hub::console {

// The body of POST /api/v1/drafts (and /compose). kInvalidArgument when it is not an
// object or a field has the wrong shape; what the values mean is checked by Drafts.
Result<DraftRequest> draft_request_from_json(const nlohmann::json& body);

nlohmann::json draft_content_json(const DraftContent& content);
DraftContent draft_content_from_json(const nlohmann::json& j);
// The stored form.
std::string draft_content_text(const DraftContent& content);
DraftContent draft_content_from_text(std::string_view text);

nlohmann::json draft_json(const Draft& draft);
// The draft with "preview" and "channel_texts", or "preview_error".
nlohmann::json draft_view_json(const DraftView& view);
nlohmann::json reference_json(const ComposeReference& reference);
// What an update changes (docs/protocol.md: "changes").
nlohmann::json draft_changes_json(const DraftChanges& changes);
// GET /api/v1/notices/{id}: the version in force and the update to start from.
nlohmann::json notice_json(const NoticeForUpdate& notice);
nlohmann::json board_json(const Board& board);
nlohmann::json user_json(const User& user);
// A facility with its status: what GET /api/v1/facilities lists.
nlohmann::json facility_json(const FacilityView& view);
nlohmann::json audit_entry_json(const AuditEntry& entry);
nlohmann::json audit_verification_json(const AuditVerification& verification);

}  // namespace alerthub::hub::console
