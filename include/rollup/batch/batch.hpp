#pragma once
// Batches: the L2 chain's data as it is posted to L1. A batch covers a span of consecutive L2
// blocks (number, timestamp, gas limit, fee recipient, L1 origin, transactions) and is encoded
// column by column, so that like values sit together: every nonce in one stream, every fee in
// another, recipients as references into one address table, numbers as decimal mantissa and
// exponent. The structured section is either range-coded field by field under adaptive models
// (the modelled form, the default) or kept as byte columns for zstd or brotli; the signatures,
// which no compressor can shrink, follow uncompressed. The byte-exact format is
// specified in docs/protocol.md; this header is its only implementation.
//
// Pure functions: no I/O, no clocks. Decoding is strict (one encoding per batch, every byte
// accounted for, every size bounded before allocation), so hostile L1 data fails cleanly.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/batch/errors.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::batch {

// The L1 block an L2 block was built on: it fixes which L1 data (deposits, later) the L2 block
// has seen, and a verifier checks it against L1.
struct L1Origin {
  std::uint64_t number = 0;
  Hash hash;
  friend bool operator==(const L1Origin&, const L1Origin&) = default;
};

// What a verifier needs, beside the chain's rules and its parent, to rebuild one L2 block.
struct BlockData {
  std::uint64_t number = 0;
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  Address beneficiary;
  L1Origin origin;
  std::vector<types::Transaction> transactions;
  friend bool operator==(const BlockData&, const BlockData&) = default;
};

struct Batch {
  std::uint64_t chain_id = 0;
  Hash parent_hash;  // the parent of the first block: where this span attaches
  Hash last_hash;    // the hash of the last block: the sequencer's commitment to the result
  std::vector<BlockData> blocks;  // consecutive numbers, at least one
  friend bool operator==(const Batch&, const Batch&) = default;
};

// How the structured section is coded: byte columns raw (none), or compressed by zstd or brotli;
// or every field range-coded under its own model (modelled).
enum class Compression : std::uint8_t { none = 0, zstd = 1, brotli = 2, modelled = 3 };

// Limits a decoder enforces before it allocates, so that a small hostile input cannot make it
// allocate much. The defaults are far above what an honest batcher produces (rollupd's channels
// hold at most 10,000 blocks and about 1 MB of transactions). Blocks can cost almost nothing in
// the modelled form, so their count is what bounds the memory they take; every transaction brings
// its 64 signature bytes.
struct Limits {
  std::size_t max_decompressed_bytes = 64u << 20;
  std::size_t max_blocks = 1u << 16;
  std::size_t max_transactions = 1u << 20;
};

struct EncodeOptions {
  // The modelled form is the smallest and, at 50-200 MB/s, fast enough for a batcher
  // (docs/performance.md, "Batch compression"); zstd and brotli remain for comparison and for
  // decoders that would rather reuse a standard library.
  Compression compression = Compression::modelled;
  // zstd 1..22, brotli 0..11; 0 picks each one's default (zstd 19, brotli 11). The modelled form
  // has no levels and ignores it.
  int level = 0;
};

// The whole batch as one channel payload (version byte first). Fails when the batch cannot be
// represented: no blocks, numbers not consecutive, timestamps or L1 origins going back, a
// transaction of another chain or a type this chain does not carry (blob).
[[nodiscard]] Result<Bytes> encode_batch(const Batch& batch, const EncodeOptions& options = {});
[[nodiscard]] Result<Batch> decode_batch(ByteView payload, const Limits& limits = {});

}  // namespace rollup::batch
