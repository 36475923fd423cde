// The symbol that tells the linker which chapter this library was built for (see config.hpp).
#include "asyncore/config.hpp"

namespace asyncore::detail {

const int ASYNCORE_BUILT_FOR(ASYNCORE_CHAPTER) = ASYNCORE_CHAPTER;

}  // namespace asyncore::detail
