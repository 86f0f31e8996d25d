#pragma once
// A local HTTP server for media tests: each path answers with a status, a body and an
// optional delay, and every request is counted. Loopback only.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/test_support.h"

namespace alerthub::testing {

class MediaServer {
public:
    struct Answer {
        int status = 200;
        std::string body;
        std::chrono::milliseconds delay{0};
    };

    MediaServer() {
        server_.set_keep_alive_max_count(1);
        server_.Get(R"(/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
            Answer answer;
            {
                std::lock_guard lock(mu_);
                ++requests_[req.path];
                auto it = answers_.find(req.path);
                answer = it == answers_.end() ? Answer{404, "not found", {}} : it->second;
            }
            // Sleep in small steps so that stop() never waits out a long delay.
            auto until = std::chrono::steady_clock::now() + answer.delay;
            while (std::chrono::steady_clock::now() < until && !stopping_)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            res.status = answer.status;
            res.set_content(answer.body, "application/octet-stream");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        wait_for([&] { return server_.is_running(); });
    }
    ~MediaServer() {
        stopping_ = true;
        server_.stop();
        thread_.join();
    }

    void set(const std::string& path, Answer answer) {
        std::lock_guard lock(mu_);
        answers_[path] = std::move(answer);
    }
    int requests(const std::string& path) {
        std::lock_guard lock(mu_);
        return requests_[path];
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::mutex mu_;
    std::map<std::string, Answer> answers_;
    std::map<std::string, int> requests_;
};

}  // namespace alerthub::testing
