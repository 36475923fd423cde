/// \file
/// \brief Which chapter of the course this build of the library stands at.
///
/// The library is written once. Every piece of it is guarded by the chapter that introduces it:
///
///     #if ASYNCORE_CHAPTER >= 4
///         if (accepting) { handle_accept(); return; }
///     #endif
///
/// The build compiles the same sources once per chapter (`asyncore_ch01`, `asyncore_ch02`, ...), so
/// "the library as it stands after chapter NN" is a real, compiled, tested artifact. Without a
/// definition, you get the whole library.
///
/// A program must be compiled for the chapter its library was built for: each chapter adds
/// virtual functions, so code compiled for another chapter would call the wrong ones. Such a
/// program does not link (the library defines `asyncore::detail::library_built_for_chapter_NN`
/// for its own chapter only, and every file that includes this header refers to the one of its
/// chapter).
#pragma once

#ifndef ASYNCORE_CHAPTER
/// The chapter this build stands at; the whole library unless the build says otherwise.
#define ASYNCORE_CHAPTER 15
#endif

/// \cond
// The mismatch check described above. Every translation unit keeps a pointer to the symbol named
// after its own chapter (`used`: even when nothing reads it), so the linker must find that symbol;
// the library defines only the one of the chapter it was built for (lib/src/config.cpp).
#define ASYNCORE_BUILT_FOR(chapter) ASYNCORE_BUILT_FOR_(chapter)
#define ASYNCORE_BUILT_FOR_(chapter) library_built_for_chapter_##chapter

namespace asyncore::detail {
extern const int ASYNCORE_BUILT_FOR(ASYNCORE_CHAPTER);
[[gnu::used]] static const int* const chapter_of_this_file = &ASYNCORE_BUILT_FOR(ASYNCORE_CHAPTER);
}  // namespace asyncore::detail
/// \endcond
