// Exercise 02, challenge, a solution: a line that never ends.
#include "bounded_reader.hpp"

// Your line_reader, built into the challenge's test program with the line below.
#include "../line_reader.cpp"

void bounded_reader::handle_read() {
    // TODO 1 begin
    line_reader::handle_read();  // yours: reads, and moves every complete line into `lines`
    // [limit]
    // Only the unfinished line counts: a read may bring many short lines and still be fine.
    if (!finished && unfinished() > max_line) {
        error = "a line longer than " + std::to_string(max_line) + " bytes";
        close();  // the map lets go of the reader, and of the bytes it held, after this pass
    }
    // [limit]
    // TODO 1 end
}
