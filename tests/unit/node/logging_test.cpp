#include "rollup/node/logging.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rollup::node {
namespace {

std::string decoded(std::string_view text) {
  return nlohmann::json::parse("\"" + json_escape(text) + "\"").get<std::string>();
}

TEST(JsonLog, EscapesSoEveryMessageIsAValidJsonString) {
  EXPECT_EQ(decoded("plain"), "plain");
  EXPECT_EQ(decoded("quote \" backslash \\ newline \n tab \t nul " + std::string(1, '\0')),
            "quote \" backslash \\ newline \n tab \t nul " + std::string(1, '\0'));
  EXPECT_EQ(decoded("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong form, a surrogate.
  const std::string replacement = "\xef\xbf\xbd";
  EXPECT_EQ(decoded("a\x80z"), "a" + replacement + "z");
  EXPECT_EQ(decoded("a\xe2\x82"), "a" + replacement + replacement);
  EXPECT_EQ(decoded("\xc0\xaf"), replacement + replacement);
  EXPECT_EQ(decoded("\xed\xa0\x80"), replacement + replacement + replacement);
}

}  // namespace
}  // namespace rollup::node
