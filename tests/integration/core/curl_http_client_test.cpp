#include "core/http/curl_http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

TEST(CurlHttpClientTest, SendsHeadersAndBodyAndReadsTheResponse) {
    httplib::Server server;
    server.set_keep_alive_max_count(1);  // so stop() need not wait out a kept-alive connection
    server.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
        res.status = 201;
        res.set_header("X-Line-Request-Id", "req-1");
        res.set_content(req.get_header_value("Authorization") + "|" + req.body, "text/plain");
    });
    int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    ASSERT_TRUE(testing::wait_for([&] { return server.is_running(); }));

    CurlHttpClient client;
    HttpRequest req{"POST",
                    "http://127.0.0.1:" + std::to_string(port) + "/echo",
                    {{"Authorization", "Bearer t"}},
                    "本文",
                    std::chrono::seconds(5)};
    auto r = client.send(req);
    server.stop();
    t.join();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, "Bearer t|本文");
    EXPECT_EQ(r->header("x-line-request-id"), "req-1");
}

TEST(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
    CurlHttpClient client;
    auto r = client.send({"GET",
                          "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/",
                          {},
                          "",
                          std::chrono::seconds(2)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(r.error().retryable());
}

TEST(CurlHttpClientTest, SlowPeerTimesOut) {
    httplib::Server server;
    server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        res.set_content("late", "text/plain");
    });
    int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    ASSERT_TRUE(testing::wait_for([&] { return server.is_running(); }));
    CurlHttpClient client;
    auto r = client.send({"GET",
                          "http://127.0.0.1:" + std::to_string(port) + "/slow",
                          {},
                          "",
                          std::chrono::milliseconds(300)});
    server.stop();
    t.join();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
}

}  // namespace
}  // namespace alerthub
