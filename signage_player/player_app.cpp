#include "signage_player/player_app.h"

#include <SDL.h>

#include <atomic>
#include <set>
#include <variant>

#include "core/blocking_queue.h"
#include "core/daemon.h"
#include "core/log.h"
#include "core/messages.h"
#include "signage_player/alert_store.h"
#include "signage_player/headless_output.h"
#include "signage_player/screen_layout.h"
#include "signage_player/sdl_renderer.h"
#include "signage_player/state_file.h"
#include "signage_player/status_reporter.h"

namespace alerthub::player {
namespace {

struct ConnectionChange {
    bool connected = false;
};
using Inbound = std::variant<BusMessage, ConnectionChange>;

// Shared with the bus callbacks, which may outlive a turn of the loop.
struct Inbox {
    BlockingQueue<Inbound> queue;
    std::atomic<Uint32> wake_event{0};
    std::atomic<bool> wake_pending{false};

    void push(Inbound item) {
        queue.push(std::move(item));
        // One pending wake-up is enough: the loop drains the whole queue each turn.
        if (Uint32 type = wake_event.load(); type != 0 && !wake_pending.exchange(true)) {
            SDL_Event event{};
            event.type = type;
            SDL_PushEvent(&event);
        }
    }
};

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
        case ApplyOutcome::kRemoved:
            return "removed";
        case ApplyOutcome::kIgnored:
            return "ignored";
        case ApplyOutcome::kRejected:
            return "rejected";
    }
    return "?";
}

bool same_content(const Screen& a, const Screen& b) {
    return a.kind == b.kind && a.alert_id == b.alert_id && a.version == b.version;
}

}  // namespace

BusMessage offline_status(const PlayerConfig& config, WallTime now) {
    DeviceStatus s;
    s.device_id = config.device_id;
    s.online = false;
    s.software_version = ALERTHUB_VERSION;
    s.updated = now;
    return {config.mqtt.topics.device_status(config.device_id), encode_device_status(s), true};
}

struct PlayerApp::Impl {
    PlayerConfig config;
    bool headless;
    MessageBus& bus;
    const Clock& clock;
    std::shared_ptr<spdlog::logger> log = get_logger("player");

    std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
    std::unique_ptr<SdlRenderer> renderer;
    StatusReporter reporter;
    HeadlessOutput output;
    AlertStore store;
    bool connected = false;
    std::optional<SteadyTime> connected_since;
    std::set<std::string> unconfirmed;  // restored from the state file, not yet seen on the bus
    bool state_dirty = false;
    bool started = false;
    bool quit = false;
    bool redraw = true;  // nothing presented yet
    // Only some video drivers can block in SDL_WaitEventTimeout (x11 and wayland in SDL
    // 2.26); the others (offscreen, kmsdrm, ...) poll every millisecond, so with those the
    // loop blocks on the inbox instead and looks at SDL's events when it wakes.
    bool sdl_can_block = false;
    Screen shown;
    int frames = 0;

    Impl(PlayerConfig c, bool h, MessageBus& b, const Clock& cl)
        : config(std::move(c)),
          headless(h),
          bus(b),
          clock(cl),
          reporter(bus, config.mqtt.topics, config.device_id),
          output(config.screenshot_dir) {}

    void handle(BusMessage& msg) {
        std::string id = config.mqtt.topics.id_under("alerts", msg.topic);
        if (id.empty()) {
            log->debug("ignoring message on {}", msg.topic);
            return;
        }
        auto result = store.apply(id, msg.payload);
        if (result.outcome != ApplyOutcome::kRejected) unconfirmed.erase(id);
        if (result.outcome == ApplyOutcome::kAdded || result.outcome == ApplyOutcome::kUpdated ||
            result.outcome == ApplyOutcome::kRemoved)
            state_dirty = true;
        switch (result.outcome) {
            case ApplyOutcome::kRejected:
                // Bad input never reaches the screen: what is shown stays as it was.
                log->warn("[alert={}] rejected payload ({} bytes): {}", id, msg.payload.size(),
                          result.reason);
                break;
            case ApplyOutcome::kIgnored:
                log->debug("[alert={} v={}] ignored: {}", id, result.version, result.reason);
                break;
            default:
                log->debug("[alert={} v={}] {}", id, result.version, outcome_name(result.outcome));
                break;
        }
    }

    void handle(ConnectionChange change) {
        if (change.connected == connected) return;
        connected = change.connected;
        connected_since.reset();
        if (connected) connected_since = clock.steady_now();
        log->info("broker {}", connected ? "connected" : "disconnected");
        // The broker published our last will while we were away: say we are back.
        if (connected) reporter.resend();
    }

    void drain_inbox() {
        inbox->wake_pending = false;
        while (auto item = inbox->queue.pop_for(std::chrono::milliseconds(0)))
            std::visit([&](auto& v) { handle(v); }, *item);
    }

    void restore_state() {
        if (config.state_file.empty()) return;
        auto restored = load_alert_state(config.state_file);
        if (!restored) {
            log->warn("starting without the last known alerts: {}", restored.error().message);
            return;
        }
        for (auto& alert : *restored) {
            if (store.apply(alert.id, encode_alert(alert)).outcome == ApplyOutcome::kAdded)
                unconfirmed.insert(alert.id);
        }
        if (!unconfirmed.empty())
            log->info("restored {} alerts from {}; they stay until the broker says otherwise",
                      unconfirmed.size(), config.state_file);
    }

    // Drops restored alerts the broker did not confirm after a connect, and keeps the
    // state file in step with the store.
    void maintain_state() {
        if (!unconfirmed.empty() && connected_since &&
            clock.steady_now() - *connected_since >= kRestoredGrace) {
            for (auto& id : unconfirmed) {
                log->info("[alert={}] restored alert is no longer on the broker: dropped", id);
                store.remove(id);
            }
            unconfirmed.clear();
            state_dirty = true;
        }
        if (state_dirty && !config.state_file.empty()) {
            auto saved = save_alert_state(config.state_file, store, clock.now());
            if (!saved) log->warn("state file not saved: {}", saved.error().message);
        }
        state_dirty = false;
    }

    void handle_sdl_events() {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT) {
                quit = true;
            } else if (e.type == SDL_WINDOWEVENT) {
                switch (e.window.event) {
                    case SDL_WINDOWEVENT_SIZE_CHANGED:
                        renderer->refresh_size();
                        redraw = true;
                        break;
                    case SDL_WINDOWEVENT_EXPOSED:
                    case SDL_WINDOWEVENT_SHOWN:
                    case SDL_WINDOWEVENT_RESTORED:
                        redraw = true;
                        break;
                    default:
                        break;
                }
            } else if (e.type == SDL_RENDER_TARGETS_RESET || e.type == SDL_RENDER_DEVICE_RESET) {
                redraw = true;
            }
        }
    }

    Screen current_screen(WallTime now) const {
        auto selection = store.select(config.areas, now);
        if (selection.shown)
            return make_alert_screen(*selection.shown, selection.others, now, connected);
        return make_idle_screen(config.ward_name, now, connected);
    }

    void render(const Screen& screen) {
        Frame frame = layout_screen(screen, renderer->width(), renderer->height(), *renderer);
        if (int outside = renderer->draw(frame); outside > 0)
            log->warn("{} text lines drawn outside the window", outside);
        if (frame.truncated)
            log->warn("[alert={} v={}] text cut to fit the screen", screen.alert_id,
                      screen.version);
        std::optional<Image> image;
        if (headless) {
            // Read before presenting: after a present the back buffer is undefined.
            auto captured = renderer->capture();
            if (captured)
                image = std::move(*captured);
            else
                log->error("capture: {}", captured.error().message);
        }
        renderer->present();
        WallTime presented = clock.now();
        ++frames;
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
        DeviceStatus status;
        status.device_id = config.device_id;
        status.online = true;
        if (alert) status.showing.push_back({screen.alert_id, screen.version});
        status.last_frame = presented;
        status.software_version = ALERTHUB_VERSION;
        status.updated = presented;
        reporter.update_status(std::move(status));

        if (image) {
            auto st = output.record(screen, presented, [&](const std::string& path) {
                return write_png(*image, path);
            });
            if (!st) log->error("headless output: {}", st.error().message);
        }
    }
};

PlayerApp::PlayerApp(PlayerConfig config, bool headless, MessageBus& bus, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), headless, bus, clock)) {}

PlayerApp::~PlayerApp() {
    shutdown();
}

Status PlayerApp::start() {
    auto& d = *impl_;
    if (d.headless) {
        if (auto st = d.output.prepare(); !st) return st;
    }
    RendererOptions options;
    options.width = d.config.display.width;
    options.height = d.config.display.height;
    options.fullscreen = d.config.display.fullscreen;
    options.offscreen = d.headless;
    options.font = d.config.display.font;
    options.bold_font = d.config.display.bold_font;
    auto renderer = SdlRenderer::create(options);
    if (!renderer) return renderer.error();
    d.renderer = std::move(*renderer);
    Uint32 wake = SDL_RegisterEvents(1);
    if (wake == static_cast<Uint32>(-1))
        return make_error(ErrorCode::kInternal, "SDL_RegisterEvents: no user events left");
    d.inbox->wake_event = wake;
    const char* driver = SDL_GetCurrentVideoDriver();
    std::string_view driver_name = driver ? driver : "";
    d.sdl_can_block = driver_name == "x11" || driver_name == "wayland";
    d.restore_state();

    // Subscribe before starting: the bus subscribes on every connect, and retained and
    // queued messages arrive right after it.
    d.bus.subscribe(d.config.mqtt.topics.all_alerts());
    std::weak_ptr<Inbox> weak = d.inbox;
    d.bus.start(
        [weak](BusMessage msg) {
            if (auto inbox = weak.lock()) inbox->push(std::move(msg));
        },
        [weak](bool connected) {
            if (auto inbox = weak.lock()) inbox->push(ConnectionChange{connected});
        });
    d.reporter.start();
    d.started = true;
    d.log->info("signage player {} started: device {}, areas [{}], {}x{} on {}{}", ALERTHUB_VERSION,
                d.config.device_id, fmt::join(d.config.areas, ", "), d.renderer->width(),
                d.renderer->height(), driver_name, d.headless ? " (headless)" : "");
    return {};
}

bool PlayerApp::run_once(std::chrono::milliseconds max_wait) {
    auto& d = *impl_;
    if (!d.started || d.quit) return false;
    auto wait = std::min(max_wait, until_next_minute(d.clock.now()));
    if (d.redraw) wait = std::chrono::milliseconds(0);
    if (wait.count() > 0) {
        if (d.sdl_can_block) {
            SDL_WaitEventTimeout(nullptr, static_cast<int>(wait.count()));
        } else if (auto item = d.inbox->queue.pop_for(wait)) {
            std::visit([&](auto& v) { d.handle(v); }, *item);
        }
    }
    d.handle_sdl_events();
    d.drain_inbox();
    d.maintain_state();
    Screen screen = d.current_screen(d.clock.now());
    if (d.redraw || !(screen == d.shown)) d.render(screen);
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
    // A clean disconnect sends no last will, so say goodbye ourselves.
    if (d.bus.connected()) {
        auto st = d.bus.publish(offline_status(d.config, d.clock.now()), std::chrono::seconds(1));
        if (!st) d.log->warn("offline status not sent: {}", st.error().message);
    }
    d.bus.stop();
    d.inbox->wake_event = 0;
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
