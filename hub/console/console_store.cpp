#include "hub/console/console_store.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base/log.h"
#include "hub/console/audit_log.h"

namespace alerthub::hub::console {

ConsoleStore::ConsoleStore(SqliteDb db, ConsoleConfig config, const Clock& clock)
    : db_(std::move(db)), config_(std::move(config)), clock_(clock) {}

std::int64_t ConsoleStore::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
        .count();
}

Status ConsoleStore::in_transaction(const std::function<Status()>& body) {
    auto s = db_.transaction(body);
    if (s) write_audit_head();
    return s;
}

void ConsoleStore::write_audit_head() {
    if (config_.audit_head_file.empty()) return;
    auto head = audit_head(db_);
    if (!head) return;
    // Atomic replace: a reader sees the old head or the new one, never half of one.
    auto tmp = config_.audit_head_file + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << head->seq << ":" << head->hash << "\n";
        if (!out) {
            get_logger("hub")->error("console: cannot write the audit head to {}", tmp);
            return;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, config_.audit_head_file, ec);
    if (ec)
        get_logger("hub")->error("console: cannot replace {}: {}", config_.audit_head_file,
                                 ec.message());
}

Status ConsoleStore::record(const Actor& actor, std::string_view action, std::string_view subject,
                            AuditDetail detail) {
    if (!actor.via.empty()) detail["via"] = actor.via;
    nlohmann::json d = nlohmann::json::object();
    for (const auto& entry : detail)
        std::visit([&d, &entry](const auto& v) { d[entry.first] = v; }, entry.second);
    auto e = audit_append(db_, clock_, actor.user, action, subject,
                          d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (!e) return e.error();
    return {};
}

}  // namespace alerthub::hub::console
