#pragma once
// Screenshots on request, for the live board: the console publishes the player's screenshot
// command ({root}/devices/{id}/cmd) and keeps the answers ({root}/devices/{id}/screenshot/
// {request}, the PNG itself) in memory for a while. Only answers to requests made here are
// kept, and only a few: a device cannot fill the hub's memory.
//
// Thread-safe: HTTP handler threads request and read, the hub's owner thread offers.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/topics.h"

namespace alerthub::hub::console {

class DeviceScreenshots {
public:
    static constexpr std::size_t kKeep = 16;                   // requests remembered
    static constexpr std::size_t kMaxPngBytes = 8 << 20;       // a larger answer is dropped
    static constexpr std::chrono::seconds kPublishTimeout{5};  // the broker's PUBACK
    static constexpr int kMaxWidth = 960;                      // pixels, scaled by the player

    // `bus` must outlive this.
    DeviceScreenshots(MessageBus& bus, Topics topics);

    // Publishes the command; the answer will be under the returned request id.
    // kInvalidArgument for a device id that is not one topic level, kUnavailable when the
    // broker does not take the command.
    Result<std::string> request(std::string_view device_id);

    // From the bus: true when `message` answered a request made here (the PNG is kept).
    bool offer(const BusMessage& message);

    // The PNG once it came; nullopt while waiting, and for requests not made here.
    std::optional<std::string> png(std::string_view device_id, std::string_view request_id);

private:
    struct Request {
        std::string device_id;
        std::string request_id;
        std::optional<std::string> png;
    };

    MessageBus& bus_;
    Topics topics_;
    std::mutex mu_;
    std::deque<Request> requests_;  // oldest first
};

}  // namespace alerthub::hub::console
