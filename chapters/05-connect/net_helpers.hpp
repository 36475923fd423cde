// Chapter 05's tests and exercise use chapter 04's test helpers: client sockets, a server that
// keeps what it accepts, a closed port, a temporary folder.
#pragma once

#include "../04-accept/net_helpers.hpp"
