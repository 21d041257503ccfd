// Moved: tornado bars live in models/studies/sensitivity.hpp.
#pragma once
#include "models/studies/sensitivity.hpp"  // IWYU pragma: export
