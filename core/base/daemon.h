#pragma once
// Daemon plumbing shared by every binary: signals set a flag and the loop notices;
// systemd readiness, watchdog and stopping notifications (no-ops outside systemd).

namespace alerthub {

// SIGINT and SIGTERM set the stop flag; SIGPIPE is ignored.
void install_stop_signals();
bool stop_requested();
void request_stop();

void notify_ready();
void notify_watchdog();
void notify_stopping();

}  // namespace alerthub
