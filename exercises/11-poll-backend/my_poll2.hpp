// Exercise 11: your own poll2(). The tests call my_poll2() instead of asyncore::poll2().
#pragma once

#include <asyncore/asyncore.hpp>

/// One pass of a poll() loop over `map`: ask every channel readable()/writable(), wait at most
/// `timeout` seconds with the system call poll(), then run each ready channel's steps in
/// Python's order: read, write, urgent data, hang-up or error.
void my_poll2(double timeout, asyncore::channel_map& map);
