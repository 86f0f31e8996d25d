#pragma once
// The links in mails and on the resident pages. Unsubscribe and preference links carry a
// signed subscriber token ("{id}.{HMAC-SHA-256(secret, "subscriber:" id), 32 hex}"): nothing
// to store, stable, unforgeable without the secret, and usable for RFC 8058 one-click.
// Confirmation links carry a random single-use token, stored only as its SHA-256.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace alerthub::mail {

class MailLinks {
public:
    MailLinks() = default;  // no web pages: mails carry no links
    MailLinks(std::string public_url, std::string secret)
        : public_url_(std::move(public_url)), secret_(std::move(secret)) {}

    bool enabled() const { return !public_url_.empty(); }

    std::string subscriber_token(std::int64_t subscriber_id) const;
    // The subscriber a token names, if its signature is right.
    std::optional<std::int64_t> verify(std::string_view token) const;

    std::string unsubscribe_url(std::int64_t subscriber_id) const;
    std::string preferences_url(std::int64_t subscriber_id) const;
    std::string confirm_url(std::string_view confirmation_token) const;
    std::string register_url() const { return public_url_ + "/mail/"; }

private:
    std::string public_url_;
    std::string secret_;
};

}  // namespace alerthub::mail
