#include "adapters/mail/subscriber_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "adapters/mail/mail_config.h"
#include "adapters/mail/registration.h"
#include "core/base/time_format.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::mail {
namespace {

constexpr std::string_view kHeader = "email,areas,language,confirmed_at,state";

// RFC 4180 records; `line` is where each record starts. A quote left open is an error.
struct Record {
    int line = 0;
    std::vector<std::string> fields;
};

Result<std::vector<Record>> split_records(std::string_view csv) {
    std::vector<Record> out;
    Record current{1, {""}};
    int line = 1;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < csv.size(); ++i) {
        char c = csv[i];
        if (quoted) {
            if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
                current.fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                current.fields.back() += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            current.fields.emplace_back();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++i;
            if (any || current.fields.size() > 1 || !current.fields[0].empty())
                out.push_back(std::move(current));
            ++line;
            current = Record{line, {""}};
            any = false;
        } else {
            current.fields.back() += c;
            any = true;
        }
    }
    if (quoted)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("line {}: a quoted field is not closed", current.line));
    if (any || current.fields.size() > 1) out.push_back(std::move(current));
    return out;
}

std::string quote(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
    std::string out = "\"";
    for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

Result<std::vector<Subscriber>> parse_subscriber_csv(std::string_view csv,
                                                     const TownBlocks& towns) {
    if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);  // Excel's BOM
    auto records = split_records(csv);
    if (!records) return records.error();
    if (records->empty() || records->front().fields.size() < 4 ||
        records->front().fields[0] != "email" || records->front().fields[1] != "areas" ||
        records->front().fields[2] != "language" || records->front().fields[3] != "confirmed_at")
        return make_error(
            ErrorCode::kInvalidArgument,
            fmt::format("line 1: the header must be \"{}\" (state optional)", kHeader));
    std::vector<std::string> errors;
    std::vector<Subscriber> out;
    std::set<std::string> seen;
    auto& langs = language_choices();
    for (std::size_t i = 1; i < records->size(); ++i) {
        auto& r = (*records)[i];
        auto bad = [&](std::string_view why) {
            errors.push_back(fmt::format("line {}: {}", r.line, why));
        };
        if (r.fields.size() < 4 || r.fields.size() > 5) {
            bad(fmt::format("{} fields, expected 4 or 5", r.fields.size()));
            continue;
        }
        Subscriber s;
        s.email = r.fields[0];
        if (!plausible_address(s.email)) {
            bad("not a plain e-mail address");
            continue;
        }
        std::string key = s.email;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!seen.insert(key).second) {
            bad("the same address as an earlier line");
            continue;
        }
        s.areas = split_words(r.fields[1]);
        if (s.areas == std::vector<std::string>{"all"}) s.areas.clear();
        bool areas_ok = true;
        for (auto& a : s.areas)
            if (!towns.find(a)) {
                bad(fmt::format("unknown town block '{}'", a));
                areas_ok = false;
                break;
            }
        if (!areas_ok) continue;
        std::sort(s.areas.begin(), s.areas.end());
        s.language = r.fields[2].empty() ? "ja" : r.fields[2];
        if (std::none_of(langs.begin(), langs.end(),
                         [&](const LanguageChoice& c) { return c.tag == s.language; })) {
            bad(fmt::format("unknown language '{}'", s.language));
            continue;
        }
        if (!r.fields[3].empty()) {
            auto t = parse_rfc3339(r.fields[3]);
            if (!t) {
                bad(fmt::format("confirmed_at: {}", t.error().message));
                continue;
            }
            s.confirmed = *t;
        }
        std::string state = r.fields.size() == 5 ? r.fields[4] : "";
        if (state.empty()) {
            s.state = s.confirmed ? SubscriberState::kActive : SubscriberState::kPending;
        } else {
            auto parsed = parse_subscriber_state(state);
            if (!parsed) {
                bad(parsed.error().message);
                continue;
            }
            s.state = *parsed;
            if (s.state == SubscriberState::kActive && !s.confirmed) {
                bad("state active without confirmed_at: only confirmed subscribers get mail");
                continue;
            }
        }
        out.push_back(std::move(s));
    }
    if (!errors.empty()) {
        std::string all;
        for (auto& e : errors) all += (all.empty() ? "" : "\n") + e;
        return make_error(ErrorCode::kInvalidArgument, all);
    }
    return out;
}

std::string format_subscriber_csv(const std::vector<Subscriber>& subscribers) {
    std::string out = std::string(kHeader) + "\r\n";
    for (auto& s : subscribers) {
        out += quote(s.email) + "," + quote(join_words(s.areas)) + "," + quote(s.language) + "," +
               (s.confirmed ? format_rfc3339_jst(*s.confirmed) : "") + "," + to_string(s.state) +
               "\r\n";
    }
    return out;
}

}  // namespace alerthub::mail
