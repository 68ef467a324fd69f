// eth_call and eth_estimateGas: a call object run on the state after a block, on a throwaway
// overlay, through execution::simulate_call (the same path transactions take).
//
// Fees follow geth: a call that names no price pays none and sees a zero base fee; one that names
// gasPrice or maxFeePerGas pays at that price and must meet the block's base fee. The gas defaults
// to, and is capped at, Backend::gas_cap. Each request gets Backend::evm_timeout in all.
//
// eth_estimateGas finds the least gas limit at which the call succeeds, by binary search between
// the transaction's floor and the limit the first run succeeded at, exactly as anvil does, so that
// estimates agree with the tool most developers test against (geth stops within 1.5% instead).

#include <chrono>

#include "methods.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/state/state.hpp"

namespace rollup::rpc::detail {
namespace {

struct CallArgs {
  std::optional<Address> from;
  std::optional<Address> to;
  std::optional<std::uint64_t> gas;
  std::optional<uint256> gas_price;
  std::optional<uint256> max_fee;
  std::optional<uint256> max_priority_fee;
  uint256 value;
  std::optional<Bytes> data;
  std::optional<types::AccessList> access_list;
};

Result<types::AccessList> decode_access_list(const Json& v) {
  if (!v.is_array()) return fail(Errc::invalid_argument, "accessList must be an array");
  types::AccessList out;
  for (const Json& entry : v) {
    if (!entry.is_object() || !entry.contains("address")) {
      return fail(Errc::invalid_argument, "accessList entries need an address");
    }
    types::AccessListEntry e;
    ROLLUP_TRY(e.address, decode_address(entry["address"]));
    if (const auto keys = entry.find("storageKeys"); keys != entry.end() && !keys->is_null()) {
      if (!keys->is_array()) return fail(Errc::invalid_argument, "storageKeys must be an array");
      for (const Json& k : *keys) {
        ROLLUP_TRY(Hash key, decode_hash(k));
        e.storage_keys.push_back(key);
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<CallArgs> decode_call(const Json& v) {
  if (!v.is_object()) return fail(Errc::invalid_argument, "a call must be an object");
  CallArgs a;
  const auto field = [&](const char* name) -> const Json* {
    const auto it = v.find(name);
    return it == v.end() || it->is_null() ? nullptr : &*it;
  };
  if (const Json* f = field("from")) {
    ROLLUP_TRY(a.from, decode_address(*f));
  }
  if (const Json* f = field("to")) {
    ROLLUP_TRY(a.to, decode_address(*f));
  }
  if (const Json* f = field("gas")) {
    ROLLUP_TRY(a.gas, decode_u64(*f));
  }
  if (const Json* f = field("gasPrice")) {
    ROLLUP_TRY(a.gas_price, decode_quantity(*f));
  }
  if (const Json* f = field("maxFeePerGas")) {
    ROLLUP_TRY(a.max_fee, decode_quantity(*f));
  }
  if (const Json* f = field("maxPriorityFeePerGas")) {
    ROLLUP_TRY(a.max_priority_fee, decode_quantity(*f));
  }
  if (a.gas_price && (a.max_fee || a.max_priority_fee)) {
    return fail(Errc::invalid_argument,
                "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
  }
  if (a.max_fee && a.max_priority_fee && *a.max_priority_fee > *a.max_fee) {
    return fail(Errc::invalid_argument, "maxFeePerGas (" + to_string(*a.max_fee) +
                                            ") < maxPriorityFeePerGas (" +
                                            to_string(*a.max_priority_fee) + ")");
  }
  if (const Json* f = field("value")) {
    ROLLUP_TRY(a.value, decode_quantity(*f));
  }
  const Json* input = field("input");
  const Json* data = field("data");
  if (input && data && *input != *data) {
    return fail(Errc::invalid_argument,
                "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass "
                "transaction call data");
  }
  if (input || data) {
    ROLLUP_TRY(a.data, decode_data(input ? *input : *data));
  }
  if (const Json* f = field("accessList")) {
    ROLLUP_TRY(a.access_list, decode_access_list(*f));
  }
  return a;
}

// geth's texts for Solidity's Panic(uint256) codes (accounts/abi: panicReasons).
std::string panic_reason(const uint256& code) {
  if (code.fits_u64()) {
    switch (code.low64()) {
      case 0x00: return "generic panic";
      case 0x01: return "assert(false)";
      case 0x11: return "arithmetic underflow or overflow";
      case 0x12: return "division or modulo by zero";
      case 0x21: return "enum overflow";
      case 0x22: return "invalid encoded storage byte array accessed";
      case 0x31: return "out-of-bounds array access; popping on an empty array";
      case 0x32: return "out-of-bounds access of an array or bytesSlice";
      case 0x41: return "out of memory";
      case 0x51: return "uninitialized function";
    }
  }
  return "unknown panic code: " + to_hex_quantity(code);
}

// The reason in revert data: Error(string) or Panic(uint256) as Solidity encodes them.
std::optional<std::string> revert_reason(ByteView data) {
  static constexpr std::uint8_t k_error[4] = {0x08, 0xc3, 0x79, 0xa0};
  static constexpr std::uint8_t k_panic[4] = {0x4e, 0x48, 0x7b, 0x71};
  if (data.size() < 4) return std::nullopt;
  const ByteView args = data.subspan(4);
  if (std::equal(k_panic, k_panic + 4, data.begin()) && args.size() == 32) {
    return panic_reason(uint256::from_be(args));
  }
  if (!std::equal(k_error, k_error + 4, data.begin()) || args.size() < 64) return std::nullopt;
  const uint256 offset = uint256::from_be(args.first(32));
  if (!offset.fits_u64() || offset.low64() > args.size() - 32) return std::nullopt;
  const uint256 length = uint256::from_be(args.subspan(offset.low64(), 32));
  const std::uint64_t start = offset.low64() + 32;
  if (!length.fits_u64() || length.low64() > args.size() - start) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(args.data() + start), length.low64());
}

// geth's answer to a reverted call: code 3, the reason if the data has one, and the data.
RpcError revert_error(const Bytes& output) {
  const std::optional<std::string> reason = revert_reason(output);
  return RpcError{code::execution_reverted,
                  reason ? "execution reverted: " + *reason : std::string("execution reverted"),
                  Json(hex_data(output))};
}

// What a call runs on: the state after the block, and that block's header as the EVM's block.
struct Site {
  std::unique_ptr<state::StateView> view;
  execution::BlockEnv env;
};

class CallRunner {
 public:
  CallRunner(const Backend& b, const Methods& m) : m_b(b), m_m(m) {}

  RpcResult<Site> site(const Params& p, std::size_t i, bool priced) const {
    RPC_TRY(const std::optional<BlockId> id, p.optional(i, decode_block_id));
    RPC_TRY(const std::optional<Resolved> block, m_m.resolve(id.value_or(BlockId{})));
    if (!block) return rpc_fail(code::server, "header not found");
    RPC_TRY(const types::Header h, m_m.header(*block));
    auto view = m_b.db->state_at(block->number);
    if (!view) {
      return rpc_fail(code::server, "historical state " + hex_data(block->hash) +
                                        " is not available: " + view.error().message());
    }
    Site s{std::move(*view), {}};
    s.env.number = h.number;
    s.env.timestamp = h.timestamp;
    s.env.gas_limit = h.gas_limit;
    s.env.fee_recipient = h.beneficiary;
    s.env.prev_randao = h.mix_hash;
    // An unpriced call sees a zero base fee (geth), so it passes the fee check and pays nothing.
    if (priced) s.env.base_fee = h.base_fee_per_gas.value_or(uint256{});
    s.env.block_hashes = storage::block_hashes(*m_b.db);
    return s;
  }

  // The request for `args` with `gas`, priced as the arguments say at `base_fee`.
  static execution::CallRequest request(const CallArgs& args, std::uint64_t gas,
                                        const uint256& base_fee) {
    execution::CallRequest r;
    r.from = args.from.value_or(Address{});
    r.to = args.to;
    r.gas = gas;
    if (args.gas_price) {
      r.gas_price = *args.gas_price;
    } else if (args.max_fee) {
      const uint256 tip = args.max_priority_fee.value_or(uint256{});
      r.gas_price = std::min(*args.max_fee, base_fee + tip);
      // A cap below the base fee is refused by simulate_call with geth's message; keep it so.
      if (*args.max_fee < base_fee) r.gas_price = *args.max_fee;
    }
    r.value = args.value;
    if (args.data) r.data = *args.data;
    if (args.access_list) r.access_list = *args.access_list;
    return r;
  }

  // Runs one request on a fresh overlay of `site`.
  RpcResult<execution::Applied> run(const Site& site, execution::CallRequest request,
                                    std::chrono::steady_clock::time_point deadline) const {
    request.should_stop = [deadline] { return std::chrono::steady_clock::now() > deadline; };
    state::BlockState overlay(*site.view);
    auto applied = execution::simulate_call(overlay, m_b.chain, site.env, request);
    if (!applied) {
      if (applied.error().code() == make_error_code(evm::Errc::interrupted)) {
        return rpc_fail(code::server, "execution aborted (timeout = " +
                                          std::to_string(m_b.evm_timeout.count()) + "ms)");
      }
      return std::unexpected(to_rpc_error(applied.error()));
    }
    return std::move(*applied);
  }

  std::chrono::steady_clock::time_point deadline() const {
    return std::chrono::steady_clock::now() + m_b.evm_timeout;
  }

  const Backend& m_b;
  const Methods& m_m;
};

// State overrides (the third argument) are not served yet; an empty set is the same as none.
Result<bool> no_overrides(const Json& v) {
  if (v.is_object() && v.empty()) return true;
  return fail(Errc::invalid_argument, "state overrides are not supported");
}

bool priced(const CallArgs& args) {
  return (args.gas_price && !args.gas_price->is_zero()) ||
         (args.max_fee && !args.max_fee->is_zero());
}

}  // namespace

void add_call_methods(Dispatcher& d, const Backend& backend, std::shared_ptr<const Methods> m) {
  auto runner = std::make_shared<CallRunner>(backend, *m);
  d.add("eth_call", [runner, m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));
    RPC_TRY_VOID(p.optional(2, no_overrides));
    RPC_TRY(const CallArgs args, p.required(0, decode_call));
    RPC_TRY(const Site site, runner->site(p, 1, priced(args)));
    const std::uint64_t gas = std::min(args.gas.value_or(runner->m_b.gas_cap), runner->m_b.gas_cap);
    RPC_TRY(
        const execution::Applied applied,
        runner->run(site, CallRunner::request(args, gas, site.env.base_fee), runner->deadline()));
    if (applied.status == evm::Status::revert) return std::unexpected(revert_error(applied.output));
    if (!applied.success()) return rpc_fail(code::server, evm::to_string(applied.status));
    return Json(hex_data(applied.output));
  });

  d.add("eth_estimateGas", [runner, m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));
    RPC_TRY_VOID(p.optional(2, no_overrides));
    RPC_TRY(const CallArgs args, p.required(0, decode_call));
    RPC_TRY(const Site site, runner->site(p, 1, priced(args)));
    // A plain transfer to an account without code needs exactly the transaction's floor.
    if (args.to && !args.data && !args.access_list) {
      RPC_TRY(const std::optional<types::Account> target, node(site.view->account(*args.to)));
      if (!target || target->code_hash == types::k_empty_code_hash) return Json(quantity(21000));
    }
    std::uint64_t highest = std::min(args.gas.value_or(site.env.gas_limit), runner->m_b.gas_cap);
    const execution::CallRequest priced_request =
        CallRunner::request(args, highest, site.env.base_fee);
    if (!priced_request.gas_price.is_zero() && args.from) {
      // No more gas than the sender can pay for.
      RPC_TRY(const std::optional<types::Account> sender, node(site.view->account(*args.from)));
      const uint256 balance = sender ? sender->balance : uint256{};
      if (args.value > balance) {
        return rpc_fail(code::server, "insufficient funds for gas * price + value");
      }
      const uint256 allowance = (balance - args.value) / priced_request.gas_price;
      if (allowance < uint256(highest)) highest = allowance.low64();
    }
    const auto deadline = runner->deadline();
    const auto attempt = [&](std::uint64_t gas) {
      return runner->run(site, CallRunner::request(args, gas, site.env.base_fee), deadline);
    };
    RPC_TRY(const execution::Applied first, attempt(highest));
    if (first.status == evm::Status::revert) return std::unexpected(revert_error(first.output));
    if (!first.success()) {
      return rpc_fail(code::server,
                      "gas required exceeds allowance (" + std::to_string(highest) + ")");
    }
    std::uint64_t lowest = args.to ? 21000 : 53000;
    std::uint64_t mid = std::min(first.gas_used * 3, (highest + lowest) / 2);
    while (highest - lowest > 1) {
      auto outcome = attempt(mid);
      if (outcome && outcome->success()) {
        highest = mid;
      } else if (!outcome && outcome.error().code != code::server) {
        return std::unexpected(outcome.error());  // the node failed, not the call
      } else if (!outcome && outcome.error().message.starts_with("execution aborted")) {
        return std::unexpected(outcome.error());
      } else {
        lowest = mid;  // too little gas (or a failure that more gas would have avoided)
      }
      mid = (highest + lowest) / 2;
    }
    return Json(quantity(highest));
  });
}

}  // namespace rollup::rpc::detail
