#include "hub/signing_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace alerthub::hub {

Result<SigningKey> read_signing_key_file(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return make_error(ErrorCode::kNotFound,
                          fmt::format("{}: {}", path.string(), std::strerror(errno)));
    if ((st.st_mode & 077) != 0)
        return make_error(ErrorCode::kPermissionDenied,
                          fmt::format("{}: mode {:o} lets others read the hub's secret signing "
                                      "key: chmod 600 it (and give the hub a new key if others "
                                      "could have read it)",
                                      path.string(), st.st_mode & 0777));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::kUnavailable, fmt::format("{}: cannot read", path.string()));
    std::stringstream text;
    text << in.rdbuf();
    auto key = parse_signing_key(text.str());
    if (!key)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: {}", path.string(), key.error().message));
    return key;
}

Status write_signing_key_file(const std::filesystem::path& path, const SigningKey& key) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("{}: {}", path.string(), std::strerror(errno)));
    auto text = format_signing_key(key);
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ok = ::close(fd) == 0 && ok;
    if (!ok)
        return make_error(
            ErrorCode::kUnavailable,
            fmt::format("{}: writing failed: {}", path.string(), std::strerror(errno)));
    return {};
}

}  // namespace alerthub::hub
