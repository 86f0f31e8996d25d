#pragma once
// The mail adapter daemon: the delivery loop with the mail channel on {root}/jobs/mail,
// receipts on {root}/receipts/mail, and the resident pages (registration, preferences,
// unsubscribe). main() chooses the technologies (Paho, libcurl's SMTP, the system clock)
// and hands them in; tests give fakes.
//
// Threads: run() is the delivery loop's owner thread; the delivery's SMTP connections send
// from the channel's workers; the resident pages have their own SQLite connection, SMTP
// client and server thread.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_metrics.h"
#include "adapters/common/delivery_store.h"
#include "adapters/mail/mail_channel.h"
#include "adapters/mail/mail_config.h"
#include "adapters/mail/registration.h"
#include "adapters/mail/smtp_client.h"
#include "adapters/mail/subscriber_store.h"
#include "adapters/mail/web_server.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/http/monitoring_server.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::mail {

class MailApp {
public:
    // `towns`: the config's town blocks (empty: whole-ward only). `connections`: one SMTP
    // client per parallel delivery connection; `web_smtp`: the resident pages' own (needed
    // only with [web]). `stopping`: once true, run() returns and no new mail is started.
    // Everything given by reference or pointer must outlive the app.
    MailApp(MailConfig config, TownBlocks towns, MessageBus& bus,
            std::vector<SmtpClient*> connections, SmtpClient* web_smtp, const Clock& clock,
            std::function<bool()> stopping);
    ~MailApp();
    MailApp(const MailApp&) = delete;
    MailApp& operator=(const MailApp&) = delete;

    // Opens the state, resumes pending jobs, starts the bus and the resident pages.
    // Fails (logged by the caller) on the first problem.
    Status start();

    // The delivery loop until `stopping` says so (pinging the systemd watchdog).
    void run();
    // One turn of it, for tests.
    void poll(std::chrono::milliseconds max_wait);

    // After run(): stops the resident pages and the bus. Unfinished jobs resume next start.
    void stop();

    int web_port() const;         // 0 without [web]
    int monitoring_port() const;  // 0 when [monitoring] is off
    std::size_t active_jobs() const;

private:
    Status start_web(const MailLinks& links);

    MailConfig config_;
    TownBlocks towns_;
    MessageBus& bus_;
    std::vector<SmtpClient*> connections_;
    SmtpClient* web_smtp_;
    const Clock& clock_;
    std::function<bool()> stopping_;
    std::shared_ptr<spdlog::logger> log_;

    std::optional<DeliveryStore> store_;
    std::optional<SubscriberStore> subscribers_;
    std::unique_ptr<MailChannel> channel_;
    std::unique_ptr<DeliveryLoop> loop_;
    // The resident pages: their own SQLite connection, off the delivery thread.
    std::optional<SubscriberStore> web_store_;
    std::unique_ptr<Registration> registration_;
    std::unique_ptr<WebServer> web_;
    bool started_ = false;
    std::unique_ptr<DeliveryMetrics> metrics_;
    std::unique_ptr<MonitoringServer> monitoring_;
};

// For the delivery's SMTP clients: true once `stopping` has been true for `grace` (a
// steady-clock second in the daemon). A mail in flight at shutdown gets that long to be
// answered (aborted, it would be sent again after the restart); a silent server does not
// hold the shutdown longer.
std::function<bool()> stopping_after_grace(std::function<bool()> stopping,
                                           std::chrono::milliseconds grace);

}  // namespace alerthub::mail
