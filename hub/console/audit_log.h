#pragma once
// The console's audit log: every action (login, draft, approval, publication, cancel,
// user change) is appended with a hash chain. Entry n stores
//   hash_n = SHA-256(hash_{n-1} + "\n" + canonical_n)
// where canonical_n is the JSON object {"action","actor","at","detail","seq","subject"}
// with sorted keys (detail is the stored JSON text as a string) and hash_0 is 64 zeros.
// Editing any stored field, deleting or reordering an entry breaks the chain from there
// on; deleting the newest entries is caught against a head recorded elsewhere
// (`hubctl audit verify --expect-head SEQ:HASH`, or the head file the hub keeps).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::hub::console {

inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEntry {
    std::int64_t seq = 0;
    std::string at;  // RFC 3339, JST
    std::string actor;
    std::string action;  // "login", "login_failed", "draft", "approve", "publish", ...
    std::string subject;
    std::string detail;  // a JSON object
    std::string prev_hash;
    std::string hash;
};

struct AuditHead {
    std::int64_t seq = 0;
    std::string hash = std::string(kAuditGenesis);
};

struct AuditVerification {
    bool ok = true;
    std::int64_t entries = 0;
    AuditHead head;
    std::string problem;  // for the first broken entry, when !ok
};

// The canonical text that is hashed (exposed for tests and for independent checkers).
std::string audit_canonical(const AuditEntry& entry);
std::string audit_hash(std::string_view prev_hash, const AuditEntry& entry);

// Appends one entry; call inside the transaction of the action it records, so that the
// action and its entry commit together. `detail` must be a JSON object.
Result<AuditEntry> audit_append(SqliteDb& db, const Clock& clock, std::string_view actor,
                                std::string_view action, std::string_view subject,
                                std::string_view detail = "{}");

// Newest first, at most `limit`, only entries with seq < `before` (0: from the newest).
Result<std::vector<AuditEntry>> audit_list(SqliteDb& db, int limit, std::int64_t before = 0);

Result<AuditHead> audit_head(SqliteDb& db);

// Walks the whole chain; `expected` (a head recorded earlier) must be on it.
Result<AuditVerification> audit_verify(SqliteDb& db,
                                       const std::optional<AuditHead>& expected = std::nullopt);

}  // namespace alerthub::hub::console
