# Run after a test program is built (cmake -P): lists its Catch2 test cases once and writes the
# CTest file that registers each case once per variant (a name prefix, extra arguments, labels).
# It replaces Catch2's catch_discover_tests, which runs the program twice per registration; a
# library test program is registered twice (select and poll backends), and under the sanitizers
# every run costs.
#
#   cmake -D PROGRAM=<test program> -D VARIANTS=<variants.cmake> -D OUTPUT=<tests.cmake>
#         -D TIMEOUT=<seconds> -P AsyncoreDiscoverTests.cmake
#
# VARIANTS sets variant_count and, for each i in 1..count, prefix_<i>, args_<i> and labels_<i>.

include(${VARIANTS})

# Catch2 v2 lists names with --list-test-names-only (and exits with their count); v3 with a quiet
# --list-tests.
execute_process(COMMAND ${PROGRAM} --list-test-names-only
  OUTPUT_VARIABLE listed ERROR_VARIABLE errors RESULT_VARIABLE status)
if("${errors}${listed}" MATCHES "Unrecognised token")
  execute_process(COMMAND ${PROGRAM} --list-tests --verbosity quiet
    OUTPUT_VARIABLE listed ERROR_VARIABLE errors RESULT_VARIABLE status)
endif()
if(NOT status MATCHES "^[0-9]+$")
  message(FATAL_ERROR "${PROGRAM} died while listing its tests (${status}):\n${errors}")
endif()

if(listed MATCHES ";")
  message(FATAL_ERROR "${PROGRAM}: a test name holds a ';', which CTest cannot register: rename it")
endif()
string(REPLACE "\n" ";" names "${listed}")
set(script "")
foreach(name IN LISTS names)
  if(name STREQUAL "")
    continue()
  endif()
  # A test spec that matches exactly this name: Catch2 reads , [ ] * " and \ as syntax.
  string(REGEX REPLACE "([][\\,*\"])" "\\\\\\1" spec "${name}")
  foreach(i RANGE 1 ${variant_count})
    set(arguments "")
    foreach(argument IN LISTS args_${i})
      string(APPEND arguments " [==[${argument}]==]")
    endforeach()
    string(APPEND script
      "add_test([==[${prefix_${i}}${name}]==] [==[${PROGRAM}]==] [==[${spec}]==]${arguments})\n"
      "set_tests_properties([==[${prefix_${i}}${name}]==] PROPERTIES LABELS [==[${labels_${i}}]==] TIMEOUT ${TIMEOUT})\n")
  endforeach()
endforeach()
file(WRITE ${OUTPUT} "${script}")
