#include "adapters/mail/subscribers_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/mail/subscriber_csv.h"
#include "adapters/mail/subscriber_store.h"
#include "core/base/clock.h"
#include "core/config/config.h"

namespace alerthub::mail {

int run_subscribers_command(const std::vector<std::string>& args, const MailConfig& config,
                            const TownBlocks& towns) {
    constexpr const char* kUsage =
        "usage: mail-adapter --config FILE subscribers import CSV | export CSV|- | count";
    if (args.size() < 2 || args[0] != "subscribers" ||
        (args[1] == "count" ? args.size() != 2 : args.size() != 3) ||
        (args[1] != "import" && args[1] != "export" && args[1] != "count")) {
        fmt::print(stderr, "{}\n", kUsage);
        return kExitConfig;
    }
    auto store = SubscriberStore::open(config.state.path);
    if (!store) {
        fmt::print(stderr, "mail-adapter: state {}: {}\n", config.state.path,
                   store.error().message);
        return 1;
    }
    const auto& command = args[1];
    if (command == "count") {
        for (auto state : {SubscriberState::kActive, SubscriberState::kPending,
                           SubscriberState::kUnsubscribed, SubscriberState::kBounced}) {
            auto n = store->count(state);
            if (!n) {
                fmt::print(stderr, "mail-adapter: {}\n", n.error().message);
                return 1;
            }
            fmt::print("{} {}\n", to_string(state), *n);
        }
        return 0;
    }
    const auto& path = args[2];
    if (command == "import") {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            fmt::print(stderr, "mail-adapter: {}: cannot open\n", path);
            return 1;
        }
        std::stringstream text;
        text << in.rdbuf();
        auto rows = parse_subscriber_csv(text.str(), towns);
        if (!rows) {
            fmt::print(stderr, "{}: nothing imported:\n{}\n", path, rows.error().message);
            return kExitConfig;
        }
        auto added = store->add_all(*rows, SystemClock().now());
        if (!added) {
            fmt::print(stderr, "mail-adapter: nothing imported: {}\n", added.error().message);
            return 1;
        }
        fmt::print("{}: {} subscriber(s) read, {} added, {} already present (left unchanged)\n",
                   path, rows->size(), *added, rows->size() - static_cast<std::size_t>(*added));
        return 0;
    }
    auto all = store->all();
    if (!all) {
        fmt::print(stderr, "mail-adapter: {}\n", all.error().message);
        return 1;
    }
    auto csv = format_subscriber_csv(*all);
    if (path == "-") {
        std::cout << csv << std::flush;
        return 0;
    }
    // Written whole, then renamed: a half-written export never looks complete.
    auto tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << csv;
        if (!out.flush()) {
            fmt::print(stderr, "mail-adapter: {}: cannot write\n", tmp);
            return 1;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        fmt::print(stderr, "mail-adapter: cannot rename {} to {}\n", tmp, path);
        return 1;
    }
    fmt::print(stderr, "{}: {} subscriber(s) written\n", path, all->size());
    return 0;
}

}  // namespace alerthub::mail
