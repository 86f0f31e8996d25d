#include "hub/console/facility_desk.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "hub/console/accounts.h"
#include "hub/console/draft_store.h"

namespace alerthub::hub::console {
namespace {

std::set<std::string> ids_of(const DraftContent& content) {
    std::set<std::string> out;
    for (const auto& f : content.facilities) out.insert(f.id);
    return out;
}

}  // namespace

bool opens_facilities(std::string_view template_id) {
    return template_id == "shelter_open" || template_id == "stay_facility_open";
}

const site::Facility* FacilityDesk::find(std::string_view id) const {
    const auto& data = store_.config().facilities;
    if (!data) return nullptr;
    auto it = std::find_if(data->all.begin(), data->all.end(),
                           [&](const site::Facility& f) { return f.id == id; });
    return it == data->all.end() ? nullptr : &*it;
}

Result<site::FacilityStatusStore*> FacilityDesk::status_store() {
    if (!status_) {
        auto opened = site::FacilityStatusStore::open(store_.db());
        if (!opened) return opened.error();
        status_.emplace(std::move(*opened));
    }
    return &*status_;
}

Result<std::vector<FacilityView>> FacilityDesk::list(const Actor& actor) {
    std::lock_guard lock(store_.mu());
    auto status = status_store();
    if (!status) return status.error();
    auto current = (*status)->current();
    if (!current) return current.error();
    std::vector<std::string> assigned;
    if (actor.role == Role::kFacility) {
        auto ids = assigned_facilities(store_.db(), actor.user);
        if (!ids) return ids.error();
        assigned = std::move(*ids);
    }
    std::vector<FacilityView> out;
    const auto& data = store_.config().facilities;
    if (!data) return out;
    for (const auto& f : data->all) {
        if (!assigned.empty() && !std::binary_search(assigned.begin(), assigned.end(), f.id))
            continue;
        FacilityView v{.facility = &f, .status = std::nullopt};
        if (auto it = current->find(f.id); it != current->end()) v.status = it->second;
        out.push_back(std::move(v));
    }
    return out;
}

Status FacilityDesk::change(const Actor& actor, const site::FacilityStatusChange& change,
                            std::string_view why) {
    auto status = status_store();
    if (!status) return status.error();
    if (auto s = (*status)->set_in_transaction(change, store_.clock().now()); !s) return s;
    return store_.record(actor, "facility_status", fmt::format("facility {}", change.facility_id),
                         {{"state", std::string(site::facility_state_key(change.state))},
                          {"taken_in", std::int64_t{change.taken_in}},
                          {"by", change.by},
                          {"why", std::string(why)}});
}

Result<FacilityView> FacilityDesk::set_status(const Actor& actor,
                                              const FacilityStatusRequest& request) {
    if (actor.role != Role::kFacility && actor.role != Role::kAdmin)
        return denied(
            "施設の状況を変えられるのは施設担当と管理者です / only a facility account or an "
            "admin may set a facility's status");
    const site::Facility* facility = find(request.facility_id);
    if (!facility)
        return make_error(ErrorCode::kNotFound,
                          fmt::format("施設「{}」は区の施設一覧にありません / no facility '{}' "
                                      "in the ward's list",
                                      request.facility_id, request.facility_id));
    auto state = site::facility_state_from_key(request.state);
    if (!state)
        return invalid_request(fmt::format(
            "状況は 開設 (open)・満員 (full)・閉鎖 (closed) のどれかです / the state must be "
            "open, full or closed, not '{}'",
            request.state));
    if (request.taken_in < 0 || request.taken_in > kMaxTakenIn)
        return invalid_request(
            fmt::format("受入人数は0から{}までの整数です / the count taken in must be a whole "
                        "number from 0 to {}",
                        kMaxTakenIn, kMaxTakenIn));
    std::lock_guard lock(store_.mu());
    if (actor.role == Role::kFacility) {
        auto assigned = assigned_facilities(store_.db(), actor.user);
        if (!assigned) return assigned.error();
        if (!assigned->empty() &&
            !std::binary_search(assigned->begin(), assigned->end(), facility->id))
            return denied(fmt::format(
                "「{}」はあなたの担当施設ではありません / {} is not one of your facilities",
                facility->name, facility->id));
    }
    const site::FacilityStatusChange change_made{.facility_id = facility->id,
                                                 .state = *state,
                                                 .taken_in = static_cast<int>(request.taken_in),
                                                 .by = "facility:" + actor.user};
    auto s = store_.in_transaction(
        [&]() -> Status { return change(actor, change_made, "operator page"); });
    if (!s) return s.error();
    auto current = (*status_store())->current();
    if (!current) return current.error();
    FacilityView v{.facility = facility, .status = std::nullopt};
    if (auto it = current->find(facility->id); it != current->end()) v.status = it->second;
    return v;
}

Status FacilityDesk::notice_published(const Actor& approver, const Draft& draft,
                                      const std::vector<std::string>& named_before) {
    if (!opens_facilities(draft.content.template_id)) return {};
    const std::set<std::string> before(named_before.begin(), named_before.end());
    const std::set<std::string> now =
        draft.action == DraftAction::kCancel ? std::set<std::string>{} : ids_of(draft.content);
    auto status = status_store();
    if (!status) return status.error();
    auto current = (*status)->current();
    if (!current) return current.error();
    const std::string by = "console:" + approver.user;
    const std::string why = fmt::format("draft {} ({})", draft.id, to_string(draft.action));

    // Named anew: open, unless staff already say it is open or full.
    for (const auto& id : now) {
        if (before.count(id) || !find(id)) continue;
        auto it = current->find(id);
        if (it != current->end() && it->second.status.state != site::FacilityState::kClosed)
            continue;
        if (auto s = change(
                approver,
                {.facility_id = id, .state = site::FacilityState::kOpen, .taken_in = 0, .by = by},
                why);
            !s)
            return s;
    }

    // No longer named: closed, unless another notice in force names it or someone other
    // than a notice has set it since.
    std::set<std::string> still_named;
    auto in_force = notices_in_force(store_.db(), store_.clock().now());
    if (!in_force) return in_force.error();
    for (const auto& n : *in_force)
        if (n.alert_id != draft.alert_id && opens_facilities(n.content.template_id))
            for (const auto& f : n.content.facilities) still_named.insert(f.id);
    for (const auto& id : before) {
        if (now.count(id) || still_named.count(id)) continue;
        auto it = current->find(id);
        if (it == current->end() || it->second.status.state == site::FacilityState::kClosed ||
            !it->second.by.starts_with("console:"))
            continue;
        if (auto s = change(approver,
                            {.facility_id = id,
                             .state = site::FacilityState::kClosed,
                             .taken_in = it->second.status.taken_in,
                             .by = by},
                            why);
            !s)
            return s;
    }
    return {};
}

}  // namespace alerthub::hub::console
