#include "hub/console/console_service.h"

#include <fmt/format.h>

#include "hub/console/console_db.h"

namespace alerthub::hub::console {

ConsoleService::ConsoleService(SqliteDb db, ConsoleConfig config, const Clock& clock,
                               TownBlocks blocks, StaffPublisher publish)
    : store_(std::move(db), std::move(config), clock),
      blocks_(std::move(blocks)),
      accounts_(store_),
      desk_(store_),
      publication_(store_, std::move(publish), &desk_),
      drafts_(store_, blocks_, publication_, desk_),
      board_(store_, blocks_),
      feed_(store_),
      audit_(store_) {}

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

}  // namespace alerthub::hub::console
