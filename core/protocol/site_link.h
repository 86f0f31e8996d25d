#pragma once
// The public site's page of an alert (hub/site/): when [site] base_url is set the hub puts a
// link with rel "site" first in every alert it publishes, so that LINE and mail (which
// link the first web address) and the screens' QR codes all lead to the same static pages.
// A screen with a location key leads to that location's page of the alert, which lists the
// facilities nearest to the screen first.

#include <string>
#include <string_view>

#include "core/protocol/alert.h"

namespace alerthub {

inline constexpr std::string_view kSiteLinkRel = "site";

// "a/<alert id>/": where an alert's pages live in the site's tree.
std::string site_alert_dir(std::string_view alert_id);

// Replaces any "site" link of `alert` with `<base_url>/a/<id>/`, first in its links.
void put_site_link(Alert& alert, std::string_view base_url);

// The alert's "site" link, or null.
const AlertLink* find_site_link(const Alert& alert);

// The page of a screen location: "<site link>/<location>.html" (the location's key).
std::string site_location_url(const AlertLink& site, std::string_view location);

// A location key names a file: lower-case ASCII letters, digits and '-', 1 to 64 of them,
// and not "index" (the alert's own page).
bool valid_location_key(std::string_view key);

}  // namespace alerthub
