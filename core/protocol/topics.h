#pragma once
// The MQTT topic tree (contract v1, docs/protocol.md). The root is configurable so that a
// training environment can never reach production topics.

#include <string>
#include <string_view>

namespace alerthub {

inline constexpr std::string_view kDefaultTopicRoot = "alerthub/v1";

class Topics {
public:
    explicit Topics(std::string root = std::string(kDefaultTopicRoot)) : root_(std::move(root)) {}

    const std::string& root() const { return root_; }
    std::string alert(std::string_view alert_id) const { return join("alerts", alert_id); }
    std::string all_alerts() const { return root_ + "/alerts/+"; }
    std::string job(std::string_view channel) const { return join("jobs", channel); }
    std::string receipt(std::string_view channel) const { return join("receipts", channel); }
    std::string all_receipts() const { return root_ + "/receipts/+"; }
    std::string device_status(std::string_view device) const {
        return device_topic(device, "status");
    }
    std::string device_ack(std::string_view device) const { return device_topic(device, "ack"); }
    std::string device_cmd(std::string_view device) const { return device_topic(device, "cmd"); }
    // The answer to a screenshot command: the PNG itself, not retained.
    std::string device_screenshot(std::string_view device, std::string_view request_id) const {
        return device_topic(device, "screenshot/" + std::string(request_id));
    }
    std::string all_device_status() const { return root_ + "/devices/+/status"; }
    std::string all_device_acks() const { return root_ + "/devices/+/ack"; }
    std::string all_device_screenshots() const { return root_ + "/devices/+/screenshot/+"; }
    std::string content(std::string_view group) const { return join("content", group); }
    // The facilities a screen location shows (retained, signed by the hub).
    std::string facilities(std::string_view location) const { return join("facilities", location); }

    // The last level of `topic` if it lies under {root}/{section}/, else "".
    std::string id_under(std::string_view section, std::string_view topic) const;

private:
    std::string join(std::string_view section, std::string_view leaf) const {
        return root_ + "/" + std::string(section) + "/" + std::string(leaf);
    }
    std::string device_topic(std::string_view device, std::string_view leaf) const {
        return root_ + "/devices/" + std::string(device) + "/" + std::string(leaf);
    }
    std::string root_;
};

// True when `name` can be one topic level: non-empty, no '/', '+', '#' or NUL.
bool valid_topic_level(std::string_view name);

}  // namespace alerthub
