// Batched ECDSA public-key recovery on secp256k1, eight signatures per AVX-512 IFMA vector.
//
// Why: recovering the sender is most of what a transaction costs the node's intake (about 60% of
// the CPU in rollup-seqbench), and libsecp256k1 does one signature at a time with 64-bit scalar
// multiplies. IFMA multiplies eight pairs of 52-bit numbers per instruction, which is exactly the
// shape of field arithmetic in radix 2^52, so eight independent recoveries advance together.
//
// What is computed, for each signature (r, s, parity) over the message hash z (all of it public
// data, so nothing here needs to run in constant time):
//   R = the curve point with x = r and the y of that parity,
//   Q = u1*G + u2*R with u1 = -z/r and u2 = s/r modulo the group order n.
// The scalar side (mod n) runs per signature on 64-bit words, with one shared inversion per call
// (Montgomery's trick). The point side runs in the vector lanes: field elements are five 52-bit
// limbs, points are Jacobian, u2*R is a 4-bit fixed-window ladder over a per-lane table of R's
// multiples, and u1*G adds one entry per 4-bit window from a shared table of d*16^w*G.
//
// Exceptional cases. The incomplete addition formulas used here give garbage when both inputs
// are equal or opposite. Inside the two ladders that cannot happen (every partial sum is a
// multiple of the base smaller than the entry being added, and all points have order n); the final
// sum u1*G + u2*R can be made degenerate by a chosen signature, so it is detected (H == 0) and that
// lane is handed to libsecp256k1, which handles it completely. Either lane of the result is then
// identical to libsecp256k1's, which the tests check on random and on crafted signatures.

#include <secp256k1.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ROLLUP_HAVE_IFMA_KERNEL 1
#endif

namespace rollup::crypto {
namespace {

using W4 = std::array<std::uint64_t, 4>;  // least significant word first
__extension__ typedef unsigned __int128 u128;

// ---- Scalars modulo n ----------------------------------------------------------------------

constexpr W4 k_n = {0xBFD25E8CD0364141ULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL,
                    0xFFFFFFFFFFFFFFFFULL};
constexpr W4 k_n_minus_2 = {0xBFD25E8CD036413FULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL,
                            0xFFFFFFFFFFFFFFFFULL};
// 2^256 - n: 129 bits, so folding the top half of a product back in shrinks it fast.
constexpr std::uint64_t k_n_complement[3] = {0x402DA1732FC9BEBFULL, 0x4551231950B75FC4ULL, 1};

bool at_least(const W4& a, const W4& b) noexcept {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

W4 minus(const W4& a, const W4& b) noexcept {
  W4 r{};
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 d = static_cast<u128>(a[i]) - b[i] - borrow;
    r[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return r;
}

bool is_zero(const W4& a) noexcept {
  return (a[0] | a[1] | a[2] | a[3]) == 0;
}

W4 mul_mod_n(const W4& a, const W4& b) noexcept {
  std::uint64_t t[8] = {};
  for (int i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      const u128 v = static_cast<u128>(a[i]) * b[j] + t[i + j] + carry;
      t[i + j] = static_cast<std::uint64_t>(v);
      carry = static_cast<std::uint64_t>(v >> 64);
    }
    t[i + 4] = carry;
  }
  // t = lo + hi * 2^256 = lo + hi * (2^256 - n) (mod n). Each fold shrinks the high part by 127
  // bits, so a 512-bit product settles below 2^256 in at most five rounds.
  while ((t[4] | t[5] | t[6] | t[7]) != 0) {
    const std::uint64_t hi[4] = {t[4], t[5], t[6], t[7]};
    t[4] = t[5] = t[6] = t[7] = 0;
    for (int i = 0; i < 4; ++i) {
      std::uint64_t carry = 0;
      for (int j = 0; j < 3; ++j) {
        const u128 v = static_cast<u128>(hi[i]) * k_n_complement[j] + t[i + j] + carry;
        t[i + j] = static_cast<std::uint64_t>(v);
        carry = static_cast<std::uint64_t>(v >> 64);
      }
      for (int k = i + 3; carry != 0 && k < 8; ++k) {
        const u128 v = static_cast<u128>(t[k]) + carry;
        t[k] = static_cast<std::uint64_t>(v);
        carry = static_cast<std::uint64_t>(v >> 64);
      }
    }
  }
  W4 r = {t[0], t[1], t[2], t[3]};
  while (at_least(r, k_n)) r = minus(r, k_n);
  return r;
}

// a^(n-2) = 1/a for a != 0 (n is prime). Once per call, so plain square-and-multiply will do.
W4 inverse_mod_n(const W4& a) noexcept {
  W4 r = {1, 0, 0, 0};
  for (int bit = 255; bit >= 0; --bit) {
    r = mul_mod_n(r, r);
    if ((k_n_minus_2[bit / 64] >> (bit % 64)) & 1) r = mul_mod_n(r, a);
  }
  return r;
}

W4 words(const uint256& v) noexcept {
  return {v.w[0], v.w[1], v.w[2], v.w[3]};
}

// ---- Field elements in radix 2^52 (scalar side: packing, unpacking, final checks) -----------

constexpr std::uint64_t k_m52 = (std::uint64_t{1} << 52) - 1;
constexpr std::uint64_t k_m48 = (std::uint64_t{1} << 48) - 1;
constexpr std::uint64_t k_2p256 = 0x1000003D1ULL;   // 2^256 mod p
constexpr std::uint64_t k_2p260 = 0x1000003D10ULL;  // 2^260 mod p
constexpr std::uint64_t k_p0 = 0xFFFFEFFFFFC2FULL;  // p's lowest 52-bit limb
constexpr std::uint64_t k_p4 = 0x0FFFFFFFFFFFFULL;  // p's top (48-bit) limb; limbs 1-3 are all ones

using Limbs = std::array<std::uint64_t, 5>;

Limbs to_limbs(const W4& w) noexcept {
  return {w[0] & k_m52, ((w[0] >> 52) | (w[1] << 12)) & k_m52,
          ((w[1] >> 40) | (w[2] << 24)) & k_m52, ((w[2] >> 28) | (w[3] << 36)) & k_m52, w[3] >> 16};
}

// Limbs of a fully reduced element (each below 2^52, the top below 2^48) to 32 big-endian bytes.
void limbs_to_be(const Limbs& l, std::uint8_t* out) noexcept {
  const W4 w = {l[0] | (l[1] << 52), (l[1] >> 12) | (l[2] << 40), (l[2] >> 24) | (l[3] << 28),
                (l[3] >> 36) | (l[4] << 16)};
  for (int i = 0; i < 4; ++i) {
    for (int b = 0; b < 8; ++b)
      out[(3 - i) * 8 + (7 - b)] = static_cast<std::uint8_t>(w[i] >> (8 * b));
  }
}

// ---- The shared table of G's multiples -----------------------------------------------------

// Entry [w][d] is d * 16^w * G in affine coordinates, five limbs of x then five of y; d = 0 is a
// placeholder that lanes with a zero digit read and then ignore. 64 * 16 * 80 bytes = 80 KiB,
// which stays in a core's L2 cache.
constexpr int k_windows = 64;
using GTable = std::array<std::array<std::array<std::uint64_t, 10>, 16>, k_windows>;

const GTable& g_table() {
  // Built once through libsecp256k1's key derivation: 960 scalar multiplications, a few tens of
  // milliseconds, and nothing of ours to get wrong.
  static const GTable table = [] {
    GTable t{};
    for (int w = 0; w < k_windows; ++w) {
      for (int d = 1; d < 16; ++d) {
        // d * 16^w as a 32-byte big-endian scalar: the digit shifted into place (always < n).
        Bytes scalar(32, 0);
        const int bit = 4 * w;
        const std::uint64_t wide = static_cast<std::uint64_t>(d) << (bit % 8);
        scalar[31 - bit / 8] = static_cast<std::uint8_t>(wide);
        if (bit / 8 + 1 < 32) scalar[31 - bit / 8 - 1] = static_cast<std::uint8_t>(wide >> 8);
        auto key = SecretKey::from_bytes(scalar);
        ROLLUP_ASSERT(key.has_value());
        auto pub = public_key(*key);
        ROLLUP_ASSERT(pub.has_value());
        const Limbs x = to_limbs(words(uint256::from_be(ByteView(pub->data(), 32))));
        const Limbs y = to_limbs(words(uint256::from_be(ByteView(pub->data() + 32, 32))));
        for (int k = 0; k < 5; ++k) {
          t[w][d][k] = x[k];
          t[w][d][5 + k] = y[k];
        }
      }
    }
    return t;
  }();
  return table;
}

std::atomic<std::uint64_t> g_fallbacks{0};

// ---- One lane's job and answer --------------------------------------------------------------

struct LaneIn {
  Limbs x{};      // r as a field element
  W4 u1{}, u2{};  // -z/r and s/r mod n
  std::uint64_t parity = 0;
};

enum class LaneStatus : std::uint8_t { ok, not_on_curve, degenerate };

struct LaneOut {
  PublicKey key;
  LaneStatus status = LaneStatus::ok;
};

#ifdef ROLLUP_HAVE_IFMA_KERNEL

// GCC 12's AVX-512 shift intrinsics pass an "undefined" placeholder that its own uninitialized-use
// check then reports at every inlined call; the warning is about the header, not this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// ---- Field arithmetic, eight lanes per vector ----------------------------------------------
//
// An element is five vectors: limb k of each of the eight lanes. "Weak" form, which every helper
// returns: limbs 0-3 below 2^52 and limb 4 below 2^48 + 2^8, so the value is below
// 2^256 + 2^216 < 2p but not necessarily below p. IFMA reads only the low 52 bits of its inputs, so
// everything that is multiplied must be in weak form; the helpers keep that invariant themselves.
// The bounds must hold exactly, not just almost always: a limb that reached 2^52 would be silently
// truncated, and a signature can be searched for that steers an intermediate value there.

#define ROLLUP_IFMA_INLINE [[gnu::always_inline, gnu::target("avx512f,avx512dq,avx512ifma")]] inline
#define ROLLUP_IFMA_KERNEL gnu::target("avx512f,avx512dq,avx512ifma")

using V = __m512i;
struct Fe {
  V l[5];
};
struct Jac {  // (X, Y, Z) stands for (X/Z^2, Y/Z^3)
  Fe x, y, z;
};

ROLLUP_IFMA_INLINE V splat(std::uint64_t v) {
  return _mm512_set1_epi64(static_cast<long long>(v));
}

ROLLUP_IFMA_INLINE Fe fe_const(std::uint64_t low) {
  return {{splat(low), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
           _mm512_setzero_si512()}};
}

// Limbs below 2^59 in, weak form out. What lies above bit 256 is folded in first (times 2^256 mod
// p, under 2^11 * 2^33 added to limb 0), so a single carry pass suffices: the carries stay below
// 2^8, and limb 4, cut to 48 bits before the pass, ends below 2^48 + 2^8.
ROLLUP_IFMA_INLINE void weak(Fe& a) {
  const V m52 = splat(k_m52);
  const V top = _mm512_srli_epi64(a.l[4], 48);
  a.l[4] = _mm512_and_si512(a.l[4], splat(k_m48));
  a.l[0] = _mm512_madd52lo_epu64(a.l[0], top, splat(k_2p256));
  for (int i = 0; i < 4; ++i) {
    a.l[i + 1] = _mm512_add_epi64(a.l[i + 1], _mm512_srli_epi64(a.l[i], 52));
    a.l[i] = _mm512_and_si512(a.l[i], m52);
  }
}

// k * a for k in 1..8, before normalisation (limbs below 2^55).
ROLLUP_IFMA_INLINE V times(V a, unsigned k) {
  switch (k) {
    case 1: return a;
    case 2: return _mm512_slli_epi64(a, 1);
    case 4: return _mm512_slli_epi64(a, 2);
    case 8: return _mm512_slli_epi64(a, 3);
    default: return _mm512_mullo_epi64(a, splat(k));
  }
}

// ka * a - kb * b, as ka * a + 4 kb p - kb * b: the multiple of p has every limb above the
// matching limb of kb * b (4 p's limbs exceed 2^53, and 2^50 - 4 for the top one), so no limb
// goes negative. Taking the scale factors here saves a normalisation per "2x", "3x" or "8x" in
// the point formulas.
ROLLUP_IFMA_INLINE Fe lin(const Fe& a, unsigned ka, const Fe& b, unsigned kb) {
  const std::uint64_t m = 4 * kb;
  Fe r;
  r.l[0] =
      _mm512_sub_epi64(_mm512_add_epi64(times(a.l[0], ka), splat(m * k_p0)), times(b.l[0], kb));
  for (int i = 1; i < 4; ++i) {
    r.l[i] =
        _mm512_sub_epi64(_mm512_add_epi64(times(a.l[i], ka), splat(m * k_m52)), times(b.l[i], kb));
  }
  r.l[4] =
      _mm512_sub_epi64(_mm512_add_epi64(times(a.l[4], ka), splat(m * k_p4)), times(b.l[4], kb));
  weak(r);
  return r;
}

ROLLUP_IFMA_INLINE Fe sub(const Fe& a, const Fe& b) {
  return lin(a, 1, b, 1);
}

ROLLUP_IFMA_INLINE Fe add(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 5; ++i) r.l[i] = _mm512_add_epi64(a.l[i], b.l[i]);
  weak(r);
  return r;
}

ROLLUP_IFMA_INLINE Fe scale(const Fe& a, unsigned k) {
  Fe r;
  for (int i = 0; i < 5; ++i) r.l[i] = times(a.l[i], k);
  weak(r);
  return r;
}

// Columns 5-9 of a product weigh 2^260 and up; 2^260 = 0x1000003D10 (mod p), 37 bits. Folding
// from the top down lets column 9's spill into column 5 be folded along with column 5 itself.
ROLLUP_IFMA_INLINE Fe reduce(V (&c)[10]) {
  const V m52 = splat(k_m52);
  const V fold = splat(k_2p260);
  for (int k = 9; k >= 5; --k) {
    const V lo = _mm512_and_si512(c[k], m52);
    const V hi = _mm512_srli_epi64(c[k], 52);  // columns hold under 2^57, so hi < 2^5
    c[k - 5] = _mm512_madd52lo_epu64(c[k - 5], lo, fold);
    c[k - 4] = _mm512_madd52hi_epu64(c[k - 4], lo, fold);
    c[k - 4] = _mm512_madd52lo_epu64(c[k - 4], hi, fold);  // hi * fold < 2^42: exact in 52 bits
  }
  Fe r{{c[0], c[1], c[2], c[3], c[4]}};  // each below 2^58
  weak(r);
  return r;
}

ROLLUP_IFMA_INLINE Fe mul(const Fe& a, const Fe& b) {
  V c[10];
  for (V& v : c) v = _mm512_setzero_si512();
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      c[i + j] = _mm512_madd52lo_epu64(c[i + j], a.l[i], b.l[j]);
      c[i + j + 1] = _mm512_madd52hi_epu64(c[i + j + 1], a.l[i], b.l[j]);
    }
  }
  return reduce(c);
}

ROLLUP_IFMA_INLINE Fe sqr(const Fe& a) {
  V c[10];
  for (V& v : c) v = _mm512_setzero_si512();
  // Each cross product a_i a_j (i < j) once, doubled afterwards; then the squares.
  for (int i = 0; i < 5; ++i) {
    for (int j = i + 1; j < 5; ++j) {
      c[i + j] = _mm512_madd52lo_epu64(c[i + j], a.l[i], a.l[j]);
      c[i + j + 1] = _mm512_madd52hi_epu64(c[i + j + 1], a.l[i], a.l[j]);
    }
  }
  for (V& v : c) v = _mm512_slli_epi64(v, 1);
  for (int i = 0; i < 5; ++i) {
    c[2 * i] = _mm512_madd52lo_epu64(c[2 * i], a.l[i], a.l[i]);
    c[2 * i + 1] = _mm512_madd52hi_epu64(c[2 * i + 1], a.l[i], a.l[i]);
  }
  return reduce(c);
}

ROLLUP_IFMA_INLINE Fe sqr_n(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = sqr(a);
  return a;
}

// Fully reduced (below p): weak form is below 2p, so at most one p comes off. Adding 2^256 - p
// overflows past 2^256 exactly when the value is at least p, and then the sum minus 2^256 is it.
ROLLUP_IFMA_INLINE Fe reduce_full(Fe a) {
  weak(a);
  const V m52 = splat(k_m52);
  Fe t = a;
  t.l[0] = _mm512_add_epi64(t.l[0], splat(k_2p256));
  for (int i = 0; i < 4; ++i) {
    t.l[i + 1] = _mm512_add_epi64(t.l[i + 1], _mm512_srli_epi64(t.l[i], 52));
    t.l[i] = _mm512_and_si512(t.l[i], m52);
  }
  const __mmask8 at_least_p = _mm512_test_epi64_mask(t.l[4], splat(~k_m48));
  t.l[4] = _mm512_and_si512(t.l[4], splat(k_m48));
  for (int i = 0; i < 5; ++i) a.l[i] = _mm512_mask_blend_epi64(at_least_p, a.l[i], t.l[i]);
  return a;
}

ROLLUP_IFMA_INLINE __mmask8 is_zero(const Fe& a) {
  const Fe r = reduce_full(a);
  V any = r.l[0];
  for (int i = 1; i < 5; ++i) any = _mm512_or_si512(any, r.l[i]);
  return _mm512_testn_epi64_mask(any, any);
}

ROLLUP_IFMA_INLINE Fe blend(__mmask8 take_b, const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 5; ++i) r.l[i] = _mm512_mask_blend_epi64(take_b, a.l[i], b.l[i]);
  return r;
}

ROLLUP_IFMA_INLINE Jac blend(__mmask8 take_b, const Jac& a, const Jac& b) {
  return {blend(take_b, a.x, b.x), blend(take_b, a.y, b.y), blend(take_b, a.z, b.z)};
}

// a^(2^k - 1) for the k the chains below need, built as 1, 2, 3, 6, 9, 11, 22, 44, 88, 176, 220,
// 223 (the blocks of ones in (p+1)/4 and p-2 have lengths 2, 22 and 223).
struct OnesPowers {
  Fe x2, x22, x223;
};

ROLLUP_IFMA_INLINE OnesPowers ones_powers(const Fe& a) {
  OnesPowers o;
  o.x2 = mul(sqr(a), a);
  const Fe x3 = mul(sqr(o.x2), a);
  const Fe x6 = mul(sqr_n(x3, 3), x3);
  const Fe x9 = mul(sqr_n(x6, 3), x3);
  const Fe x11 = mul(sqr_n(x9, 2), o.x2);
  o.x22 = mul(sqr_n(x11, 11), x11);
  const Fe x44 = mul(sqr_n(o.x22, 22), o.x22);
  const Fe x88 = mul(sqr_n(x44, 44), x44);
  const Fe x176 = mul(sqr_n(x88, 88), x88);
  const Fe x220 = mul(sqr_n(x176, 44), x44);
  o.x223 = mul(sqr_n(x220, 3), x3);
  return o;
}

// a^((p+1)/4): a square root of a when a has one (p = 3 mod 4).
ROLLUP_IFMA_INLINE Fe sqrt_candidate(const Fe& a) {
  const OnesPowers o = ones_powers(a);
  Fe t = mul(sqr_n(o.x223, 23), o.x22);
  t = mul(sqr_n(t, 6), o.x2);
  return sqr_n(t, 2);
}

// a^(p-2) = 1/a for a != 0.
ROLLUP_IFMA_INLINE Fe invert(const Fe& a) {
  const OnesPowers o = ones_powers(a);
  Fe t = mul(sqr_n(o.x223, 23), o.x22);
  t = mul(sqr_n(t, 5), a);
  t = mul(sqr_n(t, 3), o.x2);
  return mul(sqr_n(t, 2), a);
}

// ---- Points (formulas for a = 0 from the Explicit-Formulas Database) ------------------------

// Doubling for a = 0 in 3M + 4S with five linear steps:
//   A = Y^2, B = X A, C = A^2, E = 3 X^2,
//   X3 = E^2 - 8B, Y3 = E (4B - X3) - 8C, Z3 = 2 Y Z.
ROLLUP_IFMA_INLINE Jac dbl(const Jac& p) {
  const Fe a = sqr(p.y);
  const Fe b = mul(p.x, a);
  const Fe c = sqr(a);
  const Fe e = scale(sqr(p.x), 3);
  Jac r;
  r.x = lin(sqr(e), 1, b, 8);
  r.y = lin(mul(e, lin(b, 4, r.x, 1)), 1, c, 8);
  r.z = scale(mul(p.y, p.z), 2);
  return r;
}

// add-2007-bl for general Jacobian inputs, with Z3 = Z1 Z2 2H (one multiplication instead of a
// square and two subtractions): 12M + 4S. Invalid when p = +-q; `h` is handed back so the caller
// can tell (h = 0 exactly then).
ROLLUP_IFMA_INLINE Jac add(const Jac& p, const Jac& q, Fe* h_out = nullptr) {
  const Fe z1z1 = sqr(p.z);
  const Fe z2z2 = sqr(q.z);
  const Fe u1 = mul(p.x, z2z2);
  const Fe u2 = mul(q.x, z1z1);
  const Fe s1 = mul(mul(p.y, q.z), z2z2);
  const Fe s2 = mul(mul(q.y, p.z), z1z1);
  const Fe h = sub(u2, u1);
  const Fe h2 = scale(h, 2);
  const Fe i = sqr(h2);
  const Fe j = mul(h, i);
  const Fe r = lin(s2, 2, s1, 2);
  const Fe v = mul(u1, i);
  Jac out;
  out.x = lin(sub(sqr(r), j), 1, v, 2);
  out.y = lin(mul(r, sub(v, out.x)), 1, mul(s1, j), 2);
  out.z = mul(mul(p.z, q.z), h2);
  if (h_out != nullptr) *h_out = h;
  return out;
}

// madd-2007-bl, q affine (z = 1), with Z3 = 2 Z1 H: 8M + 3S. Invalid when p = +-q.
ROLLUP_IFMA_INLINE Jac add_affine(const Jac& p, const Fe& qx, const Fe& qy) {
  const Fe z1z1 = sqr(p.z);
  const Fe u2 = mul(qx, z1z1);
  const Fe s2 = mul(mul(qy, p.z), z1z1);
  const Fe h = sub(u2, p.x);
  const Fe i = scale(sqr(h), 4);
  const Fe j = mul(h, i);
  const Fe r = lin(s2, 2, p.y, 2);
  const Fe v = mul(p.x, i);
  Jac out;
  out.x = lin(sub(sqr(r), j), 1, v, 2);
  out.y = lin(mul(r, sub(v, out.x)), 1, mul(p.y, j), 2);
  out.z = mul(p.z, scale(h, 2));
  return out;
}

// ---- The kernel ----------------------------------------------------------------------------

// Per-lane table of R's multiples, laid out so that one gather fetches limb k of coordinate c of
// entry d_i for every lane i: [entry][coordinate][limb][lane].
struct alignas(64) RTable {
  std::uint64_t v[16][3][5][8];
};

ROLLUP_IFMA_INLINE void store(RTable& t, int entry, const Jac& p) {
  const Fe* coords[3] = {&p.x, &p.y, &p.z};
  for (int c = 0; c < 3; ++c) {
    for (int k = 0; k < 5; ++k) _mm512_store_si512(t.v[entry][c][k], coords[c]->l[k]);
  }
}

ROLLUP_IFMA_INLINE Jac gather(const RTable& t, V digit) {
  const V index = _mm512_add_epi64(_mm512_mullo_epi64(digit, splat(3 * 5 * 8)),
                                   _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
  Jac p;
  Fe* coords[3] = {&p.x, &p.y, &p.z};
  for (int c = 0; c < 3; ++c) {
    for (int k = 0; k < 5; ++k) {
      coords[c]->l[k] = _mm512_i64gather_epi64(index, t.v[0][c][k], 8);
    }
  }
  return p;
}

// Digit w (4 bits, w = 0 least significant) of each lane's scalar, held as four word vectors.
ROLLUP_IFMA_INLINE V digit(const V (&scalar)[4], int w) {
  const V word = scalar[w / 16];
  const __m128i shift = _mm_cvtsi32_si128(4 * (w % 16));
  return _mm512_and_si512(_mm512_srl_epi64(word, shift), splat(15));
}

ROLLUP_IFMA_INLINE Fe load_fe(const std::uint64_t (&limbs)[5][8]) {
  Fe r;
  for (int k = 0; k < 5; ++k) r.l[k] = _mm512_load_si512(limbs[k]);
  return r;
}

[[ROLLUP_IFMA_KERNEL]] void recover8(const LaneIn (&in)[8], LaneOut (&out)[8],
                                     const GTable& gtable) {
  alignas(64) std::uint64_t xs[5][8];
  alignas(64) std::uint64_t u1w[4][8];
  alignas(64) std::uint64_t u2w[4][8];
  alignas(64) std::uint64_t parity[8];
  for (int i = 0; i < 8; ++i) {
    for (int k = 0; k < 5; ++k) xs[k][i] = in[i].x[k];
    for (int k = 0; k < 4; ++k) {
      u1w[k][i] = in[i].u1[k];
      u2w[k][i] = in[i].u2[k];
    }
    parity[i] = in[i].parity;
  }
  V u1[4], u2[4];
  for (int k = 0; k < 4; ++k) {
    u1[k] = _mm512_load_si512(u1w[k]);
    u2[k] = _mm512_load_si512(u2w[k]);
  }

  // R: y from y^2 = x^3 + 7, flipped to the wanted parity. r < n < p, so x = r as it stands.
  const Fe x = load_fe(xs);
  const Fe y2 = add(mul(sqr(x), x), fe_const(7));
  Fe y = reduce_full(sqrt_candidate(y2));
  const __mmask8 on_curve = is_zero(sub(sqr(y), y2));
  const V odd = _mm512_and_si512(y.l[0], splat(1));
  const __mmask8 flip = _mm512_cmpneq_epi64_mask(odd, _mm512_load_si512(parity));
  y = blend(flip, y, sub(fe_const(0), y));

  // R's multiples 1..15 (entry 0 is never used: a zero digit adds nothing).
  RTable rt;
  const Jac r1{x, y, fe_const(1)};
  Jac rk = dbl(r1);
  store(rt, 0, r1);
  store(rt, 1, r1);
  store(rt, 2, rk);
  for (int k = 3; k < 16; ++k) {
    rk = add_affine(rk, x, y);  // (k-1)R + R: never equal or opposite for k - 1 in 2..14
    store(rt, k, rk);
  }

  // u2 * R, most significant window first. A lane's accumulator stays "at infinity" (its value
  // ignored) until its first nonzero digit, which then sets it outright.
  Jac acc_r = r1;
  __mmask8 r_inf = 0xFF;
  for (int w = k_windows - 1; w >= 0; --w) {
    if (w != k_windows - 1) {
      for (int i = 0; i < 4; ++i) acc_r = dbl(acc_r);
    }
    const V d = digit(u2, w);
    const __mmask8 nonzero = _mm512_test_epi64_mask(d, d);
    const Jac entry = gather(rt, d);
    const Jac sum = add(acc_r, entry);
    acc_r = blend(static_cast<__mmask8>(nonzero & ~r_inf), acc_r, sum);
    acc_r = blend(static_cast<__mmask8>(nonzero & r_inf), acc_r, entry);
    r_inf = static_cast<__mmask8>(r_inf & ~nonzero);
  }

  // u1 * G: one table entry per window, no doublings.
  Jac acc_g = r1;
  __mmask8 g_inf = 0xFF;
  const V lane_stride = splat(10);
  for (int w = 0; w < k_windows; ++w) {
    const V d = digit(u1, w);
    const __mmask8 nonzero = _mm512_test_epi64_mask(d, d);
    const V index = _mm512_mullo_epi64(d, lane_stride);
    Fe gx, gy;
    for (int k = 0; k < 5; ++k) {
      gx.l[k] = _mm512_i64gather_epi64(index, &gtable[w][0][k], 8);
      gy.l[k] = _mm512_i64gather_epi64(index, &gtable[w][0][5 + k], 8);
    }
    const Jac sum = add_affine(acc_g, gx, gy);
    acc_g = blend(static_cast<__mmask8>(nonzero & ~g_inf), acc_g, sum);
    acc_g = blend(static_cast<__mmask8>(nonzero & g_inf), acc_g, Jac{gx, gy, fe_const(1)});
    g_inf = static_cast<__mmask8>(g_inf & ~nonzero);
  }

  // Q = u1*G + u2*R. u2 = s/r is never zero, so only u1*G can be missing (z = 0 mod n).
  Fe h;
  Jac q = add(acc_r, acc_g, &h);
  const __mmask8 degenerate = static_cast<__mmask8>(is_zero(h) & ~g_inf);
  q = blend(g_inf, q, acc_r);

  const Fe zi = invert(q.z);
  const Fe zi2 = sqr(zi);
  const Fe qx = reduce_full(mul(q.x, zi2));
  const Fe qy = reduce_full(mul(q.y, mul(zi2, zi)));
  alignas(64) std::uint64_t xo[5][8];
  alignas(64) std::uint64_t yo[5][8];
  for (int k = 0; k < 5; ++k) {
    _mm512_store_si512(xo[k], qx.l[k]);
    _mm512_store_si512(yo[k], qy.l[k]);
  }
  for (int i = 0; i < 8; ++i) {
    if (!((on_curve >> i) & 1)) {
      out[i].status = LaneStatus::not_on_curve;
      continue;
    }
    if ((degenerate >> i) & 1) {
      out[i].status = LaneStatus::degenerate;
      continue;
    }
    out[i].status = LaneStatus::ok;
    limbs_to_be({xo[0][i], xo[1][i], xo[2][i], xo[3][i], xo[4][i]}, out[i].key.data());
    limbs_to_be({yo[0][i], yo[1][i], yo[2][i], yo[3][i], yo[4][i]}, out[i].key.data() + 32);
  }
}

#pragma GCC diagnostic pop

bool cpu_has_ifma() noexcept {
  __builtin_cpu_init();  // may run from another object's static initialiser, before libgcc's own
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512ifma");
}

#else

bool cpu_has_ifma() noexcept {
  return false;
}

#endif

std::vector<Result<PublicKey>> recover_one_by_one(std::span<const Hash> hashes,
                                                  std::span<const Signature> sigs) {
  std::vector<Result<PublicKey>> out;
  out.reserve(hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i)
    out.push_back(recover_public_key(hashes[i], sigs[i]));
  return out;
}

#ifdef ROLLUP_HAVE_IFMA_KERNEL

std::vector<Result<PublicKey>> recover_ifma(std::span<const Hash> hashes,
                                            std::span<const Signature> sigs) {
  std::vector<Result<PublicKey>> out(hashes.size(), PublicKey{});
  // The checks libsecp256k1's parser and recover make before any curve arithmetic, with its
  // errors; what passes goes to the lanes.
  std::vector<std::size_t> todo;
  todo.reserve(hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const Signature& sig = sigs[i];
    if (sig.y_parity > 1) {
      out[i] = fail(Errc::invalid_recovery_id);
    } else if (sig.r >= k_secp256k1_n || sig.s >= k_secp256k1_n) {
      out[i] = fail(Errc::invalid_signature);
    } else if (sig.r.is_zero() || sig.s.is_zero()) {
      out[i] = fail(Errc::recovery_failed);
    } else {
      todo.push_back(i);
    }
  }
  if (todo.empty()) return out;

  // 1/r for all at once: one inversion and three multiplications each.
  std::vector<W4> prefix(todo.size());
  W4 running = {1, 0, 0, 0};
  for (std::size_t k = 0; k < todo.size(); ++k) {
    prefix[k] = running;
    running = mul_mod_n(running, words(sigs[todo[k]].r));
  }
  W4 inverse = inverse_mod_n(running);  // of the product of every r
  std::vector<LaneIn> lanes(todo.size());
  for (std::size_t k = todo.size(); k-- > 0;) {
    const Signature& sig = sigs[todo[k]];
    const W4 r_inv = mul_mod_n(inverse, prefix[k]);
    inverse = mul_mod_n(inverse, words(sig.r));
    W4 z = words(uint256::from_hash(hashes[todo[k]]));
    if (at_least(z, k_n)) z = minus(z, k_n);
    LaneIn& lane = lanes[k];
    const W4 zr = mul_mod_n(z, r_inv);
    lane.u1 = is_zero(zr) ? zr : minus(k_n, zr);
    lane.u2 = mul_mod_n(words(sig.s), r_inv);
    lane.x = to_limbs(words(sig.r));
    lane.parity = sig.y_parity;
  }

  const GTable& gtable = g_table();
  for (std::size_t base = 0; base < lanes.size(); base += 8) {
    LaneIn group[8];
    LaneOut results[8];
    const std::size_t n = std::min<std::size_t>(8, lanes.size() - base);
    // A short last group repeats its first lane; those answers are dropped.
    for (std::size_t i = 0; i < 8; ++i) group[i] = lanes[base + (i < n ? i : 0)];
    recover8(group, results, gtable);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = todo[base + i];
      switch (results[i].status) {
        case LaneStatus::ok: out[at] = results[i].key; break;
        case LaneStatus::not_on_curve: out[at] = fail(Errc::recovery_failed); break;
        // u1*G = +-u2*R: only a crafted signature gets here; libsecp256k1's complete formulas
        // give the answer (or the refusal, for the point at infinity).
        case LaneStatus::degenerate:
          g_fallbacks.fetch_add(1, std::memory_order_relaxed);
          out[at] = recover_public_key(hashes[at], sigs[at]);
          break;
      }
    }
  }
  return out;
}

#endif

// A call costs about the same for one to eight signatures (one vector group, plus the shared
// inversion mod n): about 125 us on the reference machine, against 44 us per signature through
// libsecp256k1. Three is where the group starts to win (measured: 2 -> 126 vs 92 us, 4 -> 128 vs
// 191 us), and what the node's group submission of concurrent requests often has.
constexpr std::size_t k_min_batch = 3;

}  // namespace

namespace detail {

bool recover_kernel_supported(RecoverKernel kernel) noexcept {
  switch (kernel) {
    case RecoverKernel::libsecp256k1: return true;
    case RecoverKernel::ifma: return cpu_has_ifma();
  }
  return false;
}

std::uint64_t recover_fallbacks() noexcept {
  return g_fallbacks.load(std::memory_order_relaxed);
}

RecoverKernel recover_kernel() noexcept {
  static const RecoverKernel best =
      cpu_has_ifma() ? RecoverKernel::ifma : RecoverKernel::libsecp256k1;
  return best;
}

std::vector<Result<PublicKey>> recover_public_keys_with(RecoverKernel kernel,
                                                        std::span<const Hash> hashes,
                                                        std::span<const Signature> sigs) {
  ROLLUP_ASSERT(hashes.size() == sigs.size());
  ROLLUP_ASSERT(recover_kernel_supported(kernel));
#ifdef ROLLUP_HAVE_IFMA_KERNEL
  if (kernel == RecoverKernel::ifma) return recover_ifma(hashes, sigs);
#endif
  return recover_one_by_one(hashes, sigs);
}

}  // namespace detail

std::vector<Result<PublicKey>> recover_public_keys(std::span<const Hash> hashes,
                                                   std::span<const Signature> sigs) {
  const detail::RecoverKernel kernel =
      hashes.size() >= k_min_batch ? detail::recover_kernel() : detail::RecoverKernel::libsecp256k1;
  return detail::recover_public_keys_with(kernel, hashes, sigs);
}

std::vector<Result<Address>> recover_addresses(std::span<const Hash> hashes,
                                               std::span<const Signature> sigs) {
  auto keys = recover_public_keys(hashes, sigs);
  std::vector<ByteView> inputs;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i]) {
      inputs.push_back(keys[i]->view());
      where.push_back(i);
    }
  }
  std::vector<Hash> digests(inputs.size());
  keccak256_many(inputs, digests);
  std::vector<Result<Address>> out;
  out.reserve(keys.size());
  for (auto& key : keys) {
    if (!key) {
      out.emplace_back(std::unexpected(std::move(key).error()));
    } else {
      out.emplace_back(Address{});
    }
  }
  for (std::size_t k = 0; k < where.size(); ++k) {
    std::memcpy(out[where[k]]->data(), digests[k].data() + 12, 20);
  }
  return out;
}

}  // namespace rollup::crypto
