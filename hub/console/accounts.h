#pragma once
// Console users and their roles, log-in with a limit on failures (per name and per
// address), and sessions. Thread-safe; shares the console's connection (ConsoleStore).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "hub/console/actor.h"
#include "hub/console/console_store.h"

namespace alerthub::hub::console {

struct User {
    std::string name;
    Role role = Role::kOperator;
    bool disabled = false;
    std::string created;
    std::string updated;
    // Role facility: the facility ids the user may set; empty: every facility.
    std::vector<std::string> facilities;
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

// What an admin changes of a user; unset: unchanged.
struct UserChange {
    std::optional<Role> role;
    std::optional<std::string> password;
    std::optional<bool> disabled;
    bool unlock = false;
    std::optional<std::vector<std::string>> facilities;  // replaces the assigned ones
};

// A facility id as the GSI data and the ward's file spell them: [A-Za-z0-9._-]{1,64}.
bool valid_facility_id(std::string_view id);
// The facilities assigned to `user` (sorted; empty: none assigned). The caller holds the
// store's mutex.
Result<std::vector<std::string>> assigned_facilities(SqliteDb& db, std::string_view user);

class Accounts {
public:
    explicit Accounts(ConsoleStore& store) : store_(store) {}
    Accounts(const Accounts&) = delete;
    Accounts& operator=(const Accounts&) = delete;

    // kPermissionDenied for a wrong name or password (the same answer for both, in the same
    // time); kRateLimited (a Japanese message, and the seconds to wait in `retry_after_s`)
    // while the address or the name is throttled, even for the right password.
    //
    // Throttling slows, it never locks for good: after console.max_failed_logins failures
    // for a name (four times as many from an address) each further failure doubles the
    // wait, from 10 s up to console.lockout_s; failures are forgotten 2 x lockout_s after the
    // last one. The address's throttle is the main defence. The name's throttle is passed
    // by an approver whose address has fewer failures than the name's allowance when no
    // other approver could log in: an attacker cannot lock out the last approver.
    Result<Login> login(std::string_view name, std::string_view password, std::string_view remote,
                        std::int64_t* retry_after_s = nullptr);
    // kPermissionDenied when unknown, expired, or the user is disabled; refreshes the idle
    // timer.
    Result<Session> session(std::string_view token, std::string_view remote);
    Status logout(std::string_view token, std::string_view remote);
    // The CSRF token of a session token.
    static std::string csrf_token_for(std::string_view token);

    // Admins only (`local` is hubctl run by whoever can write the journal).
    Result<std::vector<User>> users(const Actor& actor);
    // `facilities`: for a facility-staff account, the facilities it may set (empty: all).
    Status add_user(const Actor& actor, std::string_view name, Role role, std::string_view password,
                    const std::vector<std::string>& facilities = {});
    Status change_user(const Actor& actor, std::string_view name, const UserChange& change);
    // The actor's own password, given the current one.
    Status change_own_password(const Actor& actor, std::string_view current,
                               std::string_view replacement);

private:
    Result<bool> another_approver_can_log_in(std::string_view name, std::int64_t now);

    ConsoleStore& store_;
    std::mutex hash_mu_;  // one Argon2id at a time (64 MiB each)
};

}  // namespace alerthub::hub::console
