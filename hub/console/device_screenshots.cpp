#include "hub/console/device_screenshots.h"

#include <fmt/format.h>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/protocol/messages.h"

namespace alerthub::hub::console {

DeviceScreenshots::DeviceScreenshots(MessageBus& bus, Topics topics)
    : bus_(bus), topics_(std::move(topics)) {}

Result<std::string> DeviceScreenshots::request(std::string_view device_id) {
    if (!valid_topic_level(device_id))
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("'{}' is not a device id", device_id));
    DeviceCommand command;
    command.cmd = "screenshot";
    command.request_id = random_token_hex(8);
    command.max_width = kMaxWidth;
    {
        std::lock_guard lock(mu_);
        requests_.push_back({std::string(device_id), command.request_id, {}});
        while (requests_.size() > kKeep) requests_.pop_front();
    }
    // Not retained: a player that is offline now should not take a picture next week.
    auto st = bus_.publish({topics_.device_cmd(device_id), encode_device_command(command), false},
                           kPublishTimeout);
    if (!st)
        return make_error(
            ErrorCode::kUnavailable,
            fmt::format("screenshot command to {} not sent: {}", device_id, st.error().message));
    get_logger("hub")->info("console: screenshot {} requested from {}", command.request_id,
                            device_id);
    return command.request_id;
}

bool DeviceScreenshots::offer(const BusMessage& message) {
    auto device = topics_.id_under("devices", message.topic);
    if (device.empty()) return false;
    const std::string prefix = topics_.device_screenshot(device, "");
    if (!message.topic.starts_with(prefix)) return false;
    const std::string request_id = message.topic.substr(prefix.size());
    std::lock_guard lock(mu_);
    for (auto& r : requests_) {
        if (r.device_id != device || r.request_id != request_id) continue;
        if (message.payload.size() > kMaxPngBytes) {
            get_logger("hub")->warn("console: screenshot {} from {} is {} bytes: dropped",
                                    request_id, device, message.payload.size());
            return true;
        }
        r.png = message.payload;
        get_logger("hub")->info("console: screenshot {} from {} arrived ({} bytes)", request_id,
                                device, message.payload.size());
        return true;
    }
    get_logger("hub")->debug("console: unrequested screenshot {} from {}: ignored", request_id,
                             device);
    return true;
}

std::optional<std::string> DeviceScreenshots::png(std::string_view device_id,
                                                  std::string_view request_id) {
    std::lock_guard lock(mu_);
    for (const auto& r : requests_)
        if (r.device_id == device_id && r.request_id == request_id) return r.png;
    return std::nullopt;
}

}  // namespace alerthub::hub::console
