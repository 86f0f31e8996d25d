#pragma once
// What the ward's shelters and facilities are doing, as staff say it in the console. The
// facilities are the public site's data (config/shelters); their status is the site's
// FacilityStatusStore on the console's connection, so every change and its audit entry are
// one transaction. Two ways to change it:
//   - the operator page: a facility account (role facility: only its assigned facilities,
//     when it has any) or an admin sets open / full / closed and the count taken in;
//   - notices: a published 避難所開設 / 一時滞在施設開設 opens the facilities it names; when
//     its update drops one, or its cancel ends it, a facility is closed unless another
//     notice in force still names it or someone other than a notice (the operator page,
//     hubctl) set its status since (docs/protocol.md, "Facility status").
// Thread-safe; shares the console's connection (ConsoleStore).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "hub/console/actor.h"
#include "hub/console/console_store.h"
#include "hub/console/draft.h"
#include "hub/site/facilities.h"
#include "hub/site/facility_status_store.h"

namespace alerthub::hub::console {

// A facility with what staff last said of it (unset: nothing yet, shown as closed).
struct FacilityView {
    const site::Facility* facility = nullptr;
    std::optional<site::FacilityStatusStore::Current> status;
};

// The body of POST /api/v1/facilities/<id>/status, typed.
struct FacilityStatusRequest {
    std::string facility_id;
    std::string state;  // open, full, closed
    std::int64_t taken_in = 0;
};

// The most a facility can be said to have taken in: a typo guard, not a capacity.
inline constexpr std::int64_t kMaxTakenIn = 100000;

// The templates whose notices open the facilities they name.
bool opens_facilities(std::string_view template_id);

class FacilityDesk {
public:
    explicit FacilityDesk(ConsoleStore& store) : store_(store) {}
    FacilityDesk(const FacilityDesk&) = delete;
    FacilityDesk& operator=(const FacilityDesk&) = delete;

    // The ward's facility of that id; null when unknown or no data is loaded.
    const site::Facility* find(std::string_view id) const;
    // Every facility in the data's order, with its status. A facility account with assigned
    // facilities sees only those.
    Result<std::vector<FacilityView>> list(const Actor& actor);
    // A facility account (its own facilities) or an admin. Refused in Japanese first: an
    // unknown id (404), a state other than open / full / closed or a count out of range
    // (422), another role or another's facility (403).
    Result<FacilityView> set_status(const Actor& actor, const FacilityStatusRequest& request);
    // After `draft` was published by `approver` (its notice's facilities before it:
    // `named_before`): opens what an opening notice names anew, closes what it no longer
    // names (the rule above); each change in site_facility_log and the audit log. The
    // caller holds the store's mutex inside a transaction.
    Status notice_published(const Actor& approver, const Draft& draft,
                            const std::vector<std::string>& named_before);

private:
    // The caller holds the store's mutex.
    Result<site::FacilityStatusStore*> status_store();
    Status change(const Actor& actor, const site::FacilityStatusChange& change,
                  std::string_view why);

    ConsoleStore& store_;
    std::optional<site::FacilityStatusStore> status_;
};

}  // namespace alerthub::hub::console
