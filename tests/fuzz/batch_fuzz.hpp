#pragma once
// The fuzz target of the L1 data decoders: the batch decoder and the frame parser with the channel
// assembler, which read bytes anyone can post to the batch inbox. The libFuzzer entry point
// (batch_fuzz.cpp) and the standalone driver (batch_standalone_main.cpp) both call run_batch_input.
//
// Input layout: byte 0 selects the target.
//   even: the rest is one encoded batch (decode_batch).
//   odd:  the rest is a sequence of L1 transactions, each a 2-byte big-endian length and that many
//         bytes of calldata, fed in order to parse_frame and a ChannelAssembler (one L1 block per
//         transaction, with a short timeout and a small memory bound so both rules take part);
//         every completed channel's payload goes to decode_batch.
//
// Invariants (a violation prints what broke and aborts, so the fuzzer keeps the input):
//  - a decoded batch has at least one block, consecutive numbers, non-decreasing timestamps and
//    L1 origins, and encodes again: uncompressed and modelled input re-encodes to exactly the input
//    (one encoding per batch); compressed input re-encodes to bytes that decode to the same batch;
//  - a completed channel's payload hashes to its id; the assembler's buffered bytes never pass its
//    bound while it holds more than one channel.

#include "rollup/base/bytes.hpp"

namespace rollup::fuzz {

void run_batch_input(ByteView input);

}  // namespace rollup::fuzz
