//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"
#include "exp_amd64.h"

// wideTanhAVX2 (tanh_amd64.go) is wideTanhGo (mse_wide.go) with AVX2 and
// without FMA, four values to a vector: every multiply, add and divide is
// rounded on its own, with the operands and in the order of expInto
// (exp.go) and tanhFrom, so the results have the same bits. NaNs too: an
// x86 operation returns its NaN operand, quieted, as the scalar code's
// does (when both are NaNs, here always the same one, the first), and
// min(a, 22) is computed as Go compiles it.
//
// Arguments func(z *float64, n int), n a multiple of 4. The values go in
// chunks of CHUNK, each in three passes over the chunk that store their
// results in the frame: REDUCE (exp's argument and reduction), EXP (its
// polynomial, the table and the scaling) and TANH. Three short loops of
// independent iterations keep more vectors in flight than one long one
// (the out-of-order window of Zen 3 holds few of the long dependency
// chains of the whole): 1.9 ns a value on a 2-core EPYC (Zen 3) against
// 2.2 with the whole computation in one loop, two vectors to an iteration.
// The table is looked up with 16-byte loads of entries (t.hi, t.lo),
// paired and unpacked, at offsets loaded from the stored n into general
// registers: two VGATHERQPDs (one for hi, one for lo) were slower.
//
// Registers: DI &z[chunk], CX values after the chunk, R11 the chunk's
// bytes, R10 the offset in it, R8 &tanhK, R9 &expTab, AX BX DX SI table
// offsets, Y15 1 in every lane; each pass has its constants in Y6–Y14 and
// its temporaries in Y0–Y5.

// CHUNK is the number of values of a chunk; NBUF and RBUF are the offsets
// in the frame of their n and of their r (then e + 1), 8·CHUNK bytes each.
#define CHUNK 128
#define NBUF 0
#define RBUF 1024

// REDUCE loads v from V and stores n (the bits of kd) at N and r at R.
// Constants: Y7 abs, Y8 22, Y9 expShift, Y12 expInvLn2N, Y13 expLn2HiN,
// Y14 expLn2LoN.
#define REDUCE(V, N, R) \
	VMOVUPD V, Y0 \               // v
	VANDPD  Y7, Y0, Y1 \          // a = |v|
	VMINPD  Y8, Y1, Y0 \          // min(a, 22) as Go compiles it:
	VMINPD  Y1, Y0, Y1 \          //   MINSD(a, 22) | MINSD(that, a)
	VORPD   Y1, Y0, Y0 \          //   (for a NaN: a | 22's bits)
	VADDPD  Y0, Y0, Y0 \          // x = 2·min(a, 22)
	VMULPD  Y12, Y0, Y2 \         // x·N/ln 2
	VADDPD  Y9, Y2, Y2 \          // kd, whose bits are n
	VMOVUPD Y2, N \
	VSUBPD  Y9, Y2, Y2 \          // kd − shift
	VMULPD  Y13, Y2, Y3 \
	VSUBPD  Y3, Y0, Y3 \          // x − kd·hi
	VMULPD  Y14, Y2, Y2 \
	VSUBPD  Y2, Y3, Y3 \          // r = (x − kd·hi) − kd·lo
	VMOVUPD Y3, R

// EXP replaces r at R(SP)(R10*1) by e + 1, with n at N(SP)(R10*1):
// p = r + r2·(1/2 + r/6) + r2·r2·(1/24 + r/120) and e = scale·(t.hi +
// (t.lo + t.hi·p)), t = expTab[n & 127], scale = 2^k, k = n >> 7 (sign
// extended from 52 bits). Constants: Y7 1/6, Y8 1/2, Y9 1/120, Y10 1/24,
// Y11 1023.
#define EXP(N, R) \
	EXPINDEX(N+0(SP)(R10*1), N+8(SP)(R10*1), N+16(SP)(R10*1), N+24(SP)(R10*1)) \
	VMOVUPD     R(SP)(R10*1), Y0 \        // r
	EXPTABLE(Y7, Y8, Y9, Y10) \
	VMOVUPD     N(SP)(R10*1), Y1 \
	VPSRLQ      $7, Y1, Y1 \              // scale's bits, (n>>7 + 1023) << 52:
	VPADDQ      Y11, Y1, Y1 \             //   the low 12 bits before the shift
	VPSLLQ      $52, Y1, Y1 \             //   are those of Go's k + 1023
	VMULPD      Y0, Y1, Y0 \              // e
	VADDPD      Y15, Y0, Y0 \             // e + 1
	VMOVUPD     Y0, R(SP)(R10*1)

// TANH replaces v at V by tanhFrom(v, e), given e + 1 at E, with one
// division for both branches: (a·s)·p/q, or −2/(e + 1) = −(2/(e + 1)),
// added to a, or to 1 (1 + −y is 1 − y, NaNs included: a NaN keeps its
// sign through the division). Constants: Y6 abs, Y7–Y9 P0–P2, Y10–Y12
// Q0–Q2, Y13 0.625, Y14 −2.
#define TANH(V, E) \
	VMOVUPD   V, Y0 \                 // v
	VANDPD    Y6, Y0, Y1 \            // a = |v|
	VMULPD    Y1, Y1, Y2 \            // s = a·a
	VMULPD    Y7, Y2, Y3 \
	VADDPD    Y10, Y2, Y4 \
	VADDPD    Y8, Y3, Y3 \
	VMULPD    Y2, Y4, Y4 \
	VMULPD    Y2, Y3, Y3 \
	VADDPD    Y11, Y4, Y4 \
	VADDPD    Y9, Y3, Y3 \            // p = (P0·s + P1)·s + P2
	VMULPD    Y2, Y4, Y4 \
	VMULPD    Y2, Y1, Y2 \            // a·s
	VADDPD    Y12, Y4, Y4 \           // q = ((s + Q0)·s + Q1)·s + Q2
	VMULPD    Y3, Y2, Y2 \            // (a·s)·p
	VCMPPD    $5, Y13, Y1, Y5 \       // !(a < 0.625): the large branch (and NaN)
	VBLENDVPD Y5, Y14, Y2, Y2 \       // numerator: (a·s)·p or −2
	VBLENDVPD Y5, E, Y4, Y4 \         // denominator: q or e + 1
	VDIVPD    Y4, Y2, Y2 \
	VXORPD    Y1, Y0, Y0 \            // v's sign
	VBLENDVPD Y5, Y15, Y1, Y1 \       // a or 1
	VADDPD    Y2, Y1, Y1 \            // small = a + (a·s)·p/q or large = 1 − 2/(e + 1)
	VORPD     Y0, Y1, Y1 \            // with v's sign
	VMOVUPD   Y1, V

// func wideTanhAVX2(z *float64, n int)
TEXT ·wideTanhAVX2(SB), $2048-16
	MOVQ         z+0(FP), DI
	MOVQ         n+8(FP), CX
	TESTQ        CX, CX
	JZ           done
	LEAQ         ·tanhK(SB), R8
	LEAQ         ·expTab(SB), R9
	VBROADCASTSD tanhConsts_one(R8), Y15

chunk:
	MOVQ    $CHUNK, R11
	CMPQ    CX, R11
	CMOVQLT CX, R11
	SUBQ    R11, CX
	SHLQ    $3, R11

	VBROADCASTSD tanhConsts_abs(R8), Y7
	VBROADCASTSD tanhConsts_c22(R8), Y8
	VBROADCASTSD tanhConsts_shift(R8), Y9
	VBROADCASTSD ·expInvLn2N(SB), Y12
	VBROADCASTSD ·expLn2HiN(SB), Y13
	VBROADCASTSD ·expLn2LoN(SB), Y14
	XORQ         R10, R10

reduce:
	REDUCE((DI)(R10*1), NBUF(SP)(R10*1), RBUF(SP)(R10*1))
	ADDQ $32, R10
	CMPQ R10, R11
	JLT  reduce

	VBROADCASTSD tanhConsts_c6(R8), Y7
	VBROADCASTSD tanhConsts_half(R8), Y8
	VBROADCASTSD tanhConsts_c120(R8), Y9
	VBROADCASTSD tanhConsts_c24(R8), Y10
	VBROADCASTSD tanhConsts_bias(R8), Y11
	XORQ         R10, R10

exp:
	EXP(NBUF, RBUF)
	ADDQ $32, R10
	CMPQ R10, R11
	JLT  exp

	VBROADCASTSD tanhConsts_abs(R8), Y6
	VBROADCASTSD tanhConsts_p0(R8), Y7
	VBROADCASTSD tanhConsts_p1(R8), Y8
	VBROADCASTSD tanhConsts_p2(R8), Y9
	VBROADCASTSD tanhConsts_q0(R8), Y10
	VBROADCASTSD tanhConsts_q1(R8), Y11
	VBROADCASTSD tanhConsts_q2(R8), Y12
	VBROADCASTSD tanhConsts_small(R8), Y13
	VBROADCASTSD tanhConsts_mtwo(R8), Y14
	XORQ         R10, R10

tanh:
	TANH((DI)(R10*1), RBUF(SP)(R10*1))
	ADDQ $32, R10
	CMPQ R10, R11
	JLT  tanh

	ADDQ  R11, DI
	TESTQ CX, CX
	JNZ   chunk
	VZEROUPPER

done:
	RET
