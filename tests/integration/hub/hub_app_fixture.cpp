#include "tests/integration/hub/hub_app_fixture.h"

namespace alerthub::hub::testing {

HubAppFixture::HubAppFixture() {
    config_.mqtt.settings.uri = broker_.uri();
    config_.mqtt.settings.client_id = "hub-under-test";
    config_.mqtt.topics = Topics("test/v1");
    config_.journal_path = (dir_ / "journal.db").string();
    config_.spool_dir = (dir_ / "spool").string();
    config_.spool_poll_ms = 20;
    config_.listen_port = ::alerthub::testing::free_port();
    config_.ingest_token = kHubTestToken;
}

HubAppFixture::~HubAppFixture() {
    stop_hub();
}

void HubAppFixture::start_hub() {
    start_hub(system_clock_);
}

void HubAppFixture::start_hub(const Clock& clock) {
    bus_ = std::make_unique<PahoMessageBus>(config_.mqtt.settings);
    app_ = std::make_unique<HubApp>(config_, *bus_, clock);
    auto s = app_->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    stop_ = false;
    loop_ = std::thread([this] { app_->run([this] { return stop_.load(); }); });
}

void HubAppFixture::stop_hub() {
    stop_ = true;
    if (loop_.joinable()) loop_.join();
    if (app_) app_->stop();
    app_.reset();
    bus_.reset();
}

}  // namespace alerthub::hub::testing
