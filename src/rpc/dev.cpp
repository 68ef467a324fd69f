#include "rollup/rpc/dev.hpp"

#include <string>

#include "methods.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/rpc/codec.hpp"

namespace rollup::rpc {

namespace {

// The node's refusal as the answer: -32000 with its reason, as anvil answers a cheat it cannot do
// (a timestamp before the head's, a snapshot past the kept history, a node that is stopping).
template <typename T>
RpcResult<T> refused(Result<T> r) {
  if (!r) return rpc_fail(code::server, r.error().message());
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(*r);
  }
}

// anvil and Hardhat take times and counts as JSON numbers or as hex quantities.
Result<std::uint64_t> decode_count(const Json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return fail(Errc::invalid_argument, "negative number");
  return decode_u64(v);
}

// How many blocks one evm_mine or anvil_mine call may make: each is a synced commit, so a huge
// count would hold the sequencer for minutes.
RpcResult<std::uint64_t> block_count(std::uint64_t count) {
  if (count == 0 || count > 10'000) {
    return rpc_fail(code::invalid_params, "blocks must be a number from 1 to 10000");
  }
  return count;
}

// A 32-byte word given as hex of any length up to 64 digits, leading zeros allowed ("0x0",
// "0x01", or a full 32-byte hash), as storage slots and values are written in practice.
Result<uint256> decode_word(const Json& v) {
  if (!v.is_string()) return fail(Errc::invalid_argument, "expected a hex string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
    return fail(Errc::invalid_argument, "hex string without 0x prefix");
  }
  if (s.size() - 2 > 64) return fail(Errc::invalid_argument, "hex number > 256 bits");
  const std::string padded = std::string(64 - (s.size() - 2), '0') + s.substr(2);
  auto bytes = hex::decode_fixed<32>(padded, hex::Prefix::forbidden);
  if (!bytes) return fail(Errc::invalid_argument, "invalid hex string");
  return uint256::from_hash(*bytes);
}

}  // namespace

void add_dev_methods(Dispatcher& d, DevChain& chain) {
  // ---- evm_: blocks, time, snapshots
  d.add("evm_mine", [&chain](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    // anvil's forms: nothing, a timestamp, or {"timestamp": T, "blocks": N}.
    std::optional<std::uint64_t> timestamp;
    std::uint64_t blocks = 1;
    if (p.size() == 1 && p.raw(0).is_object()) {
      const Json& o = p.raw(0);
      if (auto t = o.find("timestamp"); t != o.end() && !t->is_null()) {
        auto v = decode_count(*t);
        if (!v) return rpc_fail(code::invalid_params, "invalid timestamp: " + v.error().message());
        timestamp = *v;
      }
      if (auto b = o.find("blocks"); b != o.end() && !b->is_null()) {
        auto v = decode_count(*b);
        RPC_TRY(blocks, block_count(v.value_or(0)));
      }
    } else {
      RPC_TRY(timestamp, p.optional(0, decode_count));
    }
    for (std::uint64_t i = 0; i < blocks; ++i) {
      RPC_TRY_VOID(refused(chain.mine(i == 0 ? timestamp : std::nullopt)));
    }
    return Json("0x0");
  });
  d.add("evm_setNextBlockTimestamp", [&chain](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const std::uint64_t timestamp, p.required(0, decode_count));
    RPC_TRY_VOID(refused(chain.set_next_timestamp(timestamp)));
    return Json(nullptr);
  });
  d.add("evm_increaseTime", [&chain](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const std::uint64_t seconds, p.required(0, decode_count));
    if (seconds > (std::uint64_t{1} << 40)) {
      return rpc_fail(code::invalid_params, "time increase too large");
    }
    RPC_TRY(const std::int64_t total,
            refused(chain.increase_time(static_cast<std::int64_t>(seconds))));
    return Json(total);
  });
  d.add("evm_snapshot", [&chain](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(0));
    RPC_TRY(const std::uint64_t id, refused(chain.snapshot()));
    return Json(quantity(id));
  });
  d.add("evm_revert", [&chain](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const std::uint64_t id, p.required(0, decode_count));
    RPC_TRY(const bool reverted, refused(chain.revert(id)));
    return Json(reverted);
  });

  // ---- anvil_ (and Hardhat's names for the same): blocks and state edits
  for (const std::string ns : {"anvil_", "hardhat_"}) {
    // anvil_mine(blocks = 1, interval = 1 s): the first block now, each next `interval` later.
    d.add(ns + "mine", [&chain](const Params& p) -> RpcResult<Json> {
      RPC_TRY_VOID(p.at_most(2));
      RPC_TRY(const std::optional<std::uint64_t> blocks, p.optional(0, decode_count));
      RPC_TRY(const std::optional<std::uint64_t> interval, p.optional(1, decode_count));
      RPC_TRY(const std::uint64_t count, block_count(blocks.value_or(1)));
      if (interval.value_or(1) > (std::uint64_t{1} << 32)) {
        return rpc_fail(code::invalid_params, "interval too large");
      }
      std::optional<std::uint64_t> at;
      for (std::uint64_t i = 0; i < count; ++i) {
        RPC_TRY(const DevChain::Mined mined, refused(chain.mine(at)));
        at = mined.timestamp + interval.value_or(1);
      }
      return Json(nullptr);
    });
    d.add(ns + "setBalance", [&chain](const Params& p) -> RpcResult<Json> {
      RPC_TRY_VOID(p.at_most(2));
      RPC_TRY(const Address address, p.required(0, decode_address));
      RPC_TRY(const uint256 value, p.required(1, decode_quantity));
      RPC_TRY_VOID(refused(chain.set_balance(address, value)));
      return Json(nullptr);
    });
    d.add(ns + "setNonce", [&chain](const Params& p) -> RpcResult<Json> {
      RPC_TRY_VOID(p.at_most(2));
      RPC_TRY(const Address address, p.required(0, decode_address));
      RPC_TRY(const std::uint64_t nonce, p.required(1, decode_count));
      RPC_TRY_VOID(refused(chain.set_nonce(address, nonce)));
      return Json(nullptr);
    });
    d.add(ns + "setCode", [&chain](const Params& p) -> RpcResult<Json> {
      RPC_TRY_VOID(p.at_most(2));
      RPC_TRY(const Address address, p.required(0, decode_address));
      RPC_TRY(Bytes code, p.required(1, decode_data));
      RPC_TRY_VOID(refused(chain.set_code(address, std::move(code))));
      return Json(nullptr);
    });
    d.add(ns + "setStorageAt", [&chain](const Params& p) -> RpcResult<Json> {
      RPC_TRY_VOID(p.at_most(3));
      RPC_TRY(const Address address, p.required(0, decode_address));
      RPC_TRY(const uint256 slot, p.required(1, decode_word));
      RPC_TRY(const uint256 value, p.required(2, decode_word));
      RPC_TRY_VOID(refused(chain.set_storage(address, slot.to_hash(), value)));
      return Json(true);
    });
  }
}

}  // namespace rollup::rpc
