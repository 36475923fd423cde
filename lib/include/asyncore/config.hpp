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
#pragma once

#ifndef ASYNCORE_CHAPTER
/// The chapter this build stands at; the whole library unless the build says otherwise.
#define ASYNCORE_CHAPTER 11
#endif
