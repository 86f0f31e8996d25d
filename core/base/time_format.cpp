#include "core/base/time_format.h"

#include <fmt/format.h>

#include <cctype>

namespace alerthub {
namespace {

using namespace std::chrono;

constexpr auto kJstOffset = hours(9);

bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

struct JstFields {
    year_month_day ymd;
    hh_mm_ss<seconds> hms;
};

JstFields jst_fields(WallTime t) {
    auto local = floor<seconds>(t) + kJstOffset;
    auto day = floor<days>(local);
    return {year_month_day{day}, hh_mm_ss<seconds>{local - day}};
}

}  // namespace

Result<WallTime> parse_rfc3339(std::string_view s) {
    auto bad = [&](const char* why) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("bad RFC 3339 time '{}': {}", s, why));
    };
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    int y, mo, d, h, mi, sec;
    if (!read_int(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !read_int(s, 5, 2, mo) ||
        s[7] != '-' || !read_int(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, mi) || s[16] != ':' ||
        !read_int(s, 17, 2, sec)) {
        return bad("expected YYYY-MM-DDThh:mm:ss");
    }
    size_t pos = 19;
    nanoseconds frac{0};
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        long long scale = 100000000;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            frac += nanoseconds((s[pos] - '0') * scale);
            scale /= 10;
            ++pos;
        }
    }
    if (pos >= s.size()) return bad("missing offset");
    minutes offset{0};
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!read_int(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !read_int(s, pos + 4, 2, om)) {
            return bad("bad offset");
        }
        offset = hours(oh) + minutes(om);
        if (s[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return bad("bad offset");
    }
    if (pos != s.size()) return bad("trailing characters");
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad("field out of range");
    // Nanosecond wall time ends in 2262: a far-off year would overflow, not just be wrong.
    if (y < 1900 || y > 2200) return bad("year outside 1900-2200");
    auto t = sys_days{ymd} + hours(h) + minutes(mi) + seconds(sec) + frac - offset;
    return WallTime{duration_cast<system_clock::duration>(t.time_since_epoch())};
}

std::string format_rfc3339_jst(WallTime t) {
    auto f = jst_fields(t);
    // Milliseconds only when present, so whole-second source times round-trip unchanged.
    auto ms = duration_cast<milliseconds>(t - floor<seconds>(t)).count();
    std::string frac = ms ? fmt::format(".{:03d}", ms) : "";
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}+09:00", int(f.ymd.year()),
                       unsigned(f.ymd.month()), unsigned(f.ymd.day()), f.hms.hours().count(),
                       f.hms.minutes().count(), f.hms.seconds().count(), frac);
}

std::string format_jst_minutes(WallTime t) {
    auto f = jst_fields(t);
    return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}", int(f.ymd.year()),
                       unsigned(f.ymd.month()), unsigned(f.ymd.day()), f.hms.hours().count(),
                       f.hms.minutes().count());
}

std::string format_jst_hhmm(WallTime t) {
    auto f = jst_fields(t);
    return fmt::format("{:02d}:{:02d}", f.hms.hours().count(), f.hms.minutes().count());
}

}  // namespace alerthub
