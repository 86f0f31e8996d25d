// The constructed CAP files in tests/fixtures/cap/ must be valid CAP 1.2: checked against
// the official OASIS schema with xmllint.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <utility>

#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::project_fixtures_dir;

// Runs `command`, returning its exit status and what it printed.
std::pair<int, std::string> run(const std::string& command) {
    std::string output;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return {-1, "popen failed"};
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
    int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string xmllint(const fs::path& file) {
    return "xmllint --noout --nonet --schema '" +
           (fixtures_dir() / "cap/schema/CAP-v1.2.xsd").string() + "' '" + file.string() + "'";
}

TEST(CapFixturesTest, ConstructedFilesValidateAgainstTheCap12Schema) {
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(project_fixtures_dir() / "cap")) {
        if (entry.path().extension() != ".xml") continue;
        auto [status, output] = run(xmllint(entry.path()));
        EXPECT_EQ(status, 0) << output;
        ++checked;
    }
    EXPECT_GE(checked, 4);
}

TEST(CapFixturesTest, XmllintReallyRejectsAnInvalidDocument) {
    // Guards the test above against an xmllint that accepts everything.
    auto [status, output] = run(xmllint(fixtures_dir() / "cap/invalid/invalid.cap"));
    EXPECT_NE(status, 0) << output;
    EXPECT_NE(output.find("scope"), std::string::npos) << output;
}

}  // namespace
}  // namespace alerthub::hub
