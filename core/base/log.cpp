#include "core/base/log.h"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace alerthub {

void init_logging(std::string_view level) {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
    spdlog::cfg::load_env_levels();
    if (!level.empty()) spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

std::shared_ptr<spdlog::logger> get_logger(const std::string& name) {
    if (auto existing = spdlog::get(name)) return existing;
    try {
        auto logger = spdlog::stderr_color_mt(name);
        logger->set_level(spdlog::default_logger()->level());
        return logger;
    } catch (const spdlog::spdlog_ex&) {
        return spdlog::get(name);  // created by another thread in between
    }
}

std::string redact(std::string_view secret) {
    if (secret.size() <= 4) return "***";
    return std::string(secret.substr(0, 4)) + "***";
}

}  // namespace alerthub
