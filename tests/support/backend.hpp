// Which backend the library tests drive: select() (asyncore::poll), from chapter 11 on poll()
// (asyncore::poll2), and from chapter 15 on epoll (asyncore::epoll_pass). The test main sets it
// from --backend=poll or --backend=epoll, so every chapter's tests run on every backend without
// being written twice: they pass testing::use_poll as loop()'s use_poll, and ask
// `if (testing::use_poll)` where select() behaves differently from the others.
#pragma once

namespace testing {

// The same order as asyncore::backend (chapter 15).
enum class backend_under_test { select, poll, epoll };

class backend_flag {
public:
    backend_under_test which = backend_under_test::select;

    // `testing::use_poll = true` (a test program's own choice): poll().
    backend_flag& operator=(bool use_poll) {
        which = use_poll ? backend_under_test::poll : backend_under_test::select;
        return *this;
    }
    // True on poll() and epoll: the backends that take one channel's events together, in
    // descriptor order, and turn a hang-up or an error into handle_close().
    operator bool() const { return which != backend_under_test::select; }
    // As loop()'s use_poll from chapter 15 on (asyncore::backend_choice, whose `kind` is
    // asyncore::backend). A template, so that this header is the same in every snapshot.
    template <class Choice, class Kind = typename Choice::kind>
    operator Choice() const {
        return Choice(static_cast<Kind>(which));
    }
};

inline backend_flag use_poll;  // --backend=poll, --backend=epoll

inline bool use_epoll() { return use_poll.which == backend_under_test::epoll; }

}  // namespace testing
