#include "hub/console/console_config.h"

namespace alerthub::hub::console {

void read_console_config(ConfigReader& c, ConsoleConfig& o) {
    o.enabled = c.get_bool("console.enabled", o.enabled);
    o.listen_host = c.get_string("console.listen_host", o.listen_host);
    if (o.listen_host.empty()) c.error("console.listen_host", "must not be empty");
    o.listen_port = static_cast<int>(c.get_int("console.listen_port", o.listen_port, 1, 65535));
    o.web_dir = c.get_path("console.web_dir", o.web_dir);
    o.tls_cert_file = c.get_path("console.tls_cert_file", o.tls_cert_file);
    o.tls_key_file = c.get_path("console.tls_key_file", o.tls_key_file);
    if (o.tls_cert_file.empty() != o.tls_key_file.empty())
        c.error("console.tls_cert_file", "tls_cert_file and tls_key_file go together");
    o.secure_cookie = c.get_bool("console.secure_cookie", o.secure_cookie);
    if (!o.tls_cert_file.empty()) o.secure_cookie = true;
    o.session_idle_s =
        static_cast<int>(c.get_int("console.session_idle_s", o.session_idle_s, 60, 86400));
    o.session_max_s =
        static_cast<int>(c.get_int("console.session_max_s", o.session_max_s, 60, 7 * 86400));
    o.max_failed_logins =
        static_cast<int>(c.get_int("console.max_failed_logins", o.max_failed_logins, 1, 100));
    o.lockout_s = static_cast<int>(c.get_int("console.lockout_s", o.lockout_s, 1, 86400));
    o.cap_sender = c.get_string("console.cap_sender", o.cap_sender);
    if (o.cap_sender.empty() || o.cap_sender.find_first_of(" ,<&\t\r\n") != std::string::npos)
        c.error("console.cap_sender", "must be non-empty without spaces, commas, '<' or '&'");
    o.town_blocks_file = c.get_path("console.town_blocks_file", o.town_blocks_file);
    o.break_glass_level5 = c.get_bool("console.break_glass_level5", o.break_glass_level5);
    o.training = c.get_bool("console.training", o.training);
    o.feed_base_url = c.get_string("console.feed_base_url", o.feed_base_url);
    if (!o.feed_base_url.empty() && !o.feed_base_url.starts_with("https://") &&
        !o.feed_base_url.starts_with("http://"))
        c.error("console.feed_base_url", "must start with https:// or http://");
    while (o.feed_base_url.ends_with("/")) o.feed_base_url.pop_back();
    o.feed_title = c.get_string("console.feed_title", o.feed_title);
    o.audit_head_file = c.get_path("console.audit_head_file", o.audit_head_file);
    o.player_binary = c.get_path("console.player_binary", o.player_binary);
    o.channels = c.get_strings("delivery.channels", o.channels);  // checked by the hub's config
}

}  // namespace alerthub::hub::console
