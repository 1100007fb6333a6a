// The request deadline watchdog on a socket pair: an armed deadline shuts the socket down,
// a disarmed one does not.
#include "web/request_deadlines.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace core::web;
using namespace std::chrono_literals;

namespace {
struct Pair {
  int fd[2];
  Pair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0); }
  ~Pair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  // Whether the peer sees the end of the stream within the wait.
  bool peer_sees_end(int wait_ms) {
    pollfd p{fd[1], POLLIN, 0};
    if (::poll(&p, 1, wait_ms) != 1) return false;
    char c;
    return ::recv(fd[1], &c, 1, 0) == 0;
  }
};
}  // namespace

TEST(RequestDeadlines, AnArmedDeadlineShutsTheSocketDown) {
  RequestDeadlines d(100ms);
  Pair p;
  RequestDeadlines::Entry e(d, p.fd[0]);
  e.arm();
  EXPECT_TRUE(p.peer_sees_end(5000));
  EXPECT_TRUE(e.expired());
  char c;
  EXPECT_EQ(::recv(p.fd[0], &c, 1, 0), 0) << "a blocked read on the server side ends too";
}

TEST(RequestDeadlines, ADisarmedOrUnarmedDeadlineLeavesTheSocketAlone) {
  RequestDeadlines d(100ms);
  Pair idle, done;
  RequestDeadlines::Entry a(d, idle.fd[0]);
  RequestDeadlines::Entry b(d, done.fd[0]);
  b.arm();
  b.disarm();
  EXPECT_FALSE(idle.peer_sees_end(400));
  EXPECT_FALSE(done.peer_sees_end(1));
  EXPECT_FALSE(a.expired());
  EXPECT_FALSE(b.expired());
}

TEST(RequestDeadlines, StoppingShutsEveryConnectionAndAnyThatComesLater) {
  RequestDeadlines d(10s);
  Pair open, late;
  RequestDeadlines::Entry a(d, open.fd[0]);
  d.shutdown_all();
  EXPECT_TRUE(open.peer_sees_end(5000));
  RequestDeadlines::Entry b(d, late.fd[0]);
  EXPECT_TRUE(b.expired());
  EXPECT_TRUE(late.peer_sees_end(5000));
}
