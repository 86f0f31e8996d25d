#pragma once
// A stand-in for www.data.jma.go.jp on a loopback port (cpp-httplib in the test process):
// serves Atom feeds under /developer/xml/feed/ (with Last-Modified and ETag, answering 304
// to a matching If-Modified-Since / If-None-Match) and telegrams under /developer/xml/data/
// from ../shared/fixtures/jma. A feed or telegram can be told to fail (status, garbage,
// slowness); every request is counted.

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/base/time_format.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::testing {

struct FeedEntrySpec {
    std::string title;
    std::string file;  // telegram file name under /developer/xml/data/
    WallTime updated;
    std::string author = "気象庁本庁";
};

// A JMA-style Atom feed, entries as given (JMA lists newest first).
inline std::string atom_feed(const std::string& base, const std::vector<FeedEntrySpec>& entries,
                             WallTime updated) {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" lang=\"ja\">\n"
        "  <title>高頻度（地震火山）</title>\n  <subtitle>JMAXML publishing feed</subtitle>\n"
        "  <updated>" +
        format_rfc3339_jst(updated) + "</updated>\n  <id>" + base +
        "/developer/xml/feed/eqvol.xml#short</id>\n";
    for (const auto& e : entries) {
        std::string link = base + "/developer/xml/data/" + e.file;
        xml += "  <entry>\n    <title>" + e.title + "</title>\n    <id>" + link +
               "</id>\n    <updated>" + format_rfc3339_jst(e.updated) +
               "</updated>\n    <author>\n      <name>" + e.author +
               "</name>\n    </author>\n    <link type=\"application/xml\" href=\"" + link +
               "\"/>\n    <content type=\"text\">" + e.title + "</content>\n  </entry>\n";
    }
    return xml + "</feed>\n";
}

class JmaFeedServer {
public:
    struct Fault {
        int status = 0;                      // answer this status instead (0: none)
        std::string body;                    // with this body (status 0: a 200 with this body)
        std::chrono::milliseconds delay{0};  // before answering
    };

    JmaFeedServer() {
        server_.Get(
            R"(/developer/xml/(feed|data)/([^/]+))",
            [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 500 && !server_.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ~JmaFeedServer() {
        {
            std::lock_guard lock(mu_);
            closing_ = true;
        }
        closed_.notify_all();
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }

    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string feed_base() const { return base() + "/developer/xml/feed/"; }

    // A new version of /developer/xml/feed/<name>.xml: new validators.
    void set_feed(const std::string& name, std::string body) {
        std::lock_guard lock(mu_);
        auto& f = feeds_[name + ".xml"];
        f.body = std::move(body);
        ++f.version;
    }
    void set_fault(const std::string& path_name, std::optional<Fault> fault) {
        std::lock_guard lock(mu_);
        if (fault)
            faults_[path_name] = *fault;
        else
            faults_.erase(path_name);
    }
    // Serve telegram `name` with these bytes instead of a fixture file.
    void set_telegram(const std::string& name, std::string body) {
        std::lock_guard lock(mu_);
        telegrams_[name] = std::move(body);
    }
    // Servers that ignore If-Modified-Since / If-None-Match (always 200).
    void set_conditional(bool on) {
        std::lock_guard lock(mu_);
        conditional_ = on;
    }

    // How many requests for `name` (a feed or telegram file name), and how many of them got
    // each status.
    int requests(const std::string& name) const {
        std::lock_guard lock(mu_);
        return static_cast<int>(std::count(arrivals_.begin(), arrivals_.end(), name));
    }
    int answered(const std::string& name, int status) const {
        std::lock_guard lock(mu_);
        int n = 0;
        for (const auto& [path, s] : log_)
            if (path == name && s == status) ++n;
        return n;
    }
    int telegram_requests() const {
        std::lock_guard lock(mu_);
        int n = 0;
        for (const auto& path : arrivals_)
            if (!feeds_.count(path)) ++n;
        return n;
    }

private:
    struct Feed {
        std::string body;
        int version = 0;
    };

    static std::optional<std::string> fixture_telegram(const std::string& name) {
        namespace fs = std::filesystem;
        for (const auto& dir : fs::directory_iterator(alerthub::testing::fixtures_dir() / "jma")) {
            auto path = dir.path() / name;
            if (dir.is_directory() && fs::exists(path)) return alerthub::testing::read_file(path);
        }
        return std::nullopt;
    }

    void serve(const httplib::Request& req, httplib::Response& res) {
        const std::string kind = req.matches[1];
        const std::string name = req.matches[2];
        std::optional<Fault> fault;
        {
            std::lock_guard lock(mu_);
            arrivals_.push_back(name);  // counted on arrival: a slow answer may come too late
            if (auto it = faults_.find(name); it != faults_.end()) fault = it->second;
        }
        std::unique_lock lock(mu_);
        if (fault && fault->delay.count() > 0)
            closed_.wait_for(lock, fault->delay, [&] { return closing_; });
        if (fault) {
            res.status = fault->status ? fault->status : 200;
            res.set_content(fault->body, "application/xml");
        } else if (kind == "feed") {
            auto it = feeds_.find(name);
            if (it == feeds_.end()) {
                res.status = 404;
            } else {
                // One fixed day per version: Last-Modified only needs to differ.
                const std::string etag = "\"v" + std::to_string(it->second.version) + "\"";
                const std::string modified =
                    "Mon, 01 Jan 2024 00:" + std::to_string(10 + it->second.version % 50) +
                    ":00 GMT";
                res.set_header("ETag", etag);
                res.set_header("Last-Modified", modified);
                if (conditional_ && (req.get_header_value("If-None-Match") == etag ||
                                     req.get_header_value("If-Modified-Since") == modified)) {
                    res.status = 304;
                } else {
                    res.status = 200;
                    res.set_content(it->second.body, "application/atom+xml");
                }
            }
        } else if (auto it = telegrams_.find(name); it != telegrams_.end()) {
            res.status = 200;
            res.set_content(it->second, "application/xml");
        } else if (auto file = fixture_telegram(name)) {
            res.status = 200;
            res.set_content(*file, "application/xml");
        } else {
            res.status = 404;
        }
        log_.emplace_back(name, res.status);
    }

    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    mutable std::mutex mu_;
    std::condition_variable closed_;  // ends slow answers when the server goes
    bool closing_ = false;
    std::map<std::string, Feed> feeds_;
    std::map<std::string, Fault> faults_;
    std::map<std::string, std::string> telegrams_;
    bool conditional_ = true;
    std::vector<std::string> arrivals_;
    std::vector<std::pair<std::string, int>> log_;
};

}  // namespace alerthub::hub::testing
