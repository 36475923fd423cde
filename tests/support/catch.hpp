// Catch2 v2 (one header) or v3 (many): the tests include this and need not care which.
#pragma once

#include <string>

#if ASYNCORE_CATCH_MAJOR >= 3
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif

namespace testing {

// "The string contains `part`": ContainsSubstring in v3, Contains in v2.
inline auto contains(const std::string& part) {
#if ASYNCORE_CATCH_MAJOR >= 3
    return Catch::Matchers::ContainsSubstring(part);
#else
    return Catch::Matchers::Contains(part);
#endif
}

}  // namespace testing

#ifndef SKIP
// Catch2 before 3.3 cannot skip a test: say why loudly and stop it.
#define SKIP(...)          \
    do {                   \
        WARN(__VA_ARGS__); \
        return;            \
    } while (false)
#endif
