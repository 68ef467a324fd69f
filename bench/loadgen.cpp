// rollup-loadgen: how fast a node takes signed transfers over JSON-RPC, and how fast it includes
// them. Works against any Ethereum node (rollupd, anvil, geth), which is how the two are compared
// (scripts/bench-vs-anvil.sh).
//
//   rollup-loadgen --url http://127.0.0.1:8545 [--accounts M] [--transactions N]
//                  [--connections K] [--timeout S] [--stall S]
//   rollup-loadgen --write-genesis FILE [--accounts M] [--chain-id ID]
//
// 1. Derives M accounts from the development mnemonic (m/44'/60'/0'/0/i: the accounts anvil funds,
//    and the ones --write-genesis funds for rollupd), reads their pending nonces, and pre-signs N
//    EIP-1559 transfers round-robin over them (fee cap three times the current base fee plus the
//    suggested tip, so a rising base fee during the run does not strand any).
// 2. Sends them with eth_sendRawTransaction, one per request, over K keep-alive HTTP connections.
//    Each account's transactions go through one connection in nonce order, as a wallet sends them.
// 3. Watches new blocks (eth_blockNumber, then eth_getBlockByNumber with hashes) until every
//    accepted transaction is included or the timeout passes.
// It prints the submit rate (accepted transactions per second, first send to last answer), the
// inclusion rate (first send to the block holding the last one being seen) and the latency from
// send to seen-in-a-block at p50/p99, then one RESULT line for scripts.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "machine.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/hd.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/types/transaction.hpp"

using namespace rollup;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

struct Options {
  std::string url = "http://127.0.0.1:8545";
  std::size_t accounts = 10;
  std::size_t transactions = 10'000;
  std::size_t connections = 8;
  std::uint64_t timeout_s = 300;
  std::uint64_t stall_s = 10;
  std::optional<std::string> write_genesis;
  std::uint64_t chain_id = 901;
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "rollup-loadgen: %s\n", why.c_str());
  std::exit(1);
}

// One keep-alive HTTP connection that posts JSON-RPC bodies, reconnecting once when the server
// closed it between requests.
class Connection {
 public:
  Connection(std::string host, std::string port)
      : m_host(std::move(host)), m_port(std::move(port)), m_stream(m_io) {}

  std::string post(const std::string& body) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!m_open) connect();
        http::request<http::string_body> req{http::verb::post, "/", 11};
        req.set(http::field::host, m_host);
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        http::write(m_stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(m_stream, buffer, res);
        if (!res.keep_alive()) close();
        if (res.result() != http::status::ok) {
          die("HTTP " + std::to_string(res.result_int()) + " from the node: " + res.body());
        }
        return std::move(res.body());
      } catch (const std::exception& e) {
        close();
        if (attempt > 0) die(std::string("request failed: ") + e.what());
      }
    }
  }

  Json call(const std::string& method, Json params) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    Json answer = Json::parse(post(request.dump()));
    if (answer.contains("error")) die(method + ": " + answer["error"].dump());
    return answer["result"];
  }

 private:
  void connect() {
    tcp::resolver resolver(m_io);
    m_stream.connect(resolver.resolve(m_host, m_port));
    m_stream.socket().set_option(tcp::no_delay(true));
    m_open = true;
  }
  void close() {
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    m_stream.close();
    m_open = false;
  }

  std::string m_host;
  std::string m_port;
  boost::asio::io_context m_io;
  beast::tcp_stream m_stream;
  bool m_open = false;
};

std::pair<std::string, std::string> host_port(const std::string& url) {
  std::string rest = url;
  if (rest.starts_with("http://")) rest = rest.substr(7);
  if (rest.find('/') != std::string::npos) rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "80"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

uint256 quantity(const Json& v) {
  auto q = uint256_from_quantity(v.get<std::string>());
  if (!q) die("bad quantity from the node: " + v.dump());
  return *q;
}

struct Account {
  crypto::SecretKey key;
  Address address;
};

std::vector<Account> dev_accounts(std::size_t count) {
  const auto seed = crypto::bip39_seed(crypto::k_dev_mnemonic);
  std::vector<Account> out;
  for (std::size_t i = 0; i < count; ++i) {
    auto key = crypto::ethereum_account_key(seed, static_cast<std::uint32_t>(i));
    if (!key) die("deriving account " + std::to_string(i) + ": " + key.error().message());
    auto pub = crypto::public_key(*key);
    out.push_back({*key, crypto::address_of(*pub)});
  }
  return out;
}

int write_genesis(const Options& o) {
  Json alloc = Json::object();
  for (const Account& a : dev_accounts(o.accounts)) {
    alloc[hex::encode(a.address.view())] = {{"balance", "0x21e19e0c9bab2400000"}};  // 10,000 ether
  }
  const Json genesis = {
      {"config",
       {{"chainId", o.chain_id}, {"londonBlock", 0}, {"shanghaiTime", 0}, {"cancunTime", 0}}},
      {"gasLimit", "0x3b9aca00"},  // 1e9, as the bench script gives anvil
      {"baseFeePerGas", "0x3b9aca00"},
      {"timestamp", "0x0"},
      {"extraData", "0x"},
      {"difficulty", "0x0"},
      {"alloc", alloc}};
  std::ofstream out(*o.write_genesis);
  out << genesis.dump(1) << "\n";
  if (!out) die("cannot write " + *o.write_genesis);
  std::printf("wrote %s: chain %llu, %zu development accounts with 10,000 ether each\n",
              o.write_genesis->c_str(), static_cast<unsigned long long>(o.chain_id), o.accounts);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    // A whole decimal number, or a clear refusal naming the option (not std::stoul's exception).
    const auto count = [&](const std::string& text) -> std::uint64_t {
      const std::optional<std::uint64_t> v = bench::parse_count(text);
      if (!v) die(a + " wants a whole number, got '" + text + "'");
      return *v;
    };
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--url") {
      o.url = next();
    } else if (a == "--accounts") {
      o.accounts = count(next());
    } else if (a == "--transactions") {
      o.transactions = count(next());
    } else if (a == "--connections") {
      o.connections = count(next());
    } else if (a == "--timeout") {
      o.timeout_s = count(next());
    } else if (a == "--stall") {
      o.stall_s = count(next());
    } else if (a == "--write-genesis") {
      o.write_genesis = next();
    } else if (a == "--chain-id") {
      o.chain_id = count(next());
    } else {
      std::fprintf(stderr,
                   "usage: rollup-loadgen --url URL [--accounts M] [--transactions N] "
                   "[--connections K] [--timeout S] [--stall S]\n"
                   "       rollup-loadgen --write-genesis FILE [--accounts M] [--chain-id ID]\n");
      return 2;
    }
  }
  if (o.accounts == 0 || o.transactions == 0 || o.connections == 0) die("counts must be positive");
  if (o.write_genesis) return write_genesis(o);
  o.connections = std::min(o.connections, o.accounts);

  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a run cut short still shows what it printed
  bench::print_machine();
  const auto [host, port] = host_port(o.url);
  Connection control(host, port);
  const std::uint64_t chain_id = quantity(control.call("eth_chainId", Json::array())).low64();
  const Json latest = control.call("eth_getBlockByNumber", Json::array({"latest", false}));
  const uint256 base_fee = quantity(latest["baseFeePerGas"]);
  const uint256 tip = quantity(control.call("eth_maxPriorityFeePerGas", Json::array()));
  const uint256 max_fee = base_fee * uint256(3) + tip;
  const std::vector<Account> accounts = dev_accounts(o.accounts);
  std::vector<std::uint64_t> nonces;
  for (const Account& a : accounts) {
    nonces.push_back(quantity(control.call("eth_getTransactionCount",
                                           Json::array({hex::encode(a.address.view()), "pending"})))
                         .low64());
  }
  std::printf("rollup-loadgen: %s, chain %llu, %zu accounts, %zu transfers, %zu connections\n",
              o.url.c_str(), static_cast<unsigned long long>(chain_id), o.accounts, o.transactions,
              o.connections);

  // Pre-sign on every core: signing is the client's cost, not the node's.
  std::vector<std::string> bodies(o.transactions);
  std::vector<Hash> hashes(o.transactions);
  {
    std::atomic<std::size_t> next{0};
    std::vector<std::jthread> signers;
    for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
      signers.emplace_back([&] {
        for (std::size_t i = next++; i < o.transactions; i = next++) {
          const std::size_t from = i % o.accounts;
          types::Transaction tx;
          tx.type = types::TxType::dynamic_fee;
          tx.chain_id = chain_id;
          tx.nonce = nonces[from] + i / o.accounts;
          tx.max_fee_per_gas = max_fee;
          tx.max_priority_fee_per_gas = tip;
          tx.gas_limit = 21'000;
          Address to;
          to.bytes[0] = 0x10;
          to.bytes[19] = static_cast<std::uint8_t>(i % 251 + 1);
          tx.to = to;
          tx.value = uint256(1);
          if (auto ok = types::sign_transaction(tx, accounts[from].key); !ok) die("signing failed");
          const Bytes raw = types::encode_transaction(tx);
          hashes[i] = crypto::keccak256(raw);
          bodies[i] = Json{{"jsonrpc", "2.0"},
                           {"id", i},
                           {"method", "eth_sendRawTransaction"},
                           {"params", Json::array({hex::encode(raw)})}}
                          .dump();
        }
      });
    }
  }
  std::unordered_map<Hash, std::size_t> index;
  for (std::size_t i = 0; i < hashes.size(); ++i) index.emplace(hashes[i], i);

  std::vector<Clock::time_point> sent(o.transactions);
  std::vector<std::optional<Clock::time_point>> included(o.transactions);
  std::vector<char> accepted(o.transactions, 0);
  std::atomic<std::size_t> errors{0};
  std::atomic<bool> sending_done{false};
  std::atomic<Clock::time_point> sending_finished{Clock::time_point{}};
  bool stalled = false;
  std::mutex first_errors_mutex;
  std::vector<std::string> first_errors;
  const auto start = Clock::now();
  Clock::time_point last_answer = start;
  std::mutex last_answer_mutex;

  // The watcher: every new block's transaction hashes, matched to ours.
  std::size_t seen = 0;
  Clock::time_point last_inclusion = start;
  std::jthread watcher([&] {
    Connection c(host, port);
    std::uint64_t next_block = quantity(c.call("eth_blockNumber", Json::array())).low64() + 1;
    const auto deadline = start + std::chrono::seconds(o.timeout_s);
    while (Clock::now() < deadline) {
      const std::uint64_t head = quantity(c.call("eth_blockNumber", Json::array())).low64();
      for (; next_block <= head; ++next_block) {
        const Json block =
            c.call("eth_getBlockByNumber", Json::array({hex::encode_quantity(next_block), false}));
        const auto now = Clock::now();
        for (const Json& h : block["transactions"]) {
          auto hash = hex::decode_fixed<32>(h.get<std::string>());
          if (!hash) continue;
          const auto it = index.find(*hash);
          if (it == index.end() || included[it->second]) continue;
          included[it->second] = now;
          ++seen;
          last_inclusion = now;
        }
      }
      if (sending_done) {
        // Done when every accepted transaction is in a block; or stalled, when nothing new was
        // included for the stall time after the last send (a node may accept transactions it
        // never includes, such as ones queued behind a refused nonce).
        if (seen + errors.load() >= o.transactions) return;
        const auto quiet_since = std::max(last_inclusion, sending_finished.load());
        if (Clock::now() - quiet_since > std::chrono::seconds(o.stall_s)) {
          stalled = true;
          return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  {
    std::vector<std::jthread> senders;
    for (std::size_t k = 0; k < o.connections; ++k) {
      senders.emplace_back([&, k] {
        Connection c(host, port);
        // Account a goes through connection a % K; in nonce order, since round r holds nonce r.
        for (std::size_t i = 0; i < o.transactions; ++i) {
          if ((i % o.accounts) % o.connections != k) continue;
          sent[i] = Clock::now();
          const Json answer = Json::parse(c.post(bodies[i]));
          if (answer.contains("error")) {
            if (errors++ < 5) {
              std::lock_guard lock(first_errors_mutex);
              first_errors.push_back(answer["error"].dump());
            }
          } else {
            accepted[i] = 1;
          }
        }
        std::lock_guard lock(last_answer_mutex);
        last_answer = std::max(last_answer, Clock::now());
      });
    }
  }
  sending_finished = Clock::now();
  sending_done = true;
  watcher.join();

  const std::size_t ok = static_cast<std::size_t>(std::ranges::count(accepted, 1));
  const double submit_s = std::chrono::duration<double>(last_answer - start).count();
  const double include_s = std::chrono::duration<double>(last_inclusion - start).count();
  std::vector<double> latency_ms;
  for (std::size_t i = 0; i < o.transactions; ++i) {
    if (included[i]) {
      latency_ms.push_back(
          std::chrono::duration<double, std::milli>(*included[i] - sent[i]).count());
    }
  }
  for (const std::string& e : first_errors) std::printf("refused: %s\n", e.c_str());
  const double submit_rate = static_cast<double>(ok) / submit_s;
  const double include_rate = seen > 0 ? static_cast<double>(seen) / include_s : 0;
  std::printf("accepted %zu of %zu, refused %zu, included %zu%s\n", ok, o.transactions,
              errors.load(), seen,
              stalled ? " (stopped waiting: nothing included for the stall time)" : "");
  std::printf("submit rate:    %10.0f tx/s (%.2f s)\n", submit_rate, submit_s);
  std::printf("inclusion rate: %10.0f tx/s (%.2f s)\n", include_rate, include_s);
  std::printf("latency send -> included: p50 %.0f ms, p99 %.0f ms\n",
              bench::percentile(latency_ms, 0.5), bench::percentile(latency_ms, 0.99));
  std::printf(
      "RESULT submit_tps=%.0f inclusion_tps=%.0f p50_ms=%.0f p99_ms=%.0f accepted=%zu "
      "included=%zu\n",
      submit_rate, include_rate, bench::percentile(latency_ms, 0.5),
      bench::percentile(latency_ms, 0.99), ok, seen);
  return seen == ok && ok == o.transactions ? 0 : 3;
}
