#include "asyncore/errors.hpp"

#include "type_name.hpp"

#include <cxxabi.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace asyncore {

const char* exit_now::what() const noexcept { return "asyncore::exit_now"; }

bool would_block(int err) noexcept {
    // Written as two tests on purpose: on some systems the two values differ.
    return err == EAGAIN || err == EWOULDBLOCK;
}

// [compact_traceback]
exception_info compact_traceback() {
    exception_info info;
    const std::type_info* type = abi::__cxa_current_exception_type();
    if (!type) return info;
    info.type = detail::type_name(*type);
    try {
        throw;  // the one place that asks the exception being handled what it is
    } catch (const std::system_error& e) {
        info.what = e.what();
        info.code = e.code();
    } catch (const std::exception& e) {
        info.what = e.what();
    } catch (...) {
        // Not a std::exception: its type is all there is to tell.
    }
    return info;
}
// [compact_traceback]

std::string exception_info::to_string() const {
    if (type.empty()) return "no exception";
    return what.empty() ? type : type + ": " + what;
}

std::string strerror(int err) {
    std::string text = std::system_category().message(err);
    return text.empty() ? "Unknown error " + std::to_string(err) : text;
}

void throw_errno(int err, const std::string& what) {
    throw std::system_error(err, std::system_category(), what);
}

}  // namespace asyncore
