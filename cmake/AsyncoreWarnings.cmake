# Warnings every target of the project compiles with.
function(asyncore_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(ASYNCORE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
