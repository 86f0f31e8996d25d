#include "hub/site/site_publisher.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/base/log.h"
#include "core/base/subprocess.h"
#include "hub/journal/journal_reads.h"

namespace alerthub::hub::site {
namespace {

constexpr auto kHookTimeout = std::chrono::seconds(120);

}  // namespace

Result<SiteData> load_site_data(const SiteConfig& config) {
    SiteData data;
    std::string problems;
    auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "\n") + p; };
    if (auto t = load_site_templates(config.templates_dir))
        data.templates = std::move(*t);
    else
        problem(t.error().message);
    if (auto f = load_gsi_facilities(config.emergency_sites_file, config.shelters_file))
        data.facilities = std::move(*f);
    else
        problem(f.error().message);
    data.facilities.attribution = config.attribution;
    if (!config.stay_facilities_file.empty()) {
        if (auto stay = load_stay_facilities(config.stay_facilities_file))
            data.facilities.all.insert(data.facilities.all.begin(), stay->begin(), stay->end());
        else
            problem(stay.error().message);
    }
    if (!config.locations_file.empty()) {
        if (auto l = load_screen_locations(config.locations_file))
            data.locations = std::move(*l);
        else
            problem(l.error().message);
    }
    if (!problems.empty()) return make_error(ErrorCode::kInvalidArgument, "[site] " + problems);
    return data;
}

SitePublisher::SitePublisher(SiteConfig config, SiteData data, std::string journal_path,
                             const Clock& clock)
    : config_(std::move(config)),
      data_(std::move(data)),
      journal_path_(std::move(journal_path)),
      clock_(clock),
      tree_(config_.dir) {
    cache_.store = config_.dir + "/alerts";
}

SitePublisher::~SitePublisher() {
    stop();
}

Status SitePublisher::start() {
    if (auto s = tree_.prepare(); !s) return s;
    std::error_code ec;
    std::filesystem::create_directories(cache_.store, ec);
    if (ec)
        return make_error(ErrorCode::kInternal,
                          fmt::format("site: {}: {}", cache_.store, ec.message()));
    auto db = SqliteDb::open(journal_path_);
    if (!db)
        return make_error(db.error().code,
                          fmt::format("site: journal {}: {}", journal_path_, db.error().message));
    db_.emplace(std::move(*db));
    auto store = FacilityStatusStore::open(*db_);
    if (!store) return store.error();
    status_.emplace(std::move(*store));
    auto first = publish_once();
    if (!first) return first.error();
    tree_.remove_old();
    remove_unlinked_alert_folders();
    get_logger("hub")->info("site: {} files ({} bytes) in {}, refreshed every {} s", first->files,
                            first->bytes, tree_.current(), config_.refresh_s);
    thread_ = std::thread([this] { loop(); });
    trash_thread_ = std::thread([this] { trash_loop(); });
    return {};
}

void SitePublisher::notify() {
    {
        std::lock_guard lock(mu_);
        pending_ = true;
    }
    wake_.notify_one();
}

void SitePublisher::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_one();
    trash_wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (trash_thread_.joinable()) trash_thread_.join();
}

void SitePublisher::loop() {
    auto log = get_logger("hub");
    const auto refresh = std::chrono::seconds(config_.refresh_s);
    auto next_refresh = std::chrono::steady_clock::now() + refresh;
    for (;;) {
        {
            std::unique_lock lock(mu_);
            wake_.wait_for(lock, kStatusPoll, [this] { return pending_ || stopping_; });
            if (stopping_) return;
            bool due = pending_ || std::chrono::steady_clock::now() >= next_refresh;
            if (!due) {
                lock.unlock();
                auto change = status_->last_change();
                if (!change) log->warn("site: facility status: {}", change.error().message);
                due = change && *change != rendered_change_;
                lock.lock();
            }
            // Deleting what no reader can reach any more waits for an idle moment (or for
            // a long burst), so that it never delays a page.
            if ((!due && renders_since_cleanup_ > 0) || renders_since_cleanup_ >= kCleanupEvery) {
                lock.unlock();
                tree_.remove_old();
                remove_unlinked_alert_folders();
                renders_since_cleanup_ = 0;
                lock.lock();
            }
            if (!due) continue;
            pending_ = false;
        }
        next_refresh = std::chrono::steady_clock::now() + refresh;
        auto started = std::chrono::steady_clock::now();
        auto stats = publish_once();
        if (!stats) {
            // The old tree stays served; the next wake-up tries again.
            log->error("site: not published: {}", stats.error().message);
            continue;
        }
        log->debug("site: {} files rendered ({} bytes), {} reused, in {} ms", stats->files,
                   stats->bytes, stats->reused,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
    }
}

Result<SiteStats> SitePublisher::publish_once() {
    const auto t0 = std::chrono::steady_clock::now();
    SiteInput input;
    input.ward_name = config_.ward_name;
    input.base_url = config_.base_url;
    input.cap_sender = config_.cap_sender;
    input.now = clock_.now();
    input.facilities = &data_.facilities;
    input.locations = data_.locations;
    JournalReads reads(*db_);
    auto latest = reads.latest_versions(config_.max_alerts);
    if (!latest) return latest.error();
    for (auto& v : *latest) {
        SiteAlert s{.alert = std::move(v.alert), .updated = std::move(v.created), .earlier = {}};
        auto earlier = reads.versions_before(s.alert.id, s.alert.version);
        if (!earlier) return earlier.error();
        for (auto& e : *earlier) s.earlier.push_back(std::move(e.alert));
        input.alerts.push_back(std::move(s));
    }
    auto change = status_->last_change();
    if (!change) return change.error();
    auto status = status_->all();
    if (!status) return status.error();
    input.status = std::move(*status);
    input.status_version = *change;

    const auto t1 = std::chrono::steady_clock::now();
    auto tree = tree_.begin();
    if (!tree) return tree.error();
    auto stats = render_site(data_.templates, input, *tree, &cache_);
    const auto t2 = std::chrono::steady_clock::now();
    if (!stats) {
        tree_.discard(*tree);
        return stats.error();
    }
    if (auto s = tree_.commit(*tree); !s) {
        tree_.discard(*tree);
        return s.error();
    }
    ++published_;
    rendered_change_ = *change;
    linked_before_ = std::move(linked_now_);
    linked_now_ = cache_.used;
    ++renders_since_cleanup_;
    const auto ms = [](auto d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    get_logger("hub")->debug("site: journal read {} ms, render {} ms, swap {} ms", ms(t1 - t0),
                             ms(t2 - t1), ms(std::chrono::steady_clock::now() - t2));
    if (!config_.publish_hook.empty())
        if (auto s = run_hook(*tree); !s)
            get_logger("hub")->error("site: publish hook: {}", s.error().message);
    return stats;
}

void SitePublisher::remove_unlinked_alert_folders() {
    // The tree just replaced may still be read: keep what it links too.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(cache_.store, ec)) {
        const std::string name = entry.path().filename().string();
        if (linked_now_.contains(name) || linked_before_.contains(name)) continue;
        std::filesystem::rename(entry.path(), std::filesystem::path(tree_.trash()) / name, ec);
    }
    {
        std::lock_guard lock(mu_);
        trash_pending_ = true;
    }
    trash_wake_.notify_one();
}

void SitePublisher::trash_loop() {
    for (;;) {
        {
            std::unique_lock lock(mu_);
            trash_wake_.wait(lock, [this] { return trash_pending_ || stopping_; });
            if (stopping_) return;
            trash_pending_ = false;
        }
        tree_.empty_trash();
    }
}

Status SitePublisher::run_hook(const std::string& tree) {
    auto run = run_subprocess(
        {.argv = {"/bin/sh", "-c", config_.publish_hook},
         .set_env = {{"ALERTHUB_SITE_TREE", std::filesystem::absolute(tree).string()}},
         .timeout = kHookTimeout,
         .capture_output = false});
    if (!run) return run.error();
    if (run->timed_out)
        return make_error(
            ErrorCode::kTimeout,
            fmt::format("'{}' did not finish in {} s", config_.publish_hook, kHookTimeout.count()));
    if (!run->succeeded())
        return make_error(
            ErrorCode::kInternal,
            fmt::format("'{}' failed (status {})", config_.publish_hook, run->wait_status));
    return {};
}

}  // namespace alerthub::hub::site
