#pragma once
// Named spdlog loggers, one per component ("hub", "mqtt", "line", "mail", "player").
// spdlog is the one third-party type our headers show: logging is everyone's vocabulary.
// Levels: `info` is lifecycle only; per-message detail is `debug`. Prefix every line of a
// flow with its correlation ("[alert=... v=...]").

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace alerthub {

// Call once from main(): level from `level` if given, else SPDLOG_LEVEL, else info.
// Logs go to stderr (journald captures it under systemd).
void init_logging(std::string_view level);

// The named logger, created on first use.
std::shared_ptr<spdlog::logger> get_logger(const std::string& name);

// For logs: "ab***@example.jp", "U4af4***" — never a whole address or id.
std::string redact(std::string_view secret);

}  // namespace alerthub
