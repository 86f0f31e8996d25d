#include "hub/console/console_audit.h"

#include <algorithm>

namespace alerthub::hub::console {

Result<std::vector<AuditEntry>> ConsoleAudit::list(const Actor& actor, std::int64_t before,
                                                   int limit) {
    (void)actor;
    std::lock_guard lock(store_.mu());
    return audit_list(store_.db(), std::clamp(limit, 1, 500), before);
}

Result<AuditVerification> ConsoleAudit::verify(const std::optional<AuditHead>& expected) {
    std::lock_guard lock(store_.mu());
    return audit_verify(store_.db(), expected);
}

}  // namespace alerthub::hub::console
