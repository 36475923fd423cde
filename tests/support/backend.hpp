// Which backend the library tests drive: select() (asyncore::poll) or, from chapter 11 on,
// poll() (asyncore::poll2). The test main sets it from --backend=poll, so every chapter's tests
// run on both backends without being written twice.
#pragma once

namespace testing {

inline bool use_poll = false;  // --backend=poll

}  // namespace testing
