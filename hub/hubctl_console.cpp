#include "hub/hubctl_console.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/config/config.h"
#include "hub/console/console_json.h"
#include "hub/console/console_service.h"
#include "hub/console/signage_preview.h"
#include "hub/hub_config.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/policy/phrase_bank.h"

namespace alerthub::hub::console {
namespace {

using nlohmann::json;

constexpr int kOk = 0;
constexpr int kRefused = 1;
constexpr int kUsage = 2;
constexpr const char* kDefaultConfig = "/etc/alerthub/hub.toml";

const std::set<std::string> kCommands = {"users",  "drafts",      "draft", "approve", "reject",
                                         "cancel", "break-glass", "audit", "board"};
// Options that take a value; the others are flags.
const std::set<std::string> kValued = {"--config",        "--journal", "--user",  "--role",
                                       "--password-file", "--reason",  "--state", "--expect-head",
                                       "--limit",         "--png",     "--lang",  "--facilities"};
const std::set<std::string> kFlags = {"--disable", "--enable", "--unlock"};

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    std::set<std::string> flags;

    std::string option(const std::string& name, std::string fallback = "") const {
        auto it = options.find(name);
        return it == options.end() ? fallback : it->second;
    }
};

std::optional<Args> parse_args(const std::vector<std::string>& args, std::ostream& err) {
    Args a;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (kValued.count(arg)) {
            if (i + 1 >= args.size()) {
                err << "hubctl: " << arg << " needs a value\n";
                return std::nullopt;
            }
            a.options[arg] = args[++i];
        } else if (kFlags.count(arg)) {
            a.flags.insert(arg);
        } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
            err << "hubctl: unknown option " << arg << "\n";
            return std::nullopt;
        } else {
            a.positional.push_back(arg);
        }
    }
    return a;
}

// The first line of a file, or of standard input.
std::optional<std::string> read_secret(const Args& a, std::istream& in, std::ostream& err) {
    std::string line;
    auto file = a.option("--password-file");
    if (!file.empty()) {
        std::ifstream f(file);
        if (!f || !std::getline(f, line)) {
            err << "hubctl: cannot read a password from " << file << "\n";
            return std::nullopt;
        }
    } else if (!std::getline(in, line)) {
        err << "hubctl: no password on standard input (or give --password-file FILE)\n";
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// The journal path and console settings from the hub's config, or --journal alone.
std::optional<HubConfig> load_config(const Args& a, std::ostream& err) {
    HubConfig cfg;
    if (auto journal = a.option("--journal"); !journal.empty()) {
        if (a.options.count("--config")) {
            err << "hubctl: give --config or --journal, not both\n";
            return std::nullopt;
        }
        cfg.journal_path = journal;
        return cfg;
    }
    auto path = a.option("--config", kDefaultConfig);
    auto reader = ConfigReader::load(path);
    if (!reader) {
        err << "hubctl: " << reader.error().message << "\n";
        return std::nullopt;
    }
    auto loaded = load_hub_config(*reader);
    if (!loaded) {
        err << "hubctl: " << loaded.error().message << "\n";
        return std::nullopt;
    }
    return std::move(*loaded);
}

int print_error(std::ostream& err, const Error& e) {
    err << "hubctl: " << e.message << "\n";
    return kRefused;
}

// --facilities ID,ID,...: a facility account's facilities ("" : none, every facility).
std::vector<std::string> facility_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

Actor local_admin() {
    const char* user = std::getenv("USER");
    return {fmt::format("local:{}", user && *user ? user : "unknown"), Role::kAdmin, "hubctl"};
}

// A command acting as a console user: checks the password like the web log-in does
// (the same failure limit), and ends the session afterwards.
class AsUser {
public:
    static std::optional<AsUser> log_in(ConsoleService& service, const Args& a, std::istream& in,
                                        std::ostream& err) {
        auto name = a.option("--user");
        if (name.empty()) {
            err << "hubctl: this command needs --user NAME (and the password on standard input "
                   "or in --password-file)\n";
            return std::nullopt;
        }
        auto password = read_secret(a, in, err);
        if (!password) return std::nullopt;
        auto login = service.accounts().login(name, *password, "hubctl");
        if (!login) {
            print_error(err, login.error());
            return std::nullopt;
        }
        AsUser u(service, std::move(login->token), login->session.actor);
        u.actor_.via = "hubctl";
        return u;
    }
    AsUser(AsUser&& other) noexcept
        : service_(other.service_), token_(std::move(other.token_)), actor_(other.actor_) {
        other.token_.clear();
    }
    AsUser& operator=(AsUser&&) = delete;
    ~AsUser() {
        if (!token_.empty()) (void)service_.accounts().logout(token_, "hubctl");
    }
    const Actor& actor() const { return actor_; }

private:
    AsUser(ConsoleService& service, std::string token, Actor actor)
        : service_(service), token_(std::move(token)), actor_(std::move(actor)) {}
    ConsoleService& service_;
    std::string token_;
    Actor actor_;
};

int print_json(std::ostream& out, const json& j) {
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return kOk;
}

int print_draft(std::ostream& out, const Result<Draft>& d, std::ostream& err) {
    if (!d) return print_error(err, d.error());
    return print_json(out, draft_json(*d));
}

std::optional<std::int64_t> parse_id(const std::string& text) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

int users(ConsoleService& service, const Args& a, std::istream& in, std::ostream& out,
          std::ostream& err) {
    const auto& p = a.positional;
    const std::string sub = p.size() > 1 ? p[1] : "";
    if (sub == "list") {
        auto list = service.accounts().users(local_admin());
        if (!list) return print_error(err, list.error());
        for (const auto& u : *list)
            out << fmt::format(
                "{}\t{}\t{}\t{}{}\n", u.name, to_string(u.role),
                u.disabled ? "disabled" : "enabled", u.updated,
                u.facilities.empty() ? "" : "\t" + fmt::format("{}", fmt::join(u.facilities, ",")));
        return kOk;
    }
    if (p.size() < 3 || (sub != "add" && sub != "passwd" && sub != "set")) {
        err << "hubctl: users add|passwd|set NAME ..., or users list\n";
        return kUsage;
    }
    const std::string& name = p[2];
    if (sub == "add") {
        auto role = parse_role(a.option("--role"));
        if (!role) {
            err << "hubctl: users add needs --role operator|approver|admin|facility\n";
            return kUsage;
        }
        auto password = read_secret(a, in, err);
        if (!password) return kUsage;
        if (auto s = service.accounts().add_user(local_admin(), name, *role, *password,
                                                 facility_list(a.option("--facilities")));
            !s)
            return print_error(err, s.error());
        out << fmt::format("user {} added ({})\n", name, to_string(*role));
        return kOk;
    }
    UserChange change;
    if (sub == "passwd") {
        auto password = read_secret(a, in, err);
        if (!password) return kUsage;
        change.password = *password;
    } else {
        if (auto r = a.option("--role"); !r.empty()) {
            change.role = parse_role(r);
            if (!change.role) {
                err << "hubctl: --role must be operator, approver, admin or facility\n";
                return kUsage;
            }
        }
        if (a.options.count("--facilities"))
            change.facilities = facility_list(a.option("--facilities"));
        if (a.flags.count("--disable") && a.flags.count("--enable")) {
            err << "hubctl: --disable or --enable, not both\n";
            return kUsage;
        }
        if (a.flags.count("--disable")) change.disabled = true;
        if (a.flags.count("--enable")) change.disabled = false;
        change.unlock = a.flags.count("--unlock") > 0;
    }
    if (auto s = service.accounts().change_user(local_admin(), name, change); !s)
        return print_error(err, s.error());
    out << fmt::format("user {} changed\n", name);
    return kOk;
}

int audit(ConsoleService& service, const Args& a, std::ostream& out, std::ostream& err) {
    const std::string sub = a.positional.size() > 1 ? a.positional[1] : "";
    if (sub == "list") {
        auto limit = parse_id(a.option("--limit", "50"));
        if (!limit) {
            err << "hubctl: --limit must be a positive number\n";
            return kUsage;
        }
        auto entries = service.audit().list(local_admin(), 0, static_cast<int>(*limit));
        if (!entries) return print_error(err, entries.error());
        for (auto it = entries->rbegin(); it != entries->rend(); ++it)
            out << audit_entry_json(*it).dump(-1, ' ', false, json::error_handler_t::replace)
                << "\n";
        return kOk;
    }
    if (sub != "verify") {
        err << "hubctl: audit verify [--expect-head SEQ:HASH] | audit list [--limit N]\n";
        return kUsage;
    }
    std::optional<AuditHead> expected;
    std::string head = a.option("--expect-head");
    if (head.empty() && !service.config().audit_head_file.empty()) {
        std::ifstream f(service.config().audit_head_file);
        if (f) std::getline(f, head);
    }
    if (!head.empty()) {
        auto colon = head.find(':');
        auto seq = colon == std::string::npos ? std::nullopt : parse_id(head.substr(0, colon));
        if (!seq) {
            err << "hubctl: a head is SEQ:HASH, not '" << head << "'\n";
            return kUsage;
        }
        expected = AuditHead{*seq, head.substr(colon + 1)};
    }
    auto v = service.audit().verify(expected);
    if (!v) return print_error(err, v.error());
    if (!v->ok) {
        out << "audit log BROKEN: " << v->problem << "\n";
        return kRefused;
    }
    out << fmt::format("audit log ok: {} entries, head {}:{}\n", v->entries, v->head.seq,
                       v->head.hash);
    return kOk;
}

// `drafts show ID [--png FILE [--lang TAG]]`: the draft with its preview and channel texts,
// and the signage screen as the console shows it.
int show_draft(ConsoleService& service, const Args& a, std::ostream& out, std::ostream& err) {
    const auto& p = a.positional;
    auto id = p.size() == 3 && p[1] == "show" ? parse_id(p[2]) : std::nullopt;
    if (!id) {
        err << "hubctl: drafts show DRAFT_ID [--png FILE [--lang TAG]]\n";
        return kUsage;
    }
    auto draft = service.drafts().get(local_admin(), *id);
    if (!draft) return print_error(err, draft.error());
    const json view = draft_view_json(*draft);
    if (auto file = a.option("--png"); !file.empty()) {
        if (!view.contains("preview")) {
            err << "hubctl: draft " << *id << " has no preview\n";
            return kRefused;
        }
        SignagePreview signage(service.config().player_binary);
        auto png = signage.render(view["preview"].dump(), a.option("--lang", "ja"));
        if (!png) return print_error(err, png.error());
        std::ofstream f(file, std::ios::binary | std::ios::trunc);
        f << *png;
        if (!f) {
            err << "hubctl: cannot write " << file << "\n";
            return kRefused;
        }
    }
    return print_json(out, view);
}

int run(ConsoleService& service, const Args& a, std::istream& in, std::ostream& out,
        std::ostream& err) {
    const auto& p = a.positional;
    const std::string& command = p.front();
    if (command == "users") return users(service, a, in, out, err);
    if (command == "audit") return audit(service, a, out, err);
    if (command == "drafts" && p.size() > 1) return show_draft(service, a, out, err);
    if (command == "drafts") {
        json list = json::array();
        std::optional<DraftState> state;
        if (auto filter = a.option("--state"); !filter.empty()) {
            state = parse_draft_state(filter);
            if (!state) return print_json(out, list);  // no draft is in a state that does not exist
        }
        auto drafts = service.drafts().list(local_admin(), state);
        if (!drafts) return print_error(err, drafts.error());
        for (const auto& d : *drafts) list.push_back(draft_json(d));
        return print_json(out, list);
    }
    if (command == "board") {
        auto board = service.board().board(local_admin());
        if (!board) return print_error(err, board.error());
        return print_json(out, board_json(*board));
    }

    auto user = AsUser::log_in(service, a, in, err);
    if (!user) return kRefused;
    if (command == "draft") {
        if (p.size() != 2) {
            err << "hubctl: draft REQUEST.json (the body of POST /api/v1/drafts)\n";
            return kUsage;
        }
        std::ifstream f(p[1]);
        std::stringstream buf;
        buf << f.rdbuf();
        auto body = json::parse(buf.str(), nullptr, false);
        if (!f || body.is_discarded()) {
            err << "hubctl: " << p[1] << " is not a readable JSON file\n";
            return kUsage;
        }
        auto request = draft_request_from_json(body);
        if (!request) return print_error(err, request.error());
        return print_draft(out, service.drafts().create(user->actor(), *request), err);
    }
    if (command == "cancel") {
        if (p.size() != 2) {
            err << "hubctl: cancel ALERT_ID\n";
            return kUsage;
        }
        DraftRequest request;
        request.action = "cancel";
        request.alert_id = p[1];
        request.reason = a.option("--reason");
        return print_draft(out, service.drafts().create(user->actor(), request), err);
    }
    auto id = p.size() == 2 ? parse_id(p[1]) : std::nullopt;
    if (!id) {
        err << "hubctl: " << command << " DRAFT_ID\n";
        return kUsage;
    }
    Drafts& drafts = service.drafts();
    if (command == "approve") return print_draft(out, drafts.approve(user->actor(), *id), err);
    if (command == "reject")
        return print_draft(out, drafts.reject(user->actor(), *id, a.option("--reason")), err);
    return print_draft(out, drafts.break_glass(user->actor(), *id, a.option("--reason")), err);
}

}  // namespace

bool is_console_command(const std::string& command) {
    return kCommands.count(command) > 0;
}

void console_usage(std::ostream& os) {
    os << "       hubctl users add NAME --role operator|approver|admin|facility\n"
          "                [--facilities ID,ID...] [--password-file F]\n"
          "         (facility: 施設担当, sets only facility status on /facility.html, of the\n"
          "         facilities given, or of every facility without --facilities)\n"
          "       hubctl users passwd NAME [--password-file F]\n"
          "       hubctl users set NAME [--role R] [--facilities ID,...] [--disable|--enable]\n"
          "                [--unlock]\n"
          "       hubctl users list\n"
          "       hubctl drafts [--state pending|approved|published|rejected|withdrawn|failed]\n"
          "       hubctl drafts show DRAFT_ID [--png FILE [--lang TAG]]   (preview, channel "
          "texts)\n"
          "       hubctl board   (the live board as JSON)\n"
          "       hubctl draft REQUEST.json --user NAME [--password-file F]\n"
          "       hubctl approve|reject|break-glass DRAFT_ID --user NAME [--reason TEXT]\n"
          "       hubctl cancel ALERT_ID --user NAME [--reason TEXT]   (a draft to approve)\n"
          "       hubctl audit verify [--expect-head SEQ:HASH] | audit list [--limit N]\n"
          "         these take --config PATH (default /etc/alerthub/hub.toml) or --journal PATH;\n"
          "         passwords are read from --password-file or the first line of stdin\n";
}

int run_console_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                        std::ostream& err) {
    auto a = parse_args(args, err);
    if (!a || a->positional.empty()) return kUsage;
    auto config = load_config(*a, err);
    if (!config) return kUsage;

    // Publishing from hubctl: the same pipeline as the hub's, on this process's own
    // journal connection; the running hub's outbox publishes the rows it finds.
    std::optional<Journal> journal;
    std::unique_ptr<IngestPipeline> pipeline;
    HubConfig& cfg = *config;
    // Users and the audit log need no town blocks: the first admin can be created before
    // the rest of the configuration is in place.
    const std::string& command = a->positional.front();
    if (command == "users" || command == "audit" || command == "drafts" || command == "board")
        cfg.console.town_blocks_file.clear();
    // Drafting from hubctl composes the same texts as the console: from the phrase bank
    // (with --journal alone there is none, and staff write every text).
    if ((command == "draft" || command == "cancel") && a->option("--journal").empty()) {
        auto bank = PhraseBank::load(cfg.phrases_dir);
        if (!bank) {
            err << "hubctl: the phrase bank does not load:\n" << bank.error().message << "\n";
            return kUsage;
        }
        cfg.console.phrases = std::make_shared<const PhraseBank>(std::move(*bank));
    }
    SystemClock system_clock;
    StaffPublisher publish = [&](std::string cap, std::string origin) {
        IngestReport failed;
        failed.kind = IngestOutcome::kFailed;
        if (!pipeline) {
            auto j = Journal::open(cfg.journal_path, {cfg.mqtt.topics, cfg.channels}, system_clock);
            if (!j) {
                failed.reason = j.error().message;
                return failed;
            }
            journal.emplace(std::move(*j));
            pipeline = std::make_unique<IngestPipeline>(*journal, cfg.max_document_bytes, nullptr);
        }
        return pipeline->submit_staff(cap, origin);
    };
    auto service = ConsoleService::open(cfg.journal_path, cfg.console, system_clock, publish);
    if (!service) return print_error(err, service.error());
    try {
        return run(**service, *a, in, out, err);
    } catch (const nlohmann::json::exception& e) {
        err << "hubctl: " << e.what() << "\n";
        return kRefused;
    }
}

}  // namespace alerthub::hub::console
