# The course's build functions: one place for what every chapter does the same way.
#
#   asyncore_chapter_tests(<NN> <source>...)   library tests for chapter NN's concept
#   asyncore_example(<NN> <source> [NAME n])   a runnable example, built into bin/
#   asyncore_exercise(<NN> SNAPSHOT <SS> STUBS <file>... TESTS <file>... [SOURCES <file>...])
#
# Call them from chapters/NN-slug/CMakeLists.txt.

include(CTest)

# Catch2: version 3 where the system has it, else Debian 12's 2.13. tests/support/catch.hpp
# hides the difference from the tests.
find_package(Catch2 3 QUIET)
if(Catch2_FOUND)
  set(ASYNCORE_CATCH_MAJOR 3)
else()
  find_package(Catch2 2 REQUIRED)
  set(ASYNCORE_CATCH_MAJOR 2)
endif()

# Python 3.11 is the last Python with asyncore; ./course test installs it.
find_program(ASYNCORE_PYTHON NAMES python3.11 DOC "Python 3.11, the last Python with asyncore")
if(NOT ASYNCORE_PYTHON)
  set(ASYNCORE_PYTHON python3.11)  # the test then says it is missing, and fails
endif()

set(ASYNCORE_TEST_TIMEOUT 60 CACHE STRING "Seconds before CTest stops a test that hangs")

# The chapter number and slug of the calling chapter folder, "01" and "01-select-loop".
macro(asyncore_this_chapter)
  get_filename_component(slug "${CMAKE_CURRENT_SOURCE_DIR}" NAME)
  string(SUBSTRING "${slug}" 0 2 chapter)
endmacro()

# Every test program, and what the tests run (the programs under test depend on it): what the
# sanitizer build of ./course test builds, instead of everything.
add_custom_target(test_programs)

# A test executable: the test support, Catch2, and our main.
# Test code is compiled without optimisation whatever the build type: each test source is
# compiled once per snapshot it runs on and then run once, so compile time is what counts
# (-O0 compiles them 2.4 times faster than -O3). The library under test keeps the build type's
# flags, so the tests still exercise the optimised library. Catch2's header comes precompiled.
function(asyncore_test_executable target)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBRARIES;INCLUDES" ${ARGN})
  add_executable(${target} ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE ${arg_LIBRARIES} asyncore_test_main)
  target_include_directories(${target} PRIVATE ${arg_INCLUDES} ${PROJECT_SOURCE_DIR}/tests/support)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  asyncore_test_code_options(${target})
  target_precompile_headers(${target} REUSE_FROM asyncore_test_pch)
  asyncore_warnings(${target})
  add_dependencies(test_programs ${target})
endfunction()

# Registers every Catch2 test case of `target` with CTest, one CTest test per case, with the
# given name PREFIX, LABELS and EXTRA_ARGS. The same target may be registered several times (the
# library tests run once per backend): its program is still run once, after it is built, to list
# its cases (cmake/AsyncoreDiscoverTests.cmake).
function(asyncore_register_tests target)
  cmake_parse_arguments(arg "STUB_MUST_FAIL" "PREFIX" "LABELS;EXTRA_ARGS" ${ARGN})
  if(arg_STUB_MUST_FAIL)
    list(APPEND arg_EXTRA_ARGS --stub-must-fail)
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_tests)
  get_property(count TARGET ${target} PROPERTY ASYNCORE_VARIANTS)
  if(NOT count)
    set(count 0)
    file(WRITE ${dir}/variants.cmake "")
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -D PROGRAM=$<TARGET_FILE:${target}> -D VARIANTS=${dir}/variants.cmake
              -D OUTPUT=${dir}/tests.cmake -D TIMEOUT=${ASYNCORE_TEST_TIMEOUT}
              -P ${PROJECT_SOURCE_DIR}/cmake/AsyncoreDiscoverTests.cmake
      BYPRODUCTS ${dir}/tests.cmake
      VERBATIM)
    # CTest reads the cases when it starts; a program not built yet has none.
    file(WRITE ${dir}/include.cmake "if(EXISTS [==[${dir}/tests.cmake]==])\n  include([==[${dir}/tests.cmake]==])\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${dir}/include.cmake)
  endif()
  math(EXPR count "${count} + 1")
  set_property(TARGET ${target} PROPERTY ASYNCORE_VARIANTS ${count})
  file(APPEND ${dir}/variants.cmake
    "set(variant_count ${count})\n"
    "set(prefix_${count} [==[${arg_PREFIX}]==])\n"
    "set(args_${count} [==[${arg_EXTRA_ARGS}]==])\n"
    "set(labels_${count} [==[${arg_LABELS}]==])\n")
endfunction()

function(asyncore_chapter_tests)
  asyncore_this_chapter()
  set_property(GLOBAL APPEND PROPERTY ASYNCORE_TEST_INCLUDES_${chapter} "${CMAKE_CURRENT_SOURCE_DIR}")
  foreach(source IN LISTS ARGN)
    set_property(GLOBAL APPEND PROPERTY ASYNCORE_TESTS_${chapter} "${CMAKE_CURRENT_SOURCE_DIR}/${source}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY ASYNCORE_TESTED_CHAPTERS ${chapter})
endfunction()

# The tests of chapter K run on every snapshot from K on: each chapter adds its concept without
# breaking the ones before. From the chapter that adds the poll() backend on, they run once per
# backend (and on epoll too from chapter 15). Called once, after every chapter is added.
set(ASYNCORE_POLL_BACKEND_CHAPTER 11)
set(ASYNCORE_EPOLL_BACKEND_CHAPTER 15)
function(asyncore_add_library_test_suites)
  get_property(tested GLOBAL PROPERTY ASYNCORE_TESTED_CHAPTERS)
  foreach(chapter IN LISTS tested)
    get_property(sources GLOBAL PROPERTY ASYNCORE_TESTS_${chapter})
    get_property(includes GLOBAL PROPERTY ASYNCORE_TEST_INCLUDES_${chapter})
    foreach(snapshot IN LISTS ASYNCORE_LIBRARY_CHAPTERS)
      if(snapshot LESS chapter)
        continue()
      endif()
      if(NOT ASYNCORE_SNAPSHOT_TESTS AND NOT snapshot STREQUAL ASYNCORE_LAST_CHAPTER)
        continue()
      endif()
      set(target ch${chapter}_tests_on_ch${snapshot})
      asyncore_test_executable(${target} SOURCES ${sources} LIBRARIES asyncore_ch${snapshot} INCLUDES ${includes})
      asyncore_register_tests(${target} PREFIX "ch${chapter}@ch${snapshot}: "
        LABELS "library;chapter-${chapter};snapshot-${snapshot}")
      if(NOT snapshot LESS ASYNCORE_POLL_BACKEND_CHAPTER)
        asyncore_register_tests(${target} PREFIX "ch${chapter}@ch${snapshot} on poll(): "
          EXTRA_ARGS --backend=poll LABELS "library;chapter-${chapter};snapshot-${snapshot};backend-poll")
      endif()
      if(NOT snapshot LESS ASYNCORE_EPOLL_BACKEND_CHAPTER)
        asyncore_register_tests(${target} PREFIX "ch${chapter}@ch${snapshot} on epoll(): "
          EXTRA_ARGS --backend=epoll LABELS "library;chapter-${chapter};snapshot-${snapshot};backend-epoll")
      endif()
    endforeach()
  endforeach()
endfunction()

# What ./course demo runs; examples and capstone programs join it.
add_custom_target(demo_programs)

function(asyncore_example source)
  asyncore_this_chapter()
  cmake_parse_arguments(arg "" "NAME;SNAPSHOT" "" ${ARGN})
  get_filename_component(name "${source}" NAME_WE)
  if(arg_NAME)
    set(name ${arg_NAME})
  endif()
  if(NOT arg_SNAPSHOT)
    set(arg_SNAPSHOT ${chapter})
  endif()
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE asyncore_ch${arg_SNAPSHOT})
  asyncore_warnings(${name})
  add_dependencies(demo_programs ${name})
endfunction()

# Black-box tests of the course's programs, run as processes against real peers.
#   asyncore_integration_tests(<source>... PROGRAMS <target>...)
# Each program's path is a macro: PROGRAM_<TARGET>, e.g. PROGRAM_ECHO_SERVER. PYTHON311 is
# Python 3.11 and CHAPTER_DIR this chapter's folder (for the Python peers kept there).
function(asyncore_integration_tests)
  asyncore_this_chapter()
  cmake_parse_arguments(arg "" "" "PROGRAMS" ${ARGN})
  set(target ch${chapter}_integration)
  asyncore_test_executable(${target} SOURCES ${arg_UNPARSED_ARGUMENTS} LIBRARIES asyncore
    INCLUDES ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_definitions(${target} PRIVATE PYTHON311="${ASYNCORE_PYTHON}"
    CHAPTER_DIR="${CMAKE_CURRENT_SOURCE_DIR}")
  foreach(program IN LISTS arg_PROGRAMS)
    string(TOUPPER ${program} macro)
    target_compile_definitions(${target} PRIVATE PROGRAM_${macro}="$<TARGET_FILE:${program}>")
    add_dependencies(${target} ${program})
  endforeach()
  asyncore_register_tests(${target} PREFIX "ch${chapter} integration: " LABELS "integration;chapter-${chapter}")
endfunction()

# A libFuzzer target, built with clang (the rest of the build may use another compiler) and run
# for a bounded time as a test.
#   asyncore_fuzz_target(<fuzz.cpp> <source>... [INCLUDES dir...] [CORPUS dir] [SECONDS n])
find_program(ASYNCORE_CLANGXX NAMES clang++ clang++-14 DOC "clang++, for the libFuzzer targets")

function(asyncore_fuzz_target fuzz_source)
  asyncore_this_chapter()
  cmake_parse_arguments(arg "" "CORPUS;SECONDS" "INCLUDES" ${ARGN})
  get_filename_component(name "${fuzz_source}" NAME_WE)
  set(test_name "ch${chapter}: fuzz ${name} for ${arg_SECONDS} s")
  if(NOT ASYNCORE_CLANGXX)
    add_test(NAME "${test_name}" COMMAND ${CMAKE_COMMAND} -E echo "clang++ is missing: ./course test installs it")
    set_tests_properties("${test_name}" PROPERTIES LABELS "fuzz;chapter-${chapter}" WILL_FAIL TRUE)
    return()
  endif()
  set(binary ${CMAKE_BINARY_DIR}/fuzz/${name})
  set(sources ${CMAKE_CURRENT_SOURCE_DIR}/${fuzz_source} ${arg_UNPARSED_ARGUMENTS})
  list(TRANSFORM arg_INCLUDES PREPEND "-I" OUTPUT_VARIABLE include_flags)
  add_custom_command(OUTPUT ${binary}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/fuzz
    COMMAND ${ASYNCORE_CLANGXX} -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined
            -fno-sanitize-recover=all ${include_flags} ${sources} -o ${binary}
    DEPENDS ${sources}
    COMMENT "Building fuzz target ${name} with clang"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${binary})
  # libFuzzer adds what it finds to the first corpus folder: give it a scratch copy.
  set(scratch ${CMAKE_BINARY_DIR}/fuzz/${name}-corpus)
  add_test(NAME "${test_name}"
    COMMAND sh -c "rm -rf '${scratch}' && cp -r '${CMAKE_CURRENT_SOURCE_DIR}/${arg_CORPUS}' '${scratch}' && exec '${binary}' -max_total_time=${arg_SECONDS} -rss_limit_mb=2048 -print_final_stats=1 '${scratch}'")
  set_tests_properties("${test_name}" PROPERTIES LABELS "fuzz;chapter-${chapter}" TIMEOUT 300)
endfunction()

# A Python asyncore program and its C++ twin must print the same trace of handler calls.
#   asyncore_python_twin(<script.py> <cpp target> [ARGS args...])
function(asyncore_python_twin script program)
  asyncore_this_chapter()
  cmake_parse_arguments(arg "" "" "ARGS" ${ARGN})
  get_filename_component(name "${script}" NAME_WE)
  add_test(NAME "ch${chapter}: Python and C++ agree: ${name}"
    COMMAND ${PROJECT_SOURCE_DIR}/tools/compare_twins.sh ${ASYNCORE_PYTHON}
            ${CMAKE_CURRENT_SOURCE_DIR}/${script} $<TARGET_FILE:${program}> ${arg_ARGS})
  set_tests_properties("ch${chapter}: Python and C++ agree: ${name}" PROPERTIES
    LABELS "python;chapter-${chapter}" TIMEOUT ${ASYNCORE_TEST_TIMEOUT})
endfunction()

# An exercise and its solution, built against the same tests.
#   exNN:  the tests + the stubs from exercises/NN-slug (as released, or as the student left them)
#   solNN: the tests + solutions/NN-slug, which holds only the files that replace the stubs
# In stub mode every exercise test must fail on the stub (see --stub-must-fail in
# tests/support/catch_main.cpp): a stub that passes a test means the test checks nothing the
# student writes.
#
# A capstone exercise also builds a program: PROGRAM <name> MAIN <main.cpp>. The solution's
# program lands in bin/<name> (the course's real programs); the stub's in tests/exNN-program/<name>. The
# tests find "their" program in the ASYNCORE_PROGRAM macro.
#
# CASES_FROM <chapter folder>... puts earlier chapters' folders on the tests' include path, so
# an exercise can be checked by an earlier chapter's cases too.
#
#   asyncore_exercise(STUBS <file>... TESTS <file>... [SOURCES <file>...] [SNAPSHOT <NN>]
#                     [PROGRAM <name> MAIN <main.cpp>] [CASES_FROM <NN-slug>...])
function(asyncore_exercise)
  asyncore_this_chapter()
  if(chapter IN_LIST ASYNCORE_CHANGED_EXERCISES)
    message(STATUS "exercise ${chapter} differs from its release: not built here (./course check ${chapter} builds it)")
    return()
  endif()
  cmake_parse_arguments(arg "" "SNAPSHOT;PROGRAM;MAIN;NAME" "STUBS;TESTS;SOURCES;CASES_FROM" ${ARGN})
  set(name ${chapter}${arg_NAME})
  if(NOT arg_SNAPSHOT)
    set(arg_SNAPSHOT ${chapter})
  endif()
  set(library asyncore_ch${arg_SNAPSHOT})
  if(NOT TARGET ${library})
    set(library asyncore)  # the capstones use the whole library
  endif()
  set(exercise_dir "${ASYNCORE_EXERCISES_DIR}/${slug}")
  set(solution_dir "${PROJECT_SOURCE_DIR}/solutions/${slug}")
  list(TRANSFORM arg_TESTS PREPEND "${exercise_dir}/" OUTPUT_VARIABLE tests)
  list(TRANSFORM arg_SOURCES PREPEND "${exercise_dir}/" OUTPUT_VARIABLE shared)
  list(TRANSFORM arg_STUBS PREPEND "${exercise_dir}/" OUTPUT_VARIABLE stubs)
  list(TRANSFORM arg_STUBS PREPEND "${solution_dir}/" OUTPUT_VARIABLE solutions)
  list(TRANSFORM arg_CASES_FROM PREPEND "${PROJECT_SOURCE_DIR}/chapters/" OUTPUT_VARIABLE cases)
  # A stub in a sub-folder (challenges/) includes its header from there, in either build.
  set(stub_dirs ${exercise_dir})
  foreach(stub IN LISTS stubs)
    get_filename_component(stub_dir "${stub}" DIRECTORY)
    list(APPEND stub_dirs ${stub_dir})
  endforeach()
  list(REMOVE_DUPLICATES stub_dirs)

  set(kinds sol)
  if(ASYNCORE_BUILD_STUBS)
    list(PREPEND kinds ex)
  endif()
  # The chapter folder is on the include path too: exercise tests may share the chapter's cases.
  foreach(kind IN LISTS kinds)
    if(kind STREQUAL ex)
      set(code ${stubs})
      set(includes ${stub_dirs} ${CMAKE_CURRENT_SOURCE_DIR} ${cases})
    else()
      set(code ${solutions})
      set(includes ${solution_dir} ${stub_dirs} ${CMAKE_CURRENT_SOURCE_DIR} ${cases})
    endif()
    asyncore_test_executable(${kind}${name} SOURCES ${tests} ${shared} ${code}
      LIBRARIES ${library} INCLUDES ${includes})
    if(arg_PROGRAM)
      set(program ${arg_PROGRAM})
      if(kind STREQUAL ex)
        set(program ex${name}_${arg_PROGRAM})
      endif()
      add_executable(${program} ${code} ${shared} ${exercise_dir}/${arg_MAIN})
      target_include_directories(${program} PRIVATE ${includes})
      target_link_libraries(${program} PRIVATE ${library})
      asyncore_warnings(${program})
      if(kind STREQUAL ex)
        set_target_properties(${program} PROPERTIES OUTPUT_NAME ${arg_PROGRAM}
          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/ex${name}-program)
      else()
        add_dependencies(demo_programs ${program})
      endif()
      target_compile_definitions(${kind}${name} PRIVATE ASYNCORE_PROGRAM="$<TARGET_FILE:${program}>")
      add_dependencies(${kind}${name} ${program})
    endif()
  endforeach()

  asyncore_register_tests(sol${name} PREFIX "sol${name}: " LABELS "solution;chapter-${chapter}")
  if(NOT ASYNCORE_BUILD_STUBS)
    return()
  elseif(ASYNCORE_EXERCISE_MODE STREQUAL "stub")
    asyncore_register_tests(ex${name} PREFIX "ex${name} (the stub must fail): " STUB_MUST_FAIL
      LABELS "exercise;chapter-${chapter}")
  else()
    asyncore_register_tests(ex${name} PREFIX "ex${name}: " LABELS "exercise;chapter-${chapter}")
  endif()
endfunction()

# Optional challenges of a chapter's exercise: stubs and tests under exercises/NN-slug/challenges/,
# their solutions under solutions/NN-slug/challenges/, built as exNN_challenges and
# solNN_challenges and checked like the exercise (./course check NN --challenges runs them).
#   asyncore_challenges(STUBS challenges/<file>... TESTS challenges/<file>... [SNAPSHOT <NN>])
function(asyncore_challenges)
  asyncore_exercise(NAME _challenges ${ARGN})
endfunction()
