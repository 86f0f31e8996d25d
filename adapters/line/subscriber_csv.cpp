#include "adapters/line/subscriber_csv.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "core/base/clock.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::line {
namespace {

constexpr std::size_t kMaxErrorsShown = 50;

// Splits CSV text into records of fields (RFC 4180), each with the line it starts on.
struct CsvRecord {
    int line = 0;
    std::vector<std::string> fields;
};

Result<std::vector<CsvRecord>> split_csv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<CsvRecord> out;
    CsvRecord record{1, {}};
    std::string field;
    bool quoted = false, field_started = false;
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && field.empty() && !field_started) {
            quoted = field_started = true;
        } else if (c == ',') {
            record.fields.push_back(std::move(field));
            field.clear();
            field_started = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            record.fields.push_back(std::move(field));
            field.clear();
            field_started = false;
            if (!(record.fields.size() == 1 && record.fields[0].empty()))
                out.push_back(std::move(record));
            ++line;
            record = CsvRecord{line, {}};
        } else {
            field += c;
            field_started = true;
        }
    }
    if (quoted)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("line {}: a quoted field is not closed", record.line));
    record.fields.push_back(std::move(field));
    if (!(record.fields.size() == 1 && record.fields[0].empty())) out.push_back(std::move(record));
    return out;
}

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

Result<std::vector<LineSubscriber>> parse_subscriber_csv(std::string_view csv,
                                                         const TownBlocks& blocks, WallTime now) {
    auto records = split_csv(csv);
    if (!records) return records.error();
    std::vector<std::string> errors;
    if (records->empty() ||
        records->front().fields != std::vector<std::string>{"user_id", "language", "areas"})
        return make_error(ErrorCode::kInvalidArgument,
                          "line 1: the header must be exactly: user_id,language,areas");
    std::vector<LineSubscriber> out;
    std::set<std::string> seen;
    for (std::size_t i = 1; i < records->size(); ++i) {
        auto& r = (*records)[i];
        auto bad = [&](const std::string& why) {
            errors.push_back(fmt::format("line {}: {}", r.line, why));
        };
        if (r.fields.size() != 3) {
            bad(fmt::format("expected 3 fields, found {}", r.fields.size()));
            continue;
        }
        LineSubscriber s;
        s.user_id = r.fields[0];
        s.language = r.fields[1].empty() ? "ja" : r.fields[1];
        s.followed = s.updated = now;
        bool ok = true;
        if (!is_line_user_id(s.user_id)) {
            bad("user_id is not a LINE user id (U and 32 lower-case hex digits)");
            ok = false;
        } else if (!seen.insert(s.user_id).second) {
            bad("user_id appears twice in the file");
            ok = false;
        }
        if (!is_line_language(s.language)) {
            bad(fmt::format("unknown language '{}'", s.language));
            ok = false;
        }
        for (auto& area : split_words(r.fields[2])) {
            const TownBlock* b = blocks.find(area);
            if (!b) b = blocks.find_by_name(area);
            if (!b) {
                bad(fmt::format("unknown area '{}' (a town-block code or 町丁目 name)", area));
                ok = false;
                continue;
            }
            s.areas.push_back(b->code);
        }
        if (ok) out.push_back(std::move(s));
    }
    if (!errors.empty()) {
        std::string all = fmt::format("{} problem(s); nothing imported:", errors.size());
        for (std::size_t i = 0; i < errors.size() && i < kMaxErrorsShown; ++i)
            all += "\n  " + errors[i];
        if (errors.size() > kMaxErrorsShown)
            all += fmt::format("\n  ... and {} more", errors.size() - kMaxErrorsShown);
        return make_error(ErrorCode::kInvalidArgument, all);
    }
    return out;
}

std::string format_subscriber_csv(const std::vector<LineSubscriber>& subscribers) {
    std::string out = "user_id,language,areas\n";
    for (auto& s : subscribers)
        out += fmt::format("{},{},{}\n", csv_field(s.user_id), csv_field(s.language),
                           csv_field(join_words(s.areas)));
    return out;
}

int run_subscriber_command(const std::vector<std::string>& args, const std::string& state_path,
                           const std::string& town_blocks_file) {
    constexpr int kUsage = 64;  // EX_USAGE
    auto usage = [] {
        fmt::print(stderr,
                   "usage: line-adapter [--config FILE] subscribers import FILE|-\n"
                   "       line-adapter [--config FILE] subscribers export FILE|-\n"
                   "       line-adapter [--config FILE] subscribers count\n");
        return kUsage;
    };
    if (args.size() < 2 || args[0] != "subscribers") return usage();
    const auto& verb = args[1];
    if ((verb == "import" || verb == "export") != (args.size() == 3) ||
        (verb != "import" && verb != "export" && verb != "count"))
        return usage();
    auto store = SubscriberStore::open(state_path);
    if (!store) {
        fmt::print(stderr, "subscribers: {}: {}\n", state_path, store.error().message);
        return 1;
    }
    if (verb == "count") {
        auto n = store->count();
        if (!n) return fmt::print(stderr, "subscribers: {}\n", n.error().message), 1;
        fmt::print("{} subscriber(s)\n", *n);
        return 0;
    }
    const auto& file = args[2];
    if (verb == "export") {
        auto all = store->all();
        if (!all) return fmt::print(stderr, "subscribers: {}\n", all.error().message), 1;
        auto csv = format_subscriber_csv(*all);
        if (file == "-") {
            std::cout << csv << std::flush;
        } else {
            std::ofstream out(file, std::ios::binary | std::ios::trunc);
            out << csv;
            if (!out.flush()) return fmt::print(stderr, "subscribers: cannot write {}\n", file), 1;
        }
        fmt::print(stderr, "exported {} subscriber(s)\n", all->size());
        return 0;
    }
    if (town_blocks_file.empty()) {
        fmt::print(stderr, "subscribers import: line.town_blocks_file is not configured\n");
        return 1;
    }
    auto blocks = TownBlocks::load(town_blocks_file);
    if (!blocks) return fmt::print(stderr, "subscribers: {}\n", blocks.error().message), 1;
    std::string text;
    if (file == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) return fmt::print(stderr, "subscribers: cannot read {}\n", file), 1;
        std::stringstream buf;
        buf << in.rdbuf();
        text = buf.str();
    }
    SystemClock clock;
    auto rows = parse_subscriber_csv(text, *blocks, clock.now());
    if (!rows) return fmt::print(stderr, "{}: {}\n", file, rows.error().message), 1;
    if (auto s = store->save_all(*rows); !s)
        return fmt::print(stderr, "subscribers: {}; nothing imported\n", s.error().message), 1;
    fmt::print(stderr, "imported {} subscriber(s)\n", rows->size());
    return 0;
}

}  // namespace alerthub::line
