#include <gtest/gtest.h>

#include "util/text.h"

using namespace core;

TEST(Text, HexDigits) {
  EXPECT_EQ(util::hex_value('0'), 0);
  EXPECT_EQ(util::hex_value('9'), 9);
  EXPECT_EQ(util::hex_value('a'), 10);
  EXPECT_EQ(util::hex_value('F'), 15);
  EXPECT_EQ(util::hex_value('g'), -1);
  EXPECT_EQ(util::hex_value('%'), -1);
}

TEST(Text, Utf8IsCheckedAsRfc3629Says) {
  EXPECT_TRUE(util::valid_utf8(""));
  EXPECT_TRUE(util::valid_utf8("plain ASCII"));
  EXPECT_TRUE(util::valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é, €, an emoji
  EXPECT_EQ(util::utf8_sequence("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(util::utf8_sequence("\xF0\x9F\x98\x80", 0), 4u);
  EXPECT_FALSE(util::valid_utf8("\xFF"));
  EXPECT_FALSE(util::valid_utf8("\xC3"));              // cut short
  EXPECT_FALSE(util::valid_utf8("\xC0\xAF"));          // overlong "/"
  EXPECT_FALSE(util::valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(util::valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(util::valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(util::valid_utf8("a\x80" "b"));         // a continuation byte alone
}
