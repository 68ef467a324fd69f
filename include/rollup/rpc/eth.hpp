#pragma once
// The node's JSON-RPC methods: eth_, net_, web3_, txpool_ and rollup_, over the chain database and
// the transaction pool. Every read goes to the database's committed state (each block is one atomic
// write, and a state view reads a fixed snapshot), so no method ever waits for block production and
// block production never waits for a method.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "rollup/execution/executor.hpp"
#include "rollup/rpc/jsonrpc.hpp"
#include "rollup/storage/database.hpp"
#include "rollup/txpool/group_submit.hpp"
#include "rollup/txpool/pool.hpp"

namespace rollup::rpc {

// An L1 block as rollup_syncStatus shows it.
struct L1Ref {
  std::uint64_t number = 0;
  Hash hash;
  Hash parent_hash;
  std::uint64_t timestamp = 0;
};
// What the node knows of L1 (from its batcher), for rollup_syncStatus.
struct L1Status {
  std::optional<L1Ref> head;       // L1's latest block as last read
  std::optional<L1Ref> safe;       // L1's safe block as last read
  std::optional<L1Ref> finalized;  // L1's finalized block as last read
  std::optional<L1Ref> origin;     // the L1 origin new L2 blocks get
};

struct Backend {
  storage::Database* db = nullptr;
  txpool::Pool* pool = nullptr;
  // eth_sendRawTransaction's way into the pool: concurrent calls are submitted as one batch.
  txpool::GroupSubmitter* intake = nullptr;
  // Told of each transaction eth_sendRawTransaction added (newPendingTransactions); may be empty.
  std::function<void(const txpool::PoolTx&)> on_pending;
  execution::ChainConfig chain;
  std::string client_version = "rollupd";  // web3_clientVersion
  // geth's rpc.txfeecap: eth_sendRawTransaction refuses gas * max fee above it (0: no cap).
  uint256 tx_fee_cap = uint256(1'000'000'000'000'000'000ULL);
  // The pool's minimum tip: what eth_maxPriorityFeePerGas suggests when recent blocks hold nothing.
  uint256 min_tip = uint256(1);
  // eth_call and eth_estimateGas never go above this much gas (geth's rpc.gascap).
  std::uint64_t gas_cap = 50'000'000;
  // The most time one eth_call or eth_estimateGas may take (geth's rpc.evmtimeout).
  std::chrono::milliseconds evm_timeout{5000};
  // eth_getLogs and log filters: at most this many blocks per query and this many logs per answer.
  std::uint64_t logs_block_range = 100'000;
  std::size_t logs_limit = 10'000;
  // The node's view of L1; empty when it runs without one (rollup_syncStatus then shows zeros).
  std::function<L1Status()> l1_status;
};

// Adds every method of the enabled namespaces to `dispatcher`. `backend` must outlive it.
void add_node_methods(Dispatcher& dispatcher, const Backend& backend);

}  // namespace rollup::rpc
