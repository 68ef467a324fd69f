// rollup-batchbench: bytes per transaction of L1 batch data on generated corpora, for the formats
// rollups use: raw RLP, zlib level 9 of the concatenated RLP (the OP Stack's first format), brotli
// level 11 of the concatenated RLP (Arbitrum's), and ours (the column-encoded batch of
// rollup_batch). Every format compresses the same batches (blocks grouped up to --batch-bytes of
// RLP), so each gets the same context. Speeds are MB of transaction RLP per second of compression.
//
// The corpora model what an L2 carries (docs/performance.md says how): 2,000 senders with their own
// nonce sequences, EIP-1559 and legacy transactions priced the way ethers and viem price them from
// a drifting base fee, amounts that are partly round (what people type) and partly arbitrary.
//
//   rollup-batchbench [--transactions N] [--batch-bytes B] [--zstd-level L]
//                     [--zstd | --brotli | --modelled] [--corpus NAME]

#include <zlib.h>

#include <brotli/encode.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "machine.hpp"
#include "rollup/base/assert.hpp"
#include "rollup/batch/batch.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/types/transaction.hpp"

namespace {

using namespace rollup;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t k_chain_id = 31337;
constexpr std::uint64_t k_gwei = 1'000'000'000;

struct Sender {
  crypto::SecretKey key;
  std::uint64_t nonce;
};

Address random_address(std::mt19937_64& rng) {
  Address a;
  for (auto& b : a.bytes) b = static_cast<std::uint8_t>(rng());
  return a;
}

// What people type (a few significant digits of ether or tokens) or what programs compute (any
// number of wei).
uint256 amount(std::mt19937_64& rng, unsigned decimals) {
  if (std::uniform_int_distribution<int>(0, 99)(rng) < 60) {
    const std::uint64_t digits = std::uniform_int_distribution<std::uint64_t>(1, 9999)(rng);
    const unsigned shift = std::uniform_int_distribution<unsigned>(decimals - 6, decimals - 2)(rng);
    uint256 v = digits;
    for (unsigned i = 0; i < shift; ++i) v = v * uint256(10);
    return v;
  }
  // Up to 10^(decimals+1): a random number of wei below ten whole units.
  uint256 cap = 1;
  for (unsigned i = 0; i < decimals + 1; ++i) cap = cap * uint256(10);
  uint256 r = uint256::from_words(0, rng(), rng(), rng());
  return r % cap;
}

struct CorpusSpec {
  std::string name;
  std::size_t recipients;  // distinct recipients (token holders for ERC-20)
  bool erc20;
};

struct Corpus {
  std::vector<batch::BlockData> blocks;
  std::size_t transactions = 0;
  std::size_t distinct_recipients = 0;
};

Corpus generate(const CorpusSpec& spec, std::size_t count) {
  std::mt19937_64 rng(0x5eed ^ std::hash<std::string>{}(spec.name));
  std::vector<Sender> senders;
  for (std::size_t i = 0; i < 2000; ++i) {
    Bytes seed(8);
    std::memcpy(seed.data(), &i, 8);
    const Hash h = crypto::keccak256(seed);
    auto key = crypto::SecretKey::from_bytes(h.view());
    ROLLUP_ASSERT(key.has_value());
    senders.push_back({*key, std::uniform_int_distribution<std::uint64_t>(0, 3000)(rng)});
  }
  std::vector<Address> pool(spec.recipients);
  for (auto& a : pool) a = random_address(rng);
  // ERC-20: twenty tokens, the first taking half the transfers; 18 or 6 decimals.
  std::vector<Address> tokens(20);
  for (auto& t : tokens) t = random_address(rng);
  const Address beneficiary = random_address(rng);

  Corpus c;
  std::set<Address> seen;
  std::vector<std::uint64_t> base_fees{50'000'000};  // 0.05 gwei, drifting as EIP-1559 moves it
  std::uint64_t time = 1'700'000'000;
  std::uint64_t origin = 20'000'000;
  Hash origin_hash = crypto::keccak256(Bytes{1});
  std::uniform_int_distribution<int> percent(0, 99);
  while (c.transactions < count) {
    batch::BlockData b;
    b.number = 1000 + c.blocks.size();
    b.timestamp = time++;
    if (b.number % 6 == 0) {  // a 12 s L1 block under 2 s L2 blocks... with 1 s blocks here
      ++origin;
      origin_hash = crypto::keccak256(origin_hash.view());
    }
    b.origin = {origin, origin_hash};
    b.gas_limit = 30'000'000;
    b.beneficiary = beneficiary;
    const std::size_t n = std::min<std::size_t>(
        count - c.transactions, std::uniform_int_distribution<std::size_t>(20, 80)(rng));
    const std::uint64_t base = base_fees.back();
    for (std::size_t i = 0; i < n; ++i) {
      Sender& from =
          senders[std::uniform_int_distribution<std::size_t>(0, senders.size() - 1)(rng)];
      types::Transaction t;
      t.chain_id = k_chain_id;
      t.nonce = from.nonce++;
      // The base fee the wallet saw: this block's or one of the three before.
      const std::size_t back = std::uniform_int_distribution<std::size_t>(
          0, std::min<std::size_t>(3, base_fees.size() - 1))(rng);
      const std::uint64_t seen_base = base_fees[base_fees.size() - 1 - back];
      if (percent(rng) < 85) {
        t.type = types::TxType::dynamic_fee;
        const int tip_kind = percent(rng);
        const std::uint64_t tip =
            tip_kind < 50   ? k_gwei     // ethers' default priority fee
            : tip_kind < 80 ? 1'000'000  // eth_maxPriorityFeePerGas on a quiet L2
                            : std::uniform_int_distribution<std::uint64_t>(0, 2 * k_gwei)(rng);
        t.max_priority_fee_per_gas = tip;
        // ethers: 2 * base + tip; viem: 1.2 * base + tip.
        t.max_fee_per_gas = percent(rng) < 70 ? 2 * seen_base + tip : seen_base * 6 / 5 + tip;
      } else {
        t.type = types::TxType::legacy;
        t.max_fee_per_gas = t.max_priority_fee_per_gas = seen_base + k_gwei;  // eth_gasPrice
      }
      const Address& to = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
      seen.insert(to);
      if (spec.erc20) {
        const std::size_t which = percent(rng) < 50 ? 0 : 1 + rng() % (tokens.size() - 1);
        const unsigned decimals = which % 3 == 1 ? 6 : 18;
        t.to = tokens[which];
        // Estimates: a recipient with or without a balance, sometimes with a wallet's 50% margin.
        std::uint64_t gas = percent(rng) < 70 ? 34'000 + which * 37 : 51'000 + which * 37;
        if (percent(rng) < 10) gas = gas * 3 / 2;
        t.gas_limit = gas;
        t.data = {0xa9, 0x05, 0x9c, 0xbb};
        t.data.resize(4 + 64, 0);
        std::copy(to.bytes.begin(), to.bytes.end(), t.data.begin() + 4 + 12);
        amount(rng, decimals).to_be32(t.data.data() + 4 + 32);
      } else {
        t.to = to;
        t.gas_limit = 21'000;
        t.value = amount(rng, 18);
      }
      ROLLUP_ASSERT(types::sign_transaction(t, from.key).has_value());
      b.transactions.push_back(std::move(t));
    }
    c.transactions += n;
    c.blocks.push_back(std::move(b));
    // EIP-1559 drift: up to 12.5% a block, never below 0.01 gwei.
    const double step = std::uniform_real_distribution<double>(-0.125, 0.125)(rng);
    base_fees.push_back(std::max<std::uint64_t>(
        10'000'000, static_cast<std::uint64_t>(static_cast<double>(base) * (1 + step))));
  }
  c.distinct_recipients = seen.size();
  return c;
}

Bytes zlib9(ByteView in) {
  uLongf size = compressBound(in.size());
  Bytes out(size);
  ROLLUP_ASSERT(compress2(out.data(), &size, in.data(), in.size(), 9) == Z_OK);
  out.resize(size);
  return out;
}

Bytes brotli11(ByteView in) {
  std::size_t size = BrotliEncoderMaxCompressedSize(in.size());
  Bytes out(size);
  ROLLUP_ASSERT(BrotliEncoderCompress(11, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
                                      in.data(), &size, out.data()) != 0);
  out.resize(size);
  return out;
}

struct Totals {
  double raw = 0, zlib = 0, brotli = 0, ours = 0;
  double zlib_s = 0, brotli_s = 0, ours_s = 0, decode_s = 0;
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Totals measure(const Corpus& c, std::size_t batch_bytes, const batch::EncodeOptions& options) {
  Totals t;
  std::size_t i = 0;
  while (i < c.blocks.size()) {
    batch::Batch b;
    b.chain_id = k_chain_id;
    b.parent_hash = crypto::keccak256(Bytes{2});
    Bytes rlp;
    while (i < c.blocks.size() && (b.blocks.empty() || rlp.size() < batch_bytes)) {
      for (const auto& tx : c.blocks[i].transactions) append(rlp, types::encode_transaction(tx));
      b.blocks.push_back(c.blocks[i++]);
    }
    b.last_hash = crypto::keccak256(rlp);
    t.raw += static_cast<double>(rlp.size());

    auto t0 = Clock::now();
    t.zlib += static_cast<double>(zlib9(rlp).size());
    t.zlib_s += seconds_since(t0);
    t0 = Clock::now();
    t.brotli += static_cast<double>(brotli11(rlp).size());
    t.brotli_s += seconds_since(t0);
    t0 = Clock::now();
    auto encoded = batch::encode_batch(b, options);
    t.ours_s += seconds_since(t0);
    ROLLUP_ASSERT(encoded.has_value());
    t.ours += static_cast<double>(encoded->size());
    t0 = Clock::now();
    auto decoded = batch::decode_batch(*encoded);
    t.decode_s += seconds_since(t0);
    // A bench of a codec that loses data would measure nothing.
    ROLLUP_ASSERT(decoded.has_value() && *decoded == b);
  }
  return t;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "rollup-batchbench: %s\nusage: rollup-batchbench [--transactions N] "
      "[--batch-bytes B] [--zstd-level L] [--zstd | --brotli | --modelled] [--corpus NAME]\n",
      why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t transactions = 100'000;
  std::size_t batch_bytes = 1'000'000;
  batch::EncodeOptions options;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    const auto count = [&]() {
      const auto v = bench::parse_count(value());
      if (!v || *v == 0) usage("not a positive whole number");
      return *v;
    };
    if (arg == "--transactions")
      transactions = count();
    else if (arg == "--batch-bytes")
      batch_bytes = count();
    else if (arg == "--zstd-level")
      options.level = static_cast<int>(count());
    else if (arg == "--brotli")
      options.compression = batch::Compression::brotli;
    else if (arg == "--zstd")
      options.compression = batch::Compression::zstd;
    else if (arg == "--modelled")
      options.compression = batch::Compression::modelled;
    else if (arg == "--corpus")
      only = value();
    else
      usage("unknown option");
  }
  bench::print_machine();
  std::printf(
      "batches of up to %zu bytes of transaction RLP; sizes in bytes per transaction, "
      "speeds in MB of RLP per second\n",
      batch_bytes);
  const std::vector<CorpusSpec> specs = {{"transfers-10", 10, false},
                                         {"transfers-1000", 1000, false},
                                         {"transfers-100000", 100'000, false},
                                         {"erc20-10000", 10'000, true}};
  for (const auto& spec : specs) {
    if (!only.empty() && spec.name != only) continue;
    const Corpus c = generate(spec, transactions);
    const Totals t = measure(c, batch_bytes, options);
    const double n = static_cast<double>(c.transactions);
    const double mb = t.raw / 1e6;
    std::printf(
        "%-17s txs=%zu recipients=%zu  raw=%.1f zlib9=%.1f brotli11=%.1f ours=%.1f  "
        "speed: zlib9=%.1f brotli11=%.2f ours=%.1f (decode %.1f)  ratio=%.2f\n",
        spec.name.c_str(), c.transactions, c.distinct_recipients, t.raw / n, t.zlib / n,
        t.brotli / n, t.ours / n, mb / t.zlib_s, mb / t.brotli_s, mb / t.ours_s, mb / t.decode_s,
        t.ours / t.brotli);
    std::fflush(stdout);
  }
  return 0;
}
