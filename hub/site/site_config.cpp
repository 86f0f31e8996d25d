#include "hub/site/site_config.h"

namespace alerthub::hub::site {

void read_site_config(ConfigReader& c, SiteConfig& o) {
    o.enabled = c.get_bool("site.enabled", o.enabled);
    o.dir = c.get_path("site.dir", o.dir);
    if (o.dir.empty()) c.error("site.dir", "must not be empty");
    o.base_url = c.get_string("site.base_url", o.base_url);
    if (!o.base_url.empty() && !o.base_url.starts_with("https://") &&
        !o.base_url.starts_with("http://"))
        c.error("site.base_url", "must start with https:// or http://");
    while (o.base_url.ends_with("/")) o.base_url.pop_back();
    o.templates_dir = c.get_path("site.templates_dir", o.templates_dir);
    o.emergency_sites_file = c.get_path("site.emergency_sites_file", o.emergency_sites_file);
    o.shelters_file = c.get_path("site.shelters_file", o.shelters_file);
    o.stay_facilities_file = c.get_path("site.stay_facilities_file", o.stay_facilities_file);
    o.locations_file = c.get_path("site.locations_file", o.locations_file);
    o.attribution = c.get_string("site.attribution", o.attribution);
    if (o.attribution.empty())
        c.error("site.attribution", "must not be empty: the GSI licence requires the source");
    o.ward_name = c.get_string("site.ward_name", o.ward_name);
    o.cap_sender = c.get_string("site.cap_sender", o.cap_sender);
    if (o.cap_sender.empty() || o.cap_sender.find_first_of(" ,<&\t\r\n") != std::string::npos)
        c.error("site.cap_sender", "must be non-empty without spaces, commas, '<' or '&'");
    o.publish_hook = c.get_string("site.publish_hook", o.publish_hook);
    o.refresh_s = static_cast<int>(c.get_int("site.refresh_s", o.refresh_s, 1, 3600));
    o.max_alerts = static_cast<int>(c.get_int("site.max_alerts", o.max_alerts, 1, 10000));
}

}  // namespace alerthub::hub::site
