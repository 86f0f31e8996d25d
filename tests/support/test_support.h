#pragma once
// Shared by tests: temp dirs, free ports, polling waits, a real Mosquitto on loopback, the
// shared fixtures. No sleeps in assertions: use wait_for.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

namespace alerthub::testing {

// ../shared/fixtures (real JMA, CAP and LINE files).
std::filesystem::path fixtures_dir();
// tests/fixtures (constructed files, each documented in its README).
std::filesystem::path project_fixtures_dir();
// The build's binaries (alerthub-hub, hubctl, ...).
std::filesystem::path binary_dir();

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view content);

// A fresh directory under $TMPDIR, removed with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// A loopback TCP port that was free a moment ago.
int free_port();

// Polls `predicate` every 10 ms until it holds or `timeout` has passed. The result converts
// to bool and, in ASSERT_TRUE / EXPECT_TRUE, says what was not met and how long it waited:
//   "condition at tests/unit/x/y_test.cpp:42 not met within 5000 ms"
// The second form names the condition: wait_for("the hub's ack", [&] { ... }).
::testing::AssertionResult wait_for(const std::function<bool()>& predicate,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                    std::source_location where = std::source_location::current());
::testing::AssertionResult wait_for(std::string_view what, const std::function<bool()>& predicate,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                    std::source_location where = std::source_location::current());

// A child process with its own process group; killed (SIGTERM, then SIGKILL) on destruction.
class ChildProcess {
public:
    ChildProcess(std::vector<std::string> argv, const std::filesystem::path& log_file,
                 std::vector<std::string> env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    pid_t pid() const { return pid_; }
    bool running();
    // SIGTERM and wait; returns the exit status (or 128+signal).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    void kill9();

private:
    pid_t pid_ = -1;
    int exit_status_ = -1;
};

// A real mosquitto on 127.0.0.1 with persistence in its own temp dir. Fails the test
// (never skips) when mosquitto is missing.
class MosquittoBroker {
public:
    MosquittoBroker();
    // From the caller's config (e.g. config/mosquitto/production.conf with its paths
    // replaced): "{port}" becomes a free port, "{dir}" the broker's own temp dir (persistence
    // and "{dir}/broker.log", which log() reads). Ready when {port} accepts connections.
    explicit MosquittoBroker(std::string config_template);
    ~MosquittoBroker();
    int port() const { return port_; }
    std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
    void stop();    // SIGTERM: persistence is saved
    void start();   // again, same port and data
    void reload();  // SIGHUP: password and ACL files are read again
    std::string log() const;

private:
    TempDir dir_;
    int port_;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace alerthub::testing
