#pragma once
// The node's configuration: one table of keys, each settable from a TOML file, an environment
// variable and a command-line flag.
//
// Precedence, lowest first: built-in default, the file given by --config, the environment,
// flags. A key `section.some_key` is written `some_key = ...` under `[section]` in the file,
// ROLLUPD_SECTION_SOME_KEY in the environment and --section.some-key on the command line (a few
// keys have the short flags users expect: --datadir, --genesis, --block-time). Every value goes
// through the same parser whatever its source, and every mistake is refused with the key, the
// source and what was expected; unknown keys in the file are refused too, since a misspelt key
// silently left at its default is worse than a refusal. docs/configuration.md lists every key.
//
// No key holds a secret: keys that need one name a file to read it from.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"

namespace rollup::node {

enum class Errc {
  ok = 0,
  config_file,    // the TOML file cannot be read or parsed
  unknown_key,    // a key the node does not know
  invalid_value,  // a value of the wrong type or out of range
  missing_value,  // a required key was given nowhere
  datadir,        // the datadir cannot be prepared: unreadable genesis, another chain, no genesis
};

}  // namespace rollup::node
ROLLUP_DECLARE_ERRC(rollup::node, Errc);

namespace rollup::node {

struct Config {
  std::filesystem::path datadir;
  std::filesystem::path genesis;  // needed to initialise an empty datadir, checked otherwise

  struct Http {
    std::string addr = "127.0.0.1";
    std::uint16_t port = 8545;
    // JSON-RPC namespaces served (geth's --http.api); admin is not among them.
    std::vector<std::string> api = {"eth", "net", "web3", "txpool", "rollup"};
    std::vector<std::string> corsdomain;              // browser Origins allowed; "*" for any
    std::vector<std::string> vhosts = {"localhost"};  // Host names allowed; "*" for any
  } http;

  struct Rpc {
    std::uint64_t gascap = 50'000'000;                         // eth_call / eth_estimateGas
    std::uint64_t evmtimeout_ms = 5000;                        // eth_call / eth_estimateGas
    std::uint64_t logs_block_range = 100'000;                  // eth_getLogs, filters
    std::uint64_t logs_limit = 10'000;                         // eth_getLogs, filters
    uint256 txfeecap = uint256(1'000'000'000'000'000'000ULL);  // wei; 0: no cap
    std::uint64_t batch_request_limit = 1000;
    std::uint64_t batch_response_max_size = 25'000'000;  // bytes
    // A file with a 32-byte hex secret (mode 0600); when set, admin_ is served to JWT holders.
    std::filesystem::path jwt_secret;
  } rpc;

  struct Log {
    std::string level = "info";   // trace, debug, info, warn, error, off
    std::string format = "text";  // text or json
    // Per subsystem, overriding `level`: "txpool=debug,sequencer=warn".
    std::string levels;
  } log;

  struct Sequencer {
    std::uint64_t block_time_ms = 1000;
    bool empty_blocks = true;
    Address fee_recipient;
    std::uint64_t gas_limit = 0;  // 0: the genesis gas limit
  } sequencer;

  // Chain rules every node of the rollup must share.
  struct Rollup {
    Address base_fee_vault;
    std::uint64_t eip1559_elasticity = 2;
    std::uint64_t eip1559_denominator = 8;
  } rollup;

  struct TxPool {
    std::uint64_t global_slots = 5120;
    std::uint64_t account_slots = 16;
    std::uint64_t global_queue = 1024;
    std::uint64_t account_queue = 64;
    std::uint64_t price_bump = 10;
    std::uint64_t lifetime_s = 3 * 3600;
    bool allow_unprotected = false;
    bool journal_sync = false;
  } txpool;

  struct Db {
    bool sync = true;
    std::uint64_t cache_mb = 256;
    std::uint64_t history_blocks = 90'000;
  } db;

  // The L1 node: where batches go and L1 origins come from. Without a URL the node runs alone.
  struct L1 {
    std::string rpc;             // http(s)://...; may hold an API key, so it is never logged
    std::uint64_t chain_id = 0;  // checked against eth_chainId at start; 0: take the node's
    std::uint64_t timeout_ms = 10'000;
  } l1;

  struct Batcher {
    bool enabled = false;
    Address inbox;
    // A V3 keystore with password_file, or (no password file) a raw hex key; either readable by
    // its owner only.
    std::filesystem::path key_file;
    std::filesystem::path password_file;
    std::uint64_t max_frame_bytes = 120'000;
    std::uint64_t target_channel_bytes = 1'000'000;
    std::uint64_t max_channel_delay_s = 30;
    std::uint64_t confirmations = 4;
    std::uint64_t origin_depth = 2;
    std::uint64_t poll_ms = 1000;
    std::uint64_t resubmit_s = 24;
    std::uint64_t max_in_flight = 4;
    std::uint64_t max_fee_gwei = 500;
    std::string compression = "modelled";
    std::uint64_t max_backlog_bytes = 16'000'000;
    std::uint64_t throttle_block_bytes = 32'000;
  } batcher;

  // Development chains only.
  struct Devnet {
    // Serve the cheat methods (evm_*, anvil_*, hardhat_*): state changed outside transactions,
    // which L1 data cannot replay.
    bool cheats = false;
  } devnet;
};

// The subsystems that log, each with a logger of this name (logging.hpp).
inline constexpr std::string_view k_log_subsystems[] = {"node", "sequencer", "txpool", "db",
                                                        "http", "rpc",       "batcher"};

// A `log.levels` value, "subsystem=level,subsystem=level", as (subsystem, level) pairs; unknown
// subsystems and levels are refused, so a typo stops the node at startup instead of being ignored.
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> parse_log_levels(
    std::string_view text);

// One configuration key.
struct Key {
  std::string name;  // "http.port"
  std::string flag;  // "--http.port"
  std::string env;   // "ROLLUPD_HTTP_PORT"
  std::string help;
  std::string type;  // for messages and docs: "integer", "bool", "address", ...
  std::function<Result<void>(Config&, std::string_view)> set;
  std::function<std::string(const Config&)> get;  // the value as text (defaults in docs)
};

// Every key, in documentation order.
[[nodiscard]] const std::vector<Key>& keys();

// Where values came from, besides the defaults.
struct Sources {
  std::optional<std::filesystem::path> file;  // --config
  // The process environment (injected, so tests need not change the real one).
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  std::map<std::string, std::string> flags;  // key name -> value given on the command line
};

// Builds the configuration from the sources, in order of precedence.
[[nodiscard]] Result<Config> load_config(const Sources& sources);

}  // namespace rollup::node
