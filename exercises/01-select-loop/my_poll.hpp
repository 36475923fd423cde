// Exercise 01: your own poll(). The tests call my_poll() instead of asyncore::poll().
#pragma once

#include <asyncore/asyncore.hpp>

/// One pass of a select() loop over `map`: ask every channel readable()/writable(), wait at
/// most `timeout` seconds, then deliver every read, every write, every exceptional event.
void my_poll(double timeout, asyncore::channel_map& map);
