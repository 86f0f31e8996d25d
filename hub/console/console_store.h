#pragma once
// The console's connection to the journal file and what every part of the console shares
// on it: one mutex for the connection and every read-modify-write, transactions that keep
// the audit head file current, and the audit entry of each action.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"
#include "hub/console/actor.h"
#include "hub/console/console_config.h"

namespace alerthub::hub::console {

// The detail of an audit entry, stored as a JSON object with these keys.
using AuditValue = std::variant<std::string, std::int64_t, bool>;
using AuditDetail = std::map<std::string, AuditValue>;

class ConsoleStore {
public:
    ConsoleStore(SqliteDb db, ConsoleConfig config, const Clock& clock);
    ConsoleStore(const ConsoleStore&) = delete;
    ConsoleStore& operator=(const ConsoleStore&) = delete;

    // Hold mu() while using db().
    SqliteDb& db() { return db_; }
    std::mutex& mu() { return mu_; }
    const ConsoleConfig& config() const { return config_; }
    const Clock& clock() const { return clock_; }
    std::int64_t now_ms() const;

    // db().transaction, then the audit head file (console.audit_head_file) on success.
    Status in_transaction(const std::function<Status()>& body);
    // One audit entry (the actor's `via` added to the detail); call inside the action's
    // transaction.
    Status record(const Actor& actor, std::string_view action, std::string_view subject,
                  AuditDetail detail = {});

private:
    void write_audit_head();

    SqliteDb db_;
    ConsoleConfig config_;
    const Clock& clock_;
    std::mutex mu_;
};

}  // namespace alerthub::hub::console
