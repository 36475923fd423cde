// Nothing of its own: this file exists so that the build has a target that precompiles
// Catch2's header for every test program (see CMakeLists.txt).
