// The production broker set-up (config/mosquitto/production.conf and alerthub.acl, with
// identities made by scripts/broker-identity) against PahoMessageBus over TLS, with
// certificates made for the test (tests/support/make-test-certs): who may connect, who may
// publish where, the client id bound to the identity, revocation, and TLS failures that
// say why.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "core/mqtt/paho_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::MosquittoBroker;
using testing::read_file;
using testing::TempDir;
using testing::wait_for;
using testing::write_file;

const fs::path kRepo = testing::project_fixtures_dir().parent_path().parent_path();
constexpr std::string_view kRoot = "alerthub/v1";

void run(const std::string& command) {
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// Collects what a bus receives and whether it is connected (handlers run on Paho's thread).
struct Inbox {
    std::mutex mu;
    std::vector<BusMessage> messages;
    bool connected = false;
    int disconnects = 0;

    MessageHandler handler() {
        return [this](BusMessage m) {
            std::lock_guard lock(mu);
            messages.push_back(std::move(m));
        };
    }
    ConnectionHandler on_connection() {
        return [this](bool c) {
            std::lock_guard lock(mu);
            if (connected && !c) ++disconnects;
            connected = c;
        };
    }
    std::vector<std::string> topics() {
        std::lock_guard lock(mu);
        std::vector<std::string> out;
        for (auto& m : messages) out.push_back(m.topic);
        return out;
    }
    bool has(const std::string& topic) {
        for (auto& t : topics())
            if (t == topic) return true;
        return false;
    }
    int disconnect_count() {
        std::lock_guard lock(mu);
        return disconnects;
    }
};

// One client of the broker: a bus with its inbox.
struct Client {
    std::unique_ptr<PahoMessageBus> bus;
    Inbox inbox;

    Client(MqttSettings settings, std::vector<std::string> filters) {
        bus = std::make_unique<PahoMessageBus>(std::move(settings));
        for (auto& f : filters) bus->subscribe(f);
        bus->start(inbox.handler(), inbox.on_connection());
    }
    ~Client() { bus->stop(); }
};

class MqttSecurityTest : public ::testing::Test {
protected:
    void SetUp() override {
        run((kRepo / "tests/support/make-test-certs").string() + " " + pki_.path().string());
        acl_ = pki_ / "alerthub.acl";
        fs::copy_file(kRepo / "config/mosquitto/alerthub.acl", acl_);
        // The shipped ACL lists the hub and the adapters: add only sets their passwords.
        add("alerthub-hub", "hub");
        add("alerthub-line", "adapter line");
        add("station-1", "player lobby");
        add("station-2", "player lobby");
        add("ops-monitor", "monitor");
        fs::permissions(pki_ / "alerthub.passwd", fs::perms::owner_read | fs::perms::owner_write |
                                                      fs::perms::group_read |
                                                      fs::perms::others_read);
        broker_ = std::make_unique<MosquittoBroker>(production_config(pki_ / "broker.crt"));
        monitor_ = std::make_unique<Client>(identity("ops-monitor"),
                                            std::vector<std::string>{std::string(kRoot) + "/#"});
        ASSERT_TRUE(wait_for("the monitor connected", [&] { return monitor_->bus->connected(); }))
            << monitor_->bus->last_connect_error() << "\n"
            << broker_->log();
    }

    void identity_script(const std::string& args) {
        run((kRepo / "scripts/broker-identity").string() + " --acl " + acl_.string() +
            " --passwd " + (pki_ / "alerthub.passwd").string() + " " + args + " 2>/dev/null");
    }
    void add(const std::string& name, const std::string& role) {
        identity_script("add " + name + " " + role + " --out " + (pki_ / (name + ".pw")).string());
    }

    // config/mosquitto/production.conf with the test's files, a loopback port and the test's
    // user (as root, mosquitto would switch to the mosquitto user and lose its folder).
    std::string production_config(const fs::path& broker_cert, const std::string& extra = "") {
        auto conf = read_file(kRepo / "config/mosquitto/production.conf");
        replace_all(conf, "listener 8883", "listener {port} 127.0.0.1");
        replace_all(conf, "/etc/mosquitto/certs/broker.crt", broker_cert.string());
        replace_all(conf, "/etc/mosquitto/certs/broker.key",
                    fs::path(broker_cert).replace_extension(".key").string());
        replace_all(conf, "/etc/mosquitto/ca_certificates/alerthub-ca.crt",
                    (pki_ / "ca.crt").string());
        replace_all(conf, "/etc/mosquitto/alerthub.passwd", (pki_ / "alerthub.passwd").string());
        replace_all(conf, "/etc/mosquitto/alerthub.acl", acl_.string());
        replace_all(conf, "/var/lib/mosquitto/", "{dir}/data/");
        replace_all(conf, "pid_file /run/mosquitto/mosquitto.pid", "user root");
        replace_all(conf, "log_dest syslog", "log_dest file {dir}/broker.log");
        EXPECT_NE(conf.find("allow_anonymous false"), std::string::npos);
        return conf + extra;
    }

    std::string uri() const { return "ssl://127.0.0.1:" + std::to_string(broker_->port()); }

    // The settings a binary's [mqtt] section gives: identity, password file, the CA.
    MqttSettings identity(const std::string& name) {
        MqttSettings s;
        s.uri = uri();
        s.client_id = name;
        s.username = name;
        s.password = read_file(pki_ / (name + ".pw"));
        while (!s.password.empty() && s.password.back() == '\n') s.password.pop_back();
        s.tls_ca_file = (pki_ / "ca.crt").string();
        s.keep_alive_s = 5;
        return s;
    }

    std::string topic(const std::string& rest) const { return std::string(kRoot) + "/" + rest; }

    // Publishes `sentinel` as `client` after whatever it tried before: the broker keeps one
    // client's messages in order, so once the monitor has the sentinel, anything earlier
    // that the broker let through would be there too.
    void settle(Client& client, const std::string& sentinel) {
        ASSERT_TRUE(client.bus->publish({sentinel, "{}", false}, 2s).ok());
        ASSERT_TRUE(
            wait_for("the monitor saw " + sentinel, [&] { return monitor_->inbox.has(sentinel); }));
    }

    TempDir pki_;
    fs::path acl_;
    std::unique_ptr<MosquittoBroker> broker_;
    std::unique_ptr<Client> monitor_;
};

TEST_F(MqttSecurityTest, HubPlayerAndAdapterConnectOverTlsAndAnAlertFlows) {
    Client player(identity("station-1"),
                  {topic("alerts/+"), topic("content/lobby"), topic("devices/station-1/cmd")});
    Client adapter(identity("alerthub-line"), {topic("jobs/line")});
    Client hub(identity("alerthub-hub"), {topic("receipts/+"), topic("devices/+/ack")});
    ASSERT_TRUE(wait_for("all three connected over TLS", [&] {
        return player.bus->connected() && adapter.bus->connected() && hub.bus->connected();
    })) << broker_->log();

    ASSERT_TRUE(hub.bus->publish({topic("alerts/a1"), "{\"version\":1}", true}, 2s).ok());
    ASSERT_TRUE(hub.bus->publish({topic("jobs/line"), "{\"job\":1}", false}, 2s).ok());
    ASSERT_TRUE(hub.bus->publish({topic("devices/station-1/cmd"), "{}", false}, 2s).ok());
    EXPECT_TRUE(wait_for("the alert and the command on the player", [&] {
        return player.inbox.has(topic("alerts/a1")) &&
               player.inbox.has(topic("devices/station-1/cmd"));
    }));
    EXPECT_TRUE(
        wait_for("the job on the adapter", [&] { return adapter.inbox.has(topic("jobs/line")); }));
    ASSERT_TRUE(player.bus->publish({topic("devices/station-1/ack"), "{}", false}, 2s).ok());
    ASSERT_TRUE(adapter.bus->publish({topic("receipts/line"), "{}", false}, 2s).ok());
    EXPECT_TRUE(wait_for("the ack and the receipt at the hub", [&] {
        return hub.inbox.has(topic("devices/station-1/ack")) &&
               hub.inbox.has(topic("receipts/line"));
    }));
    EXPECT_EQ(player.bus->protocol_version(), 5);
}

TEST_F(MqttSecurityTest, AnonymousAndWrongPasswordClientsAreRefused) {
    auto anonymous = identity("station-1");
    anonymous.username.clear();
    anonymous.password.clear();
    anonymous.client_id = "anonymous-attacker";
    Client a(anonymous, {topic("#")});
    auto guessing = identity("station-1");
    guessing.password = "station-1";
    guessing.client_id = "station-1";
    Client g(guessing, {topic("#")});
    ASSERT_TRUE(wait_for("both refused", [&] {
        return !a.bus->last_connect_error().empty() && !g.bus->last_connect_error().empty();
    }));
    EXPECT_FALSE(a.bus->connected());
    EXPECT_FALSE(g.bus->connected());
    EXPECT_NE(a.bus->last_connect_error().find("Not authorized"), std::string::npos)
        << a.bus->last_connect_error();
    EXPECT_NE(g.bus->last_connect_error().find("Not authorized"), std::string::npos)
        << g.bus->last_connect_error();
}

TEST_F(MqttSecurityTest, APlayerWritesOnlyItsOwnStatusAckAndScreenshots) {
    Client player(identity("station-1"), {});
    ASSERT_TRUE(wait_for([&] { return player.bus->connected(); }));
    // A forged alert, job, command, content list and another screen's status and ack: the
    // broker drops each (MQTT 5 answers "not authorized"; Paho may or may not report it).
    for (auto forged : {"alerts/forged", "jobs/mail", "devices/station-2/cmd", "content/lobby",
                        "devices/station-2/status", "devices/station-2/ack", "receipts/line"})
        (void)player.bus->publish({topic(forged), "{\"forged\":true}", false}, 2s);
    ASSERT_TRUE(player.bus->publish({topic("devices/station-1/status"), "{}", true}, 2s).ok())
        << broker_->log();
    ASSERT_TRUE(
        player.bus->publish({topic("devices/station-1/screenshot/r1"), "PNG", false}, 2s).ok());
    settle(player, topic("devices/station-1/ack"));
    std::vector<std::string> expected = {topic("devices/station-1/status"),
                                         topic("devices/station-1/screenshot/r1"),
                                         topic("devices/station-1/ack")};
    EXPECT_EQ(monitor_->inbox.topics(), expected);
}

// The facilities each screen shows (issue 15): players read every location's list, and only
// the hub writes one; an intruder's list never reaches the broker, retained or not.
TEST_F(MqttSecurityTest, OnlyTheHubWritesTheScreensFacilitiesAndPlayersReadThem) {
    Client intruder(identity("station-2"), {});
    Client hub(identity("alerthub-hub"), {});
    ASSERT_TRUE(wait_for([&] { return intruder.bus->connected() && hub.bus->connected(); }));
    (void)intruder.bus->publish({topic("facilities/roppongi"), "{\"forged\":true}", true}, 2s);
    settle(intruder, topic("devices/station-2/ack"));
    ASSERT_TRUE(hub.bus->publish({topic("facilities/roppongi"), "{\"hub\":true}", true}, 2s).ok());
    Client player(identity("station-1"), {topic("facilities/+")});
    ASSERT_TRUE(wait_for("the hub's retained list on the player",
                         [&] { return player.inbox.has(topic("facilities/roppongi")); }));
    settle(hub, topic("alerts/sentinel"));
    int lists = 0;
    for (auto& t : monitor_->inbox.topics()) lists += t == topic("facilities/roppongi");
    EXPECT_EQ(lists, 1);  // the hub's; the intruder's was dropped
    EXPECT_EQ(player.inbox.topics(), std::vector<std::string>{topic("facilities/roppongi")});
}

TEST_F(MqttSecurityTest, APlayerReadsItsGroupsContentAndItsOwnCommandsOnly) {
    Client hub(identity("alerthub-hub"), {});
    ASSERT_TRUE(wait_for([&] { return hub.bus->connected(); }));
    for (auto t : {"content/lobby", "content/ticket-hall", "devices/station-1/cmd",
                   "devices/station-2/cmd", "alerts/a1"})
        ASSERT_TRUE(hub.bus->publish({topic(t), "{}", true}, 2s).ok());
    // Wildcards reach only what the ACL grants: retained messages included.
    Client player(identity("station-1"), {topic("content/+"), topic("devices/+/cmd"),
                                          topic("alerts/+"), topic("receipts/+")});
    ASSERT_TRUE(
        wait_for("the player's alert", [&] { return player.inbox.has(topic("alerts/a1")); }));
    Client station2(identity("station-2"), {});
    ASSERT_TRUE(wait_for([&] { return station2.bus->connected(); }));
    settle(hub, topic("devices/station-1/cmd"));
    ASSERT_TRUE(wait_for("the live command", [&] {
        int n = 0;
        for (auto& t : player.inbox.topics()) n += t == topic("devices/station-1/cmd");
        return n == 2;  // the retained one and the live one
    }));
    for (auto& t : player.inbox.topics()) {
        EXPECT_NE(t, topic("content/ticket-hall"));
        EXPECT_NE(t, topic("devices/station-2/cmd"));
    }
    EXPECT_TRUE(player.inbox.has(topic("content/lobby")));
}

TEST_F(MqttSecurityTest, TheClientIdIsBoundToTheIdentity) {
    Client real(identity("station-1"), {topic("devices/station-1/cmd")});
    ASSERT_TRUE(wait_for([&] { return real.bus->connected(); }));
    // station-2's identity (a stolen box) asks for station-1's client id: the broker uses
    // the username instead, so the real screen's session is not taken over.
    auto thief = identity("station-2");
    thief.client_id = "station-1";
    Client stolen(thief, {});
    ASSERT_TRUE(wait_for([&] { return stolen.bus->connected(); }));
    (void)stolen.bus->publish({topic("devices/station-1/status"), "{\"forged\":1}", true}, 2s);
    settle(stolen, topic("devices/station-2/status"));
    EXPECT_FALSE(monitor_->inbox.has(topic("devices/station-1/status")));
    EXPECT_TRUE(real.bus->connected());
    EXPECT_EQ(real.inbox.disconnect_count(), 0);
    EXPECT_NE(broker_->log().find("as station-2"), std::string::npos) << broker_->log();
}

TEST_F(MqttSecurityTest, RevokedIdentityIsDisconnectedAtReloadAndRotationNeedsTheNewPassword) {
    Client doomed(identity("station-2"), {});
    Client rotated(identity("station-1"), {});
    ASSERT_TRUE(wait_for([&] { return doomed.bus->connected() && rotated.bus->connected(); }));
    identity_script("revoke station-2");
    identity_script("rotate station-1 --out " + (pki_ / "station-1.new").string());
    broker_->reload();
    EXPECT_TRUE(wait_for(
        "the revoked and the rotated identity refused",
        [&] {
            return doomed.inbox.disconnect_count() > 0 && rotated.inbox.disconnect_count() > 0 &&
                   !doomed.bus->last_connect_error().empty() &&
                   !rotated.bus->last_connect_error().empty();
        },
        15s));
    EXPECT_FALSE(doomed.bus->connected());
    EXPECT_EQ(read_file(acl_).find("station-2"), std::string::npos);

    auto renewed = identity("station-1");
    renewed.password = read_file(pki_ / "station-1.new");
    renewed.password.pop_back();
    Client again(renewed, {});
    EXPECT_TRUE(wait_for("the rotated password works", [&] { return again.bus->connected(); }));
}

TEST_F(MqttSecurityTest, AnotherCaFailsWithOpenSslsReason) {
    auto s = identity("station-1");
    s.tls_ca_file = (pki_ / "other-ca.crt").string();
    Client c(s, {});
    ASSERT_TRUE(wait_for([&] { return !c.bus->last_connect_error().empty(); }));
    EXPECT_FALSE(c.bus->connected());
    EXPECT_NE(c.bus->last_connect_error().find("certificate verify failed"), std::string::npos)
        << c.bus->last_connect_error();
}

TEST_F(MqttSecurityTest, PlainTcpToTheTlsListenerNeverConnects) {
    auto s = identity("station-1");
    s.uri = "tcp://127.0.0.1:" + std::to_string(broker_->port());
    Client c(s, {});
    ASSERT_TRUE(wait_for([&] { return !c.bus->last_connect_error().empty(); }, 15s));
    EXPECT_FALSE(c.bus->connected());
}

TEST_F(MqttSecurityTest, ABrokerCertificateForAnotherNameIsRefused) {
    // Signed by the right CA, but for broker.elsewhere.example, not 127.0.0.1.
    MosquittoBroker impostor(production_config(pki_ / "elsewhere.crt"));
    auto s = identity("station-1");
    s.uri = "ssl://127.0.0.1:" + std::to_string(impostor.port());
    Client c(s, {});
    ASSERT_TRUE(wait_for([&] { return !c.bus->last_connect_error().empty(); }));
    EXPECT_FALSE(c.bus->connected());
    EXPECT_NE(c.bus->last_connect_error().find("certificate does not name the host"),
              std::string::npos)
        << c.bus->last_connect_error();
    EXPECT_NE(impostor.log().find("New connection from 127.0.0.1"), std::string::npos)
        << "the impostor was reached: " << impostor.log();
}

TEST_F(MqttSecurityTest, ClientCertificateIsOfferedWhenTheBrokerRequiresOne) {
    MosquittoBroker strict(production_config(pki_ / "broker.crt") + "require_certificate true\n");
    auto without = identity("station-1");
    without.uri = "ssl://127.0.0.1:" + std::to_string(strict.port());
    auto with = without;
    with.client_id = with.username = "station-2";
    with.password = identity("station-2").password;
    with.tls_cert_file = (pki_ / "client.crt").string();
    with.tls_key_file = (pki_ / "client.key").string();
    Client refused(without, {});
    Client accepted(with, {});
    EXPECT_TRUE(wait_for("the client with a certificate connected",
                         [&] { return accepted.bus->connected(); }))
        << accepted.bus->last_connect_error() << "\n"
        << strict.log();
    ASSERT_TRUE(wait_for([&] { return !refused.bus->last_connect_error().empty(); }));
    EXPECT_FALSE(refused.bus->connected());
}

}  // namespace
}  // namespace alerthub
