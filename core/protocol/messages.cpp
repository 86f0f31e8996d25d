#include "core/protocol/messages.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/protocol/topics.h"

namespace alerthub {
namespace {

using nlohmann::json;

Result<json> parse_object(std::string_view text, std::string_view schema) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: not a JSON object", schema));
    if (j.value("schema", "") != schema)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: wrong or missing schema tag", schema));
    return j;
}

// Reads typed fields; the first failure is kept and reported with the schema name.
class Fields {
public:
    Fields(const json& j, std::string_view schema) : j_(j), schema_(schema) {}

    std::string str(const char* key) {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_string()) {
            fail(fmt::format("'{}' must be a string", key));
            return {};
        }
        return it->get<std::string>();
    }
    std::int64_t integer(const char* key) {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_number_integer()) {
            fail(fmt::format("'{}' must be an integer", key));
            return 0;
        }
        return it->get<std::int64_t>();
    }
    WallTime time(const char* key) {
        auto t = parse_rfc3339(str(key));
        if (!t) {
            fail(fmt::format("'{}': bad time", key));
            return {};
        }
        return *t;
    }
    std::optional<WallTime> optional_time(const char* key) {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) return std::nullopt;
        return time(key);
    }
    void fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
    }
    template <typename T>
    Result<T> finish(T value) const {
        if (!error_.empty())
            return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", schema_, error_));
        return value;
    }

private:
    const json& j_;
    std::string_view schema_;
    std::string error_;
};

constexpr std::string_view kJobSchema = "alerthub.job/1";
constexpr std::string_view kReceiptSchema = "alerthub.receipt/1";
constexpr std::string_view kStatusSchema = "alerthub.device_status/1";
constexpr std::string_view kAckSchema = "alerthub.display_ack/1";
constexpr std::string_view kCommandSchema = "alerthub.device_cmd/1";

}  // namespace

std::string make_job_id(std::string_view alert_id, std::int64_t version, std::string_view channel) {
    return fmt::format("{}/v{}/{}", alert_id, version, channel);
}

std::string to_string(ReceiptOutcome v) {
    switch (v) {
        case ReceiptOutcome::kAccepted:
            return "accepted";
        case ReceiptOutcome::kFailed:
            return "failed";
        case ReceiptOutcome::kDuplicate:
            return "duplicate";
    }
    return "unknown";
}

std::string encode_job(const DeliveryJob& job) {
    json j = {{"schema", kJobSchema},
              {"job_id", job.job_id},
              {"idempotency_key", job.idempotency_key},
              {"channel", job.channel},
              {"alert", json::parse(encode_alert(job.alert))},
              {"created", format_rfc3339_jst(job.created)}};
    return j.dump();
}

Result<DeliveryJob> decode_job(std::string_view text) {
    auto j = parse_object(text, kJobSchema);
    if (!j) return j.error();
    Fields f(*j, kJobSchema);
    DeliveryJob job;
    job.job_id = f.str("job_id");
    job.idempotency_key = f.str("idempotency_key");
    job.channel = f.str("channel");
    job.created = f.time("created");
    auto it = j->find("alert");
    if (it == j->end() || !it->is_object()) {
        f.fail("'alert' must be an object");
    } else {
        auto alert = decode_alert(it->dump());
        if (!alert)
            f.fail(alert.error().message);
        else
            job.alert = std::move(*alert);
    }
    return f.finish(std::move(job));
}

std::string encode_receipt(const Receipt& r) {
    json j = {{"schema", kReceiptSchema},
              {"job_id", r.job_id},
              {"channel", r.channel},
              {"alert_id", r.alert_id},
              {"version", r.version},
              {"outcome", to_string(r.outcome)},
              {"recipients", r.recipients},
              {"attempts", r.attempts},
              {"detail", r.detail},
              {"first_attempt", format_rfc3339_jst(r.first_attempt)},
              {"finished", format_rfc3339_jst(r.finished)}};
    // Optional keys: a receipt without batches or warnings reads as before.
    auto time_or_null = [](const std::optional<WallTime>& t) {
        return t ? json(format_rfc3339_jst(*t)) : json(nullptr);
    };
    if (!r.batches.empty()) {
        json batches = json::array();
        for (auto& b : r.batches)
            batches.push_back({{"index", b.index},
                               {"kind", b.kind},
                               {"language", b.language},
                               {"recipients", b.recipients},
                               {"accepted", b.accepted},
                               {"failed", b.failed},
                               {"first_send", time_or_null(b.first_send)},
                               {"last_send", time_or_null(b.last_send)},
                               {"detail", b.detail}});
        j["batches"] = std::move(batches);
    }
    if (!r.warnings.empty()) j["warnings"] = r.warnings;
    if (r.refused_jobs > 0) j["refused_jobs"] = r.refused_jobs;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Receipt> decode_receipt(std::string_view text) {
    auto j = parse_object(text, kReceiptSchema);
    if (!j) return j.error();
    Fields f(*j, kReceiptSchema);
    Receipt r;
    r.job_id = f.str("job_id");
    r.channel = f.str("channel");
    r.alert_id = f.str("alert_id");
    r.version = f.integer("version");
    auto outcome = f.str("outcome");
    if (outcome == "accepted")
        r.outcome = ReceiptOutcome::kAccepted;
    else if (outcome == "failed")
        r.outcome = ReceiptOutcome::kFailed;
    else if (outcome == "duplicate")
        r.outcome = ReceiptOutcome::kDuplicate;
    else
        f.fail("unknown 'outcome'");
    r.recipients = static_cast<int>(f.integer("recipients"));
    r.attempts = static_cast<int>(f.integer("attempts"));
    r.detail = f.str("detail");
    r.first_attempt = f.time("first_attempt");
    r.finished = f.time("finished");
    if (auto it = j->find("batches"); it != j->end() && !it->is_null()) {
        if (!it->is_array()) f.fail("'batches' must be an array");
        for (auto& item : it->is_array() ? *it : json::array()) {
            if (!item.is_object()) {
                f.fail("'batches' items must be objects");
                break;
            }
            Fields b(item, kReceiptSchema);
            ReceiptBatch batch;
            batch.index = static_cast<int>(b.integer("index"));
            batch.kind = b.str("kind");
            batch.language = b.str("language");
            batch.recipients = static_cast<int>(b.integer("recipients"));
            batch.accepted = static_cast<int>(b.integer("accepted"));
            batch.failed = static_cast<int>(b.integer("failed"));
            batch.first_send = b.optional_time("first_send");
            batch.last_send = b.optional_time("last_send");
            batch.detail = b.str("detail");
            if (auto done = b.finish(0); !done) {
                f.fail("batches: " + done.error().message);
                break;
            }
            r.batches.push_back(std::move(batch));
        }
    }
    if (auto it = j->find("warnings"); it != j->end() && !it->is_null()) {
        if (!it->is_array()) f.fail("'warnings' must be an array of strings");
        for (auto& w : it->is_array() ? *it : json::array()) {
            if (!w.is_string()) {
                f.fail("'warnings' must be an array of strings");
                break;
            }
            r.warnings.push_back(w.get<std::string>());
        }
    }
    if (auto it = j->find("refused_jobs"); it != j->end() && !it->is_null())
        r.refused_jobs = f.integer("refused_jobs");
    return f.finish(std::move(r));
}

std::string encode_device_status(const DeviceStatus& s) {
    json showing = json::array();
    for (auto& a : s.showing) showing.push_back({{"alert_id", a.alert_id}, {"version", a.version}});
    json j = {
        {"schema", kStatusSchema},
        {"device_id", s.device_id},
        {"online", s.online},
        {"showing", showing},
        {"last_frame", s.last_frame ? json(format_rfc3339_jst(*s.last_frame)) : json(nullptr)},
        {"software_version", s.software_version},
        {"updated", format_rfc3339_jst(s.updated)},
        {"fps", s.fps},
        {"content", nullptr},
        {"warnings", s.warnings},
        {"refused_messages", s.refused_messages},
        {"last_refusal", s.last_refusal},
        {"evicted_alerts", s.evicted_alerts},
        {"areas", s.areas}};
    if (s.content) {
        auto& c = *s.content;
        json skipped = json::array();
        for (auto& k : c.skipped) skipped.push_back({{"id", k.item_id}, {"reason", k.reason}});
        j["content"] = {{"group", c.group},     {"version", c.version},
                        {"showing", c.showing}, {"items", c.items},
                        {"ready", c.ready},     {"fetching", c.fetching},
                        {"skipped", skipped},   {"cache_bytes", c.cache_bytes}};
    }
    // Reasons may quote a peer's bytes: never let them make the status unencodable.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<DeviceStatus> decode_device_status(std::string_view text) {
    auto j = parse_object(text, kStatusSchema);
    if (!j) return j.error();
    Fields f(*j, kStatusSchema);
    DeviceStatus s;
    s.device_id = f.str("device_id");
    auto online = j->find("online");
    if (online == j->end() || !online->is_boolean())
        f.fail("'online' must be a boolean");
    else
        s.online = online->get<bool>();
    if (auto it = j->find("showing"); it != j->end() && it->is_array()) {
        for (auto& item : *it) {
            if (!item.is_object()) continue;
            Fields a(item, kStatusSchema);
            s.showing.push_back({a.str("alert_id"), a.integer("version")});
        }
    }
    s.last_frame = f.optional_time("last_frame");
    s.software_version = f.str("software_version");
    s.updated = f.time("updated");
    // Fields added later are optional, so a newer hub reads an older player's status.
    if (auto it = j->find("fps"); it != j->end() && it->is_number()) s.fps = it->get<double>();
    if (auto it = j->find("warnings"); it != j->end() && it->is_array())
        for (auto& w : *it)
            if (w.is_string()) s.warnings.push_back(w.get<std::string>());
    if (auto it = j->find("refused_messages"); it != j->end() && it->is_number_integer())
        s.refused_messages = it->get<std::int64_t>();
    if (auto it = j->find("last_refusal"); it != j->end() && it->is_string())
        s.last_refusal = it->get<std::string>();
    if (auto it = j->find("areas"); it != j->end() && it->is_array())
        for (auto& a : *it)
            if (a.is_string()) s.areas.push_back(a.get<std::string>());
    if (auto it = j->find("evicted_alerts"); it != j->end() && it->is_number_integer())
        s.evicted_alerts = it->get<std::int64_t>();
    if (auto it = j->find("content"); it != j->end() && it->is_object()) {
        Fields c(*it, "content");
        ContentStatus content;
        content.group = c.str("group");
        content.version = c.integer("version");
        content.showing = c.str("showing");
        content.items = static_cast<int>(c.integer("items"));
        content.ready = static_cast<int>(c.integer("ready"));
        content.fetching = static_cast<int>(c.integer("fetching"));
        content.cache_bytes = c.integer("cache_bytes");
        if (auto k = it->find("skipped"); k != it->end() && k->is_array())
            for (auto& item : *k) {
                if (!item.is_object()) continue;
                Fields one(item, "content.skipped");
                content.skipped.push_back({one.str("id"), one.str("reason")});
                if (auto bad = one.finish(0); !bad) f.fail(bad.error().message);
            }
        if (auto bad = c.finish(0); !bad) f.fail(bad.error().message);
        s.content = std::move(content);
    }
    return f.finish(std::move(s));
}

std::string encode_display_ack(const DisplayAck& a) {
    json j = {{"schema", kAckSchema},
              {"device_id", a.device_id},
              {"alert_id", a.alert_id},
              {"version", a.version},
              {"displayed_at", format_rfc3339_jst(a.displayed_at)}};
    return j.dump();
}

Result<DisplayAck> decode_display_ack(std::string_view text) {
    auto j = parse_object(text, kAckSchema);
    if (!j) return j.error();
    Fields f(*j, kAckSchema);
    DisplayAck a;
    a.device_id = f.str("device_id");
    a.alert_id = f.str("alert_id");
    a.version = f.integer("version");
    a.displayed_at = f.time("displayed_at");
    return f.finish(std::move(a));
}

std::string encode_device_command(const DeviceCommand& c) {
    json j = {{"schema", kCommandSchema},
              {"cmd", c.cmd},
              {"request_id", c.request_id},
              {"max_width", c.max_width}};
    return j.dump();
}

Result<DeviceCommand> decode_device_command(std::string_view text) {
    auto j = parse_object(text, kCommandSchema);
    if (!j) return j.error();
    Fields f(*j, kCommandSchema);
    DeviceCommand c;
    c.cmd = f.str("cmd");
    c.request_id = f.str("request_id");
    if (!c.request_id.empty() && (!valid_topic_level(c.request_id) || c.request_id.size() > 100))
        f.fail("'request_id' must be one topic level of at most 100 bytes");
    if (j->contains("max_width")) {
        auto width = f.integer("max_width");
        if (width < 16 || width > 7680) f.fail("'max_width' must be 16 .. 7680");
        c.max_width = static_cast<int>(width);
    }
    return f.finish(std::move(c));
}

}  // namespace alerthub
