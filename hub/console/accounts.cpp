#include "hub/console/accounts.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "hub/console/secrets.h"

namespace alerthub::hub::console {

std::string Accounts::csrf_token_for(std::string_view token) {
    // Derived, so nothing more is stored; useless without the (HttpOnly) session token.
    std::string input = "alerthub-csrf\n";
    input += token;
    return sha256_hex(input);
}

// --- log-in and sessions ---------------------------------------------------------------

namespace {

// After the free failures, each further one doubles the wait, from this up to lockout_s.
constexpr std::int64_t kFirstThrottleS = 10;

struct Throttle {
    std::int64_t failures = 0;      // within the window (2 x lockout_s since the last one)
    std::int64_t locked_until = 0;  // ms: refused before this, even with the right password
};

std::int64_t throttle_seconds(std::int64_t failures, std::int64_t free, std::int64_t cap) {
    if (failures < free) return 0;
    const auto doublings = std::min<std::int64_t>(failures - free, 20);
    return std::min(cap, kFirstThrottleS << doublings);
}

std::string throttled_message(std::string_view scope, std::int64_t seconds) {
    // Staff read this on the log-in page: Japanese first.
    return fmt::format(
        "{}ログインの失敗が続いたため、一時的に制限しています。{} 秒後にもう一度お試しください。"
        " / too many failed log-ins {}: try again in {} s",
        scope == "address" ? "この端末（アドレス）からの" : "このアカウントへの", seconds,
        scope == "address" ? "from this address" : "for this account", seconds);
}

Result<Throttle> read_throttle(SqliteDb& db, const std::string& key, std::int64_t now,
                               std::int64_t window_ms) {
    // Finished before anything is written: an open read would pin an old snapshot, and a
    // write on top of it fails at once ("database is locked").
    auto q = db.prepare(
        "SELECT failures, locked_until_ms, updated_ms FROM console_login_failures WHERE key = ?");
    if (!q) return q.error();
    q->bind(1, key);
    auto row = q->step();
    if (!row) return row.error();
    Throttle t;
    if (*row && now - q->column_int(2) < window_ms) {
        t.failures = q->column_int(0);
        t.locked_until = q->column_int(1);
    }
    return t;
}

}  // namespace

// Whether an approver other than `name` could log in now (enabled, not throttled).
Result<bool> Accounts::another_approver_can_log_in(std::string_view name, std::int64_t now) {
    std::vector<std::string> others;
    {
        auto q = store_.db().prepare(
            "SELECT name FROM console_users WHERE disabled = 0 AND role IN (?, ?) AND name != ?");
        if (!q) return q.error();
        q->bind(1, to_string(Role::kApprover)).bind(2, to_string(Role::kAdmin)).bind(3, name);
        for (;;) {
            auto row = q->step();
            if (!row) return row.error();
            if (!*row) break;
            others.push_back(q->column_text(0));
        }
    }
    const std::int64_t window_ms = std::int64_t{store_.config().lockout_s} * 2000;
    for (const auto& other : others) {
        auto t = read_throttle(store_.db(), "user:" + other, now, window_ms);
        if (!t) return t.error();
        if (t->locked_until <= now) return true;
    }
    return false;
}

Result<Login> Accounts::login(std::string_view name, std::string_view password,
                              std::string_view remote, std::int64_t* retry_after_s) {
    const std::string user_key = "user:" + std::string(valid_user_name(name) ? name : "?");
    const std::string addr_key = "addr:" + std::string(remote);
    const std::string subject = valid_user_name(name) ? std::string(name) : "(invalid name)";
    const Actor anonymous{subject, Role::kOperator, fmt::format("web {}", remote)};
    const auto& config = store_.config();
    const std::int64_t window_ms = std::int64_t{config.lockout_s} * 2000;
    const std::int64_t user_free = config.max_failed_logins;
    const std::int64_t addr_free = std::int64_t{config.max_failed_logins} * 4;
    std::string hash;
    bool disabled = true;
    bool past_account_throttle = false;
    Role role = Role::kOperator;
    {
        std::lock_guard lock(store_.mu());
        const auto now = store_.now_ms();
        auto refuse = [&](std::string_view scope, std::int64_t locked_until) -> Error {
            auto seconds = (locked_until - now + 999) / 1000;
            if (retry_after_s) *retry_after_s = seconds;
            (void)store_.in_transaction([&]() -> Status {
                return store_.record(anonymous, "login_refused", subject,
                                     {{"remote", std::string(remote)},
                                      {"throttled", std::string(scope)},
                                      {"retry_after_s", seconds}});
            });
            get_logger("hub")->warn("console: log-in for '{}' from {} refused: {} throttled {} s",
                                    subject, remote, scope, seconds);
            return make_error(ErrorCode::kRateLimited, throttled_message(scope, seconds));
        };
        // The address first: it is the main defence, and it never blocks anyone elsewhere.
        auto addr = read_throttle(store_.db(), addr_key, now, window_ms);
        if (!addr) return addr.error();
        if (addr->locked_until > now) return refuse("address", addr->locked_until);
        if (valid_user_name(name)) {
            auto q = store_.db().prepare(
                "SELECT password_hash, role, disabled FROM console_users WHERE name = ?");
            if (!q) return q.error();
            q->bind(1, name);
            auto row = q->step();
            if (!row) return row.error();
            if (*row) {
                hash = q->column_text(0);
                role = parse_role(q->column_text(1)).value_or(Role::kOperator);
                disabled = q->column_int(2) != 0;
            }
        }
        auto user = read_throttle(store_.db(), user_key, now, window_ms);
        if (!user) return user.error();
        if (user->locked_until > now) {
            // Someone hammering an approver's name from elsewhere must not stop the real
            // approver: when no other approver could act, an address with fewer failures
            // than the account's own allowance is let past the account's throttle (the
            // address's throttle still holds it).
            bool last_approver = false;
            if (!hash.empty() && !disabled && may_approve(role) && addr->failures < user_free) {
                auto other = another_approver_can_log_in(name, now);
                if (!other) return other.error();
                last_approver = !*other;
            }
            if (!last_approver) return refuse("account", user->locked_until);
            past_account_throttle = true;
        }
    }
    bool ok = false;
    {
        std::lock_guard lock(hash_mu_);
        if (hash.empty())
            verify_password_dummy(password);
        else
            ok = verify_password(password, hash) && !disabled;
    }

    std::lock_guard lock(store_.mu());
    const auto now = store_.now_ms();
    if (!ok) {
        std::int64_t throttled_s = 0;
        auto s = store_.in_transaction([&]() -> Status {
            for (const auto& [key, free] :
                 {std::pair{user_key, user_free}, std::pair{addr_key, addr_free}}) {
                auto t = read_throttle(store_.db(), key, now, window_ms);
                if (!t) return t.error();
                const std::int64_t failures = t->failures + 1;
                const auto seconds = throttle_seconds(failures, free, config.lockout_s);
                throttled_s = std::max(throttled_s, seconds);
                auto up = store_.db().prepare(
                    "INSERT INTO console_login_failures (key, failures, locked_until_ms, "
                    "updated_ms) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                    "failures = excluded.failures, locked_until_ms = excluded.locked_until_ms, "
                    "updated_ms = excluded.updated_ms");
                if (!up) return up.error();
                up->bind(1, key)
                    .bind(2, failures)
                    .bind(3, seconds > 0 ? now + seconds * 1000 : 0)
                    .bind(4, now);
                if (auto r = up->run(); !r) return r;
            }
            return store_.record(anonymous, "login_failed", subject,
                                 {{"remote", std::string(remote)}, {"throttled_s", throttled_s}});
        });
        if (!s) return s.error();
        if (throttled_s > 0)
            get_logger("hub")->warn("console: log-ins for '{}' or from {} throttled for {} s",
                                    subject, remote, throttled_s);
        return denied("wrong user name or password");
    }

    Login login;
    login.token = random_token_hex(32);
    login.session.actor = {std::string(name), role, fmt::format("web {}", remote)};
    login.session.csrf_token = csrf_token_for(login.token);
    login.session.expires_ms = now + std::int64_t{store_.config().session_max_s} * 1000;
    auto s = store_.in_transaction([&]() -> Status {
        if (auto r = store_.db().exec(fmt::format(
                "DELETE FROM console_sessions WHERE expires_ms <= {0} OR last_seen_ms <= {1}", now,
                now - std::int64_t{store_.config().session_idle_s} * 1000));
            !r)
            return r;
        auto del = store_.db().prepare("DELETE FROM console_login_failures WHERE key IN (?, ?)");
        if (!del) return del.error();
        del->bind(1, user_key).bind(2, addr_key);
        if (auto r = del->run(); !r) return r;
        auto q = store_.db().prepare(
            "INSERT INTO console_sessions (token_sha256, user_name, created_ms, last_seen_ms, "
            "expires_ms) VALUES (?, ?, ?, ?, ?)");
        if (!q) return q.error();
        q->bind(1, sha256_hex(login.token))
            .bind(2, name)
            .bind(3, now)
            .bind(4, now)
            .bind(5, login.session.expires_ms);
        if (auto r = q->run(); !r) return r;
        AuditDetail detail = {{"remote", std::string(remote)}};
        if (past_account_throttle) detail["past_account_throttle"] = std::string("last approver");
        return store_.record(login.session.actor, "login", name, detail);
    });
    if (!s) return s.error();
    return login;
}

Result<Session> Accounts::session(std::string_view token, std::string_view remote) {
    if (token.size() != 64) return denied("not logged in");
    std::lock_guard lock(store_.mu());
    const auto now = store_.now_ms();
    const std::string key = sha256_hex(token);
    Session s;
    bool expired = false;
    {
        // Finished before the UPDATE below (see login()).
        auto q = store_.db().prepare(
            "SELECT s.user_name, s.last_seen_ms, s.expires_ms, u.role, u.disabled "
            "FROM console_sessions s JOIN console_users u ON u.name = s.user_name "
            "WHERE s.token_sha256 = ?");
        if (!q) return q.error();
        q->bind(1, key);
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return denied("not logged in");
        s.actor.user = q->column_text(0);
        s.actor.role = parse_role(q->column_text(3)).value_or(Role::kOperator);
        s.actor.via = fmt::format("web {}", remote);
        s.expires_ms = q->column_int(2);
        expired = s.expires_ms <= now ||
                  q->column_int(1) + std::int64_t{store_.config().session_idle_s} * 1000 <= now ||
                  q->column_int(4) != 0;
    }
    if (expired) {
        auto del = store_.db().prepare("DELETE FROM console_sessions WHERE token_sha256 = ?");
        if (del) {
            del->bind(1, key);
            (void)del->run();
        }
        return denied("the session has expired: log in again");
    }
    auto touch =
        store_.db().prepare("UPDATE console_sessions SET last_seen_ms = ? WHERE token_sha256 = ?");
    if (!touch) return touch.error();
    touch->bind(1, now).bind(2, key);
    if (auto r = touch->run(); !r) return r.error();
    s.csrf_token = csrf_token_for(token);
    return s;
}

Status Accounts::logout(std::string_view token, std::string_view remote) {
    std::lock_guard lock(store_.mu());
    return store_.in_transaction([&]() -> Status {
        auto q = store_.db().prepare(
            "DELETE FROM console_sessions WHERE token_sha256 = ? RETURNING user_name");
        if (!q) return q.error();
        q->bind(1, sha256_hex(token));
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return {};
        std::string user = q->column_text(0);
        while (true) {  // RETURNING: run the statement to its end before the next one
            auto more = q->step();
            if (!more) return more.error();
            if (!*more) break;
        }
        return store_.record({user, Role::kOperator, fmt::format("web {}", remote)}, "logout",
                             user);
    });
}

// --- users ------------------------------------------------------------------------------

bool valid_facility_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

Result<std::vector<std::string>> assigned_facilities(SqliteDb& db, std::string_view user) {
    auto q = db.prepare(
        "SELECT facility_id FROM console_user_facilities WHERE user_name = ? ORDER BY "
        "facility_id");
    if (!q) return q.error();
    q->bind(1, user);
    std::vector<std::string> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(q->column_text(0));
    }
    return out;
}

namespace {

Status check_facility_ids(Role role, const std::vector<std::string>& ids) {
    if (!ids.empty() && role != Role::kFacility)
        return invalid_request(
            "施設の割り当ては施設担当 (facility) だけです / only a facility account has "
            "facilities assigned");
    for (const auto& id : ids)
        if (!valid_facility_id(id))
            return invalid_request(
                fmt::format("施設ID「{}」の形が違います / '{}' is not a facility id", id, id));
    return {};
}

// Replaces the user's assigned facilities; inside the caller's transaction.
Status store_facilities(SqliteDb& db, std::string_view user, const std::vector<std::string>& ids) {
    auto del = db.prepare("DELETE FROM console_user_facilities WHERE user_name = ?");
    if (!del) return del.error();
    del->bind(1, user);
    if (auto r = del->run(); !r) return r;
    for (const auto& id : ids) {
        auto q = db.prepare(
            "INSERT OR IGNORE INTO console_user_facilities (user_name, facility_id) VALUES (?, ?)");
        if (!q) return q.error();
        q->bind(1, user).bind(2, id);
        if (auto r = q->run(); !r) return r;
    }
    return {};
}

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
    return out;
}

}  // namespace

Result<std::vector<User>> Accounts::users(const Actor& actor) {
    if (actor.role != Role::kAdmin) return denied("only an admin may list users");
    std::lock_guard lock(store_.mu());
    auto q = store_.db().prepare(
        "SELECT name, role, disabled, created, updated FROM console_users ORDER BY name");
    if (!q) return q.error();
    std::vector<User> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({q->column_text(0),
                       parse_role(q->column_text(1)).value_or(Role::kOperator),
                       q->column_int(2) != 0,
                       q->column_text(3),
                       q->column_text(4),
                       {}});
    }
    for (auto& u : out) {
        auto ids = assigned_facilities(store_.db(), u.name);
        if (!ids) return ids.error();
        u.facilities = std::move(*ids);
    }
    return out;
}

Status Accounts::add_user(const Actor& actor, std::string_view name, Role role,
                          std::string_view password, const std::vector<std::string>& facilities) {
    if (actor.role != Role::kAdmin) return denied("only an admin may add users");
    if (!valid_user_name(name))
        return invalid_request("a user name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-'");
    if (auto s = check_facility_ids(role, facilities); !s) return s;
    if (auto s = check_password_rules(password); !s) return s;
    Result<std::string> hash = std::string();
    {
        std::lock_guard lock(hash_mu_);
        hash = hash_password(password);
    }
    if (!hash) return hash.error();
    std::lock_guard lock(store_.mu());
    const std::string now = format_rfc3339_jst(store_.clock().now());
    return store_.in_transaction([&]() -> Status {
        auto exists = store_.db().prepare("SELECT 1 FROM console_users WHERE name = ?");
        if (!exists) return exists.error();
        exists->bind(1, name);
        auto row = exists->step();
        if (!row) return row.error();
        if (*row) return conflict(fmt::format("user '{}' exists already", name));
        auto q = store_.db().prepare(
            "INSERT INTO console_users (name, role, password_hash, disabled, created, updated) "
            "VALUES (?, ?, ?, 0, ?, ?)");
        if (!q) return q.error();
        q->bind(1, name).bind(2, to_string(role)).bind(3, *hash).bind(4, now).bind(5, now);
        if (auto r = q->run(); !r) return r;
        if (auto r = store_facilities(store_.db(), name, facilities); !r) return r;
        AuditDetail detail = {{"role", to_string(role)}};
        if (!facilities.empty()) detail["facilities"] = joined(facilities);
        return store_.record(actor, "user_add", name, std::move(detail));
    });
}

Status Accounts::change_user(const Actor& actor, std::string_view name, const UserChange& change) {
    if (actor.role != Role::kAdmin) return denied("only an admin may change users");
    std::string hash;
    if (change.password) {
        if (auto s = check_password_rules(*change.password); !s) return s;
        std::lock_guard lock(hash_mu_);
        auto h = hash_password(*change.password);
        if (!h) return h.error();
        hash = std::move(*h);
    }
    std::lock_guard lock(store_.mu());
    return store_.in_transaction([&]() -> Status {
        auto q = store_.db().prepare("SELECT role, disabled FROM console_users WHERE name = ?");
        if (!q) return q.error();
        q->bind(1, name);
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return make_error(ErrorCode::kNotFound, fmt::format("no user '{}'", name));
        const bool was_admin = q->column_text(0) == "admin" && q->column_int(1) == 0;
        const bool stays_admin = (change.role ? *change.role == Role::kAdmin : was_admin) &&
                                 !change.disabled.value_or(q->column_int(1) != 0);
        if (was_admin && !stays_admin) {
            auto admins = store_.db().prepare(
                "SELECT COUNT(*) FROM console_users WHERE role = 'admin' AND disabled = 0");
            if (!admins) return admins.error();
            if (auto r = admins->step(); !r) return r.error();
            if (admins->column_int(0) <= 1)
                return conflict("the last enabled admin cannot be demoted or disabled");
        }
        AuditDetail detail;
        const std::string now = format_rfc3339_jst(store_.clock().now());
        auto set = [&](std::string_view column, auto value) -> Status {
            auto u = store_.db().prepare(
                fmt::format("UPDATE console_users SET {} = ?, updated = ? WHERE name = ?", column));
            if (!u) return u.error();
            u->bind(1, value).bind(2, now).bind(3, name);
            return u->run();
        };
        if (change.role) {
            if (auto r = set("role", to_string(*change.role)); !r) return r;
            detail["role"] = to_string(*change.role);
        }
        if (change.disabled) {
            if (auto r = set("disabled", std::int64_t{*change.disabled}); !r) return r;
            detail["disabled"] = *change.disabled;
        }
        if (change.password) {
            if (auto r = set("password_hash", std::string_view(hash)); !r) return r;
            detail["password"] = std::string("changed");
        }
        // A new password or a disabled account ends every session of the user.
        if (change.password || change.disabled.value_or(false)) {
            auto del = store_.db().prepare("DELETE FROM console_sessions WHERE user_name = ?");
            if (!del) return del.error();
            del->bind(1, name);
            if (auto r = del->run(); !r) return r;
        }
        if (change.facilities) {
            const Role role =
                change.role.value_or(parse_role(q->column_text(0)).value_or(Role::kOperator));
            if (auto r = check_facility_ids(role, *change.facilities); !r) return r;
            if (auto r = store_facilities(store_.db(), name, *change.facilities); !r) return r;
            detail["facilities"] = joined(*change.facilities);
        } else if (change.role && *change.role != Role::kFacility) {
            // Facilities belong to a facility account only.
            if (auto r = store_facilities(store_.db(), name, {}); !r) return r;
        }
        if (change.unlock) {
            auto del = store_.db().prepare("DELETE FROM console_login_failures WHERE key = ?");
            if (!del) return del.error();
            del->bind(1, "user:" + std::string(name));
            if (auto r = del->run(); !r) return r;
            detail["unlocked"] = true;
        }
        return store_.record(actor, "user_change", name, detail);
    });
}

Status Accounts::change_own_password(const Actor& actor, std::string_view current,
                                     std::string_view replacement) {
    std::string hash;
    {
        std::lock_guard lock(store_.mu());
        auto q = store_.db().prepare("SELECT password_hash FROM console_users WHERE name = ?");
        if (!q) return q.error();
        q->bind(1, actor.user);
        auto row = q->step();
        if (!row) return row.error();
        if (*row) hash = q->column_text(0);
    }
    {
        std::lock_guard lock(hash_mu_);
        if (hash.empty() || !verify_password(current, hash))
            return denied("the current password is wrong");
    }
    Actor self = actor;
    self.role = Role::kAdmin;  // only for change_user's check: a user may set their own
    UserChange change;
    change.password = std::string(replacement);
    return change_user(self, actor.user, change);
}

}  // namespace alerthub::hub::console
