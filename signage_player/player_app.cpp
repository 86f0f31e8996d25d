#include "signage_player/player_app.h"

#include <atomic>
#include <mutex>
#include <set>
#include <variant>

#include "core/base/blocking_queue.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "core/http/curl_http_client.h"
#include "core/protocol/messages.h"
#include "core/protocol/payload_limits.h"
#include "signage_player/alert_store.h"
#include "signage_player/facility_panel.h"
#include "signage_player/headless_output.h"
#include "signage_player/media_cache.h"
#include "signage_player/playlist.h"
#include "signage_player/renderer.h"
#include "signage_player/screen_layout.h"
#include "signage_player/screenshot.h"
#include "signage_player/state_file.h"
#include "signage_player/status_reporter.h"

namespace alerthub::player {
namespace {

struct ConnectionChange {
    bool connected = false;
};
// The media cache finished (or failed) a file.
struct MediaChanged {};
using Inbound = std::variant<BusMessage, ConnectionChange, MediaChanged>;

// Shared with the bus callbacks, which may outlive a turn of the loop.
struct Inbox {
    BlockingQueue<Inbound> queue;
    std::atomic<bool> wake_pending{false};

    void push(Inbound item) {
        queue.push(std::move(item));
        // One pending wake-up is enough: the loop drains the whole queue each turn.
        std::lock_guard lock(mu_);
        if (waker_ && !wake_pending.exchange(true)) waker_();
    }
    // The renderer's, while it lives.
    void set_waker(std::function<void()> waker) {
        std::lock_guard lock(mu_);
        waker_ = std::move(waker);
    }

private:
    std::mutex mu_;
    std::function<void()> waker_;
};

constexpr const char* kNoTownBlocksWarning =
    "no town-block table (player.town_blocks_file): areas match by code only";

std::chrono::milliseconds until_next_minute(WallTime now) {
    using namespace std::chrono;
    auto next = floor<minutes>(now) + minutes(1);
    return duration_cast<milliseconds>(next - now) + milliseconds(5);
}

const char* outcome_name(ApplyOutcome o) {
    switch (o) {
        case ApplyOutcome::kAdded:
            return "added";
        case ApplyOutcome::kUpdated:
            return "updated";
        case ApplyOutcome::kIgnored:
            return "ignored";
        case ApplyOutcome::kRejected:
            return "rejected";
        case ApplyOutcome::kRefused:
            return "refused";
    }
    return "?";
}

bool same_content(const Screen& a, const Screen& b) {
    return a.kind == b.kind && a.alert_id == b.alert_id && a.version == b.version &&
           a.content == b.content;
}

template <typename Duration>
std::chrono::milliseconds ms_until(Duration d) {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::ceil<std::chrono::milliseconds>(d) + std::chrono::milliseconds(1));
}

}  // namespace

BusMessage offline_status(const PlayerConfig& config, WallTime now) {
    DeviceStatus s;
    s.device_id = config.device_id;
    s.online = false;
    s.software_version = ALERTHUB_VERSION;
    s.updated = now;
    s.areas = config.areas;
    return {config.mqtt.topics.device_status(config.device_id), encode_device_status(s), true};
}

struct PlayerApp::Impl {
    PlayerConfig config;
    bool headless;
    MessageBus& bus;
    const Clock& clock;
    RendererFactory make_renderer;
    std::shared_ptr<spdlog::logger> log = get_logger("player");

    std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
    std::unique_ptr<Renderer> renderer;
    StatusReporter reporter;
    HeadlessOutput output;
    AlertStore store{config.signing};
    ConfiguredAreas areas;  // config.areas, read with the town-block table in start()
    LanguageRotation rotation;
    Playlist playlist;
    std::string content_payload;  // the playlist in use as the hub signed it (state file)
    // The hub's facilities for [player] location (facility_panel.h); none until it comes.
    std::optional<ScreenFacilities> facilities;
    std::unique_ptr<MediaCache> media;
    bool connected = false;
    std::optional<SteadyTime> connected_since;
    // The last moment the broker's truth was known to us (connected); shown while offline.
    std::optional<WallTime> confirmed_at;
    std::optional<SteadyTime> state_saved_at;
    std::set<std::string> unconfirmed;  // restored from the state file, not yet seen on the bus
    std::set<std::string> undecodable;  // sha256 of cached images warned about
    bool state_dirty = false;
    bool started = false;
    bool quit = false;
    bool redraw = true;  // nothing presented yet
    // Whether the renderer can block waiting for its window's events (and the waker); if
    // not, the loop blocks on the inbox and looks at the window's events when it wakes.
    bool renderer_can_wait = false;
    Screen shown;
    int frames = 0;
    std::vector<DeviceCommand> screenshot_requests;
    // Messages the hub did not sign (reported in the status), and alerts dropped for room.
    std::int64_t refused_messages = 0;
    std::string last_refusal;
    std::int64_t evicted_alerts = 0;

    // Status: on every change of what it says, and every kStatusInterval regardless.
    std::optional<SteadyTime> status_sent_at;
    int frames_at_status = 0;
    std::string last_status_key;

    Impl(PlayerConfig c, bool h, MessageBus& b, const Clock& cl, RendererFactory make)
        : config(std::move(c)),
          headless(h),
          bus(b),
          clock(cl),
          make_renderer(std::move(make)),
          reporter(bus, config.mqtt.topics, config.device_id),
          output(config.screenshot_dir),
          areas(config.areas, nullptr) {}

    // Without the town-block table only code forms of areas match (131032, 1310300,
    // 131032/芝浦一丁目): a screen for the ward would miss the console's orders for blocks.
    Status load_areas() {
        std::shared_ptr<const TownBlocks> blocks;
        if (!config.town_blocks_file.empty()) {
            auto loaded = TownBlocks::load(config.town_blocks_file);
            if (!loaded) return loaded.error();
            blocks = std::make_shared<const TownBlocks>(std::move(*loaded));
        } else {
            log->warn("{}", kNoTownBlocksWarning);
        }
        areas = ConfiguredAreas(config.areas, std::move(blocks));
        return {};
    }

    void handle(BusMessage& msg) {
        auto& topics = config.mqtt.topics;
        if (msg.topic == topics.device_cmd(config.device_id)) return handle_command(msg);
        if (!config.content.group.empty() && msg.topic == topics.content(config.content.group))
            return handle_content(msg);
        if (!config.location.empty() && msg.topic == topics.facilities(config.location))
            return handle_facilities(msg);
        std::string id = topics.id_under("alerts", msg.topic);
        if (id.empty()) {
            log->debug("ignoring message on {}", msg.topic);
            return;
        }
        auto result = store.apply(id, msg.payload, clock.now());
        note_evictions(result);
        if (result.outcome != ApplyOutcome::kRejected && result.outcome != ApplyOutcome::kRefused)
            unconfirmed.erase(id);
        if (result.outcome == ApplyOutcome::kAdded || result.outcome == ApplyOutcome::kUpdated)
            state_dirty = true;
        switch (result.outcome) {
            case ApplyOutcome::kRejected:
                // Bad input never reaches the screen: what is shown stays as it was.
                log->warn("[alert={}] rejected payload ({} bytes): {}", id, msg.payload.size(),
                          result.reason);
                break;
            case ApplyOutcome::kRefused:
                refuse(msg.topic, result.reason);
                break;
            case ApplyOutcome::kIgnored:
                log->debug("[alert={} v={}] ignored: {}", id, result.version, result.reason);
                break;
            default:
                log->debug("[alert={} v={}] {}", id, result.version, outcome_name(result.outcome));
                break;
        }
    }

    // A message the hub did not sign: nothing changes; logged and counted in the status.
    void refuse(const std::string& topic, const std::string& reason) {
        ++refused_messages;
        last_refusal = fmt::format("{}: {}", topic, reason);
        log->warn("refused a message on {} ({} refused so far): {}", topic, refused_messages,
                  reason);
    }

    void note_evictions(const ApplyResult& result) {
        for (auto& id : result.evicted) {
            ++evicted_alerts;
            log->warn("[alert={}] dropped to make room: {} alerts held is the limit", id,
                      AlertStore::kMaxAlerts);
        }
    }

    void handle_content(const BusMessage& msg) {
        if (msg.payload.empty()) {
            // The hub never clears it; a signed manifest replaces a playlist.
            refuse(msg.topic, "a cleared playlist topic is not the hub's: the playlist stays");
            return;
        }
        auto verified = config.signing.verify(msg.payload);
        if (!verified) return refuse(msg.topic, verified.error().message);
        auto manifest = decode_content_manifest(verified->signed_bytes);
        if (manifest && playlist.manifest() && manifest->version < playlist.manifest()->version) {
            // A replay of an older signed playlist never rolls the screen back.
            log->warn("[content={} v={}] older than the playlist in use (v{}): ignored",
                      config.content.group, manifest->version, playlist.manifest()->version);
            return;
        }
        if (!manifest) {
            // The last good playlist keeps playing.
            log->warn("content for group {} rejected, keeping the last good one: {}",
                      config.content.group, manifest.error().message);
            return;
        }
        for (auto& bad : manifest->rejected)
            log->warn("[content={} v={}] item {} skipped: {}", config.content.group,
                      manifest->version, bad.id, bad.reason);
        log->info("[content={} v={}] playlist of {} items", config.content.group, manifest->version,
                  manifest->items.size());
        content_payload = msg.payload;
        set_playlist(std::move(*manifest));
    }

    // Only the hub's signed list for this location, never an older one than shown.
    void handle_facilities(const BusMessage& msg) {
        if (msg.payload.empty())
            return refuse(msg.topic, "a cleared facilities topic is not the hub's: the list stays");
        if (msg.payload.size() > kMaxFacilitiesPayloadBytes)
            return refuse(msg.topic, fmt::format("{} bytes, more than the hub ever sends ({})",
                                                 msg.payload.size(), kMaxFacilitiesPayloadBytes));
        auto verified = config.signing.verify(msg.payload);
        if (!verified) return refuse(msg.topic, verified.error().message);
        auto list = decode_screen_facilities(verified->signed_bytes);
        if (!list) {
            log->warn("facilities for {} rejected, keeping the last good list: {}", config.location,
                      list.error().message);
            return;
        }
        if (list->location != config.location)
            return refuse(
                msg.topic,
                fmt::format("a list for location '{}' on this location's topic", list->location));
        if (facilities && list->version < facilities->version) {
            log->warn("[facilities={} v={}] older than the list in use (v{}): ignored",
                      config.location, list->version, facilities->version);
            return;
        }
        log->debug("[facilities={} v={}] {} open or full", config.location, list->version,
                   list->facilities.size());
        facilities = std::move(*list);
    }

    void set_playlist(std::optional<ContentManifest> manifest) {
        playlist.set_manifest(std::move(manifest));
        state_dirty = true;
        if (!media) return;
        std::vector<MediaRef> refs;
        if (auto& m = playlist.manifest())
            for (auto& item : m->items)
                if (item.type == ContentType::kImage) refs.push_back({item.url, item.sha256});
        media->want(std::move(refs));
    }

    void handle_command(const BusMessage& msg) {
        auto verified = config.signing.verify(msg.payload);
        if (!verified) return refuse(msg.topic, verified.error().message);
        auto command = decode_device_command(verified->signed_bytes);
        if (!command) {
            log->warn("command rejected: {}", command.error().message);
            return;
        }
        if (command->cmd != "screenshot" || command->request_id.empty()) {
            log->warn("command '{}' not understood: ignored", command->cmd);
            return;
        }
        log->info("screenshot {} requested", command->request_id);
        screenshot_requests.push_back(std::move(*command));
        redraw = true;  // a frame is captured only while it is drawn
    }

    void handle(ConnectionChange change) {
        if (change.connected == connected) return;
        connected = change.connected;
        connected_since.reset();
        if (connected) {
            connected_since = clock.steady_now();
            confirmed_at = clock.now();
        }
        // Going offline: what we know is now only as fresh as this moment.
        state_dirty = true;
        log->info("broker {}", connected ? "connected" : "disconnected");
        if (connected) {
            // The broker published our last will while we were away: say we are back.
            reporter.resend();
            if (media) media->retry_failed_now();
        }
    }

    void handle(MediaChanged) {}  // the next screen decision looks at the cache

    void drain_inbox() {
        inbox->wake_pending = false;
        while (auto item = inbox->queue.pop_for(std::chrono::milliseconds(0)))
            std::visit([&](auto& v) { handle(v); }, *item);
    }

    void restore_state() {
        if (config.state_file.empty()) return;
        auto restored = load_player_state(config.state_file);
        if (!restored) {
            log->warn("starting without the last known state: {}", restored.error().message);
            return;
        }
        // Verified again like anything from the bus: the file is only as good as its
        // signatures.
        for (auto& alert : restored->alerts) {
            auto result = store.apply(alert.id, encode_alert(alert), clock.now());
            note_evictions(result);
            if (result.outcome == ApplyOutcome::kAdded)
                unconfirmed.insert(alert.id);
            else if (result.outcome == ApplyOutcome::kRefused)
                refuse(config.state_file, fmt::format("alert {}: {}", alert.id, result.reason));
        }
        confirmed_at = restored->confirmed_at;
        if (!restored->content_payload.empty() && !config.content.group.empty())
            restore_content(restored->content_payload);
        if (!unconfirmed.empty())
            log->info("restored {} alerts from {}; they stay until the broker says otherwise",
                      unconfirmed.size(), config.state_file);
    }

    void restore_content(const std::string& payload) {
        auto verified = config.signing.verify(payload);
        if (!verified) return refuse(config.state_file, "playlist: " + verified.error().message);
        auto manifest = decode_content_manifest(verified->signed_bytes);
        if (!manifest || manifest->group != config.content.group) return;
        content_payload = payload;
        set_playlist(std::move(*manifest));
    }

    // Drops restored alerts the broker did not confirm after a connect, and keeps the
    // state file in step with the store and the playlist.
    void maintain_state() {
        auto steady = clock.steady_now();
        if (connected) confirmed_at = clock.now();
        if (!unconfirmed.empty() && connected_since &&
            steady - *connected_since >= kRestoredGrace) {
            for (auto& id : unconfirmed) {
                // An ended one stays (not shown): its version keeps older replays out.
                if (auto* held = store.find(id); held && !is_in_force(*held, clock.now())) continue;
                log->info("[alert={}] restored alert is no longer on the broker: dropped", id);
                store.remove(id);
            }
            unconfirmed.clear();
            state_dirty = true;
        }
        // While connected, the file's confirmed_at is refreshed now and then, so that after
        // a power cut the "last updated" time is at most this old.
        if (connected && state_saved_at && steady - *state_saved_at >= kConfirmedSaveInterval)
            state_dirty = true;
        if (state_dirty && !config.state_file.empty()) {
            auto saved = save_player_state(config.state_file, store,
                                           playlist.manifest() ? content_payload : "", confirmed_at,
                                           clock.now());
            if (!saved) log->warn("state file not saved: {}", saved.error().message);
            state_saved_at = steady;
        }
        state_dirty = false;
    }

    void handle_window_events() {
        auto events = renderer->take_events();
        if (events.closed) quit = true;
        if (events.redraw) redraw = true;
    }

    // Why an image item cannot play now ("" when it can): not (yet) in the cache, or a
    // cached file that does not decode (skipped with a warning and reported in the status).
    std::string image_problem(const PlaylistItem& item) {
        if (item.type != ContentType::kImage) return {};
        auto entry = media ? media->lookup(item.sha256) : MediaEntry{};
        if (entry.state != MediaState::kReady)
            return entry.state == MediaState::kFailed ? entry.reason : "not in the cache yet";
        auto decodable = renderer->check_image(entry.path.string());
        if (decodable) return {};
        if (undecodable.insert(item.sha256).second)
            log->warn("[content={}] item {} skipped: {}", config.content.group, item.id,
                      decodable.error().message);
        return decodable.error().message;
    }

    // The playlist item for now, if any, and its cached file.
    std::optional<ContentItem> current_content(WallTime now) {
        auto playable = [&](const PlaylistItem& item) { return image_problem(item).empty(); };
        const PlaylistItem* item = playlist.advance(now, clock.steady_now(), playable);
        if (!item) return std::nullopt;
        std::string path;
        if (item->type == ContentType::kImage) path = media->lookup(item->sha256).path.string();
        return make_content_item(*item, path);
    }

    ScreenOptions screen_options() const {
        ScreenOptions options{
            .languages = config.display.languages,
            .language_period = std::chrono::seconds(config.display.language_period_s)};
        options.location = config.location;
        return options;
    }

    Screen current_screen(WallTime now) {
        auto content = current_content(now);
        const ContentItem* slide = content ? &*content : nullptr;
        auto selection = store.select(areas, now);
        Screen screen;
        if (const Alert* alert = selection.shown()) {
            rotation.follow(*alert, now);  // a new alert starts in Japanese
            auto options = screen_options();
            options.rotation_started = rotation.started;
            screen = make_alert_screen(*alert, selection.others(), now, connected, options, slide);
            if (facilities)
                screen.facilities = make_facility_panel(*alert, *facilities, screen.language);
        } else {
            rotation = {};
            screen = make_idle_screen(config.ward_name, now, connected, slide);
        }
        if (!connected) {
            // Never stale without saying so: the time is when we last knew the truth.
            screen.stale_note = confirmed_at
                                    ? "最終更新 " + format_jst_hhmm(*confirmed_at) +
                                          " / Last updated " + format_jst_hhmm(*confirmed_at)
                                    : "最終更新 不明 / Last update unknown";
        }
        return screen;
    }

    // The next moment the screen must change by itself: the clock's minute, an expiry, the
    // playlist's next item.
    std::chrono::milliseconds until_next_change() const {
        auto now = clock.now();
        auto wait = until_next_minute(now);
        if (auto expiry = store.next_expiry(now)) wait = std::min(wait, ms_until(*expiry - now));
        if (auto next = playlist.next_switch())
            wait = std::min(wait, ms_until(*next - clock.steady_now()));
        return wait;
    }

    ContentStatus content_status() {
        ContentStatus c;
        c.group = config.content.group;
        if (auto* item = playlist.current()) c.showing = item->id;
        if (auto& m = playlist.manifest()) {
            c.version = m->version;
            c.items = static_cast<int>(m->items.size() + m->rejected.size());
            for (auto& bad : m->rejected) c.skipped.push_back({bad.id, bad.reason});
            for (auto& item : m->items) {
                if (item.type == ContentType::kText) {
                    ++c.ready;
                    continue;
                }
                auto entry = media ? media->lookup(item.sha256) : MediaEntry{};
                if (entry.state == MediaState::kReady || entry.state == MediaState::kFailed) {
                    auto problem = image_problem(item);
                    if (problem.empty())
                        ++c.ready;
                    else
                        c.skipped.push_back({item.id, std::move(problem)});
                } else {
                    ++c.fetching;
                }
            }
        }
        if (media) c.cache_bytes = media->bytes_on_disk();
        return c;
    }

    void report_status(bool force) {
        DeviceStatus status;
        status.device_id = config.device_id;
        status.online = true;
        if (shown.kind == ScreenKind::kAlert)
            status.showing.push_back({shown.alert_id, shown.version});
        if (frames > 0) status.last_frame = last_frame;
        status.software_version = ALERTHUB_VERSION;
        status.areas = config.areas;
        if (!config.content.group.empty()) status.content = content_status();
        if (!unconfirmed.empty())
            status.warnings.push_back(fmt::format(
                "{} alerts shown from the state file, not yet confirmed", unconfirmed.size()));
        if (!areas.has_town_blocks()) status.warnings.push_back(kNoTownBlocksWarning);
        if (status.content && !status.content->skipped.empty())
            status.warnings.push_back(
                fmt::format("{} content items skipped", status.content->skipped.size()));
        status.refused_messages = refused_messages;
        status.last_refusal = last_refusal;
        status.evicted_alerts = evicted_alerts;
        if (refused_messages > 0)
            status.warnings.push_back(
                fmt::format("{} messages refused: not signed by the hub (last: {})",
                            refused_messages, last_refusal));
        if (evicted_alerts > 0)
            status.warnings.push_back(fmt::format(
                "{} alerts dropped to make room for newer ones (the player holds at most {})",
                evicted_alerts, AlertStore::kMaxAlerts));
        // Only a change of what the status says (not of its clock fields) sends it early.
        std::string key = encode_device_status(status);
        auto steady = clock.steady_now();
        bool due = !status_sent_at || steady - *status_sent_at >= kStatusInterval;
        if (!force && !due && key == last_status_key) return;
        if (status_sent_at) {
            auto seconds = std::chrono::duration<double>(steady - *status_sent_at).count();
            if (seconds > 0) status.fps = (frames - frames_at_status) / seconds;
        }
        status.updated = clock.now();
        last_status_key = std::move(key);
        status_sent_at = steady;
        frames_at_status = frames;
        reporter.update_status(std::move(status));
    }
    WallTime last_frame{};

    Status start_media_cache(std::weak_ptr<Inbox> weak) {
        MediaCacheOptions cache;
        cache.dir = config.content.cache_dir;
        cache.fetch_timeout = std::chrono::seconds(config.content.fetch_timeout_s);
        cache.max_item_bytes = config.content.max_item_mb << 20;
        cache.max_cache_bytes = config.content.max_cache_mb << 20;
        media =
            std::make_unique<MediaCache>(cache, std::make_unique<CurlHttpClient>(), clock, [weak] {
                if (auto owner = weak.lock()) owner->push(MediaChanged{});
            });
        return media->start();
    }

    void answer_screenshots(const Image& image, WallTime taken) {
        for (auto& request : screenshot_requests) {
            auto scratch = std::filesystem::temp_directory_path() /
                           fmt::format("alerthub-screenshot-{}.png", config.device_id);
            auto png = png_bytes(scale_to_width(image, request.max_width), scratch);
            if (!png) {
                log->error("screenshot {}: {}", request.request_id, png.error().message);
                continue;
            }
            log->info("screenshot {} taken at {} ({} bytes)", request.request_id,
                      format_rfc3339_jst(taken), png->size());
            reporter.send(
                {config.mqtt.topics.device_screenshot(config.device_id, request.request_id),
                 std::move(*png), false});
        }
        screenshot_requests.clear();
    }

    void render(const Screen& screen) {
        auto t0 = std::chrono::steady_clock::now();
        Frame frame = layout_screen(screen, renderer->width(), renderer->height(), *renderer);
        auto t1 = std::chrono::steady_clock::now();
        if (int outside = renderer->draw(frame); outside > 0)
            log->warn("{} text lines drawn outside the window", outside);
        auto t2 = std::chrono::steady_clock::now();
        if (frame.truncated) {
            if (screen.kind == ScreenKind::kAlert)
                log->warn("[alert={} v={}] text cut to fit the screen", screen.alert_id,
                          screen.version);
            else
                log->debug("idle screen: text cut to fit the screen");
        }
        if (frame.description_cut)
            log->debug("[alert={} v={}] description cut to the room left (readable size kept)",
                       screen.alert_id, screen.version);
        std::optional<Image> image;
        if (headless || !screenshot_requests.empty()) {
            // Read before presenting: after a present the back buffer is undefined.
            auto captured = renderer->capture();
            if (captured)
                image = std::move(*captured);
            else
                log->error("capture: {}", captured.error().message);
        }
        renderer->present();
        WallTime presented = clock.now();
        // Real time, not the injected clock: this is what the latency benchmark breaks down.
        auto t3 = std::chrono::steady_clock::now();
        auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
        log->debug("frame {}: layout {:.1f} ms, draw {:.1f} ms, capture+present {:.1f} ms",
                   frames + 1, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
        ++frames;
        last_frame = presented;
        redraw = false;

        bool alert = screen.kind == ScreenKind::kAlert;
        if (!same_content(screen, shown) || frames == 1) {
            if (alert)
                log->info("[alert={} v={}] on screen", screen.alert_id, screen.version);
            else
                log->info("idle screen");
        }
        shown = screen;

        if (alert) reporter.ack(screen.alert_id, screen.version, presented);
        if (image && !screenshot_requests.empty()) answer_screenshots(*image, presented);
        screenshot_requests.clear();

        if (image && headless) {
            auto st = output.record(screen, presented, [&](const std::string& path) {
                return write_png(*image, path);
            });
            if (!st) log->error("headless output: {}", st.error().message);
        }
    }
};

PlayerApp::PlayerApp(PlayerConfig config, bool headless, MessageBus& bus, const Clock& clock,
                     RendererFactory make_renderer)
    : impl_(std::make_unique<Impl>(std::move(config), headless, bus, clock,
                                   std::move(make_renderer))) {}

PlayerApp::~PlayerApp() {
    shutdown();
}

Status PlayerApp::start() {
    auto& d = *impl_;
    if (d.headless) {
        if (auto st = d.output.prepare(); !st) return st;
    }
    if (auto st = d.load_areas(); !st) return st;
    RendererOptions options;
    options.width = d.config.display.width;
    options.height = d.config.display.height;
    options.fullscreen = d.config.display.fullscreen;
    options.offscreen = d.headless;
    options.font = d.config.display.font;
    options.bold_font = d.config.display.bold_font;
    options.fallback_fonts = d.config.display.fallback_fonts;
    auto renderer = d.make_renderer(options);
    if (!renderer) return renderer.error();
    d.renderer = std::move(*renderer);
    auto waker = d.renderer->waker();
    if (!waker) return waker.error();
    d.inbox->set_waker(std::move(*waker));
    std::string driver_name = d.renderer->video_driver();
    d.renderer_can_wait = d.renderer->can_wait();

    std::weak_ptr<Inbox> weak = d.inbox;
    if (!d.config.content.group.empty()) {
        if (auto st = d.start_media_cache(weak); !st) return st;
    }
    d.restore_state();

    // Subscribe before starting: the bus subscribes on every connect, and retained and
    // queued messages arrive right after it.
    d.bus.subscribe(d.config.mqtt.topics.all_alerts());
    d.bus.subscribe(d.config.mqtt.topics.device_cmd(d.config.device_id));
    if (!d.config.content.group.empty())
        d.bus.subscribe(d.config.mqtt.topics.content(d.config.content.group));
    if (!d.config.location.empty())
        d.bus.subscribe(d.config.mqtt.topics.facilities(d.config.location));
    d.bus.start(
        [weak](BusMessage msg) {
            if (auto inbox = weak.lock()) inbox->push(std::move(msg));
        },
        [weak](bool connected) {
            if (auto inbox = weak.lock()) inbox->push(ConnectionChange{connected});
        });
    d.reporter.start();
    d.started = true;
    d.log->info(
        "signage player {} started: device {}, areas [{}], content group '{}', {}x{} on {}{}",
        ALERTHUB_VERSION, d.config.device_id, fmt::join(d.config.areas, ", "),
        d.config.content.group, d.renderer->width(), d.renderer->height(), driver_name,
        d.headless ? " (headless)" : "");
    return {};
}

bool PlayerApp::run_once(std::chrono::milliseconds max_wait) {
    auto& d = *impl_;
    if (!d.started || d.quit) return false;
    auto wait = std::min(max_wait, d.until_next_change());
    if (d.redraw) wait = std::chrono::milliseconds(0);
    if (wait.count() > 0) {
        if (d.renderer_can_wait) {
            d.renderer->wait_for_events(wait);
        } else if (auto item = d.inbox->queue.pop_for(wait)) {
            std::visit([&](auto& v) { d.handle(v); }, *item);
        }
    }
    d.handle_window_events();
    d.drain_inbox();
    d.maintain_state();
    Screen screen = d.current_screen(d.clock.now());
    bool changed = d.redraw || !(screen == d.shown);
    if (changed) d.render(screen);
    d.report_status(false);
    // From the loop itself: systemd restarts a player whose loop hangs (WatchdogSec).
    notify_watchdog();
    return !d.quit;
}

void PlayerApp::run(const std::function<bool()>& should_stop) {
    while (!should_stop() && run_once(kMaxWait)) {
    }
}

void PlayerApp::shutdown() {
    auto& d = *impl_;
    if (!d.started) return;
    d.started = false;
    d.reporter.stop();
    if (d.media) d.media->stop();
    // A clean disconnect sends no last will, so say goodbye ourselves.
    if (d.bus.connected()) {
        auto st = d.bus.publish(offline_status(d.config, d.clock.now()), std::chrono::seconds(1));
        if (!st) d.log->warn("offline status not sent: {}", st.error().message);
    }
    d.bus.stop();
    d.inbox->set_waker({});
    d.renderer.reset();
    d.log->info("signage player stopped");
}

const Screen& PlayerApp::screen() const {
    return impl_->shown;
}
int PlayerApp::frames() const {
    return impl_->frames;
}

}  // namespace alerthub::player
