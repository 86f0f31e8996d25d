#pragma once
// Reading the console's audit log (hub/console/audit_log.h): the newest entries, and the
// walk of the whole hash chain. Entries are written by each action through ConsoleStore.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/result.h"
#include "hub/console/actor.h"
#include "hub/console/audit_log.h"
#include "hub/console/console_store.h"

namespace alerthub::hub::console {

class ConsoleAudit {
public:
    explicit ConsoleAudit(ConsoleStore& store) : store_(store) {}
    // Newest first, 1 to 500 entries before seq `before` (0: from the newest).
    Result<std::vector<AuditEntry>> list(const Actor& actor, std::int64_t before, int limit);
    Result<AuditVerification> verify(const std::optional<AuditHead>& expected);

private:
    ConsoleStore& store_;
};

}  // namespace alerthub::hub::console
