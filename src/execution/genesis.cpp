#include "rollup/execution/genesis.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rollup/base/hex.hpp"

// The rules follow geth's own decoding (core/genesis.go, core/types/account.go, common/math,
// common/hexutil, params/config.go), tightened where geth is silently lenient: geth's encoding/json
// ignores unknown keys, keeps the last of duplicate keys and alloc entries, and matches key names
// case-insensitively; here each of those is an error, because a typo in a genesis file otherwise
// becomes a different chain.

namespace rollup::execution {
namespace {

// ---------------------------------------------------------------------------------------------
// JSON layer. nlohmann::json keeps only the last of two equal keys and turns integers beyond 64
// bits into doubles; a genesis needs duplicates caught and 256-bit balances exact. So the text is
// read through nlohmann's SAX interface into this small tree, which keeps document order and the
// literal text of every number.

struct JsonNode {
  enum class Kind { null, boolean, number, string, object, array };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;                                       // string value, or a number's literal
  std::vector<std::pair<std::string, JsonNode>> members;  // object members in document order
  std::vector<JsonNode> items;                            // array elements
};
using Kind = JsonNode::Kind;

// A genesis nests four objects deep at most (the top level, config, blobSchedule, cancun); the
// bound keeps the tree's recursive destruction shallow whatever the input.
constexpr std::size_t k_max_depth = 16;

std::string join(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

// A failure at a key path: "<path>: <why>", which Error::message() prefixes with the code's text.
std::unexpected<Error> bad(Errc code, std::string_view path, std::string_view why = {}) {
  std::string detail = path.empty() ? std::string("top level") : std::string(path);
  if (!why.empty()) {
    detail += ": ";
    detail += why;
  }
  return fail(code, std::move(detail));
}

// A lower layer's error as a reason, without its category prefix.
std::string reason(const Error& e) {
  std::string out = e.code().message();
  if (!e.detail().empty()) out += " (" + e.detail() + ")";
  return out;
}

class TreeBuilder {
 public:
  using json = nlohmann::json;

  bool null() {
    put(Kind::null);
    return true;
  }
  bool boolean(bool value) {
    put(Kind::boolean)->boolean = value;
    return true;
  }
  // Only literals with a minus sign arrive here; "-0" arrives as 0 and must keep its sign, so that
  // it is refused like every other signed number.
  bool number_integer(json::number_integer_t value) {
    return put_number(value < 0 ? std::to_string(value) : "-" + std::to_string(value));
  }
  bool number_unsigned(json::number_unsigned_t value) { return put_number(std::to_string(value)); }
  // Fractions, exponents and integers too large for 64 bits arrive here; the literal is what
  // counts.
  bool number_float(json::number_float_t /*value*/, const json::string_t& literal) {
    return put_number(literal);
  }
  bool string(json::string_t& value) {
    put(Kind::string)->text = std::move(value);
    return true;
  }
  bool binary(json::binary_t& /*value*/) { return false; }  // JSON text carries no binary values
  bool start_object(std::size_t /*size*/) { return open(Kind::object); }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*size*/) { return open(Kind::array); }
  bool end_array() { return close(); }
  bool key(json::string_t& name) {
    Frame& frame = m_stack.back();
    if (!frame.keys.insert(name).second) {
      m_error = bad(Errc::genesis_duplicate_key, join(frame.path, name)).error();
      return false;
    }
    frame.node->members.emplace_back(std::move(name), JsonNode{});
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& e) {
    m_error = Error(make_error_code(Errc::genesis_malformed_json), e.what());
    return false;
  }

  [[nodiscard]] Result<JsonNode> take(bool parsed) {
    if (!parsed) {
      if (m_error) return fail(std::move(*m_error));
      return fail(Errc::genesis_malformed_json);
    }
    return std::move(m_root);
  }

 private:
  struct Frame {
    JsonNode* node;
    std::string path;
    std::unordered_set<std::string> keys;  // objects only: the keys seen so far
  };

  // The node the next value fills: the root, a new array element, or the member whose key came
  // last. Pointers stay valid because only the innermost open container ever grows.
  JsonNode* put(Kind kind) {
    JsonNode* node = &m_root;
    if (!m_stack.empty()) {
      JsonNode* parent = m_stack.back().node;
      node = parent->kind == Kind::array ? &parent->items.emplace_back()
                                         : &parent->members.back().second;
    }
    node->kind = kind;
    return node;
  }

  bool put_number(std::string literal) {
    put(Kind::number)->text = std::move(literal);
    return true;
  }

  bool open(Kind kind) {
    std::string path;
    if (!m_stack.empty()) {
      const Frame& parent = m_stack.back();
      path = parent.node->kind == Kind::array
                 ? parent.path + "[" + std::to_string(parent.node->items.size()) + "]"
                 : join(parent.path, parent.node->members.back().first);
    }
    if (m_stack.size() >= k_max_depth) {
      m_error = bad(Errc::genesis_invalid_value, path, "nested too deeply").error();
      return false;
    }
    JsonNode* node = put(kind);
    m_stack.push_back(Frame{node, std::move(path), {}});
    return true;
  }

  bool close() {
    m_stack.pop_back();
    return true;
  }

  JsonNode m_root;
  std::vector<Frame> m_stack;
  std::optional<Error> m_error;
};

Result<JsonNode> read_json(std::string_view text) {
  TreeBuilder builder;
  bool parsed = false;
  try {
    // strict: nothing but whitespace may follow the value; comments are not JSON and stay refused.
    parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                       nlohmann::json::input_format_t::json, true);
  } catch (const nlohmann::json::exception& e) {
    // The SAX parser reports through parse_error(); this only guards the public API's promise.
    return fail(Errc::genesis_malformed_json, e.what());
  }
  return builder.take(parsed);
}

// ---------------------------------------------------------------------------------------------
// Values.

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "a number";
    case Kind::string: return "a string";
    case Kind::object: return "an object";
    case Kind::array: return "an array";
  }
  return "?";
}

std::unexpected<Error> wrong_kind(std::string_view path, std::string_view want, Kind got) {
  return bad(Errc::genesis_invalid_value, path,
             "expected " + std::string(want) + ", got " + kind_name(got));
}

bool is_decimal(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_hex_prefix(std::string_view s) {
  return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

// A plain JSON integer literal, as Go's encoding/json reads *big.Int and uint64 fields of the chain
// config: no quotes, no sign, no fraction or exponent.
Result<uint256> read_json_integer(const JsonNode& node, std::string_view path) {
  if (node.kind != Kind::number) return wrong_kind(path, "a JSON integer", node.kind);
  if (!is_decimal(node.text)) {
    return bad(Errc::genesis_invalid_value, path, "not a non-negative integer: " + node.text);
  }
  auto value = uint256_from_decimal(node.text);
  if (!value) return bad(Errc::genesis_invalid_value, path, reason(value.error()));
  return *value;
}

// geth's math.HexOrDecimal256 (common/math ParseBig256): a JSON number, or a string holding "0x" or
// "0X" and hex digits, or decimal digits. Leading zeros and upper-case digits are accepted and ""
// is zero, as in geth. Go's big.Int would also take a sign ("-5"), handing geth a negative balance
// that later panics; a sign is refused here.
Result<uint256> read_u256(const JsonNode& node, std::string_view path) {
  if (node.kind == Kind::number) return read_json_integer(node, path);
  if (node.kind != Kind::string) return wrong_kind(path, "a number or a string", node.kind);
  const std::string_view text = node.text;
  if (text.empty()) return uint256{};
  if (text[0] == '+' || text[0] == '-') {
    return bad(Errc::genesis_invalid_value, path, "\"" + node.text + "\" has a sign");
  }
  Result<uint256> value;
  if (has_hex_prefix(text)) {
    std::string_view digits = text.substr(2);
    if (digits.empty()) {
      return bad(Errc::genesis_invalid_value, path, "\"" + node.text + "\" has no digits");
    }
    // uint256_from_quantity speaks the RPC grammar, which forbids leading zeros; geth allows them.
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string_view::npos) return uint256{};
    digits.remove_prefix(first);
    value = uint256_from_quantity("0x" + std::string(digits));
  } else {
    value = uint256_from_decimal(text);
  }
  if (!value) {
    return bad(Errc::genesis_invalid_value, path,
               "\"" + node.text +
                   "\" is not a hex or decimal integer below 2^256: " + reason(value.error()));
  }
  return *value;
}

// geth's math.HexOrDecimal64 (common/math ParseUint64): the same grammar within 64 bits.
Result<std::uint64_t> read_u64(const JsonNode& node, std::string_view path) {
  ROLLUP_TRY(const uint256 value, read_u256(node, path));
  if (!value.fits_u64()) return bad(Errc::genesis_invalid_value, path, "does not fit 64 bits");
  return value.low64();
}

// geth's hexutil.Bytes: a string with the 0x prefix and an even number of digits; "" is empty.
Result<Bytes> read_bytes(const JsonNode& node, std::string_view path) {
  if (node.kind != Kind::string) return wrong_kind(path, "a hex string", node.kind);
  if (node.text.empty()) return Bytes{};
  auto bytes = hex::decode(node.text, hex::Prefix::required);
  if (!bytes) return bad(Errc::genesis_invalid_value, path, reason(bytes.error()));
  return std::move(*bytes);
}

// geth's common.Hash / common.Address: the 0x prefix and exactly N bytes.
template <std::size_t N>
Result<FixedBytes<N>> read_fixed(const JsonNode& node, std::string_view path) {
  if (node.kind != Kind::string) return wrong_kind(path, "a hex string", node.kind);
  auto value = hex::decode_fixed<N>(node.text, hex::Prefix::required);
  if (!value) return bad(Errc::genesis_invalid_value, path, reason(value.error()));
  return *value;
}

Result<bool> read_bool(const JsonNode& node, std::string_view path) {
  if (node.kind != Kind::boolean) return wrong_kind(path, "true or false", node.kind);
  return node.boolean;
}

// A storage key or value. geth's storageJSON strips a lower-case "0x" only, as here, but left-pads
// shorter input to 32 bytes (so does anvil: "0x01" is slot 1). rollupd requires all 32 bytes, like
// common.Hash, so that a slot is never guessed from a short or truncated string.
Result<Hash> read_word(std::string_view text) {
  if (text.starts_with("0x")) text.remove_prefix(2);
  return hex::decode_fixed<32>(text, hex::Prefix::forbidden);
}

// ---------------------------------------------------------------------------------------------
// Config.

// Forks through Cancun. Each must activate at block or time 0: rollupd has no rules for the blocks
// before a fork, so a later activation would be run with the wrong rules rather than refused.
constexpr std::array<std::string_view, 15> k_fork_blocks = {
    "homesteadBlock",    "daoForkBlock",     "eip150Block",         "eip155Block",
    "eip158Block",       "byzantiumBlock",   "constantinopleBlock", "petersburgBlock",
    "istanbulBlock",     "muirGlacierBlock", "berlinBlock",         "londonBlock",
    "arrowGlacierBlock", "grayGlacierBlock", "mergeNetsplitBlock"};
constexpr std::array<std::string_view, 2> k_fork_times = {"shanghaiTime", "cancunTime"};
// Forks after Cancun that geth's config knows; refused with a message saying so rather than as
// unknown keys.
constexpr std::array<std::string_view, 9> k_later_forks = {
    "pragueTime", "osakaTime", "amsterdamTime", "verkleTime", "bpo1Time",
    "bpo2Time",   "bpo3Time",  "bpo4Time",      "bpo5Time"};
// blobSchedule entries geth accepts. Only Cancun's is used; entries for later forks are inert
// because those forks are refused above.
constexpr std::array<std::string_view, 10> k_blob_schedule_forks = {
    "cancun", "prague", "osaka", "amsterdam", "verkle", "bpo1", "bpo2", "bpo3", "bpo4", "bpo5"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

// A blobSchedule entry: {target, max, baseFeeUpdateFraction} (params.BlobConfig). rollupd carries
// no blobs but still prices blob gas by EIP-4844, so Cancun's entry must be EIP-4844's values.
Result<void> parse_blob_config(const JsonNode& node, std::string_view path, bool is_cancun) {
  if (node.kind != Kind::object) return wrong_kind(path, "an object", node.kind);
  struct Field {
    std::string_view key;
    std::uint64_t cancun_value;
    bool seen = false;
  };
  std::array<Field, 3> fields = {{{"target", 3}, {"max", 6}, {"baseFeeUpdateFraction", 3338477}}};
  for (const auto& [key, value] : node.members) {
    const std::string key_path = join(path, key);
    auto field =
        std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.key == key; });
    if (field == fields.end()) return bad(Errc::genesis_unknown_key, key_path);
    ROLLUP_TRY(const uint256 number, read_json_integer(value, key_path));
    field->seen = true;
    if (is_cancun && number != uint256(field->cancun_value)) {
      return bad(Errc::genesis_invalid_value, key_path,
                 "Cancun's blob parameters are fixed at EIP-4844's (target 3, max 6, "
                 "baseFeeUpdateFraction 3338477)");
    }
  }
  if (is_cancun) {
    for (const Field& field : fields) {
      if (!field.seen) return bad(Errc::genesis_missing_field, join(path, field.key));
    }
  }
  return {};
}

Result<void> parse_blob_schedule(const JsonNode& node, std::string_view path) {
  if (node.kind != Kind::object) return wrong_kind(path, "an object", node.kind);
  for (const auto& [fork, entry] : node.members) {
    const std::string fork_path = join(path, fork);
    if (!contains(k_blob_schedule_forks, fork)) return bad(Errc::genesis_unknown_key, fork_path);
    ROLLUP_TRY_VOID(parse_blob_config(entry, fork_path, fork == "cancun"));
  }
  return {};
}

// Returns the chain id; everything else in the config only has to agree with Cancun-from-genesis.
Result<std::uint64_t> parse_config(const JsonNode& config) {
  const std::string_view path = "config";
  if (config.kind != Kind::object) return wrong_kind(path, "an object", config.kind);
  std::optional<std::uint64_t> chain_id;
  for (const auto& [key, value] : config.members) {
    const std::string key_path = join(path, key);
    if (key == "chainId") {
      ROLLUP_TRY(const uint256 id, read_json_integer(value, key_path));
      if (id.is_zero() || !id.fits_u64()) {
        return bad(Errc::genesis_invalid_value, key_path, "must be positive and fit 64 bits");
      }
      chain_id = id.low64();
    } else if (contains(k_fork_blocks, key) || contains(k_fork_times, key) ||
               key == "terminalTotalDifficulty") {
      // terminalTotalDifficulty 0 means the chain is merged from genesis.
      ROLLUP_TRY(const uint256 at, read_json_integer(value, key_path));
      if (!at.is_zero()) {
        return bad(Errc::genesis_unsupported_fork, key_path,
                   "is " + to_string(at) + ", but rollupd runs every fork through Cancun from 0");
      }
    } else if (key == "daoForkSupport" || key == "terminalTotalDifficultyPassed") {
      // Inert post-merge: the DAO state change runs when block daoForkBlock is processed, and the
      // genesis block never is.
      ROLLUP_TRY_VOID(read_bool(value, key_path));
    } else if (key == "eip150Hash") {
      // No longer in geth's config but still in many older files; it never affected state.
      ROLLUP_TRY_VOID(read_fixed<32>(value, key_path));
    } else if (key == "depositContractAddress") {
      // Used by EIP-6110 deposit requests from Prague on; inert under Cancun.
      ROLLUP_TRY_VOID(read_fixed<20>(value, key_path));
    } else if (key == "blobSchedule") {
      ROLLUP_TRY_VOID(parse_blob_schedule(value, key_path));
    } else if (key == "enableVerkleAtGenesis") {
      ROLLUP_TRY(const bool verkle, read_bool(value, key_path));
      if (verkle) {
        return bad(Errc::genesis_unsupported_fork, key_path, "verkle state is not implemented");
      }
    } else if (contains(k_later_forks, key)) {
      return bad(Errc::genesis_unsupported_fork, key_path,
                 "forks after Cancun are not implemented");
    } else if (key == "ethash" || key == "clique") {
      return bad(Errc::genesis_unsupported_consensus, key_path);
    } else {
      return bad(Errc::genesis_unknown_key, key_path);
    }
  }
  if (!chain_id) return bad(Errc::genesis_missing_field, join(path, "chainId"));
  return *chain_id;
}

// ---------------------------------------------------------------------------------------------
// Alloc.

Result<std::vector<std::pair<Hash, Hash>>> parse_storage(const JsonNode& node,
                                                         std::string_view path) {
  if (node.kind != Kind::object) return wrong_kind(path, "an object", node.kind);
  struct Slot {
    Hash key;
    Hash value;
    const std::string* spelling;
  };
  std::vector<Slot> slots;
  slots.reserve(node.members.size());
  for (const auto& [key, value] : node.members) {
    const std::string key_path = join(path, key);
    auto slot = read_word(key);
    if (!slot) return bad(Errc::genesis_invalid_value, key_path, "key: " + reason(slot.error()));
    if (value.kind != Kind::string) return wrong_kind(key_path, "a hex string", value.kind);
    auto word = read_word(value.text);
    if (!word) return bad(Errc::genesis_invalid_value, key_path, "value: " + reason(word.error()));
    slots.push_back(Slot{*slot, *word, &key});
  }
  // Two spellings of one slot ("0x01..", "01..", different case) would let the file's order decide
  // the value, as it does in geth's map; refuse instead.
  std::stable_sort(slots.begin(), slots.end(),
                   [](const Slot& a, const Slot& b) { return a.key < b.key; });
  std::vector<std::pair<Hash, Hash>> out;
  out.reserve(slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (i > 0 && slots[i].key == slots[i - 1].key) {
      return bad(
          Errc::genesis_duplicate_key, join(path, hex::encode(slots[i].key)),
          "slot listed as \"" + *slots[i - 1].spelling + "\" and \"" + *slots[i].spelling + "\"");
    }
    // A zero value is the absence of a slot in the trie; geth's SetState writes nothing for it.
    if (!slots[i].value.is_zero()) out.emplace_back(slots[i].key, slots[i].value);
  }
  return out;
}

Result<GenesisAccount> parse_account(const JsonNode& node, std::string_view path) {
  if (node.kind != Kind::object) return wrong_kind(path, "an object", node.kind);
  GenesisAccount account;
  bool have_balance = false;
  for (const auto& [key, value] : node.members) {
    const std::string key_path = join(path, key);
    if (key == "balance") {
      ROLLUP_TRY(account.balance, read_u256(value, key_path));
      have_balance = true;
    } else if (key == "nonce") {
      ROLLUP_TRY(account.nonce, read_u64(value, key_path));
    } else if (key == "code") {
      ROLLUP_TRY(account.code, read_bytes(value, key_path));
    } else if (key == "storage") {
      ROLLUP_TRY(account.storage, parse_storage(value, key_path));
    } else if (key == "secretKey" || key == "privateKey") {
      // Key material some tools put beside test accounts (geth reads "secretKey"); not state.
    } else {
      return bad(Errc::genesis_unknown_key, key_path);
    }
  }
  // geth's types.Account marks balance required (gencodec); an account without one is a typo.
  if (!have_balance) return bad(Errc::genesis_missing_field, join(path, "balance"));
  return account;
}

Result<std::vector<GenesisAccount>> parse_alloc(const JsonNode& node) {
  const std::string_view path = "alloc";
  if (node.kind != Kind::object) return wrong_kind(path, "an object", node.kind);
  std::vector<std::pair<GenesisAccount, const std::string*>> accounts;
  accounts.reserve(node.members.size());
  for (const auto& [key, value] : node.members) {
    const std::string key_path = join(path, key);
    // geth's alloc keys are common.UnprefixedAddress: the 0x prefix is optional.
    auto address = hex::decode_fixed<20>(key, hex::Prefix::optional);
    if (!address) {
      return bad(Errc::genesis_invalid_value, key_path,
                 "not an address: " + reason(address.error()));
    }
    ROLLUP_TRY(GenesisAccount account, parse_account(value, key_path));
    account.address = *address;
    accounts.emplace_back(std::move(account), &key);
  }
  std::stable_sort(accounts.begin(), accounts.end(),
                   [](const auto& a, const auto& b) { return a.first.address < b.first.address; });
  std::vector<GenesisAccount> out;
  out.reserve(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (i > 0 && accounts[i].first.address == accounts[i - 1].first.address) {
      // Distinct JSON keys for one address (with and without 0x, or another hex case): geth keeps
      // whichever its map decoding sees last.
      return bad(
          Errc::genesis_duplicate_account, join(path, hex::encode(accounts[i].first.address)),
          "listed as \"" + *accounts[i - 1].second + "\" and \"" + *accounts[i].second + "\"");
    }
    out.push_back(std::move(accounts[i].first));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Result<Genesis> parse_genesis(std::string_view json_text) {
  ROLLUP_TRY(const JsonNode root, read_json(json_text));
  if (root.kind != Kind::object) return wrong_kind("", "an object", root.kind);

  Genesis genesis;
  bool have_config = false;
  bool have_gas_limit = false;
  bool have_difficulty = false;
  bool have_alloc = false;
  bool have_base_fee = false;
  for (const auto& [key, value] : root.members) {
    const std::string& path = key;
    if (key == "config") {
      ROLLUP_TRY(genesis.chain_id, parse_config(value));
      have_config = true;
    } else if (key == "nonce") {
      ROLLUP_TRY(genesis.nonce, read_u64(value, path));
    } else if (key == "timestamp") {
      ROLLUP_TRY(genesis.timestamp, read_u64(value, path));
    } else if (key == "extraData") {
      ROLLUP_TRY(genesis.extra_data, read_bytes(value, path));
    } else if (key == "gasLimit") {
      ROLLUP_TRY(genesis.gas_limit, read_u64(value, path));
      have_gas_limit = true;
    } else if (key == "difficulty") {
      ROLLUP_TRY(genesis.difficulty, read_u256(value, path));
      have_difficulty = true;
    } else if (key == "mixHash") {
      ROLLUP_TRY(genesis.mix_hash, read_fixed<32>(value, path));
    } else if (key == "coinbase") {
      ROLLUP_TRY(genesis.coinbase, read_fixed<20>(value, path));
    } else if (key == "alloc") {
      ROLLUP_TRY(genesis.alloc, parse_alloc(value));
      have_alloc = true;
    } else if (key == "number" || key == "gasUsed") {
      // geth reads these for consensus tests only; a genesis block is block 0 and ran nothing.
      ROLLUP_TRY(const std::uint64_t number, read_u64(value, path));
      if (number != 0) return bad(Errc::genesis_invalid_value, path, "must be 0");
    } else if (key == "parentHash") {
      ROLLUP_TRY(const Hash parent, read_fixed<32>(value, path));
      if (!parent.is_zero()) return bad(Errc::genesis_invalid_value, path, "must be zero");
    } else if (key == "baseFeePerGas") {
      ROLLUP_TRY(genesis.base_fee_per_gas, read_u256(value, path));
      have_base_fee = true;
    } else if (key == "excessBlobGas") {
      ROLLUP_TRY(genesis.excess_blob_gas, read_u64(value, path));
    } else if (key == "blobGasUsed") {
      ROLLUP_TRY(genesis.blob_gas_used, read_u64(value, path));
    } else {
      return bad(Errc::genesis_unknown_key, path);
    }
  }
  // geth: no config is errGenesisNoConfig; gasLimit, difficulty and alloc are gencodec-required.
  if (!have_config) return bad(Errc::genesis_missing_field, "config");
  if (!have_gas_limit) return bad(Errc::genesis_missing_field, "gasLimit");
  if (!have_difficulty) return bad(Errc::genesis_missing_field, "difficulty");
  if (!have_alloc) return bad(Errc::genesis_missing_field, "alloc");
  // geth's toBlockWithRoot: gas limit 0 means params.GenesisGasLimit; with London at genesis and no
  // base fee given, params.InitialBaseFee.
  if (genesis.gas_limit == 0) genesis.gas_limit = k_genesis_default_gas_limit;
  if (!have_base_fee) genesis.base_fee_per_gas = k_genesis_default_base_fee;
  return genesis;
}

types::Header make_genesis_header(const Genesis& genesis, const Hash& state_root) {
  types::Header header;
  header.beneficiary = genesis.coinbase;
  header.state_root = state_root;
  header.difficulty = genesis.difficulty;
  header.number = 0;
  header.gas_limit = genesis.gas_limit;
  header.gas_used = 0;
  header.timestamp = genesis.timestamp;
  header.extra_data = genesis.extra_data;
  header.mix_hash = genesis.mix_hash;
  // geth's types.EncodeNonce: the 64-bit nonce big-endian.
  for (std::size_t i = 0; i < 8; ++i) {
    header.nonce.bytes[i] = static_cast<std::uint8_t>(genesis.nonce >> (8 * (7 - i)));
  }
  header.base_fee_per_gas = genesis.base_fee_per_gas;
  header.withdrawals_root = types::k_empty_root_hash;  // no withdrawals
  header.blob_gas_used = genesis.blob_gas_used;
  header.excess_blob_gas = genesis.excess_blob_gas;
  header.parent_beacon_block_root = Hash{};  // EIP-4788: genesis has no parent beacon block
  return header;
}

}  // namespace rollup::execution
