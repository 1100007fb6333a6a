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

TEST(Text, WholeNumbersAreReadWithoutThrowing) {
  EXPECT_EQ(util::parse_int64("0"), 0);
  EXPECT_EQ(util::parse_int64("-12"), -12);
  EXPECT_EQ(util::parse_int64("999999999999999999"), 999999999999999999);
  EXPECT_FALSE(util::parse_int64(""));
  EXPECT_FALSE(util::parse_int64("-"));
  EXPECT_FALSE(util::parse_int64("+3"));
  EXPECT_FALSE(util::parse_int64(" 1"));
  EXPECT_FALSE(util::parse_int64("1 "));
  EXPECT_FALSE(util::parse_int64("1e3"));
  EXPECT_FALSE(util::parse_int64("1234567890123456789"));      // 19 digits
  EXPECT_FALSE(util::parse_int64(std::string(100000, '9')));  // no overflow, no exception
  EXPECT_EQ(util::parse_id("42"), 42);
  EXPECT_FALSE(util::parse_id("0"));
  EXPECT_FALSE(util::parse_id("-4"));
}

TEST(Text, DecimalsAreReadWithoutThrowing) {
  EXPECT_DOUBLE_EQ(*util::parse_decimal("12"), 12);
  EXPECT_DOUBLE_EQ(*util::parse_decimal("12.50"), 12.5);
  EXPECT_DOUBLE_EQ(*util::parse_decimal("0.01"), 0.01);
  for (std::string bad : {"", ".5", "5.", "1.2.3", "-1", "+1", "1e308", "inf", "nan", "0x10", " 1", "1 ", "1,000"})
    EXPECT_FALSE(util::parse_decimal(bad)) << bad;
  EXPECT_FALSE(util::parse_decimal(std::string(400, '9')));
  EXPECT_FALSE(util::parse_decimal(std::string(100000, '1')));
  EXPECT_TRUE(util::parse_decimal("999999999999999"));
  EXPECT_FALSE(util::parse_decimal("9999999999999999"));
}

TEST(Text, SingleLineTextRefusesControlAndDirectionCharacters) {
  EXPECT_EQ(util::single_line_problem("Jane O’Brien-Smith"), nullptr);
  EXPECT_EQ(util::single_line_problem("caf\xC3\xA9 \xE2\x82\xAC"), nullptr);
  EXPECT_EQ(util::single_line_problem(""), nullptr);
  for (std::string bad : {std::string("a\nb"), std::string("a\rb"), std::string("a\tb"), std::string("a\x01"), std::string("\x1b[31m"),
                          std::string("a\x7f"), std::string("a\xC2\x85"), std::string("x", 1) + std::string(1, '\0')})
    EXPECT_NE(util::single_line_problem(bad), nullptr) << bad;
  EXPECT_NE(util::single_line_problem("abc\xE2\x80\xAEgpj.exe"), nullptr);  // U+202E right-to-left override
  EXPECT_NE(util::single_line_problem("\xE2\x81\xA6x"), nullptr);          // U+2066
  EXPECT_NE(util::single_line_problem("\xFF"), nullptr);                     // not UTF-8
}

TEST(Text, ALabelReadsInsideASentence) {
  EXPECT_EQ(util::lower_first_word("Housing benefit"), "housing benefit");
  EXPECT_EQ(util::lower_first_word("UPRN"), "UPRN");
  EXPECT_EQ(util::lower_first_word("LA code"), "LA code");
  EXPECT_EQ(util::lower_first_word("A"), "a");
  EXPECT_EQ(util::lower_first_word(""), "");
}

TEST(Text, CodePointsAreWrittenAsUtf8) {
  for (uint32_t cp : {0x24u, 0xA3u, 0x20ACu, 0xFFFDu, 0x1F600u, 0x10FFFFu}) {
    std::string s;
    util::append_utf8(s, cp);
    EXPECT_TRUE(util::valid_utf8(s)) << cp;
    EXPECT_EQ(util::utf8_sequence(s, 0), s.size()) << cp;
  }
  std::string pound;
  util::append_utf8(pound, 0xA3);
  EXPECT_EQ(pound, "\xC2\xA3");
  std::string emoji;
  util::append_utf8(emoji, 0x1F600);
  EXPECT_EQ(emoji, "\xF0\x9F\x98\x80");
}
