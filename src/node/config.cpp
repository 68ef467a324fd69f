#include "rollup/node/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <span>

#include "rollup/base/hex.hpp"

namespace rollup::node {

namespace {

Result<std::uint64_t> parse_u64(std::string_view text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return fail(Errc::invalid_value, "expected a whole number, got '" + std::string(text) + "'");
  }
  if (v < min || v > max) {
    return fail(Errc::invalid_value, "expected " + std::to_string(min) + " to " +
                                         std::to_string(max) + ", got " + std::to_string(v));
  }
  return v;
}

Result<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return fail(Errc::invalid_value, "expected true or false, got '" + std::string(text) + "'");
}

Result<Address> parse_address(std::string_view text) {
  auto a = hex::decode_fixed<20>(text);
  if (!a) {
    return fail(Errc::invalid_value,
                "expected a 0x-prefixed 20-byte hex address, got '" + std::string(text) + "'");
  }
  return *a;
}

Result<std::string> parse_choice(std::string_view text, std::span<const std::string_view> choices) {
  for (std::string_view c : choices) {
    if (text == c) return std::string(text);
  }
  std::string list;
  for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  return fail(Errc::invalid_value, "expected one of " + list + ", got '" + std::string(text) + "'");
}

constexpr std::array<std::string_view, 6> k_levels = {"trace", "debug", "info",
                                                      "warn",  "error", "off"};
constexpr std::array<std::string_view, 2> k_formats = {"text", "json"};
constexpr std::array<std::string_view, 3> k_compressions = {"modelled", "zstd", "brotli"};

// "a, b,c" -> {"a", "b", "c"}; empty items are dropped, so "" is the empty list.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t p = 0; p <= text.size();) {
    std::size_t c = text.find(',', p);
    if (c == std::string_view::npos) c = text.size();
    std::string_view item = text.substr(p, c - p);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    p = c + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

constexpr std::array<std::string_view, 5> k_namespaces = {"eth", "net", "web3", "txpool", "rollup"};

Result<std::vector<std::string>> parse_namespaces(std::string_view text) {
  auto list = split_list(text);
  for (const std::string& ns : list) ROLLUP_TRY_VOID(parse_choice(ns, k_namespaces));
  return list;
}

// An amount of ether as geth's --rpc.txfeecap takes it ("1", "0.5"), in wei.
Result<uint256> parse_ether(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  const auto digits = [](std::string_view s) {
    return std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
  };
  if ((whole.empty() && frac.empty()) || !digits(whole) || !digits(frac) || frac.size() > 18 ||
      whole.size() > 40) {
    return fail(Errc::invalid_value,
                "expected an amount of ether such as 1 or 0.5, got '" + std::string(text) + "'");
  }
  uint256 wei;
  for (char c : whole) wei = wei * uint256(10) + uint256(static_cast<std::uint64_t>(c - '0'));
  for (std::size_t i = 0; i < 18; ++i) {
    const std::uint64_t d = i < frac.size() ? static_cast<std::uint64_t>(frac[i] - '0') : 0;
    wei = wei * uint256(10) + uint256(d);
  }
  return wei;
}

std::string ether_text(const uint256& wei) {
  const uint256 unit(1'000'000'000'000'000'000ULL);
  std::string frac = to_string(wei % unit);
  frac = std::string(18 - frac.size(), '0') + frac;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return to_string(wei / unit) + (frac.empty() ? "" : "." + frac);
}

Result<std::string> parse_levels(std::string_view text) {
  ROLLUP_TRY_VOID(parse_log_levels(text));
  return std::string(text);
}

std::string upper_env(std::string_view name) {
  std::string env = "ROLLUPD_";
  for (char c : name) {
    env += (c == '.' || c == '-') ? '_'
                                  : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return env;
}

std::string default_flag(std::string_view name) {
  std::string flag = "--";
  for (char c : name) flag += c == '_' ? '-' : c;
  return flag;
}

template <typename Parse, typename Assign>
std::function<Result<void>(Config&, std::string_view)> setter(Parse parse, Assign assign) {
  return [parse, assign](Config& c, std::string_view text) -> Result<void> {
    auto v = parse(text);
    if (!v) return fail(v.error());
    assign(c, std::move(*v));
    return {};
  };
}

std::vector<Key> make_keys() {
  std::vector<Key> k;
  auto add = [&](std::string name, std::string flag, std::string type, std::string help, auto set,
                 std::function<std::string(const Config&)> get) {
    Key key;
    key.env = upper_env(name);
    key.flag = flag.empty() ? default_flag(name) : std::move(flag);
    key.name = std::move(name);
    key.type = std::move(type);
    key.help = std::move(help);
    key.set = std::move(set);
    key.get = std::move(get);
    k.push_back(std::move(key));
  };
  const auto text = [](std::string_view t) -> Result<std::string> {
    if (t.empty()) return fail(Errc::invalid_value, "expected a non-empty value");
    return std::string(t);
  };
  const auto u64 = [](std::uint64_t min, std::uint64_t max) {
    return [min, max](std::string_view t) { return parse_u64(t, min, max); };
  };
  const auto yes = [](bool b) { return std::string(b ? "true" : "false"); };

  add("datadir", "--datadir", "path", "Directory of the node's database and transaction journal.",
      setter(text, [](Config& c, std::string v) { c.datadir = v; }),
      [](const Config& c) { return c.datadir.string(); });
  add("genesis", "--genesis", "path",
      "Genesis file: initialises an empty datadir; for an existing one it must match.",
      setter(text, [](Config& c, std::string v) { c.genesis = v; }),
      [](const Config& c) { return c.genesis.string(); });
  add("block_time", "--block-time", "milliseconds", "Time between blocks (10 to 3,600,000).",
      setter(u64(10, 3'600'000), [](Config& c, std::uint64_t v) { c.sequencer.block_time_ms = v; }),
      [](const Config& c) { return std::to_string(c.sequencer.block_time_ms); });
  add("http.addr", "--http.addr", "IP address",
      "Address the HTTP server (JSON-RPC at /, /metrics, /healthz) listens on.",
      setter(text, [](Config& c, std::string v) { c.http.addr = std::move(v); }),
      [](const Config& c) { return c.http.addr; });
  add("http.port", "--http.port", "port", "Port of the HTTP server (0: any free port).",
      setter(u64(0, 65535),
             [](Config& c, std::uint64_t v) { c.http.port = static_cast<std::uint16_t>(v); }),
      [](const Config& c) { return std::to_string(c.http.port); });
  add("http.api", "--http.api", "list",
      "JSON-RPC namespaces served, comma-separated: eth, net, web3, txpool, rollup.",
      setter(parse_namespaces,
             [](Config& c, std::vector<std::string> v) { c.http.api = std::move(v); }),
      [](const Config& c) { return join_list(c.http.api); });
  add("http.corsdomain", "--http.corsdomain", "list",
      "Browser origins allowed to call the JSON-RPC server (CORS), comma-separated; * for any.",
      setter([](std::string_view t) -> Result<std::vector<std::string>> { return split_list(t); },
             [](Config& c, std::vector<std::string> v) { c.http.corsdomain = std::move(v); }),
      [](const Config& c) { return join_list(c.http.corsdomain); });
  add("http.vhosts", "--http.vhosts", "list",
      "Host header names accepted (requests to an IP address always are), comma-separated; * for "
      "any. Guards against DNS rebinding.",
      setter([](std::string_view t) -> Result<std::vector<std::string>> { return split_list(t); },
             [](Config& c, std::vector<std::string> v) { c.http.vhosts = std::move(v); }),
      [](const Config& c) { return join_list(c.http.vhosts); });
  add("rpc.gascap", "--rpc.gascap", "gas", "Most gas eth_call and eth_estimateGas may use.",
      setter(u64(21'000, 1'000'000'000), [](Config& c, std::uint64_t v) { c.rpc.gascap = v; }),
      [](const Config& c) { return std::to_string(c.rpc.gascap); });
  add("rpc.evmtimeout", "--rpc.evmtimeout", "milliseconds",
      "Most time one eth_call or eth_estimateGas may take.",
      setter(u64(1, 3'600'000), [](Config& c, std::uint64_t v) { c.rpc.evmtimeout_ms = v; }),
      [](const Config& c) { return std::to_string(c.rpc.evmtimeout_ms); });
  add("rpc.logs_block_range", "--rpc.logs-block-range", "blocks",
      "Most blocks one eth_getLogs query or filter poll may cover.",
      setter(u64(1, 100'000'000), [](Config& c, std::uint64_t v) { c.rpc.logs_block_range = v; }),
      [](const Config& c) { return std::to_string(c.rpc.logs_block_range); });
  add("rpc.logs_limit", "--rpc.logs-limit", "integer",
      "Most logs one eth_getLogs answer may hold; a query that matches more is refused.",
      setter(u64(1, 100'000'000), [](Config& c, std::uint64_t v) { c.rpc.logs_limit = v; }),
      [](const Config& c) { return std::to_string(c.rpc.logs_limit); });
  add("rpc.txfeecap", "--rpc.txfeecap", "ether",
      "Largest fee (gas limit x max fee) eth_sendRawTransaction accepts, in ether; 0: no cap.",
      setter(parse_ether, [](Config& c, uint256 v) { c.rpc.txfeecap = v; }),
      [](const Config& c) { return ether_text(c.rpc.txfeecap); });
  add("rpc.batch_request_limit", "--rpc.batch-request-limit", "integer",
      "Most calls in one JSON-RPC batch.",
      setter(u64(1, 100'000), [](Config& c, std::uint64_t v) { c.rpc.batch_request_limit = v; }),
      [](const Config& c) { return std::to_string(c.rpc.batch_request_limit); });
  add("rpc.batch_response_max_size", "--rpc.batch-response-max-size", "bytes",
      "Largest response to one JSON-RPC batch; calls past it are answered with -32003.",
      setter(u64(1024, 1'000'000'000),
             [](Config& c, std::uint64_t v) { c.rpc.batch_response_max_size = v; }),
      [](const Config& c) { return std::to_string(c.rpc.batch_response_max_size); });
  add("rpc.jwt_secret", "--rpc.jwt-secret", "path",
      "File with a 32-byte hex secret, readable by its owner only. When set, the admin_ namespace "
      "is served to callers with an HS256 JWT signed by it (iat within 60 s).",
      setter(text, [](Config& c, std::string v) { c.rpc.jwt_secret = std::move(v); }),
      [](const Config& c) { return c.rpc.jwt_secret.string(); });
  add("log.level", "", "level", "Log level: trace, debug, info, warn, error or off.",
      setter([](std::string_view t) { return parse_choice(t, k_levels); },
             [](Config& c, std::string v) { c.log.level = std::move(v); }),
      [](const Config& c) { return c.log.level; });
  add("log.format", "", "text or json",
      "Log line format: text for people, JSON lines for collectors.",
      setter([](std::string_view t) { return parse_choice(t, k_formats); },
             [](Config& c, std::string v) { c.log.format = std::move(v); }),
      [](const Config& c) { return c.log.format; });
  add("log.levels", "", "list",
      "Levels per subsystem, overriding log.level: node, sequencer, txpool, db, http; for example "
      "\"txpool=debug,http=warn\".",
      setter(parse_levels, [](Config& c, std::string v) { c.log.levels = std::move(v); }),
      [](const Config& c) { return c.log.levels; });
  add("sequencer.empty_blocks", "", "bool", "Whether a block is made when no transaction waits.",
      setter(parse_bool, [](Config& c, bool v) { c.sequencer.empty_blocks = v; }),
      [yes](const Config& c) { return yes(c.sequencer.empty_blocks); });
  add("sequencer.fee_recipient", "", "address",
      "Beneficiary of the blocks: receives the priority fees.",
      setter(parse_address, [](Config& c, Address v) { c.sequencer.fee_recipient = v; }),
      [](const Config& c) { return hex::encode(c.sequencer.fee_recipient); });
  add("sequencer.gas_limit", "", "integer",
      "Gas limit of new blocks; 0 keeps the genesis gas limit.",
      setter(u64(0, 1'000'000'000), [](Config& c, std::uint64_t v) { c.sequencer.gas_limit = v; }),
      [](const Config& c) { return std::to_string(c.sequencer.gas_limit); });
  add("rollup.base_fee_vault", "", "address",
      "Receives the base fee of every transaction (burned on Ethereum). Same on every node.",
      setter(parse_address, [](Config& c, Address v) { c.rollup.base_fee_vault = v; }),
      [](const Config& c) { return hex::encode(c.rollup.base_fee_vault); });
  add("rollup.eip1559_elasticity", "", "integer",
      "EIP-1559 elasticity: the gas target is gas limit / elasticity. Same on every node.",
      setter(u64(1, 1000), [](Config& c, std::uint64_t v) { c.rollup.eip1559_elasticity = v; }),
      [](const Config& c) { return std::to_string(c.rollup.eip1559_elasticity); });
  add("rollup.eip1559_denominator", "", "integer",
      "EIP-1559 base fee change denominator (at most 1/denominator per block). Same on every node.",
      setter(u64(1, 1000), [](Config& c, std::uint64_t v) { c.rollup.eip1559_denominator = v; }),
      [](const Config& c) { return std::to_string(c.rollup.eip1559_denominator); });
  add("txpool.global_slots", "", "integer",
      "Pending (executable) transactions in all (see txpool.account_slots).",
      setter(u64(1, 1'000'000), [](Config& c, std::uint64_t v) { c.txpool.global_slots = v; }),
      [](const Config& c) { return std::to_string(c.txpool.global_slots); });
  add("txpool.account_slots", "", "integer",
      "Pending transactions each sender keeps when pending passes txpool.global_slots: the senders "
      "holding the most lose their highest nonces first, down to this many.",
      setter(u64(1, 100'000), [](Config& c, std::uint64_t v) { c.txpool.account_slots = v; }),
      [](const Config& c) { return std::to_string(c.txpool.account_slots); });
  add("txpool.global_queue", "", "integer", "Queued (nonce-gapped) transactions in all.",
      setter(u64(0, 1'000'000), [](Config& c, std::uint64_t v) { c.txpool.global_queue = v; }),
      [](const Config& c) { return std::to_string(c.txpool.global_queue); });
  add("txpool.account_queue", "", "integer", "Queued transactions per sender.",
      setter(u64(0, 100'000), [](Config& c, std::uint64_t v) { c.txpool.account_queue = v; }),
      [](const Config& c) { return std::to_string(c.txpool.account_queue); });
  add("txpool.price_bump", "", "percent", "Fee increase a replacement needs, in percent.",
      setter(u64(1, 1000), [](Config& c, std::uint64_t v) { c.txpool.price_bump = v; }),
      [](const Config& c) { return std::to_string(c.txpool.price_bump); });
  add("txpool.lifetime", "", "seconds",
      "How long a queued (nonce-gapped) transaction may wait for its gap to fill.",
      setter(u64(1, 30 * 24 * 3600), [](Config& c, std::uint64_t v) { c.txpool.lifetime_s = v; }),
      [](const Config& c) { return std::to_string(c.txpool.lifetime_s); });
  add("txpool.allow_unprotected", "", "bool",
      "Accept legacy transactions signed without a chain id (replayable on other chains).",
      setter(parse_bool, [](Config& c, bool v) { c.txpool.allow_unprotected = v; }),
      [yes](const Config& c) { return yes(c.txpool.allow_unprotected); });
  add("txpool.journal_sync", "", "bool",
      "fsync the transaction journal on every accepted transaction (survives power loss, not only "
      "a killed process).",
      setter(parse_bool, [](Config& c, bool v) { c.txpool.journal_sync = v; }),
      [yes](const Config& c) { return yes(c.txpool.journal_sync); });
  add("db.sync", "", "bool",
      "fsync every block commit. Off, a killed process loses nothing but a power loss may lose "
      "the last blocks.",
      setter(parse_bool, [](Config& c, bool v) { c.db.sync = v; }),
      [yes](const Config& c) { return yes(c.db.sync); });
  add("db.cache_mb", "", "MiB", "RocksDB block cache.",
      setter(u64(8, 1'048'576), [](Config& c, std::uint64_t v) { c.db.cache_mb = v; }),
      [](const Config& c) { return std::to_string(c.db.cache_mb); });
  add("db.history_blocks", "", "integer",
      "Recent blocks whose state stays readable and rewindable.",
      setter(u64(1, 100'000'000), [](Config& c, std::uint64_t v) { c.db.history_blocks = v; }),
      [](const Config& c) { return std::to_string(c.db.history_blocks); });
  add("l1.rpc", "", "URL",
      "JSON-RPC URL of the L1 node (http or https). Put a URL holding an API key in the config "
      "file or ROLLUPD_L1_RPC rather than on the command line; it is never logged.",
      setter(text, [](Config& c, std::string v) { c.l1.rpc = std::move(v); }),
      [](const Config& c) { return c.l1.rpc; });
  add("l1.chain_id", "", "integer", "L1's chain id, checked against the node at start; 0 takes it.",
      setter(u64(0, UINT64_MAX), [](Config& c, std::uint64_t v) { c.l1.chain_id = v; }),
      [](const Config& c) { return std::to_string(c.l1.chain_id); });
  add("l1.timeout_ms", "", "milliseconds", "Time limit of one L1 request.",
      setter(u64(100, 600'000), [](Config& c, std::uint64_t v) { c.l1.timeout_ms = v; }),
      [](const Config& c) { return std::to_string(c.l1.timeout_ms); });
  add("batcher.enabled", "", "bool",
      "Post the chain's blocks to L1 (needs l1.rpc, batcher.inbox "
      "and batcher.key_file).",
      setter(parse_bool, [](Config& c, bool v) { c.batcher.enabled = v; }),
      [yes](const Config& c) { return yes(c.batcher.enabled); });
  add("batcher.inbox", "", "address", "The batch inbox: the L1 address batches are sent to.",
      setter(parse_address, [](Config& c, Address v) { c.batcher.inbox = v; }),
      [](const Config& c) { return hex::encode(c.batcher.inbox); });
  add("batcher.key_file", "", "path",
      "The batcher's L1 key: a V3 keystore (with batcher.password_file) or a raw hex key file, "
      "readable by its owner only.",
      setter(text, [](Config& c, std::string v) { c.batcher.key_file = std::move(v); }),
      [](const Config& c) { return c.batcher.key_file.string(); });
  add("batcher.password_file", "", "path", "File holding the keystore's password.",
      setter(text, [](Config& c, std::string v) { c.batcher.password_file = std::move(v); }),
      [](const Config& c) { return c.batcher.password_file.string(); });
  add("batcher.max_frame_bytes", "", "bytes", "Calldata of one batcher transaction at most.",
      setter(u64(1024, 1'000'000),
             [](Config& c, std::uint64_t v) { c.batcher.max_frame_bytes = v; }),
      [](const Config& c) { return std::to_string(c.batcher.max_frame_bytes); });
  add("batcher.target_channel_bytes", "", "bytes",
      "A batch closes when its transactions reach this many bytes.",
      setter(u64(1, 64'000'000),
             [](Config& c, std::uint64_t v) { c.batcher.target_channel_bytes = v; }),
      [](const Config& c) { return std::to_string(c.batcher.target_channel_bytes); });
  add("batcher.max_channel_delay_s", "", "seconds",
      "A batch closes when its first block is this old, full or not.",
      setter(u64(0, 86'400), [](Config& c, std::uint64_t v) { c.batcher.max_channel_delay_s = v; }),
      [](const Config& c) { return std::to_string(c.batcher.max_channel_delay_s); });
  add("batcher.confirmations", "", "integer",
      "L1 blocks (the frame's own included) before a batch makes its blocks safe.",
      setter(u64(1, 10'000), [](Config& c, std::uint64_t v) { c.batcher.confirmations = v; }),
      [](const Config& c) { return std::to_string(c.batcher.confirmations); });
  add("batcher.origin_depth", "", "integer",
      "New L2 blocks take as L1 origin the L1 block this far below L1's head.",
      setter(u64(0, 10'000), [](Config& c, std::uint64_t v) { c.batcher.origin_depth = v; }),
      [](const Config& c) { return std::to_string(c.batcher.origin_depth); });
  add("batcher.poll_ms", "", "milliseconds", "How often the batcher looks at L1 and new blocks.",
      setter(u64(10, 600'000), [](Config& c, std::uint64_t v) { c.batcher.poll_ms = v; }),
      [](const Config& c) { return std::to_string(c.batcher.poll_ms); });
  add("batcher.resubmit_s", "", "seconds",
      "A batcher transaction not included after this long is replaced with higher fees.",
      setter(u64(1, 86'400), [](Config& c, std::uint64_t v) { c.batcher.resubmit_s = v; }),
      [](const Config& c) { return std::to_string(c.batcher.resubmit_s); });
  add("batcher.max_in_flight", "", "integer",
      "Batcher transactions sent and not yet included, at most.",
      setter(u64(1, 1000), [](Config& c, std::uint64_t v) { c.batcher.max_in_flight = v; }),
      [](const Config& c) { return std::to_string(c.batcher.max_in_flight); });
  add("batcher.max_fee_gwei", "", "gwei", "The most the batcher offers per L1 gas.",
      setter(u64(1, 1'000'000), [](Config& c, std::uint64_t v) { c.batcher.max_fee_gwei = v; }),
      [](const Config& c) { return std::to_string(c.batcher.max_fee_gwei); });
  add("batcher.compression", "", "name",
      "How batches are compressed: modelled (ours, the smallest), zstd or brotli.",
      setter([](std::string_view t) { return parse_choice(t, k_compressions); },
             [](Config& c, std::string v) { c.batcher.compression = std::move(v); }),
      [](const Config& c) { return c.batcher.compression; });
  add("batcher.max_backlog_bytes", "", "bytes",
      "Above this many bytes of transactions not yet on L1 the sequencer makes smaller blocks "
      "(0: never).",
      setter(u64(0, UINT64_MAX),
             [](Config& c, std::uint64_t v) { c.batcher.max_backlog_bytes = v; }),
      [](const Config& c) { return std::to_string(c.batcher.max_backlog_bytes); });
  add("batcher.throttle_block_bytes", "", "bytes",
      "Transaction bytes per block while the backlog is too large.",
      setter(u64(1, UINT64_MAX),
             [](Config& c, std::uint64_t v) { c.batcher.throttle_block_bytes = v; }),
      [](const Config& c) { return std::to_string(c.batcher.throttle_block_bytes); });
  add("devnet.cheats", "", "bool",
      "Serve the devnet's cheat methods (evm_*, anvil_*, hardhat_*: snapshots, mining, time, "
      "balances, nonces, code, storage; docs/rpc.md). They change state outside transactions, "
      "which no one can replay from L1: never on a chain others rely on.",
      setter(parse_bool, [](Config& c, bool v) { c.devnet.cheats = v; }),
      [yes](const Config& c) { return yes(c.devnet.cheats); });
  return k;
}

const Key* find_key(std::string_view name) {
  for (const Key& k : keys()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

Result<void> apply(Config& config, const Key& key, std::string_view value,
                   const std::string& source) {
  if (auto r = key.set(config, value); !r) {
    return fail(Errc::invalid_value, key.name + " (from " + source + "): " + r.error().detail());
  }
  return {};
}

// A TOML value as the text every source shares; tables and arrays have no place in this schema.
Result<std::string> toml_text(const toml::node& node, const std::string& name) {
  if (auto s = node.value_exact<std::string>()) return *s;
  if (auto b = node.value_exact<bool>()) return std::string(*b ? "true" : "false");
  if (auto i = node.value_exact<std::int64_t>()) {
    if (*i < 0) return fail(Errc::invalid_value, name + ": negative values are not allowed");
    return std::to_string(*i);
  }
  return fail(Errc::invalid_value, name + ": expected a string, integer or boolean");
}

Result<void> apply_file(Config& config, const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return fail(Errc::config_file, path.string() + ":" + std::to_string(where.line) + ":" +
                                       std::to_string(where.column) + ": " +
                                       std::string(e.description()));
  }
  const std::string source = "file " + path.string();
  for (const auto& [top, node] : table) {
    const std::string top_name(top.str());
    if (const toml::table* section = node.as_table()) {
      for (const auto& [sub, value] : *section) {
        const std::string name = top_name + "." + std::string(sub.str());
        const Key* key = find_key(name);
        if (key == nullptr) return fail(Errc::unknown_key, name + " (in " + path.string() + ")");
        ROLLUP_TRY(std::string text, toml_text(value, name));
        ROLLUP_TRY_VOID(apply(config, *key, text, source));
      }
      continue;
    }
    const Key* key = find_key(top_name);
    if (key == nullptr) return fail(Errc::unknown_key, top_name + " (in " + path.string() + ")");
    ROLLUP_TRY(std::string text, toml_text(node, top_name));
    ROLLUP_TRY_VOID(apply(config, *key, text, source));
  }
  return {};
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_log_levels(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> levels;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fail(Errc::invalid_value, "expected subsystem=level pairs separated by commas, got '" +
                                           std::string(item) + "'");
    }
    ROLLUP_TRY(std::string subsystem, parse_choice(item.substr(0, eq), k_log_subsystems));
    ROLLUP_TRY(std::string level, parse_choice(item.substr(eq + 1), k_levels));
    levels.emplace_back(std::move(subsystem), std::move(level));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return levels;
}

const std::vector<Key>& keys() {
  static const std::vector<Key> all = make_keys();
  return all;
}

Result<Config> load_config(const Sources& sources) {
  Config config;
  if (sources.file) ROLLUP_TRY_VOID(apply_file(config, *sources.file));
  if (sources.getenv) {
    for (const Key& key : keys()) {
      if (auto value = sources.getenv(key.env)) {
        ROLLUP_TRY_VOID(apply(config, key, *value, "environment " + key.env));
      }
    }
  }
  for (const auto& [name, value] : sources.flags) {
    const Key* key = find_key(name);
    if (key == nullptr) return fail(Errc::unknown_key, name);
    ROLLUP_TRY_VOID(apply(config, *key, value, key->flag));
  }
  if (config.datadir.empty()) {
    return fail(Errc::missing_value, "datadir: give --datadir, ROLLUPD_DATADIR or datadir = ...");
  }
  if (config.batcher.enabled) {
    if (config.l1.rpc.empty()) return fail(Errc::missing_value, "l1.rpc: the batcher needs L1");
    if (config.batcher.inbox.is_zero()) {
      return fail(Errc::missing_value, "batcher.inbox: the address batches are sent to");
    }
    if (config.batcher.key_file.empty()) {
      return fail(Errc::missing_value, "batcher.key_file: the batcher's L1 key");
    }
  }
  return config;
}

}  // namespace rollup::node
