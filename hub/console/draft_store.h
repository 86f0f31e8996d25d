#pragma once
// The console_drafts table: every read and write of drafts, as typed rows. The caller holds
// the ConsoleStore's mutex (and a transaction for writes that go with an audit entry).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"
#include "hub/console/draft.h"
#include "hub/output/cap_writer.h"

namespace alerthub::hub::console {

Result<Draft> load_draft(SqliteDb& db, std::int64_t id);
// Newest first, at most 200; all states when `state` is unset.
Result<std::vector<Draft>> list_drafts(SqliteDb& db, std::optional<DraftState> state);
Result<std::int64_t> count_drafts(SqliteDb& db, DraftState state);

// The draft `drafted_by` saved with `idempotency_key` (stored in its content), if any.
Result<std::optional<Draft>> find_draft_by_key(SqliteDb& db, std::string_view drafted_by,
                                               std::string_view idempotency_key);
// A pending or approved draft of `action` for `alert_id` (a cancel waiting), if any.
Result<std::optional<Draft>> find_open_draft(SqliteDb& db, std::string_view alert_id,
                                             DraftAction action);

// A new pending draft; returns its id.
Result<std::int64_t> insert_draft(SqliteDb& db, const Draft& draft);
// pending -> approved, with the document built for it (identifier, sender, sent, cap_xml,
// decided_by, decided_at, break_glass_reason of `draft`).
Status store_approved(SqliteDb& db, const Draft& draft);
Status store_published(SqliteDb& db, std::int64_t id, std::string_view alert_id,
                       std::int64_t version);
Status store_failed(SqliteDb& db, std::int64_t id, std::string_view reason);
// pending -> rejected or withdrawn.
Status store_decision(SqliteDb& db, std::int64_t id, DraftState state, std::string_view decided_by,
                      std::string_view decided_at, std::string_view reason);

// The published chain of a staff notice: every message's reference, oldest first, and the
// content of the latest. kNotFound when the console published nothing under `alert_id`.
// With `before_version` > 0, only the versions before it (what an update published as that
// version followed).
struct PublishedChain {
    std::vector<CapReference> references;
    DraftContent latest_content;
    std::int64_t latest_version = 0;
    std::string status;
    bool cancelled = false;
};
Result<PublishedChain> published_chain(SqliteDb& db, std::string_view alert_id,
                                       std::int64_t before_version = 0);

// The staff notices in force at `now`: per alert id, the content of its latest published
// draft, unless that is a cancel or the notice's expires_hours have passed since it was sent.
struct NoticeInForce {
    std::string alert_id;
    DraftContent content;
};
Result<std::vector<NoticeInForce>> notices_in_force(SqliteDb& db, WallTime now);

}  // namespace alerthub::hub::console
