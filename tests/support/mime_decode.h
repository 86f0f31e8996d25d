#pragma once
// Test-only decoding of what the mail-adapter writes: base64, RFC 2047 encoded-words and
// RFC 5322 header blocks. Written independently of adapters/mail so that a bug there
// cannot cancel itself out.

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/utf8.h"

namespace alerthub::mail::mime {

inline std::string base64_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    int bits = 0, buffer = 0, padding = 0;
    for (char c : in) {
        if (c == '\r' || c == '\n') continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        int v = value(c);
        if (v < 0 || padding) throw std::runtime_error("bad base64");
        buffer = (buffer << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

// Unfolds a header value and decodes its "=?UTF-8?B?...?=" words; whitespace between two
// adjacent encoded words is dropped (RFC 2047 §6.2).
inline std::string decode_rfc2047(std::string_view value) {
    std::string unfolded;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
            ++i;
            continue;
        }
        unfolded += value[i];
    }
    std::string out;
    std::string pending_space;
    bool last_was_word = false;
    size_t i = 0;
    while (i < unfolded.size()) {
        if (unfolded.compare(i, 10, "=?UTF-8?B?") == 0) {
            auto end = unfolded.find("?=", i + 10);
            if (end == std::string::npos) throw std::runtime_error("unterminated encoded word");
            if (!last_was_word) out += pending_space;
            pending_space.clear();
            out += base64_decode(std::string_view(unfolded).substr(i + 10, end - i - 10));
            i = end + 2;
            last_was_word = true;
        } else if (unfolded[i] == ' ' || unfolded[i] == '\t') {
            pending_space += unfolded[i++];
        } else {
            out += pending_space;
            pending_space.clear();
            out += unfolded[i++];
            last_was_word = false;
        }
    }
    if (!last_was_word) out += pending_space;
    return out;
}

struct ParsedMail {
    std::multimap<std::string, std::string> headers;  // name as written -> raw (folded) value
    std::string raw_header_block;
    std::string body;  // after the blank line

    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        if (it == headers.end()) throw std::runtime_error("no header " + name);
        return it->second;
    }
};

inline ParsedMail parse_mail(std::string_view m) {
    ParsedMail p;
    auto split = m.find("\r\n\r\n");
    if (split == std::string_view::npos) throw std::runtime_error("no blank line after headers");
    p.raw_header_block = std::string(m.substr(0, split + 2));
    p.body = std::string(m.substr(split + 4));
    std::string_view block = m.substr(0, split + 2);
    std::string name, value;
    while (!block.empty()) {
        auto eol = block.find("\r\n");
        if (eol == std::string_view::npos) throw std::runtime_error("header line without CRLF");
        auto line = block.substr(0, eol);
        block.remove_prefix(eol + 2);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            value += "\r\n" + std::string(line);
            continue;
        }
        if (!name.empty()) p.headers.emplace(name, value);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) throw std::runtime_error("header without colon");
        name = std::string(line.substr(0, colon));
        value = std::string(line.substr(colon + 1));
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    }
    if (!name.empty()) p.headers.emplace(name, value);
    return p;
}

// A folded header value on one line (RFC 5322 §2.2.3: CRLF before whitespace removed),
// leading whitespace dropped.
inline std::string unfold(std::string_view value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
            ++i;
            continue;
        }
        out += value[i];
    }
    auto start = out.find_first_not_of(" \t");
    return start == std::string::npos ? std::string() : out.substr(start);
}

// The boundary parameter of a multipart Content-Type value (quoted or not).
inline std::string boundary_of(const std::string& content_type) {
    auto at = content_type.find("boundary=");
    if (at == std::string::npos) throw std::runtime_error("no boundary in " + content_type);
    auto value = content_type.substr(at + 9);
    if (!value.empty() && value[0] == '"') return value.substr(1, value.find('"', 1) - 1);
    return value.substr(0, value.find_first_of("; \r\n"));
}

// The parts of a multipart body (RFC 2046 §5.1.1): what lies between "--boundary" lines,
// each parsed like a message; throws when the closing "--boundary--" is missing.
inline std::vector<ParsedMail> split_multipart(const std::string& body,
                                               const std::string& boundary) {
    std::vector<ParsedMail> parts;
    std::string delimiter = "--" + boundary;
    auto at = body.find(delimiter + "\r\n");
    if (at != 0 && (at == std::string::npos || body.compare(at - 2, 2, "\r\n") != 0))
        throw std::runtime_error("no first delimiter");
    for (;;) {
        auto start = at + delimiter.size() + 2;
        auto next = body.find("\r\n" + delimiter, start);
        if (next == std::string::npos) throw std::runtime_error("unterminated multipart");
        parts.push_back(parse_mail(body.substr(start, next + 2 - start)));
        at = next + 2;
        if (body.compare(at + delimiter.size(), 2, "--") == 0) return parts;
        if (body.compare(at + delimiter.size(), 2, "\r\n") != 0)
            throw std::runtime_error("bad delimiter line");
    }
}

// True when `s` is well-formed UTF-8 (no split or stray sequences).
inline bool valid_utf8(std::string_view s) {
    return validate_utf8(s).ok();
}

}  // namespace alerthub::mail::mime
