#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace alerthub::testing {
namespace fs = std::filesystem;

fs::path fixtures_dir() {
    return ALERTHUB_SHARED_FIXTURES;
}
fs::path project_fixtures_dir() {
    return ALERTHUB_PROJECT_FIXTURES;
}
fs::path binary_dir() {
    return ALERTHUB_BINARY_DIR;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

void write_file(const fs::path& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "alerthub-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("bind failed");
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

namespace {

// The call's file from the repository root down ("tests/unit/..."), and its line.
std::string call_site(const std::source_location& where) {
    std::string_view file = where.file_name();
    if (auto at = file.rfind("/tests/"); at != std::string_view::npos) file.remove_prefix(at + 1);
    return fmt::format("{}:{}", file, where.line());
}

::testing::AssertionResult poll(std::string what, const std::function<bool()>& predicate,
                                std::chrono::milliseconds timeout) {
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + timeout;
    bool met = false;
    while (std::chrono::steady_clock::now() < deadline) {
        if ((met = predicate())) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!met) met = predicate();
    if (!met)
        return ::testing::AssertionFailure()
               << what << " not met within " << timeout.count() << " ms";
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return ::testing::AssertionSuccess() << what << " met after " << waited.count() << " ms";
}

}  // namespace

::testing::AssertionResult wait_for(const std::function<bool()>& predicate,
                                    std::chrono::milliseconds timeout, std::source_location where) {
    return poll("condition at " + call_site(where), predicate, timeout);
}

::testing::AssertionResult wait_for(std::string_view what, const std::function<bool()>& predicate,
                                    std::chrono::milliseconds timeout, std::source_location where) {
    return poll(fmt::format("{} ({})", what, call_site(where)), predicate, timeout);
}

ChildProcess::ChildProcess(std::vector<std::string> argv, const fs::path& log_file,
                           std::vector<std::string> env) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        setpgid(0, 0);
        // Dies with the test even when the test crashes and no destructor runs.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        for (auto& e : env) putenv(e.data());
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && exit_status_ < 0) stop(std::chrono::seconds(3));
}

bool ChildProcess::running() {
    if (exit_status_ >= 0) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!running()) return exit_status_;
    kill(pid_, SIGTERM);
    if (!wait_for([&] { return !running(); }, grace)) {
        kill9();
    }
    return exit_status_;
}

void ChildProcess::kill9() {
    if (!running()) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_status_ = 128 + SIGKILL;
}

MosquittoBroker::MosquittoBroker() : port_(free_port()) {
    fs::create_directories(dir_ / "data");
    std::ostringstream conf;
    conf << "per_listener_settings false\n"
         << "user root\n"  // as root it would switch users and lose persistence
         << "listener " << port_ << " 127.0.0.1\n"
         << "allow_anonymous true\n"
         << "persistence true\n"
         << "persistence_location " << (dir_ / "data").string() << "/\n"
         << "autosave_interval 1\n"
         << "set_tcp_nodelay true\n"
         << "max_inflight_messages 0\n"
         << "max_queued_messages 0\n"
         << "log_dest file " << (dir_ / "broker.log").string() << "\n"
         << "log_type error\nlog_type warning\nlog_type notice\n";
    write_file(dir_ / "mosquitto.conf", conf.str());
    start();
}

MosquittoBroker::MosquittoBroker(std::string config_template) : port_(free_port()) {
    fs::create_directories(dir_ / "data");
    auto replace_all = [&](std::string_view from, const std::string& to) {
        for (auto at = config_template.find(from); at != std::string::npos;
             at = config_template.find(from, at + to.size()))
            config_template.replace(at, from.size(), to);
    };
    replace_all("{port}", std::to_string(port_));
    replace_all("{dir}", dir_.path().string());
    write_file(dir_ / "mosquitto.conf", config_template);
    start();
}

void MosquittoBroker::reload() {
    if (process_) kill(process_->pid(), SIGHUP);
}

MosquittoBroker::~MosquittoBroker() {
    stop();
}

void MosquittoBroker::start() {
    const char* bin = "/usr/sbin/mosquitto";
    if (access(bin, X_OK) != 0)
        throw std::runtime_error("mosquitto not installed (scripts/install-deps)");
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{bin, "-c", (dir_ / "mosquitto.conf").string()},
        dir_ / "stdout.log");
    // Ready when it accepts a TCP connection.
    bool up = wait_for("mosquitto accepting connections", [&] {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port_));
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        close(fd);
        return ok;
    });
    if (!up) throw std::runtime_error("mosquitto did not start: " + log());
}

void MosquittoBroker::stop() {
    if (process_) process_->stop();
    process_.reset();
}

std::string MosquittoBroker::log() const {
    std::error_code ec;
    std::string out;
    for (auto name : {"stdout.log", "broker.log"})
        if (fs::exists(dir_ / name, ec)) out += read_file(dir_ / name);
    return out;
}

}  // namespace alerthub::testing
