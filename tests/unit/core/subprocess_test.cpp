#include "core/base/subprocess.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdlib>

namespace alerthub {
namespace {

using namespace std::chrono_literals;

SubprocessRequest shell(const std::string& script, bool capture = true) {
    return {.argv = {"/bin/sh", "-c", script},
            .set_env = {},
            .timeout = 10s,
            .capture_output = capture};
}

TEST(SubprocessTest, ReportsTheExitCodeAndTheOutputOfBothStreams) {
    auto ok = run_subprocess(shell("echo 発表; echo warning >&2"));
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_TRUE(ok->succeeded());
    EXPECT_EQ(ok->exit_code(), 0);
    EXPECT_FALSE(ok->timed_out);
    EXPECT_EQ(ok->output, "発表\nwarning\n");

    auto failed = run_subprocess(shell("echo cannot open display; exit 3"));
    ASSERT_TRUE(failed.ok()) << failed.error().message;
    EXPECT_FALSE(failed->succeeded());
    EXPECT_EQ(failed->exit_code(), 3);
    EXPECT_EQ(failed->output, "cannot open display\n");

    // Not captured: the output stays the caller's, the status is still known.
    auto quiet = run_subprocess(shell("exit 0", false));
    ASSERT_TRUE(quiet.ok()) << quiet.error().message;
    EXPECT_TRUE(quiet->succeeded());
    EXPECT_EQ(quiet->output, "");
}

TEST(SubprocessTest, SetsEnvironmentVariablesOverInheritedOnesAndReadsNoStdin) {
    ::setenv("ALERTHUB_SUBPROCESS_TEST", "inherited", 1);
    auto request = shell("echo \"$ALERTHUB_SUBPROCESS_TEST\"; cat");
    request.set_env = {{"ALERTHUB_SUBPROCESS_TEST", "/srv/site/tree"}};
    auto r = run_subprocess(request);
    ::unsetenv("ALERTHUB_SUBPROCESS_TEST");
    ASSERT_TRUE(r.ok()) << r.error().message;
    // One value (set, not appended), and `cat` ends at once on /dev/null.
    EXPECT_EQ(r->output, "/srv/site/tree\n");
    EXPECT_TRUE(r->succeeded());
}

TEST(SubprocessTest, KillsAChildThatOutlivesItsTimeout) {
    auto request = shell("echo started; exec sleep 30");
    request.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    auto r = run_subprocess(request);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->timed_out);
    EXPECT_FALSE(r->succeeded());
    EXPECT_EQ(r->exit_code(), -1);
    EXPECT_TRUE(WIFSIGNALED(r->wait_status) && WTERMSIG(r->wait_status) == SIGKILL);
    EXPECT_EQ(r->output, "started\n");
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 10s);
}

TEST(SubprocessTest, AMissingProgramIsAnErrorThatNamesIt) {
    auto r = run_subprocess({.argv = {"/nonexistent/signage-player", "--render"},
                             .set_env = {},
                             .timeout = 5s,
                             .capture_output = true});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(r.error().message,
              "cannot run /nonexistent/signage-player: No such file or directory");
}

}  // namespace
}  // namespace alerthub
