#include "hub/hubctl_backup.h"

#include "core/config/config.h"
#include "core/storage/backup.h"
#include "hub/hub_config.h"
#include "hub/hubctl.h"

namespace alerthub::hub {

void backup_usage(std::ostream& os) {
    os << "       hubctl backup DIR [--config PATH | --journal PATH]\n"
          "         copy the journal (alerts, versions, outbox, receipts, console users,\n"
          "         sessions and drafts, audit log, feed state) to DIR/journal-<UTC>.db\n"
          "         while the hub runs; prints the file written\n"
          "       hubctl restore FILE [--config PATH | --journal PATH]\n"
          "         put a backup in the journal's place; stop alerthub-hub first\n";
}

int run_backup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string config_path = "/etc/alerthub/hub.toml";
    std::string journal_path;
    std::vector<std::string> command;
    for (size_t i = 0; i < args.size(); ++i) {
        bool option = args[i] == "--config" || args[i] == "--journal";
        if (option && i + 1 < args.size()) {
            (args[i] == "--config" ? config_path : journal_path) = args[i + 1];
            ++i;
        } else {
            command.push_back(args[i]);
        }
    }
    if (journal_path.empty()) {
        auto reader = ConfigReader::load(config_path);
        if (!reader) {
            err << "hubctl: " << reader.error().message << "\n";
            return kHubctlUsage;
        }
        auto config = load_hub_config(*reader);
        if (!config) {
            err << "hubctl: " << config.error().message << "\n";
            return kHubctlUsage;
        }
        journal_path = config->journal_path;
    }
    SystemClock clock;
    return alerthub::run_backup_command(command, journal_path, "hubctl", clock, out, err);
}

}  // namespace alerthub::hub
