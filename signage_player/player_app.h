#pragma once
// The player: the main loop, alert store, playlist, screen selection, status, acks and
// commands. It draws through a Renderer (SdlRenderer in the binary, NullRenderer in the
// logic's unit tests) and takes the window's events from it.
//
// Threads: Paho's callbacks and the media cache only push to the inbox and wake the main
// thread through the renderer's waker; the main thread owns every piece of player state
// and makes every renderer call. Status, acks and screenshots go out through
// StatusReporter's own thread; media downloads run on MediaCache's.

#include <chrono>
#include <functional>
#include <memory>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/mqtt/message_bus.h"
#include "signage_player/player_config.h"
#include "signage_player/renderer.h"
#include "signage_player/screen.h"

namespace alerthub::player {

class PlayerApp {
public:
    // The loop wakes at least this often to notice a stop request.
    static constexpr std::chrono::milliseconds kMaxWait{500};
    // Retained messages arrive right after a connect; an alert restored from the state file
    // that the broker has not confirmed by then is gone from the broker, so it is dropped.
    static constexpr std::chrono::seconds kRestoredGrace{10};
    // The retained status goes out on every change and at least this often (fps, liveness).
    static constexpr std::chrono::seconds kStatusInterval{30};
    // While connected, the state file's "confirmed at" time is refreshed this often.
    static constexpr std::chrono::seconds kConfirmedSaveInterval{600};

    // `make_renderer` is called by start(), on the main thread. `headless`: the renderer is
    // asked for an offscreen window and every frame is also written as PNG to the
    // screenshot folder (HeadlessOutput).
    PlayerApp(PlayerConfig config, bool headless, MessageBus& bus, const Clock& clock,
              RendererFactory make_renderer);
    ~PlayerApp();
    PlayerApp(const PlayerApp&) = delete;
    PlayerApp& operator=(const PlayerApp&) = delete;

    // Makes the renderer (the window and fonts), starts the bus and the reporter. Call on
    // the main thread.
    Status start();
    // One turn of the loop: waits up to `max_wait` for messages or window events, handles
    // them, and renders if what belongs on screen changed. False once the window was closed.
    bool run_once(std::chrono::milliseconds max_wait);
    // Loops until `should_stop` or the window is closed.
    void run(const std::function<bool()>& should_stop);
    // Publishes the offline status, stops the reporter and the bus, closes the window.
    void shutdown();

    // What was last presented, and how many frames have been presented.
    const Screen& screen() const;
    int frames() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The status message for the last will and for a clean shutdown.
BusMessage offline_status(const PlayerConfig& config, WallTime now);

}  // namespace alerthub::player
