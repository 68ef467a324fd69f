// rollup-evmbench: gas per second of the EVM on compute-heavy contract calls, in process.
//
// The contract is tests/e2e/contracts/Bench.sol (its committed artifact): a keccak hash chain, an
// arithmetic and memory loop, and a loop of ERC-20 style transfers (balance check, two SSTOREs and
// a Transfer event each). It is deployed once on an in-memory state; each call then runs through
// execution::simulate_call on a fresh overlay of that state, the way eth_call runs, with the
// number of rounds chosen so that one call uses about --gas gas. For each program the median of
// --runs calls is printed as millions of gas per second.
//
//   rollup-evmbench [--contracts DIR] [--gas N] [--runs R] [--program NAME]
//
// The same calls against anvil (revm) over JSON-RPC are in scripts/bench-vs-anvil.sh.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "machine.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/executor.hpp"
#include "support/memory_state.hpp"

using namespace rollup;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "rollup-evmbench: %s\n", message.c_str());
  std::exit(1);
}

std::uint64_t parse_u64(const char* flag, const char* text) {
  const std::optional<std::uint64_t> v = bench::parse_count(text);
  if (!v) die(std::string(flag) + " wants a number, not '" + text + "'");
  return *v;
}

// The ABI call data of `signature(uint256)` with one argument.
Bytes call_data(const std::string& signature, std::uint64_t arg) {
  const Hash selector = crypto::keccak256(as_bytes(signature));
  Bytes data(selector.bytes.begin(), selector.bytes.begin() + 4);
  const auto word = uint256(arg).to_be();
  data.insert(data.end(), word.begin(), word.end());
  return data;
}

struct Setup {
  testing::AccountsState base;
  execution::ChainConfig chain;
  execution::BlockEnv env;
  Address contract;
  Address caller;
};

execution::Applied run_call(const Setup& s, const state::StateView& deployed, const Bytes& data,
                            std::uint64_t gas) {
  state::BlockState overlay(deployed);
  execution::CallRequest request;
  request.from = s.caller;
  request.to = s.contract;
  request.gas = gas;
  request.data = data;
  auto applied = execution::simulate_call(overlay, s.chain, s.env, request);
  if (!applied) die("call failed: " + applied.error().message());
  if (!applied->success())
    die(std::string("call did not succeed: ") + evm::to_string(applied->status));
  return std::move(*applied);
}

}  // namespace

int main(int argc, char** argv) {
  std::string contracts = ROLLUP_BENCH_CONTRACTS;
  std::uint64_t target_gas = 30'000'000;
  std::uint64_t runs = 5;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc)
      die("usage: rollup-evmbench [--contracts DIR] [--gas N] [--runs R] [--program NAME]");
    if (flag == "--contracts") {
      contracts = argv[++i];
    } else if (flag == "--gas") {
      target_gas = parse_u64("--gas", argv[++i]);
    } else if (flag == "--program") {
      only = argv[++i];
    } else if (flag == "--runs") {
      runs = std::max<std::uint64_t>(1, parse_u64("--runs", argv[++i]));
    } else {
      die("unknown option " + flag);
    }
  }
  std::ifstream in(contracts + "/Bench.json");
  if (!in) die("cannot read " + contracts + "/Bench.json (--contracts names its folder)");
  const nlohmann::json artifact = nlohmann::json::parse(in, nullptr, false);
  if (artifact.is_discarded() || !artifact.contains("bytecode"))
    die("Bench.json is not an artifact");
  auto creation = hex::decode(artifact["bytecode"].get<std::string>(), hex::Prefix::optional);
  if (!creation) die("Bench.json: bad bytecode hex");

  Setup s;
  s.chain.chain_id = 901;
  s.env.number = 1;
  s.env.timestamp = 1;
  s.env.gas_limit = 1'000'000'000;
  s.caller.bytes[19] = 0xca;
  s.base.map[s.caller] = types::Account{.nonce = 0, .balance = uint256(1) << 100};

  // Deploy on an overlay that then serves as the state every call starts from.
  state::BlockState deployed(s.base);
  {
    execution::CallRequest deploy;
    deploy.from = s.caller;
    deploy.gas = 10'000'000;
    deploy.data = *creation;
    auto applied = execution::simulate_call(deployed, s.chain, s.env, deploy);
    if (!applied || !applied->success()) die("deploying Bench failed");
    s.contract = evm::create_address(s.caller, 0);
  }

  bench::print_machine();
  std::printf("%-14s %10s %12s %10s %10s\n", "program", "rounds", "gas/call", "ms/call", "Mgas/s");
  for (const char* name : {"keccakLoop", "arithLoop", "transferLoop"}) {
    if (!only.empty() && only != name) continue;
    const std::string signature = std::string(name) + "(uint256)";
    // Calibrate: the gas of 100 and of 200 rounds give the cost per round and the fixed part,
    // then the rounds that use about target_gas.
    const std::uint64_t probe = 100;
    const auto gas_of = [&](std::uint64_t n) {
      return run_call(s, deployed, call_data(signature, n), s.env.gas_limit).gas_used;
    };
    const std::uint64_t once = gas_of(probe);
    const std::uint64_t per_round = std::max<std::uint64_t>(1, (gas_of(2 * probe) - once) / probe);
    const std::uint64_t fixed = once - std::min(once, probe * per_round);
    const std::uint64_t rounds =
        std::max<std::uint64_t>(1, (std::max(target_gas, fixed) - fixed) / per_round);
    const Bytes data = call_data(signature, rounds);
    std::vector<double> seconds;
    std::uint64_t gas = 0;
    for (std::uint64_t r = 0; r < runs; ++r) {
      const auto start = Clock::now();
      gas = run_call(s, deployed, data, s.env.gas_limit).gas_used;
      seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    const double median = bench::percentile(seconds, 0.5);
    std::printf("%-14s %10llu %12llu %10.1f %10.1f\n", name,
                static_cast<unsigned long long>(rounds), static_cast<unsigned long long>(gas),
                median * 1e3, static_cast<double>(gas) / median / 1e6);
  }
  return 0;
}
