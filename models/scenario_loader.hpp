#pragma once
#include "models/io/load.hpp"  // moved there; this forwarding header goes away
