/// \file
/// \brief Everything: include this one header.
#pragma once

#include "asyncore/config.hpp"

#include "asyncore/channel_map.hpp"
#include "asyncore/dispatcher.hpp"
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"
#include "asyncore/socket.hpp"
#include "asyncore/stream.hpp"

#if ASYNCORE_CHAPTER >= 2
#include "asyncore/address.hpp"
#endif
#if ASYNCORE_CHAPTER >= 3
#include "asyncore/dispatcher_with_send.hpp"
#endif
#if ASYNCORE_CHAPTER >= 6
#include "asyncore/file_dispatcher.hpp"
#endif
#if ASYNCORE_CHAPTER >= 12
#include "asyncore/timers.hpp"
#endif
#if ASYNCORE_CHAPTER >= 13
#include "asyncore/async_chat.hpp"
#endif

/// The asyncore library: Python's `asyncore` module, rebuilt in C++17.
namespace asyncore {}
