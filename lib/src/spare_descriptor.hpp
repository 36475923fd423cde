// One descriptor kept in reserve for the moment the process has none left (libuv and libev do
// the same). Private to the library.
#pragma once

namespace asyncore::detail {

// Opens the reserve (/dev/null) unless it is open already. listen() calls it, while there are
// descriptors to spare. Failing to open it only means that shed_one_connection() cannot help.
void keep_spare_descriptor() noexcept;

// Called when accept() on `listening_fd` failed with EMFILE or ENFILE. A listening socket with
// a connection waiting stays readable, so the loop would wake for it at once, every pass, and
// never get it: a busy loop until some descriptor frees up. Instead: free the reserve, accept
// the connection and close it at once (the client sees end of file, not a hang), and take the
// reserve back. Returns false when there was no reserve to free.
bool shed_one_connection(int listening_fd) noexcept;

}  // namespace asyncore::detail
