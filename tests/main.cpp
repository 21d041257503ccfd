// The single Catch2 main translation unit (compile once, link everywhere).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
