#include "core/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

// Sends `request` as it is and returns everything the server answers until it closes the
// connection (or 3 s pass: then what came so far).
std::string raw_exchange(int port, const std::string& request) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("connect failed");
    }
    timeval timeout{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string answer;
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
    close(fd);
    return answer;
}

class HttpServerTest : public ::testing::Test {
protected:
    void start(HttpServerOptions options = {}) {
        server_ = std::make_unique<HttpServer>("test", "test", options);
        for (auto& route : routes_) route(*server_);
        auto st = server_->start("127.0.0.1", 0);
        ASSERT_TRUE(st.ok()) << st.error().message;
        client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    }
    void route(std::function<void(HttpServer&)> add) { routes_.push_back(std::move(add)); }

    std::vector<std::function<void(HttpServer&)>> routes_;
    std::unique_ptr<HttpServer> server_;
    std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, HeaderNamesAreCaseInsensitiveBothWays) {
    route([](HttpServer& s) {
        s.get("/h", [](const HttpServerRequest& req, HttpServerResponse& res) {
            res.set_content(std::to_string(req.has_header("X-TOKEN")) + "|" +
                                req.header("x-token") + "|" + req.header("X-Absent") + "|" +
                                std::to_string(req.has_header("X-Absent")),
                            "text/plain");
            res.set_header("X-Reply", "first");
            res.set_header("x-reply", "replaced");
            res.add_header("X-Twice", "1");
            res.add_header("X-Twice", "2");
            EXPECT_EQ(res.header("X-REPLY"), "replaced");
        });
    });
    start();
    auto r = client_->Get("/h", httplib::Headers{{"X-Token", "abc"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "1|abc||0");
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain");
    EXPECT_EQ(r->get_header_value_count("X-Reply"), 1u);
    EXPECT_EQ(r->get_header_value("X-Reply"), "replaced");
    EXPECT_EQ(r->get_header_value_count("X-Twice"), 2u);
}

TEST_F(HttpServerTest, RepeatedParametersKeepEveryValueInOrder) {
    auto show = [](const HttpServerRequest& req, HttpServerResponse& res) {
        std::string out = req.param("a") + "|" + std::to_string(req.has_param("zzz")) + "|";
        for (const auto& v : req.param_values("a")) out += v + ",";
        res.set_content(out, "text/plain");
    };
    route([&](HttpServer& s) {
        s.get("/q", show);
        s.post("/form", show);
    });
    start();
    auto query = client_->Get("/q?a=1&b=x&a=%E6%B8%AF&a=3");
    ASSERT_TRUE(query);
    EXPECT_EQ(query->body, "1|0|1,港,3,");
    // A form body (application/x-www-form-urlencoded) is read like a query.
    auto form = client_->Post("/form", "a=x&a=y+z", "application/x-www-form-urlencoded");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->body, "x|0|x,y z,");
}

TEST_F(HttpServerTest, PatternGroupsArriveAsCapturesAndTheRestAs404) {
    route([](HttpServer& s) {
        s.get(R"(/items/(\d+)/([a-z]+))",
              [](const HttpServerRequest& req, HttpServerResponse& res) {
                  ASSERT_EQ(req.captures.size(), 2u);
                  res.set_content(req.method + " " + req.path + " " + req.captures[0] + " " +
                                      req.captures[1] + " " + req.remote_address,
                                  "text/plain");
              });
    });
    start();
    auto r = client_->Get("/items/42/abc");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /items/42/abc 42 abc 127.0.0.1");
    auto missing = client_->Get("/items/x/abc");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpServerTest, StatusBodyRedirectAndAPostBody) {
    route([](HttpServer& s) {
        s.post("/echo", [](const HttpServerRequest& req, HttpServerResponse& res) {
            res.status = 201;
            res.set_content(req.body, "application/json");
        });
        s.get("/old",
              [](const HttpServerRequest&, HttpServerResponse& res) { res.redirect("/new"); });
    });
    start();
    auto echo = client_->Post("/echo", R"({"本":1})", "application/json");
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->status, 201);
    EXPECT_EQ(echo->body, R"({"本":1})");
    EXPECT_EQ(echo->get_header_value("Content-Type"), "application/json");
    auto moved = client_->Get("/old");
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->status, 302);
    EXPECT_EQ(moved->get_header_value("Location"), "/new");
}

TEST_F(HttpServerTest, AnExceptionInAHandlerIsAJson500) {
    route([](HttpServer& s) {
        s.get("/boom", [](const HttpServerRequest&, HttpServerResponse&) {
            throw std::runtime_error("boom");
        });
    });
    start();
    auto r = client_->Get("/boom");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, R"({"error":"internal error"})");
}

TEST_F(HttpServerTest, MaxBodyBytesRefusesALargerBodyBeforeTheHandler) {
    std::atomic<int> calls{0};
    route([&](HttpServer& s) {
        s.post("/small", [&](const HttpServerRequest&, HttpServerResponse&) { ++calls; });
    });
    HttpServerOptions options;
    options.max_body_bytes = 100;
    start(options);
    auto fits = client_->Post("/small", std::string(100, 'x'), "text/plain");
    ASSERT_TRUE(fits);
    EXPECT_EQ(fits->status, 200);
    auto big = client_->Post("/small", std::string(101, 'x'), "text/plain");
    ASSERT_TRUE(big);
    EXPECT_EQ(big->status, 413);
    EXPECT_EQ(calls, 1);
}

// A route reading its own body: ingest's 401/413 before a byte of the body is read.
class HttpBodyLimitTest : public HttpServerTest {
protected:
    void SetUp() override {
        route([this](HttpServer& s) {
            s.post_reading_body("/in", [this](const HttpServerRequest& req, HttpBodyReader& body,
                                              HttpServerResponse& res) {
                if (req.header("Authorization") != "yes") {
                    res.status = 401;
                    return;
                }
                auto read = body.read(100);
                if (!read) {
                    res.status = read.error().code == ErrorCode::kResourceExhausted ? 413 : 400;
                    res.set_content(read.error().message, "text/plain");
                    return;
                }
                EXPECT_TRUE(req.body.empty());
                res.set_content(*read, "text/plain");
            });
        });
        HttpServerOptions options;
        options.max_requests_per_connection = 1;
        start(options);
    }
};

TEST_F(HttpBodyLimitTest, ABodyWithinTheLimitIsReadWhole) {
    auto r = client_->Post("/in", httplib::Headers{{"Authorization", "yes"}}, std::string(100, 'b'),
                           "text/plain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, std::string(100, 'b'));
}

TEST_F(HttpBodyLimitTest, ADeclaredLengthOverTheLimitIsRefusedWithoutWaitingForTheBody) {
    // Ten megabytes announced, none sent: the answer comes at once.
    auto answer = raw_exchange(server_->port(),
                               "POST /in HTTP/1.1\r\nHost: x\r\nAuthorization: yes\r\n"
                               "Content-Type: text/plain\r\nContent-Length: 10000000\r\n\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
    EXPECT_NE(answer.find("10000000 bytes, over the limit of 100 bytes"), std::string::npos)
        << answer;
    auto huge = raw_exchange(server_->port(),
                             "POST /in HTTP/1.1\r\nHost: x\r\nAuthorization: yes\r\n"
                             "Content-Length: 99999999999999999999999\r\n\r\n");
    EXPECT_TRUE(huge.starts_with("HTTP/1.1 413")) << huge;
}

TEST_F(HttpBodyLimitTest, AChunkedBodyIsCutOffOnceItPassesTheLimit) {
    // One 200-byte chunk and no end: the server stops reading there.
    auto answer = raw_exchange(server_->port(),
                               "POST /in HTTP/1.1\r\nHost: x\r\nAuthorization: yes\r\n"
                               "Transfer-Encoding: chunked\r\n\r\nc8\r\n" +
                                   std::string(200, 'c') + "\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
    EXPECT_NE(answer.find("more than 100 bytes, over the limit of 100 bytes"), std::string::npos)
        << answer;
}

TEST_F(HttpBodyLimitTest, ARequestRefusedOnItsHeadersLeavesTheBodyUnread) {
    auto answer = raw_exchange(server_->port(),
                               "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 401")) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
}

TEST(HttpBodyReaderTest, ReadsPiecesUpToTheLimitAndSaysWhyNot) {
    auto pieces = [](std::vector<std::string> parts, bool whole = true) {
        return [parts, whole](const HttpBodyReader::Sink& sink) {
            for (const auto& p : parts)
                if (!sink(p)) return false;
            return whole;
        };
    };
    HttpBodyReader fits(std::nullopt, pieces({"ab", "cd"}));
    EXPECT_EQ(*fits.read(4), "abcd");
    HttpBodyReader over(std::nullopt, pieces({"ab", "cde"}));
    auto r = over.read(4);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(r.error().message, "more than 4 bytes, over the limit of 4 bytes");
    HttpBodyReader declared("5", pieces({}));
    EXPECT_EQ(declared.read(4).error().message, "5 bytes, over the limit of 4 bytes");
    HttpBodyReader broken(std::nullopt, pieces({"ab"}, false));
    EXPECT_EQ(broken.read(4).error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpServerTest, ServesFilesAndAddsHeadersToEveryAnswer) {
    testing::TempDir dir;
    testing::write_file(dir / "app.mjs", "export {}");
    route([&](HttpServer& s) {
        s.get("/api/x", [](const HttpServerRequest&, HttpServerResponse& res) {
            res.set_content("{}", "application/json");
        });
        ASSERT_TRUE(s.serve_files("/", dir.path().string()).ok());
        EXPECT_EQ(s.serve_files("/", (dir / "missing").string()).error().code,
                  ErrorCode::kNotFound);
        s.set_file_type("mjs", "text/javascript; charset=utf-8");
        s.add_headers_to_every_answer([](const HttpServerRequest& req) {
            HttpFields h{{"X-Frame-Options", "DENY"}};
            if (req.path.starts_with("/api/")) h.emplace_back("Cache-Control", "no-store");
            return h;
        });
    });
    start();
    auto file = client_->Get("/app.mjs");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200);
    EXPECT_EQ(file->body, "export {}");
    EXPECT_EQ(file->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(file->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_FALSE(file->has_header("Cache-Control"));
    auto api = client_->Get("/api/x");
    ASSERT_TRUE(api);
    EXPECT_EQ(api->get_header_value("Cache-Control"), "no-store");
    auto missing = client_->Get("/nothing");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->get_header_value("X-Frame-Options"), "DENY");
}

TEST(HttpServerStartTest, AnUnusableTlsPairOrAForeignAddressFailsStart) {
    testing::TempDir dir;
    testing::write_file(dir / "cert.pem", "not a certificate");
    HttpServerOptions options;
    options.tls_cert_file = (dir / "cert.pem").string();
    options.tls_key_file = (dir / "key.pem").string();
    HttpServer tls("console", "test", options);
    auto st = tls.start("127.0.0.1", 0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("console: cannot use TLS certificate"), std::string::npos);

    // cpp-httplib binds with SO_REUSEPORT, so a taken port does not fail; an address that
    // is not this machine's does.
    HttpServer elsewhere("elsewhere", "test");
    auto not_local = elsewhere.start("192.0.2.1", 8080);
    ASSERT_FALSE(not_local.ok());
    EXPECT_EQ(not_local.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(not_local.error().message.find("elsewhere: cannot listen on 192.0.2.1:8080"),
              std::string::npos);

    HttpServer first("first", "test");
    ASSERT_TRUE(first.start("127.0.0.1", 0).ok());
    EXPECT_GT(first.port(), 0);
    first.stop();
    first.stop();  // idempotent
}

// A slowloris: connects and sends `head` one byte every `gap`, until the server closes the
// connection or `give_up` passes. Returns how long the server let it trickle.
std::chrono::milliseconds trickle(int port, const std::string& head, std::chrono::milliseconds gap,
                                  std::chrono::milliseconds give_up) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("connect failed");
    }
    const auto start = std::chrono::steady_clock::now();
    std::size_t i = 0;
    while (std::chrono::steady_clock::now() - start < give_up) {
        char byte = head[i++ % head.size()];
        if (send(fd, &byte, 1, MSG_NOSIGNAL) != 1) break;
        pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
        // Closed (or answered) by the server: readable.
        if (poll(&p, 1, static_cast<int>(gap.count())) > 0) {
            char buf[512];
            if (recv(fd, buf, sizeof buf, 0) <= 0) break;
            // An answer (a 4xx) then the close: wait for the close.
            if (poll(&p, 1, 1000) > 0 && recv(fd, buf, sizeof buf, 0) <= 0) break;
        }
    }
    close(fd);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

// `count` slowlorises on `port`, each trickling an unfinished header on its own thread.
std::vector<std::thread> slow_clients(int port, int count, std::chrono::milliseconds gap,
                                      std::chrono::milliseconds give_up) {
    std::vector<std::thread> slow;
    for (int i = 0; i < count; ++i)
        slow.emplace_back(
            [=] { trickle(port, "GET / HTTP/1.1\r\nX-Slow: aaaaaaaa", gap, give_up); });
    return slow;
}

TEST_F(HttpServerTest, ASlowlorisIsCutOffAtTheRequestDeadline) {
    route([](HttpServer& s) {
        s.get("/", [](const HttpServerRequest&, HttpServerResponse& res) { res.body = "ok"; });
        s.post_reading_body(
            "/in", [](const HttpServerRequest&, HttpBodyReader& body, HttpServerResponse& res) {
                auto read = body.read(1 << 20);
                res.status = read ? 200 : 400;
            });
    });
    HttpServerOptions options;
    options.read_timeout = std::chrono::seconds(10);  // never trips: a byte every 100 ms
    options.request_timeout = std::chrono::milliseconds(1000);
    start(options);
    using std::chrono::milliseconds;
    // Headers that never end.
    auto headers = trickle(server_->port(), "GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaa",
                           milliseconds(100), milliseconds(8000));
    EXPECT_GE(headers.count(), 900);
    EXPECT_LT(headers.count(), 2500);
    // A body that never ends, after complete headers.
    auto body = trickle(
        server_->port(),
        "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + std::string(400, 'b'),
        milliseconds(20), milliseconds(8000));
    EXPECT_GE(body.count(), 900);
    EXPECT_LT(body.count(), 2500);
}

TEST_F(HttpServerTest, SlowClientsDoNotStarveARealRequest) {
    route([](HttpServer& s) {
        s.get("/", [](const HttpServerRequest&, HttpServerResponse& res) { res.body = "ok"; });
    });
    HttpServerOptions options;
    options.workers = 16;
    options.request_timeout = std::chrono::milliseconds(3000);
    start(options);
    // Ten slow connections hold ten workers...
    auto slow = slow_clients(server_->port(), 10, std::chrono::milliseconds(200),
                             std::chrono::milliseconds(5000));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let them all connect
    // ...and a real request is answered at once by one of the others.
    const auto start_at = std::chrono::steady_clock::now();
    auto res = client_->Get("/");
    const auto took = std::chrono::steady_clock::now() - start_at;
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_LT(took, std::chrono::milliseconds(500));
    for (auto& t : slow) t.join();
}

TEST_F(HttpServerTest, MoreSlowClientsThanWorkersDelayARealRequestOneDeadlineAtMost) {
    route([](HttpServer& s) {
        s.get("/", [](const HttpServerRequest&, HttpServerResponse& res) { res.body = "ok"; });
    });
    HttpServerOptions options;
    options.workers = 4;
    options.request_timeout = std::chrono::milliseconds(1000);
    start(options);
    // Twelve slow connections: three times the workers. Those still waiting for a worker
    // when the first four are cut are past their deadline already (it counts from accept),
    // so they go at once, and the real request right after them.
    auto slow = slow_clients(server_->port(), 12, std::chrono::milliseconds(100),
                             std::chrono::milliseconds(8000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto start_at = std::chrono::steady_clock::now();
    auto res = client_->Get("/");
    const auto took = std::chrono::steady_clock::now() - start_at;
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_LT(took, std::chrono::milliseconds(1800));
    for (auto& t : slow) t.join();
}

TEST_F(HttpServerTest, KeepAliveStillServesSeveralRequests) {
    route([](HttpServer& s) {
        s.get("/", [](const HttpServerRequest&, HttpServerResponse& res) { res.body = "ok"; });
    });
    start();
    client_->set_keep_alive(true);
    for (int i = 0; i < 3; ++i) {
        auto res = client_->Get("/");
        ASSERT_TRUE(res);
        EXPECT_EQ(res->body, "ok");
    }
}

TEST(HttpClientAddressTest, ForwardedForIsBelievedOnlyFromATrustedProxy) {
    const std::vector<std::string> trusted = {"127.0.0.1", "::1"};
    EXPECT_EQ(client_address_of("192.0.2.7", "", trusted), "192.0.2.7");
    // Anyone can write the header: from an untrusted peer it is ignored.
    EXPECT_EQ(client_address_of("192.0.2.7", "10.9.9.9", trusted), "192.0.2.7");
    EXPECT_EQ(client_address_of("192.0.2.7", "10.9.9.9", {}), "192.0.2.7");
    // From the proxy: the address it saw.
    EXPECT_EQ(client_address_of("127.0.0.1", "198.51.100.4", trusted), "198.51.100.4");
    // A client's own entries come first; the proxy's (last) one is what counts.
    EXPECT_EQ(client_address_of("127.0.0.1", "10.9.9.9, 198.51.100.4", trusted), "198.51.100.4");
    // Through two trusted proxies.
    EXPECT_EQ(client_address_of("127.0.0.1", "10.9.9.9, 198.51.100.4, ::1", trusted),
              "198.51.100.4");
    // Not an address: the last hop that could be believed.
    EXPECT_EQ(client_address_of("127.0.0.1", "<script>", trusted), "127.0.0.1");
}

TEST_F(HttpServerTest, TheClientAddressReachesTheHandler) {
    route([](HttpServer& s) {
        s.get("/who", [](const HttpServerRequest& req, HttpServerResponse& res) {
            res.body = req.remote_address + " " + req.client_address;
        });
    });
    HttpServerOptions options;
    options.trusted_proxies = {"127.0.0.1"};
    start(options);
    auto res = client_->Get("/who", httplib::Headers{{"X-Forwarded-For", "198.51.100.4"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "127.0.0.1 198.51.100.4");
}

}  // namespace
}  // namespace alerthub
