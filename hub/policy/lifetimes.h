#pragma once
// How long a JMA alert lasts when the telegram gives no end (docs/protocol.md, Lifecycle
// E0): most JMA telegrams carry no Head/ValidDateTime, yet a 震度速報 is over within the hour
// and a 津波警報 lasts until its 解除. config/jma/lifetimes.tsv gives each type's default
// lifetime with JMA's own words for it; the hub gives a telegram without an end
// `effective + lifetime`, and the expiry timer publishes the `expired` version then (E1).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

class LifetimeTable {
public:
    // Tab-separated: type code (VXSE51, VPWW53, VXKO …), minutes, why (with the source).
    // '#' starts a comment line; blank lines are skipped. Refuses a code twice, a missing
    // column or a lifetime that is not a positive number of minutes, naming the line.
    static Result<LifetimeTable> parse(std::string_view tsv);
    static Result<LifetimeTable> load(const std::string& path);

    // nullopt: the type has no row.
    std::optional<std::chrono::minutes> lifetime(std::string_view type_code) const;
    std::size_t size() const { return minutes_.size(); }

    // E0: a JMA telegram (also relayed by L-Alert) without an end of its own gets
    // effective (else sent) + its type's lifetime; a deliberate replay `replayed_at` + the
    // lifetime (a drill shows it as long as the real one was shown). Returns whether it set
    // one.
    bool give_end(const SourceDocument& doc, Alert& alert,
                  std::optional<WallTime> replayed_at = std::nullopt) const;

private:
    std::map<std::string, std::chrono::minutes, std::less<>> minutes_;
};

}  // namespace alerthub::hub
