#pragma once
// What the staff console does, for the HTTP API and hubctl alike: users and their roles,
// log-in with a limit on failures, sessions, drafts under the two-person rule, publication
// through the hub's IngestPipeline, the live board and the audit log. Every decision about
// who may do what is made here, once.
//
// Thread-safe: HTTP handler threads call it concurrently. It owns one connection to the
// hub's journal file (its own tables; the journal's are only read). Publishing goes through
// `publish`, which in the hub hands the document to the owner thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/town_blocks.h"
#include "core/storage/sqlite_db.h"
#include "hub/console/audit_log.h"
#include "hub/console/console_config.h"
#include "hub/ingest/ingest_pipeline.h"

namespace alerthub::hub::console {

enum class Role { kOperator, kApprover, kAdmin };
std::string to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// [a-z0-9._-]{1,64}: part of the document origin "console:<name>" and of audit entries.
bool valid_user_name(std::string_view name);

struct User {
    std::string name;
    Role role = Role::kOperator;
    bool disabled = false;
    std::string created;
    std::string updated;
};

// Who acts, for authorization and the audit log. `via` says through what ("web
// 192.0.2.1", "hubctl").
struct Actor {
    std::string user;
    Role role = Role::kOperator;
    std::string via;
};

struct Session {
    Actor actor;
    std::string csrf_token;  // derived from the session token; sent back in X-CSRF-Token
    std::int64_t expires_ms = 0;
};

struct Login {
    std::string token;  // the cookie's value; stored only as its SHA-256
    Session session;
};

// Submits a CAP document the console built, as `origin` ("console:<user>"): the hub's
// owner thread runs IngestPipeline::submit_staff and returns its report.
using StaffPublisher = std::function<IngestReport(std::string cap_xml, std::string origin)>;

class ConsoleService {
public:
    static Result<std::unique_ptr<ConsoleService>> open(const std::string& journal_path,
                                                        ConsoleConfig config, const Clock& clock,
                                                        StaffPublisher publish);
    ConsoleService(const ConsoleService&) = delete;
    ConsoleService& operator=(const ConsoleService&) = delete;

    const ConsoleConfig& config() const { return config_; }

    // --- log-in and sessions ----------------------------------------------------------
    // kPermissionDenied for a wrong name or password (the same answer for both, in the same
    // time); kRateLimited while the name or the address is locked out, even for the right
    // password.
    Result<Login> login(std::string_view name, std::string_view password, std::string_view remote);
    // kPermissionDenied when unknown, expired, or the user is disabled; refreshes the idle
    // timer.
    Result<Session> session(std::string_view token, std::string_view remote);
    Status logout(std::string_view token, std::string_view remote);
    // The CSRF token of a session token.
    static std::string csrf_token_for(std::string_view token);

    // --- users (admin; `local` is hubctl run by whoever can write the journal) ----------
    Result<std::vector<User>> users(const Actor& actor);
    Status add_user(const Actor& actor, std::string_view name, Role role,
                    std::string_view password);
    struct UserChange {
        std::optional<Role> role;
        std::optional<std::string> password;
        std::optional<bool> disabled;
        bool unlock = false;
    };
    Status change_user(const Actor& actor, std::string_view name, const UserChange& change);
    // The actor's own password, given the current one.
    Status change_own_password(const Actor& actor, std::string_view current,
                               std::string_view replacement);

    // --- notices ----------------------------------------------------------------------
    // Templates, hazards, town blocks and the console's settings, for the compose form.
    nlohmann::json reference() const;
    // The template's texts for a request (see docs/protocol.md, "Staff console API").
    Result<nlohmann::json> compose(const Actor& actor, const nlohmann::json& request);
    Result<nlohmann::json> create_draft(const Actor& actor, const nlohmann::json& request);
    Result<nlohmann::json> drafts(const Actor& actor, std::string_view state_filter);
    // With "preview": the canonical alert as it would be published.
    Result<nlohmann::json> draft(const Actor& actor, std::int64_t id);
    // Two-person rule: an approver or admin other than the author.
    Result<nlohmann::json> approve(const Actor& actor, std::int64_t id);
    // The author alone, for a レベル5 draft, when console.break_glass_level5 is on.
    Result<nlohmann::json> break_glass(const Actor& actor, std::int64_t id,
                                       std::string_view reason);
    // An approver or admin, or the author withdrawing their own draft.
    Result<nlohmann::json> reject(const Actor& actor, std::int64_t id, std::string_view reason);

    // --- watching -----------------------------------------------------------------------
    Result<nlohmann::json> board(const Actor& actor);
    Result<nlohmann::json> audit(const Actor& actor, std::int64_t before, int limit);
    Result<AuditVerification> verify_audit(const std::optional<AuditHead>& expected);

    // The output feed (public): active alerts, and those cancelled in the last day.
    Result<std::string> atom_feed();
    // The CAP 1.2 document of an alert's latest version; kNotFound when not in the feed.
    Result<std::string> cap_document(std::string_view alert_id);

private:
    ConsoleService(SqliteDb db, ConsoleConfig config, const Clock& clock, TownBlocks blocks,
                   StaffPublisher publish);

    struct DraftRow;
    Result<DraftRow> load_draft(std::int64_t id);
    Result<nlohmann::json> validate_content(const Actor& actor, const nlohmann::json& request);
    // validate_content, with a JSON type error as a refusal instead of an exception.
    Result<nlohmann::json> validate_request(const Actor& actor, const nlohmann::json& request);
    // pending -> approved: builds and stores the CAP document (`how`: "approve" or
    // "break_glass"); the caller holds mu_ inside a transaction.
    Status decide(const Actor& actor, DraftRow& draft, std::string_view how,
                  std::string_view break_glass_reason);
    Result<nlohmann::json> publish_approved(const Actor& actor, std::int64_t id);
    Status record(const Actor& actor, std::string_view action, std::string_view subject,
                  const nlohmann::json& detail);
    Status in_transaction(const std::function<Status()>& body);
    void write_audit_head();
    std::int64_t now_ms() const;

    SqliteDb db_;
    ConsoleConfig config_;
    const Clock& clock_;
    TownBlocks blocks_;
    StaffPublisher publish_;
    std::mutex mu_;       // the connection and every read-modify-write
    std::mutex hash_mu_;  // one Argon2id at a time (64 MiB each)
};

}  // namespace alerthub::hub::console
