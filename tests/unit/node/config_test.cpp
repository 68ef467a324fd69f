#include "rollup/node/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/temp_dir.hpp"

namespace rollup::node {
namespace {

Sources with_env(std::map<std::string, std::string> env) {
  Sources s;
  s.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return s;
}

TEST(Config, DefaultsNeedOnlyADatadir) {
  Sources s = with_env({});
  auto missing = load_config(s);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), make_error_code(Errc::missing_value));
  s.flags["datadir"] = "/var/lib/rollupd";
  auto c = load_config(s);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->datadir, "/var/lib/rollupd");
  EXPECT_EQ(c->http.addr, "127.0.0.1");
  EXPECT_EQ(c->http.port, 8545);
  EXPECT_EQ(c->sequencer.block_time_ms, 1000u);
  EXPECT_TRUE(c->db.sync);
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFile) {
  testing::TempDir dir;
  const auto file = dir.path() / "rollupd.toml";
  std::ofstream(file) << "datadir = \"/from/file\"\nblock_time = 500\n"
                         "[http]\nport = 9000\naddr = \"0.0.0.0\"\n"
                         "[sequencer]\nempty_blocks = false\n"
                         "fee_recipient = \"0x00000000000000000000000000000000000000c0\"\n"
                         "[log]\nlevels = \"txpool=debug,http=warn\"\n";
  Sources s = with_env({{"ROLLUPD_HTTP_PORT", "9100"}, {"ROLLUPD_BLOCK_TIME", "250"}});
  s.file = file;
  s.flags["block_time"] = "100";
  auto c = load_config(s);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->datadir, "/from/file");
  EXPECT_EQ(c->http.addr, "0.0.0.0");
  EXPECT_EQ(c->http.port, 9100);                // environment over file
  EXPECT_EQ(c->sequencer.block_time_ms, 100u);  // flag over environment
  EXPECT_FALSE(c->sequencer.empty_blocks);
  EXPECT_EQ(c->sequencer.fee_recipient.bytes[19], 0xc0);
  EXPECT_EQ(c->log.levels, "txpool=debug,http=warn");
}

TEST(Config, MistakesAreRefusedNamingKeyAndSource) {
  testing::TempDir dir;
  struct Case {
    std::string toml;
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> flags;
    Errc code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"[http]\nprot = 1\n", {}, {}, Errc::unknown_key, "http.prot"},
      {"[http]\nport = 70000\n", {}, {}, Errc::invalid_value, "http.port (from file"},
      {"[http]\nport = -1\n", {}, {}, Errc::invalid_value, "http.port: negative"},
      {"[http]\nport = 1.5\n", {}, {}, Errc::invalid_value, "http.port"},
      {"genesis = [1]\n", {}, {}, Errc::invalid_value, "genesis: expected a string"},
      {"[a.b]\nc = 1\n", {}, {}, Errc::unknown_key, "a.b"},
      {"[http\n", {}, {}, Errc::config_file, "rollupd.toml:2"},
      {"",
       {{"ROLLUPD_DB_SYNC", "maybe"}},
       {},
       Errc::invalid_value,
       "db.sync (from environment ROLLUPD_DB_SYNC): expected true or false"},
      {"",
       {},
       {{"sequencer.fee_recipient", "0x12"}},
       Errc::invalid_value,
       "sequencer.fee_recipient (from --sequencer.fee-recipient)"},
      {"", {}, {{"log.levels", "txpool=loud"}}, Errc::invalid_value, "log.levels"},
      {"", {}, {{"log.levels", "mempool=debug"}}, Errc::invalid_value, "got 'mempool'"},
      {"", {}, {{"block_time", "5"}}, Errc::invalid_value, "expected 10 to 3600000"},
  };
  for (const Case& c : cases) {
    const auto file = dir.path() / "rollupd.toml";
    std::ofstream(file) << "datadir = \"/d\"\n" << c.toml;
    Sources s = with_env(c.env);
    s.file = file;
    s.flags = c.flags;
    auto r = load_config(s);
    ASSERT_FALSE(r) << c.says;
    EXPECT_EQ(r.error().code(), make_error_code(c.code)) << c.says << ": " << r.error().message();
    EXPECT_NE(r.error().message().find(c.says), std::string::npos) << r.error().message();
  }
}

TEST(Config, EveryKeyHasAFlagAnEnvironmentNameAndAParsableDefault) {
  Config defaults;
  for (const Key& key : keys()) {
    EXPECT_TRUE(key.flag.starts_with("--")) << key.name;
    EXPECT_TRUE(key.env.starts_with("ROLLUPD_")) << key.name;
    const std::string text = key.get(defaults);
    if (text.empty()) continue;  // datadir, genesis and log.levels have no default
    Config c;
    EXPECT_TRUE(key.set(c, text)) << key.name << " = " << text;
  }
  // The flags the issue and the operators' scripts rely on.
  std::set<std::string> flags;
  for (const Key& key : keys()) flags.insert(key.flag);
  for (const char* f : {"--datadir", "--genesis", "--http.addr", "--http.port", "--block-time"}) {
    EXPECT_TRUE(flags.contains(f)) << f;
  }
}

// The example shipped in config/ is a valid configuration.
TEST(Config, TheExampleFileLoads) {
  Sources s = with_env({});
  s.file = std::string(ROLLUP_TEST_DATA) + "/../../config/rollupd.toml";
  auto c = load_config(s);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->datadir, "/var/lib/rollupd");
  EXPECT_EQ(c->rollup.base_fee_vault.bytes[19], 0x19);
}

// The batcher needs L1, an inbox and a key; each missing one is named.
TEST(Config, TheBatcherNeedsItsL1Settings) {
  const auto refused = [](std::map<std::string, std::string> flags, std::string_view key) {
    Sources s = with_env({});
    s.flags = std::move(flags);
    s.flags["datadir"] = "/tmp/x";
    s.flags["batcher.enabled"] = "true";
    auto c = load_config(s);
    ASSERT_FALSE(c.has_value()) << key;
    EXPECT_NE(c.error().message().find(key), std::string::npos) << c.error().message();
  };
  refused({}, "l1.rpc");
  refused({{"l1.rpc", "http://127.0.0.1:1"}}, "batcher.inbox");
  refused({{"l1.rpc", "http://127.0.0.1:1"},
           {"batcher.inbox", "0x00000000000000000000000000000000000000aa"}},
          "batcher.key_file");
  Sources ok = with_env({});
  ok.flags = {{"datadir", "/tmp/x"},
              {"batcher.enabled", "true"},
              {"l1.rpc", "http://127.0.0.1:1"},
              {"batcher.inbox", "0x00000000000000000000000000000000000000aa"},
              {"batcher.key_file", "/tmp/key"},
              {"batcher.compression", "zstd"}};
  auto c = load_config(ok);
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->batcher.compression, "zstd");
  ok.flags["batcher.compression"] = "lzma";
  EXPECT_FALSE(load_config(ok).has_value());
}

// docs/configuration.md stays true: each key's row names its flag, variable and default.
TEST(Config, TheDocumentationListsEveryKey) {
  std::ifstream in(std::string(ROLLUP_TEST_DATA) + "/../../docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md not found";
  std::stringstream doc;
  doc << in.rdbuf();
  const Config defaults;
  for (const Key& key : keys()) {
    const std::string value = key.get(defaults);
    const std::string row = "| `" + key.name + "` | `" + key.flag + "` | `" + key.env + "` | " +
                            key.type + " | " + (value.empty() ? "—" : "`" + value + "`") + " |";
    EXPECT_NE(doc.str().find(row), std::string::npos) << "missing or stale row: " << row;
  }
}

}  // namespace
}  // namespace rollup::node
