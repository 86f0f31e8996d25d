#pragma once
// What staff said of each facility (open, full, closed; how many taken in), in the journal
// file's own table `site_facility_status`, with every change kept in `site_facility_log`
// (who, when, what). The site renders from it; staff set it (hubctl site status, or the
// operator page).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"
#include "hub/site/site_renderer.h"

namespace alerthub::hub::site {

struct FacilityStatusChange {
    std::string facility_id;
    FacilityState state = FacilityState::kClosed;
    int taken_in = 0;
    std::string by;  // the user or door that said so
};

class FacilityStatusStore {
public:
    // Creates the tables when missing.
    static Result<FacilityStatusStore> open(SqliteDb& db);

    Result<std::map<std::string, FacilityStatus>> all();
    // What all() gives, with who said it ("console:<approver>" for a notice,
    // "facility:<user>" for the operator page, "hubctl:<name>").
    struct Current {
        FacilityStatus status;
        std::string by;
    };
    Result<std::map<std::string, Current>> current();
    Status set(const FacilityStatusChange& change, WallTime at);
    // set() inside the caller's transaction on the same connection (the console keeps the
    // change and its audit entry in one).
    Status set_in_transaction(const FacilityStatusChange& change, WallTime at);
    struct LogEntry {
        std::string facility_id;
        std::string state;
        int taken_in = 0;
        std::string by;
        std::string at;
    };
    Result<std::vector<LogEntry>> log(int limit);
    // The sequence number of the latest change (0: none): another process's change shows
    // as a new number.
    Result<std::int64_t> last_change();

private:
    explicit FacilityStatusStore(SqliteDb& db) : db_(&db) {}
    SqliteDb* db_;
};

}  // namespace alerthub::hub::site
