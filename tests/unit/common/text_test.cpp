#include "common/text.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(DisplayText, TakesUtf8WithoutControlCharacters) {
  EXPECT_TRUE(is_display_text("东一村 No. 1"));
  EXPECT_TRUE(is_display_text("\xf0\x9f\x98\x80"));  // U+1F600, four bytes
  EXPECT_FALSE(is_display_text("a\tb"));
  EXPECT_FALSE(is_display_text("a\nb"));
  EXPECT_FALSE(is_display_text("a\x7f"));
  EXPECT_FALSE(is_display_text("\xe4\xb8"));  // cut short
}

TEST(DisplayText, RefusesOverlongFormsSurrogatesAndCodesBeyondUnicode) {
  EXPECT_FALSE(is_display_text("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_display_text("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(is_display_text("\xf0\x80\x80\xaf"));  // overlong '/'
  EXPECT_FALSE(is_display_text("\xed\xa0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_display_text("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_TRUE(is_display_text("\xed\x9f\xbf"));       // U+D7FF
  EXPECT_TRUE(is_display_text("\xf4\x8f\xbf\xbf"));   // U+10FFFF
}

}  // namespace
}  // namespace yimen
