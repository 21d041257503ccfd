// UTF-8 as reports need it (docs/scenario-format.md#limits). Internal to models/io.
#pragma once

#include <cstddef>
#include <string_view>

namespace vestsim::models::io {

// Whether `s` is well-formed UTF-8 (RFC 3629): no overlong form (C0 AF for '/'), no UTF-16
// surrogate (U+D800..U+DFFF, ED A0 80..ED BF BF) and nothing above U+10FFFF. A report's JSON
// refuses any of them, so the loader must first. Requires: nothing. Returns false with the
// offset of the first bad sequence's lead byte in `bad_at`.
inline bool valid_utf8(std::string_view s, std::size_t& bad_at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and its second byte's range (RFC 3629 section 4).
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;  // below: overlong
      if (c == 0xed) hi = 0x9f;  // above: a surrogate
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;  // below: overlong
      if (c == 0xf4) hi = 0x8f;  // above: beyond U+10FFFF
    }
    bool ok = len != 0 && i + len <= s.size() && byte(i + 1) >= lo && byte(i + 1) <= hi;
    for (std::size_t k = 2; ok && k < len; ++k) ok = (byte(i + k) >> 6) == 2;
    if (!ok) {
      bad_at = i;
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace vestsim::models::io
