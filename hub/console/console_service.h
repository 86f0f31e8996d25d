#pragma once
// The staff console, for the HTTP API and hubctl alike: one connection to the hub's journal
// file (its own tables; the journal's are only read) shared by the parts that make every
// decision about who may do what, once:
//   accounts()     users, log-in with a limit on failures, sessions
//   drafts()       compose, check, approve under the two-person rule (then Publication)
//   board(), feed() the live board and the public output feed
//   audit()        the hash-chained audit log
//   facilities()   the ward's facilities and what staff say of them (open, full, closed)
// Thread-safe: HTTP handler threads call it concurrently. Publishing goes through
// `publish`, which in the hub hands the document to the owner thread.

#include <memory>
#include <string>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/town_blocks.h"
#include "hub/console/accounts.h"
#include "hub/console/board_and_feeds.h"
#include "hub/console/console_audit.h"
#include "hub/console/console_config.h"
#include "hub/console/console_store.h"
#include "hub/console/drafts.h"
#include "hub/console/facility_desk.h"
#include "hub/console/publication.h"

namespace alerthub::hub::console {

class ConsoleService {
public:
    static Result<std::unique_ptr<ConsoleService>> open(const std::string& journal_path,
                                                        ConsoleConfig config, const Clock& clock,
                                                        StaffPublisher publish);
    ConsoleService(const ConsoleService&) = delete;
    ConsoleService& operator=(const ConsoleService&) = delete;

    const ConsoleConfig& config() const { return store_.config(); }
    Accounts& accounts() { return accounts_; }
    Drafts& drafts() { return drafts_; }
    LiveBoard& board() { return board_; }
    OutputFeed& feed() { return feed_; }
    ConsoleAudit& audit() { return audit_; }
    FacilityDesk& facilities() { return desk_; }

private:
    ConsoleService(SqliteDb db, ConsoleConfig config, const Clock& clock, TownBlocks blocks,
                   StaffPublisher publish);

    ConsoleStore store_;
    TownBlocks blocks_;
    Accounts accounts_;
    FacilityDesk desk_;
    Publication publication_;
    Drafts drafts_;
    LiveBoard board_;
    OutputFeed feed_;
    ConsoleAudit audit_;
};

}  // namespace alerthub::hub::console
