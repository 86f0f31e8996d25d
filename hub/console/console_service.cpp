#include "hub/console/console_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "hub/console/console_db.h"
#include "hub/console/notice_templates.h"
#include "hub/console/secrets.h"
#include "hub/output/cap_writer.h"
#include "hub/sources/source_reader.h"
#include "hub/sources/text_encoding.h"

namespace alerthub::hub::console {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTextChars = 2000;
constexpr std::size_t kMaxShelters = 30;
constexpr std::size_t kMaxShelterChars = 100;
constexpr std::size_t kMaxLinkChars = 500;
constexpr std::size_t kMinBreakGlassReason = 10;
constexpr int kMaxExpiresHours = 168;
constexpr std::size_t kPreviewMaxBytes = 1048576;
// A staff notice may be written in these languages (docs/protocol.md, canonical alert).
const std::set<std::string, std::less<>> kTextLanguages = {"ja", "en", "zh-Hans", "zh-Hant",  "ko",
                                                           "vi", "ne", "pt",      "ja-x-easy"};

Error invalid_request(std::string message) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message));
}
Error denied(std::string message) {
    return make_error(ErrorCode::kPermissionDenied, std::move(message));
}
Error conflict(std::string message) {
    return make_error(ErrorCode::kAlreadyExists, std::move(message));
}

bool may_approve(Role r) {
    return r == Role::kApprover || r == Role::kAdmin;
}

std::size_t utf8_chars(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Staff text: UTF-8, no control characters but line breaks, not too long.
Status check_text(std::string_view what, std::string_view text, std::size_t max_chars) {
    if (!validate_utf8(text).ok()) return invalid_request(fmt::format("{} is not UTF-8", what));
    if (utf8_chars(text) > max_chars)
        return invalid_request(fmt::format("{} is longer than {} characters", what, max_chars));
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return invalid_request(fmt::format("{} contains a control character", what));
    return {};
}

std::string trimmed(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

bool valid_link(std::string_view url) {
    if (url.size() > kMaxLinkChars) return false;
    if (!url.starts_with("https://") && !url.starts_with("http://")) return false;
    if (url.size() <= 8) return false;
    return std::none_of(url.begin(), url.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\';
    });
}

LocalizedText texts_from(const json& j) {
    LocalizedText out;
    if (!j.is_object()) return out;
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.value().is_string() && !it.value().get<std::string>().empty())
            out[it.key()] = it.value().get<std::string>();
    return out;
}

// What LINE and mail subscribers read, per language of the notice (core/protocol/alert_text.h, as
// the adapters build it): mail is the subject and alert_text in the reader's language; LINE adds
// English under Japanese for Japanese readers (adapters/line line_message).
json channel_texts(const Alert& a) {
    std::set<std::string> languages = {"ja"};
    for (const auto* field : {&a.headline, &a.instruction})
        for (const auto& [lang, text] : *field) languages.insert(lang);
    json out = json::object();
    for (const auto& lang : languages)
        out[lang] = {{"mail_subject", alert_subject(a, lang)},
                     {"mail_text", alert_text(a, lang)},
                     {"line_text", alert_text(a, lang == "ja" ? "en" : lang)}};
    return out;
}

json texts_json(const LocalizedText& t) {
    json out = json::object();
    for (const auto& [lang, text] : t) out[lang] = text;
    return out;
}

}  // namespace

std::string to_string(Role role) {
    switch (role) {
        case Role::kOperator:
            return "operator";
        case Role::kApprover:
            return "approver";
        case Role::kAdmin:
            return "admin";
    }
    return "operator";
}

std::optional<Role> parse_role(std::string_view text) {
    if (text == "operator") return Role::kOperator;
    if (text == "approver") return Role::kApprover;
    if (text == "admin") return Role::kAdmin;
    return std::nullopt;
}

bool valid_user_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

// ---------------------------------------------------------------------------------------

struct ConsoleService::DraftRow {
    std::int64_t id = 0;
    std::string action;  // issue, update, cancel
    std::string alert_id;
    std::string template_id;
    std::string status;  // actual, exercise
    json content;
    std::string state;  // pending, approved, published, rejected, withdrawn, failed
    std::string drafted_by;
    std::string drafted_at;
    std::string decided_by;
    std::string decided_at;
    std::string break_glass_reason;
    std::string identifier;
    std::string sender;
    std::string sent;
    std::string cap_xml;
    std::int64_t published_version = 0;
    std::string reason;

    json to_json() const {
        return {{"id", id},
                {"action", action},
                {"alert_id", alert_id},
                {"template", template_id},
                {"status", status},
                {"state", state},
                {"drafted_by", drafted_by},
                {"drafted_at", drafted_at},
                {"decided_by", decided_by},
                {"decided_at", decided_at},
                {"break_glass_reason", break_glass_reason},
                {"identifier", identifier},
                {"published_version", published_version},
                {"reason", reason},
                {"content", content}};
    }
};

namespace {

constexpr std::string_view kDraftColumns =
    "id, action, alert_id, template, status, content_json, state, drafted_by, drafted_at, "
    "decided_by, decided_at, break_glass_reason, identifier, sender, sent, cap_xml, "
    "published_version, reason";

}  // namespace

ConsoleService::ConsoleService(SqliteDb db, ConsoleConfig config, const Clock& clock,
                               TownBlocks blocks, StaffPublisher publish)
    : db_(std::move(db)),
      config_(std::move(config)),
      clock_(clock),
      blocks_(std::move(blocks)),
      publish_(std::move(publish)) {}

Result<std::unique_ptr<ConsoleService>> ConsoleService::open(const std::string& journal_path,
                                                             ConsoleConfig config,
                                                             const Clock& clock,
                                                             StaffPublisher publish) {
    auto db = open_console_db(journal_path);
    if (!db) return db.error();
    // No file named: no town blocks to choose (hubctl's user and audit commands).
    TownBlocks blocks;
    if (!config.town_blocks_file.empty()) {
        auto loaded = TownBlocks::load(config.town_blocks_file);
        if (!loaded)
            return make_error(loaded.error().code,
                              fmt::format("console.town_blocks_file {}: {}",
                                          config.town_blocks_file, loaded.error().message));
        blocks = std::move(*loaded);
    }
    return std::unique_ptr<ConsoleService>(new ConsoleService(
        std::move(*db), std::move(config), clock, std::move(blocks), std::move(publish)));
}

std::int64_t ConsoleService::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
        .count();
}

Status ConsoleService::in_transaction(const std::function<Status()>& body) {
    auto s = db_.transaction(body);
    if (s) write_audit_head();
    return s;
}

void ConsoleService::write_audit_head() {
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

Status ConsoleService::record(const Actor& actor, std::string_view action, std::string_view subject,
                              const json& detail) {
    json d = detail;
    if (!actor.via.empty()) d["via"] = actor.via;
    auto e = audit_append(db_, clock_, actor.user, action, subject,
                          d.dump(-1, ' ', false, json::error_handler_t::replace));
    if (!e) return e.error();
    return {};
}

std::string ConsoleService::csrf_token_for(std::string_view token) {
    // Derived, so nothing more is stored; useless without the (HttpOnly) session token.
    std::string input = "alerthub-csrf\n";
    input += token;
    return sha256_hex(input);
}

// --- log-in and sessions ---------------------------------------------------------------

Result<Login> ConsoleService::login(std::string_view name, std::string_view password,
                                    std::string_view remote) {
    const std::string user_key = "user:" + std::string(valid_user_name(name) ? name : "?");
    const std::string addr_key = "addr:" + std::string(remote);
    const std::string subject = valid_user_name(name) ? std::string(name) : "(invalid name)";
    const Actor anonymous{subject, Role::kOperator, fmt::format("web {}", remote)};
    std::string hash;
    bool disabled = true;
    Role role = Role::kOperator;
    {
        std::lock_guard lock(mu_);
        const auto now = now_ms();
        // Locked out: refused before the password is even looked at.
        for (const auto& key : {user_key, addr_key}) {
            std::int64_t locked_until = 0;
            {
                // Finished before anything is written: an open read would pin an old
                // snapshot, and a write on top of it fails at once ("database is locked").
                auto q =
                    db_.prepare("SELECT locked_until_ms FROM console_login_failures WHERE key = ?");
                if (!q) return q.error();
                q->bind(1, key);
                auto row = q->step();
                if (!row) return row.error();
                if (*row) locked_until = q->column_int(0);
            }
            if (locked_until > now) {
                auto seconds = (locked_until - now + 999) / 1000;
                (void)in_transaction([&]() -> Status {
                    return record(anonymous, "login_refused", subject,
                                  {{"remote", remote}, {"locked_for_s", seconds}});
                });
                return make_error(
                    ErrorCode::kRateLimited,
                    fmt::format("too many failed log-ins: try again in {} s", seconds));
            }
        }
        if (valid_user_name(name)) {
            auto q = db_.prepare(
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
    }
    bool ok = false;
    {
        std::lock_guard lock(hash_mu_);
        if (hash.empty())
            verify_password_dummy(password);
        else
            ok = verify_password(password, hash) && !disabled;
    }

    std::lock_guard lock(mu_);
    const auto now = now_ms();
    if (!ok) {
        bool locked = false;
        auto s = in_transaction([&]() -> Status {
            for (const auto& [key, limit] : {std::pair{user_key, config_.max_failed_logins},
                                             std::pair{addr_key, config_.max_failed_logins * 4}}) {
                auto q = db_.prepare(
                    "SELECT failures, updated_ms FROM console_login_failures WHERE key = ?");
                if (!q) return q.error();
                q->bind(1, key);
                auto row = q->step();
                if (!row) return row.error();
                std::int64_t failures = 0;
                // Failures older than a lockout period are forgotten.
                if (*row && now - q->column_int(1) < std::int64_t{config_.lockout_s} * 1000)
                    failures = q->column_int(0);
                ++failures;
                std::int64_t locked_until = 0;
                if (failures >= limit) {
                    locked_until = now + std::int64_t{config_.lockout_s} * 1000;
                    failures = 0;
                    locked = true;
                }
                auto up = db_.prepare(
                    "INSERT INTO console_login_failures (key, failures, locked_until_ms, "
                    "updated_ms) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                    "failures = excluded.failures, locked_until_ms = excluded.locked_until_ms, "
                    "updated_ms = excluded.updated_ms");
                if (!up) return up.error();
                up->bind(1, key).bind(2, failures).bind(3, locked_until).bind(4, now);
                if (auto r = up->run(); !r) return r;
            }
            return record(anonymous, "login_failed", subject,
                          {{"remote", remote}, {"locked", locked}});
        });
        if (!s) return s.error();
        if (locked)
            get_logger("hub")->warn("console: log-ins for '{}' from {} locked for {} s", subject,
                                    remote, config_.lockout_s);
        return denied("wrong user name or password");
    }

    Login login;
    login.token = random_token_hex(32);
    login.session.actor = {std::string(name), role, fmt::format("web {}", remote)};
    login.session.csrf_token = csrf_token_for(login.token);
    login.session.expires_ms = now + std::int64_t{config_.session_max_s} * 1000;
    auto s = in_transaction([&]() -> Status {
        if (auto r = db_.exec(fmt::format(
                "DELETE FROM console_sessions WHERE expires_ms <= {0} OR last_seen_ms <= {1}", now,
                now - std::int64_t{config_.session_idle_s} * 1000));
            !r)
            return r;
        auto del = db_.prepare("DELETE FROM console_login_failures WHERE key IN (?, ?)");
        if (!del) return del.error();
        del->bind(1, user_key).bind(2, addr_key);
        if (auto r = del->run(); !r) return r;
        auto q = db_.prepare(
            "INSERT INTO console_sessions (token_sha256, user_name, created_ms, last_seen_ms, "
            "expires_ms) VALUES (?, ?, ?, ?, ?)");
        if (!q) return q.error();
        q->bind(1, sha256_hex(login.token))
            .bind(2, name)
            .bind(3, now)
            .bind(4, now)
            .bind(5, login.session.expires_ms);
        if (auto r = q->run(); !r) return r;
        return record(login.session.actor, "login", name, {{"remote", remote}});
    });
    if (!s) return s.error();
    return login;
}

Result<Session> ConsoleService::session(std::string_view token, std::string_view remote) {
    if (token.size() != 64) return denied("not logged in");
    std::lock_guard lock(mu_);
    const auto now = now_ms();
    const std::string key = sha256_hex(token);
    Session s;
    bool expired = false;
    {
        // Finished before the UPDATE below (see login()).
        auto q = db_.prepare(
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
                  q->column_int(1) + std::int64_t{config_.session_idle_s} * 1000 <= now ||
                  q->column_int(4) != 0;
    }
    if (expired) {
        auto del = db_.prepare("DELETE FROM console_sessions WHERE token_sha256 = ?");
        if (del) {
            del->bind(1, key);
            (void)del->run();
        }
        return denied("the session has expired: log in again");
    }
    auto touch = db_.prepare("UPDATE console_sessions SET last_seen_ms = ? WHERE token_sha256 = ?");
    if (!touch) return touch.error();
    touch->bind(1, now).bind(2, key);
    if (auto r = touch->run(); !r) return r.error();
    s.csrf_token = csrf_token_for(token);
    return s;
}

Status ConsoleService::logout(std::string_view token, std::string_view remote) {
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Status {
        auto q =
            db_.prepare("DELETE FROM console_sessions WHERE token_sha256 = ? RETURNING user_name");
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
        return record({user, Role::kOperator, fmt::format("web {}", remote)}, "logout", user,
                      json::object());
    });
}

// --- users ------------------------------------------------------------------------------

Result<std::vector<User>> ConsoleService::users(const Actor& actor) {
    if (actor.role != Role::kAdmin) return denied("only an admin may list users");
    std::lock_guard lock(mu_);
    auto q = db_.prepare(
        "SELECT name, role, disabled, created, updated FROM console_users ORDER BY name");
    if (!q) return q.error();
    std::vector<User> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({q->column_text(0), parse_role(q->column_text(1)).value_or(Role::kOperator),
                       q->column_int(2) != 0, q->column_text(3), q->column_text(4)});
    }
    return out;
}

Status ConsoleService::add_user(const Actor& actor, std::string_view name, Role role,
                                std::string_view password) {
    if (actor.role != Role::kAdmin) return denied("only an admin may add users");
    if (!valid_user_name(name))
        return invalid_request("a user name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-'");
    if (auto s = check_password_rules(password); !s) return s;
    Result<std::string> hash = std::string();
    {
        std::lock_guard lock(hash_mu_);
        hash = hash_password(password);
    }
    if (!hash) return hash.error();
    std::lock_guard lock(mu_);
    const std::string now = format_rfc3339_jst(clock_.now());
    return in_transaction([&]() -> Status {
        auto exists = db_.prepare("SELECT 1 FROM console_users WHERE name = ?");
        if (!exists) return exists.error();
        exists->bind(1, name);
        auto row = exists->step();
        if (!row) return row.error();
        if (*row) return conflict(fmt::format("user '{}' exists already", name));
        auto q = db_.prepare(
            "INSERT INTO console_users (name, role, password_hash, disabled, created, updated) "
            "VALUES (?, ?, ?, 0, ?, ?)");
        if (!q) return q.error();
        q->bind(1, name).bind(2, to_string(role)).bind(3, *hash).bind(4, now).bind(5, now);
        if (auto r = q->run(); !r) return r;
        return record(actor, "user_add", name, {{"role", to_string(role)}});
    });
}

Status ConsoleService::change_user(const Actor& actor, std::string_view name,
                                   const UserChange& change) {
    if (actor.role != Role::kAdmin) return denied("only an admin may change users");
    std::string hash;
    if (change.password) {
        if (auto s = check_password_rules(*change.password); !s) return s;
        std::lock_guard lock(hash_mu_);
        auto h = hash_password(*change.password);
        if (!h) return h.error();
        hash = std::move(*h);
    }
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Status {
        auto q = db_.prepare("SELECT role, disabled FROM console_users WHERE name = ?");
        if (!q) return q.error();
        q->bind(1, name);
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return make_error(ErrorCode::kNotFound, fmt::format("no user '{}'", name));
        const bool was_admin = q->column_text(0) == "admin" && q->column_int(1) == 0;
        const bool stays_admin = (change.role ? *change.role == Role::kAdmin : was_admin) &&
                                 !change.disabled.value_or(q->column_int(1) != 0);
        if (was_admin && !stays_admin) {
            auto admins = db_.prepare(
                "SELECT COUNT(*) FROM console_users WHERE role = 'admin' AND disabled = 0");
            if (!admins) return admins.error();
            if (auto r = admins->step(); !r) return r.error();
            if (admins->column_int(0) <= 1)
                return conflict("the last enabled admin cannot be demoted or disabled");
        }
        json detail = json::object();
        const std::string now = format_rfc3339_jst(clock_.now());
        auto set = [&](std::string_view column, auto value) -> Status {
            auto u = db_.prepare(
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
            detail["password"] = "changed";
        }
        // A new password or a disabled account ends every session of the user.
        if (change.password || change.disabled.value_or(false)) {
            auto del = db_.prepare("DELETE FROM console_sessions WHERE user_name = ?");
            if (!del) return del.error();
            del->bind(1, name);
            if (auto r = del->run(); !r) return r;
        }
        if (change.unlock) {
            auto del = db_.prepare("DELETE FROM console_login_failures WHERE key = ?");
            if (!del) return del.error();
            del->bind(1, "user:" + std::string(name));
            if (auto r = del->run(); !r) return r;
            detail["unlocked"] = true;
        }
        return record(actor, "user_change", name, detail);
    });
}

Status ConsoleService::change_own_password(const Actor& actor, std::string_view current,
                                           std::string_view replacement) {
    std::string hash;
    {
        std::lock_guard lock(mu_);
        auto q = db_.prepare("SELECT password_hash FROM console_users WHERE name = ?");
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

// --- notices ----------------------------------------------------------------------------

json ConsoleService::reference() const {
    json templates = json::array();
    for (const auto& t : notice_templates())
        templates.push_back({{"id", t.id},
                             {"name", texts_json(t.name)},
                             {"level", t.level ? json(*t.level) : json(nullptr)},
                             {"needs_shelters", t.needs_shelters},
                             {"takes_hazard", t.takes_hazard},
                             {"break_glass", config_.break_glass_level5 && t.level == 5}});
    json hazard_list = json::array();
    for (const auto& h : hazards())
        hazard_list.push_back({{"id", h.id}, {"name", texts_json(h.name)}});
    json blocks = json::array();
    for (const auto& b : blocks_.all())
        blocks.push_back({{"code", b.code}, {"name", b.name}, {"town", b.town}});
    return {{"templates", templates},       {"hazards", hazard_list},
            {"town_blocks", blocks},        {"languages", kTextLanguages},
            {"training", config_.training}, {"break_glass_level5", config_.break_glass_level5}};
}

Result<ConsoleService::DraftRow> ConsoleService::load_draft(std::int64_t id) {
    auto q = db_.prepare(fmt::format("SELECT {} FROM console_drafts WHERE id = ?", kDraftColumns));
    if (!q) return q.error();
    q->bind(1, id);
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return make_error(ErrorCode::kNotFound, fmt::format("no draft {}", id));
    DraftRow d;
    d.id = q->column_int(0);
    d.action = q->column_text(1);
    d.alert_id = q->column_text(2);
    d.template_id = q->column_text(3);
    d.status = q->column_text(4);
    d.content = json::parse(q->column_text(5), nullptr, false);
    d.state = q->column_text(6);
    d.drafted_by = q->column_text(7);
    d.drafted_at = q->column_text(8);
    d.decided_by = q->column_text(9);
    d.decided_at = q->column_text(10);
    d.break_glass_reason = q->column_text(11);
    d.identifier = q->column_text(12);
    d.sender = q->column_text(13);
    d.sent = q->column_text(14);
    d.cap_xml = q->column_text(15);
    d.published_version = q->column_int(16);
    d.reason = q->column_text(17);
    return d;
}

namespace {

// The published chain of a staff notice: every message's reference, oldest first, and the
// content and template of the latest.
struct Chain {
    std::vector<CapReference> references;
    json latest_content;
    std::string status;
    bool cancelled = false;
};

Result<Chain> chain_of(SqliteDb& db, std::string_view alert_id) {
    auto q = db.prepare(
        "SELECT sender, identifier, sent, content_json, status, action FROM console_drafts "
        "WHERE alert_id = ? AND state = 'published' ORDER BY published_version");
    if (!q) return q.error();
    q->bind(1, alert_id);
    Chain c;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        c.references.push_back({q->column_text(0), q->column_text(1), q->column_text(2)});
        c.latest_content = json::parse(q->column_text(3), nullptr, false);
        c.status = q->column_text(4);
        c.cancelled = q->column_text(5) == "cancel";
    }
    if (c.references.empty())
        return make_error(
            ErrorCode::kNotFound,
            fmt::format("'{}' is not a notice published from this console", alert_id));
    return c;
}

// The canonical alert of a draft's content, as the CAP document will carry it.
Alert alert_of(const json& content, const NoticeTemplate& t, WallTime sent) {
    Alert a;
    a.status = content.value("status", "actual") == "exercise" ? AlertStatus::kExercise
                                                               : AlertStatus::kActual;
    a.source.kind = SourceKind::kStaff;
    a.event_code = "alerthub:" + t.id;
    a.event_name = t.name;
    a.category = t.category;
    a.level = t.level;
    a.severity = t.severity;
    a.urgency = t.urgency;
    a.certainty = t.certainty;
    a.effective = sent;
    if (int hours = content.value("expires_hours", 0); hours > 0)
        a.expires = sent + std::chrono::hours(hours);
    a.headline = texts_from(content.value("headline", json::object()));
    a.description = texts_from(content.value("description", json::object()));
    a.instruction = texts_from(content.value("instruction", json::object()));
    for (const auto& area : content.value("areas", json::array()))
        a.areas.push_back({"town", area.value("code", ""), area.value("name", "")});
    // No block chosen: the whole ward (JIS X 0402 港区), as players and adapters key it.
    if (a.areas.empty()) a.areas.push_back({"jisx0402", "131032", "港区"});
    if (auto link = content.value("link", ""); !link.empty()) a.links.push_back({"web", link, {}});
    return a;
}

}  // namespace

Result<json> ConsoleService::validate_content(const Actor& actor, const json& req) {
    if (!req.is_object()) return invalid_request("the request must be a JSON object");
    const std::string action = req.value("action", "issue");
    if (action != "issue" && action != "update" && action != "cancel")
        return invalid_request("action must be issue, update or cancel");
    json out = json::object();
    out["action"] = action;
    std::optional<Chain> chain;
    if (action != "issue") {
        auto alert_id = req.value("alert_id", "");
        if (alert_id.empty()) return invalid_request(action + " needs the alert_id of a notice");
        auto c = chain_of(db_, alert_id);
        if (!c) return c.error();
        if (c->cancelled)
            return conflict(fmt::format("{} has been cancelled: issue a new notice", alert_id));
        chain = std::move(*c);
        out["alert_id"] = alert_id;
    }
    if (action == "cancel") {
        // A cancel repeats what it cancels; only the reason is new.
        json content = chain->latest_content;
        content["action"] = "cancel";
        content["alert_id"] = out["alert_id"];
        auto note = trimmed(req.value("reason", ""));
        if (auto s = check_text("reason", note, kMaxTextChars); !s) return s.error();
        content["note"] = note;
        return content;
    }

    const std::string template_id =
        req.value("template", chain ? chain->latest_content.value("template", "") : "");
    const NoticeTemplate* t = find_template(template_id);
    if (!t) return invalid_request(fmt::format("unknown template '{}'", template_id));
    out["template"] = t->id;

    std::string status = req.value("status", chain ? chain->status : "actual");
    if (config_.training) status = "exercise";
    if (status != "actual" && status != "exercise")
        return invalid_request("status must be actual or exercise");
    if (chain && status != chain->status)
        return invalid_request(
            fmt::format("an update keeps the notice's status ({})", chain->status));
    out["status"] = status;

    json areas = json::array();
    std::set<std::string> seen;
    std::vector<std::string> area_names;
    auto requested = req.value("areas", json::array());
    if (!requested.is_array()) return invalid_request("areas must be a list of town-block codes");
    for (const auto& code : requested) {
        if (!code.is_string()) return invalid_request("areas must be a list of town-block codes");
        const TownBlock* b = blocks_.find(code.get<std::string>());
        if (!b)
            return invalid_request(
                fmt::format("'{}' is not a town block of the ward", code.get<std::string>()));
        if (!seen.insert(b->code).second) continue;
        areas.push_back({{"code", b->code}, {"name", b->name}});
        area_names.push_back(b->name);
    }
    out["areas"] = areas;

    json shelters = json::array();
    std::vector<std::string> shelter_names;
    auto requested_shelters = req.value("shelters", json::array());
    if (!requested_shelters.is_array() || requested_shelters.size() > kMaxShelters)
        return invalid_request(
            fmt::format("shelters must be a list of at most {} names", kMaxShelters));
    for (const auto& s : requested_shelters) {
        if (!s.is_string()) return invalid_request("shelters must be a list of names");
        auto name = trimmed(s.get<std::string>());
        if (name.empty()) continue;
        if (auto c = check_text("a shelter name", name, kMaxShelterChars); !c) return c.error();
        if (name.find('\n') != std::string::npos)
            return invalid_request("a shelter name is one line");
        shelters.push_back(name);
        shelter_names.push_back(name);
    }
    if (t->needs_shelters && shelters.empty())
        return invalid_request(
            fmt::format("{} needs at least one shelter or facility", t->name.at("ja")));
    out["shelters"] = shelters;

    const std::string hazard = req.value("hazard", "");
    if (!hazard.empty() && (!t->takes_hazard || !find_hazard(hazard)))
        return invalid_request(fmt::format("hazard '{}' does not fit template {}", hazard, t->id));
    out["hazard"] = hazard;

    const std::string link = trimmed(req.value("link", ""));
    if (!link.empty() && !valid_link(link))
        return invalid_request(fmt::format(
            "link must be an http(s) URL of at most {} characters without spaces", kMaxLinkChars));
    out["link"] = link;

    auto expires = req.value("expires_hours", json(0));
    if (!expires.is_number_integer() || expires.get<int>() < 0 ||
        expires.get<int>() > kMaxExpiresHours)
        return invalid_request(fmt::format(
            "expires_hours must be a whole number from 0 (none) to {}", kMaxExpiresHours));
    out["expires_hours"] = expires.get<int>();

    // Texts: the template's defaults, each language replaced where staff edited it.
    ComposedTexts defaults = compose_texts(*t, {area_names, shelter_names, hazard});
    for (auto [field, fallback] : {std::pair{"headline", &defaults.headline},
                                   std::pair{"description", &defaults.description},
                                   std::pair{"instruction", &defaults.instruction}}) {
        json texts = texts_json(*fallback);
        if (req.contains(field)) {
            const auto& given = req.at(field);
            if (!given.is_object())
                return invalid_request(fmt::format("{} must map languages to texts", field));
            texts = json::object();
            for (auto it = given.begin(); it != given.end(); ++it) {
                if (!kTextLanguages.count(it.key()))
                    return invalid_request(
                        fmt::format("{}: '{}' is not a language of the console", field, it.key()));
                if (!it.value().is_string())
                    return invalid_request(fmt::format("{}.{} must be text", field, it.key()));
                auto text = trimmed(it.value().get<std::string>());
                if (auto c = check_text(fmt::format("{}.{}", field, it.key()), text, kMaxTextChars);
                    !c)
                    return c.error();
                if (!text.empty()) texts[it.key()] = text;
            }
        }
        out[field] = texts;
    }
    if (out["headline"].value("ja", "").empty())
        return invalid_request("the Japanese headline (headline.ja) is required");
    (void)actor;
    return out;
}

Result<json> ConsoleService::validate_request(const Actor& actor, const json& request) {
    try {
        return validate_content(actor, request);
    } catch (const json::exception& e) {
        // A field of the wrong type ("areas": 3): nlohmann's value() throws.
        return invalid_request(fmt::format("a field has the wrong type: {}", e.what()));
    }
}

Result<json> ConsoleService::compose(const Actor& actor, const json& request) {
    json req = request;
    if (req.is_object())
        for (auto field : {"headline", "description", "instruction"}) req.erase(field);
    std::lock_guard lock(mu_);
    return validate_request(actor, req);
}

Result<json> ConsoleService::create_draft(const Actor& actor, const json& request) {
    std::lock_guard lock(mu_);
    auto content = validate_request(actor, request);
    if (!content) return content.error();
    DraftRow d;
    d.action = content->value("action", "issue");
    d.alert_id = content->value("alert_id", "");
    d.template_id = content->value("template", "");
    d.status = content->value("status", "actual");
    d.content = *content;
    d.state = "pending";
    d.drafted_by = actor.user;
    d.drafted_at = format_rfc3339_jst(clock_.now());
    auto s = in_transaction([&]() -> Status {
        auto q = db_.prepare(
            "INSERT INTO console_drafts (action, alert_id, template, status, content_json, state, "
            "drafted_by, drafted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        if (!q) return q.error();
        q->bind(1, d.action)
            .bind(2, d.alert_id)
            .bind(3, d.template_id)
            .bind(4, d.status)
            .bind(5, d.content.dump())
            .bind(6, d.state)
            .bind(7, d.drafted_by)
            .bind(8, d.drafted_at);
        if (auto r = q->run(); !r) return r;
        d.id = db_.last_insert_rowid();
        return record(actor, "draft", fmt::format("draft {}", d.id),
                      {{"action", d.action},
                       {"alert_id", d.alert_id},
                       {"template", d.template_id},
                       {"status", d.status},
                       {"headline", d.content["headline"].value("ja", "")}});
    });
    if (!s) return s.error();
    return d.to_json();
}

Result<json> ConsoleService::drafts(const Actor& actor, std::string_view state_filter) {
    (void)actor;
    std::lock_guard lock(mu_);
    auto q = db_.prepare(fmt::format(
        "SELECT {} FROM console_drafts WHERE (? = '' OR state = ?) ORDER BY id DESC LIMIT 200",
        kDraftColumns));
    if (!q) return q.error();
    q->bind(1, state_filter).bind(2, state_filter);
    json out = json::array();
    std::vector<std::int64_t> ids;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        ids.push_back(q->column_int(0));
    }
    for (auto id : ids) {
        auto d = load_draft(id);
        if (!d) return d.error();
        out.push_back(d->to_json());
    }
    return out;
}

Result<json> ConsoleService::draft(const Actor& actor, std::int64_t id) {
    (void)actor;
    std::lock_guard lock(mu_);
    auto d = load_draft(id);
    if (!d) return d.error();
    json out = d->to_json();
    // The preview is what the channels will receive: the document the console would submit,
    // read back by the hub's own CAP parser.
    const NoticeTemplate* t = find_template(d->content.value("template", ""));
    if (t) {
        Alert a = alert_of(d->content, *t, clock_.now());
        const std::string cap =
            write_cap(a, {"preview", config_.cap_sender, clock_.now(), MsgType::kAlert, {}, ""});
        auto preview = read_source_document(cap, kPreviewMaxBytes, SourceFormat::kCap);
        if (preview) {
            preview->alert.source.kind = SourceKind::kStaff;
            if (d->action == "cancel") preview->alert.state = AlertState::kCancelled;
            out["preview"] = json::parse(encode_alert(preview->alert));
            out["channel_texts"] = channel_texts(preview->alert);
        } else {
            out["preview_error"] = preview.error().message;
        }
    }
    return out;
}

Result<json> ConsoleService::approve(const Actor& actor, std::int64_t id) {
    if (!may_approve(actor.role)) return denied("only an approver or an admin may approve");
    {
        std::lock_guard lock(mu_);
        auto d = load_draft(id);
        if (!d) return d.error();
        if (d->drafted_by == actor.user)
            return denied("two-person rule: a draft is approved by someone other than its author");
        if (d->state != "pending" && d->state != "approved")
            return conflict(fmt::format("draft {} is {}", id, d->state));
        if (d->state == "pending") {
            auto s = in_transaction([&]() -> Status { return decide(actor, *d, "approve", ""); });
            if (!s) return s.error();
        }
    }
    return publish_approved(actor, id);
}

Result<json> ConsoleService::break_glass(const Actor& actor, std::int64_t id,
                                         std::string_view reason) {
    if (!config_.break_glass_level5)
        return denied("break-glass is off (console.break_glass_level5)");
    const std::string why = trimmed(reason);
    if (utf8_chars(why) < kMinBreakGlassReason)
        return invalid_request(fmt::format("break-glass needs a reason of at least {} characters",
                                           kMinBreakGlassReason));
    if (auto c = check_text("reason", why, kMaxTextChars); !c) return c.error();
    {
        std::lock_guard lock(mu_);
        auto d = load_draft(id);
        if (!d) return d.error();
        const NoticeTemplate* t = find_template(d->content.value("template", ""));
        if (!t || t->level != 5)
            return denied("break-glass is only for レベル5 (緊急安全確保) notices");
        if (d->drafted_by != actor.user)
            return denied("break-glass is for the author; anyone else approves as usual");
        if (d->state != "pending" && d->state != "approved")
            return conflict(fmt::format("draft {} is {}", id, d->state));
        if (d->state == "pending") {
            auto s =
                in_transaction([&]() -> Status { return decide(actor, *d, "break_glass", why); });
            if (!s) return s.error();
            get_logger("hub")->warn("console: draft {} published by break-glass by {}", id,
                                    actor.user);
        }
    }
    return publish_approved(actor, id);
}

Status ConsoleService::decide(const Actor& actor, DraftRow& d, std::string_view how,
                              std::string_view break_glass_reason) {
    const NoticeTemplate* t = find_template(d.content.value("template", ""));
    if (!t) return invalid_request("the draft names no known template");
    std::vector<CapReference> references;
    if (d.action != "issue") {
        auto chain = chain_of(db_, d.alert_id);
        if (!chain) return chain.error();
        if (chain->cancelled) return conflict(fmt::format("{} is already cancelled", d.alert_id));
        references = chain->references;
    }
    const WallTime sent = std::chrono::floor<std::chrono::seconds>(clock_.now());
    Alert a = alert_of(d.content, *t, sent);
    CapEnvelope env;
    // Unique even after the journal is restored from an older backup.
    env.identifier = fmt::format("alerthub-staff-{}-{}", d.id, random_token_hex(4));
    env.sender = config_.cap_sender;
    env.sent = sent;
    env.msg_type = d.action == "issue"    ? MsgType::kAlert
                   : d.action == "update" ? MsgType::kUpdate
                                          : MsgType::kCancel;
    env.references = references;
    env.note = d.content.value("note", "");
    d.cap_xml = write_cap(a, env);
    d.identifier = env.identifier;
    d.sender = env.sender;
    d.sent = cap_time(sent);
    d.decided_by = actor.user;
    d.decided_at = format_rfc3339_jst(clock_.now());
    d.state = "approved";
    auto q = db_.prepare(
        "UPDATE console_drafts SET state = 'approved', decided_by = ?, decided_at = ?, "
        "break_glass_reason = ?, identifier = ?, sender = ?, sent = ?, cap_xml = ? "
        "WHERE id = ? AND state = 'pending'");
    if (!q) return q.error();
    q->bind(1, d.decided_by)
        .bind(2, d.decided_at)
        .bind(3, break_glass_reason)
        .bind(4, d.identifier)
        .bind(5, d.sender)
        .bind(6, d.sent)
        .bind(7, d.cap_xml)
        .bind(8, d.id);
    if (auto r = q->run(); !r) return r;
    json detail = {{"drafted_by", d.drafted_by}, {"action", d.action},
                   {"alert_id", d.alert_id},     {"identifier", d.identifier},
                   {"status", d.status},         {"cap_sha256", sha256_hex(d.cap_xml)}};
    if (!break_glass_reason.empty()) detail["reason"] = break_glass_reason;
    return record(actor, how, fmt::format("draft {}", d.id), detail);
}

Result<json> ConsoleService::publish_approved(const Actor& actor, std::int64_t id) {
    std::string cap_xml;
    {
        std::lock_guard lock(mu_);
        auto d = load_draft(id);
        if (!d) return d.error();
        if (d->state != "approved") return conflict(fmt::format("draft {} is {}", id, d->state));
        cap_xml = d->cap_xml;
    }
    // The same bytes on every retry: the journal's dedupe makes a second submission a
    // duplicate, never a second alert.
    IngestReport report = publish_(cap_xml, "console:" + actor.user);

    std::lock_guard lock(mu_);
    auto d = load_draft(id);
    if (!d) return d.error();
    if (d->state == "published") return d->to_json();  // a concurrent retry got there first
    Status s;
    if (report.acknowledged()) {
        s = in_transaction([&]() -> Status {
            auto q = db_.prepare(
                "UPDATE console_drafts SET state = 'published', alert_id = ?, "
                "published_version = ? WHERE id = ?");
            if (!q) return q.error();
            q->bind(1, report.alert_id).bind(2, report.version).bind(3, id);
            if (auto r = q->run(); !r) return r;
            return record(actor, "publish", fmt::format("draft {}", id),
                          {{"alert_id", report.alert_id},
                           {"version", report.version},
                           {"action", d->action},
                           {"duplicate", report.kind == IngestReport::Kind::kDuplicate},
                           {"superseded", report.kind == IngestReport::Kind::kSuperseded}});
        });
        if (!s) return s.error();
        get_logger("hub")->info("[alert={} v={}] staff notice (draft {}) published by {}",
                                report.alert_id, report.version, id, actor.user);
        auto after = load_draft(id);
        if (!after) return after.error();
        return after->to_json();
    }
    if (report.kind == IngestReport::Kind::kRejected) {
        s = in_transaction([&]() -> Status {
            auto q =
                db_.prepare("UPDATE console_drafts SET state = 'failed', reason = ? WHERE id = ?");
            if (!q) return q.error();
            q->bind(1, report.reason).bind(2, id);
            if (auto r = q->run(); !r) return r;
            return record(actor, "publish_failed", fmt::format("draft {}", id),
                          {{"reason", report.reason}});
        });
        if (!s) return s.error();
        get_logger("hub")->error("console: draft {} was refused by the pipeline: {}", id,
                                 report.reason);
        return make_error(ErrorCode::kInternal,
                          "the hub refused the notice it built: " + report.reason);
    }
    (void)in_transaction([&]() -> Status {
        return record(actor, "publish_failed", fmt::format("draft {}", id),
                      {{"reason", report.reason}, {"retry", true}});
    });
    return make_error(
        ErrorCode::kUnavailable,
        fmt::format("approved but not stored yet ({}): approve again to retry", report.reason));
}

Result<json> ConsoleService::reject(const Actor& actor, std::int64_t id, std::string_view reason) {
    const std::string why = trimmed(reason);
    if (auto c = check_text("reason", why, kMaxTextChars); !c) return c.error();
    std::lock_guard lock(mu_);
    auto d = load_draft(id);
    if (!d) return d.error();
    const bool own = d->drafted_by == actor.user;
    if (!own && !may_approve(actor.role))
        return denied("only an approver, an admin or the author may reject a draft");
    if (d->state != "pending") return conflict(fmt::format("draft {} is {}", id, d->state));
    const std::string state = own ? "withdrawn" : "rejected";
    auto s = in_transaction([&]() -> Status {
        auto q = db_.prepare(
            "UPDATE console_drafts SET state = ?, decided_by = ?, decided_at = ?, reason = ? "
            "WHERE id = ? AND state = 'pending'");
        if (!q) return q.error();
        q->bind(1, state)
            .bind(2, actor.user)
            .bind(3, format_rfc3339_jst(clock_.now()))
            .bind(4, why)
            .bind(5, id);
        if (auto r = q->run(); !r) return r;
        return record(actor, own ? "withdraw" : "reject", fmt::format("draft {}", id),
                      {{"reason", why}, {"drafted_by", d->drafted_by}});
    });
    if (!s) return s.error();
    auto after = load_draft(id);
    if (!after) return after.error();
    return after->to_json();
}

// --- audit --------------------------------------------------------------------------------

Result<json> ConsoleService::audit(const Actor& actor, std::int64_t before, int limit) {
    (void)actor;
    std::lock_guard lock(mu_);
    auto entries = audit_list(db_, std::clamp(limit, 1, 500), before);
    if (!entries) return entries.error();
    json out = json::array();
    for (const auto& e : *entries)
        out.push_back({{"seq", e.seq},
                       {"at", e.at},
                       {"actor", e.actor},
                       {"action", e.action},
                       {"subject", e.subject},
                       {"detail", json::parse(e.detail, nullptr, false)},
                       {"hash", e.hash}});
    return out;
}

Result<AuditVerification> ConsoleService::verify_audit(const std::optional<AuditHead>& expected) {
    std::lock_guard lock(mu_);
    return audit_verify(db_, expected);
}

}  // namespace alerthub::hub::console
