#include "core/base/daemon.h"

#include <systemd/sd-daemon.h>

#include <atomic>
#include <csignal>

namespace alerthub {
namespace {
// The one piece of process-wide state: a signal handler has nowhere else to write.
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}
}  // namespace

void install_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() {
    return g_stop.load();
}
void request_stop() {
    g_stop.store(true);
}

void notify_ready() {
    sd_notify(0, "READY=1");
}
void notify_watchdog() {
    sd_notify(0, "WATCHDOG=1");
}
void notify_stopping() {
    sd_notify(0, "STOPPING=1");
}

}  // namespace alerthub
