#include "hub/hubctl_site.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "core/base/clock.h"
#include "core/base/time_format.h"
#include "core/protocol/alert.h"
#include "core/storage/sqlite_db.h"
#include "hub/hub_config.h"
#include "hub/hubctl.h"
#include "hub/site/facility_status_store.h"

namespace alerthub::hub {
namespace {

constexpr const char* kDefaultConfig = "/etc/alerthub/hub.toml";

struct SiteArgs {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
};

std::optional<SiteArgs> parse(const std::vector<std::string>& args, std::ostream& err) {
    SiteArgs a;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg == "--config" || arg == "--count" || arg == "--by" || arg == "--limit" ||
            arg == "--out" || arg == "--now") {
            if (i + 1 == args.size()) {
                err << "hubctl site: " << arg << " needs a value\n";
                return std::nullopt;
            }
            a.options[arg] = args[++i];
        } else if (arg.starts_with("--")) {
            err << "hubctl site: unknown option " << arg << "\n";
            return std::nullopt;
        } else {
            a.positional.push_back(arg);
        }
    }
    return a;
}

std::optional<int> to_int(const std::string& s) {
    int v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

int preview(SiteArgs& a, const HubConfig& config, std::ostream& out, std::ostream& err) {
    if (!a.options.count("--out") || a.positional.size() < 2) {
        site_usage(err);
        return kHubctlUsage;
    }
    auto data = site::load_site_data(config.site);
    if (!data) {
        err << "hubctl: " << data.error().message << "\n";
        return kHubctlUsage;
    }
    site::SiteInput input;
    input.ward_name = config.site.ward_name;
    input.base_url = config.site.base_url;
    input.cap_sender = config.site.cap_sender;
    input.facilities = &data->facilities;
    input.locations = data->locations;
    SystemClock clock;
    input.now = clock.now();
    if (a.options.count("--now")) {
        auto now = parse_rfc3339(a.options["--now"]);
        if (!now) {
            err << "hubctl site preview: --now: " << now.error().message << "\n";
            return kHubctlUsage;
        }
        input.now = *now;
    }
    for (std::size_t i = 1; i < a.positional.size(); ++i) {
        std::ifstream in(a.positional[i], std::ios::binary);
        std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto alert = decode_alert(json);
        if (!in || !alert) {
            err << "hubctl site preview: " << a.positional[i] << ": "
                << (alert ? std::string("cannot read") : alert.error().message) << "\n";
            return kHubctlRejected;
        }
        site::SiteAlert s{.alert = std::move(*alert), .updated = "", .earlier = {}};
        s.updated = format_rfc3339_jst(s.alert.source.sent);
        input.alerts.push_back(std::move(s));
    }
    std::error_code ec;
    std::filesystem::create_directories(a.options["--out"], ec);
    auto stats = site::render_site(data->templates, input, a.options["--out"]);
    if (!stats) {
        err << "hubctl site preview: " << stats.error().message << "\n";
        return kHubctlRejected;
    }
    out << stats->files << " files, " << stats->bytes << " bytes in " << a.options["--out"] << "\n";
    return kHubctlOk;
}

}  // namespace

void site_usage(std::ostream& os) {
    os << "       hubctl site status FACILITY_ID open|full|closed [--count N] --by NAME\n"
          "                [--config PATH]\n"
          "         say what a facility is doing (the id of the GSI data or of the ward's\n"
          "         stay-facilities file) and how many it has taken in; kept with NAME and\n"
          "         the time in the change log; the public site shows it within a second\n"
          "       hubctl site log [--limit N] [--config PATH]\n"
          "         the latest facility status changes, newest first\n"
          "       hubctl site preview --out DIR [--now RFC3339] [--config PATH] ALERT_JSON...\n"
          "         render the site from [site]'s templates and data for the given canonical\n"
          "         alerts (hubctl normalize prints them) into DIR, without a journal: to\n"
          "         see a restyled template before the hub uses it\n";
}

int run_site_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    auto a = parse(args, err);
    if (!a || a->positional.empty()) {
        site_usage(err);
        return kHubctlUsage;
    }
    const std::string path = a->options.count("--config") ? a->options["--config"] : kDefaultConfig;
    auto reader = ConfigReader::load(path);
    if (!reader) {
        err << "hubctl: " << reader.error().message << "\n";
        return kHubctlUsage;
    }
    auto config = load_hub_config(*reader);
    if (!config) {
        err << "hubctl: " << config.error().message << "\n";
        return kHubctlUsage;
    }
    if (a->positional[0] == "preview") return preview(*a, *config, out, err);
    auto db = SqliteDb::open(config->journal_path);
    if (!db) {
        err << "hubctl: journal " << config->journal_path << ": " << db.error().message << "\n";
        return kHubctlRejected;
    }
    auto store = site::FacilityStatusStore::open(*db);
    if (!store) {
        err << "hubctl: " << store.error().message << "\n";
        return kHubctlRejected;
    }
    const auto& verb = a->positional[0];
    if (verb == "log" && a->positional.size() == 1) {
        auto limit = to_int(a->options.count("--limit") ? a->options["--limit"] : "20");
        if (!limit || *limit < 1) {
            err << "hubctl site log: --limit must be a positive number\n";
            return kHubctlUsage;
        }
        auto log = store->log(*limit);
        if (!log) {
            err << "hubctl: " << log.error().message << "\n";
            return kHubctlRejected;
        }
        for (const auto& e : *log)
            out << e.at << "\t" << e.facility_id << "\t" << e.state << "\t" << e.taken_in << "\t"
                << e.by << "\n";
        return kHubctlOk;
    }
    if (verb != "status" || a->positional.size() != 3) {
        site_usage(err);
        return kHubctlUsage;
    }
    const std::string& id = a->positional[1];
    auto state = site::facility_state_from_key(a->positional[2]);
    if (!state) {
        err << "hubctl site status: the state is open, full or closed, not '" << a->positional[2]
            << "'\n";
        return kHubctlUsage;
    }
    auto count = to_int(a->options.count("--count") ? a->options["--count"] : "0");
    if (!count || *count < 0) {
        err << "hubctl site status: --count must be a number of people\n";
        return kHubctlUsage;
    }
    if (!a->options.count("--by") || a->options["--by"].empty()) {
        err << "hubctl site status: --by NAME is required (who says so is kept)\n";
        return kHubctlUsage;
    }
    // Only facilities the site lists: a typo must not vanish into a row nobody shows.
    auto data = site::load_site_data(config->site);
    if (!data) {
        err << "hubctl: " << data.error().message << "\n";
        return kHubctlUsage;
    }
    bool known = false;
    for (const auto& f : data->facilities.all) known = known || f.id == id;
    if (!known) {
        err << "hubctl site status: no facility '" << id << "' in the site's data\n";
        return kHubctlRejected;
    }
    SystemClock clock;
    if (auto s = store->set({.facility_id = id,
                             .state = *state,
                             .taken_in = *count,
                             .by = "hubctl:" + a->options["--by"]},
                            clock.now());
        !s) {
        err << "hubctl: " << s.error().message << "\n";
        return kHubctlRejected;
    }
    out << id << ": " << a->positional[2] << " (" << *count << " taken in)\n";
    return kHubctlOk;
}

}  // namespace alerthub::hub
