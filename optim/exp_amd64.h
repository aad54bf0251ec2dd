// exp_amd64.h: the part of expInto's exponential (exp.go) that the AVX2
// kernels of exp_amd64.s and tanh_amd64.s share, four values to a vector,
// every multiply and add rounded on its own in expInto's order.

// EXPINDEX loads the four n (the bits of kd, k·N + j in their low bits)
// from M0–M3 into AX BX DX SI as the byte offsets of their entries of
// expTab: (n & 127)·16.
#define EXPINDEX(M0, M1, M2, M3) \
	MOVQ M0, AX \
	MOVQ M1, BX \
	MOVQ M2, DX \
	MOVQ M3, SI \
	ANDL $127, AX \
	ANDL $127, BX \
	ANDL $127, DX \
	ANDL $127, SI \
	SHLL $4, AX \
	SHLL $4, BX \
	SHLL $4, DX \
	SHLL $4, SI

// EXPTABLE replaces r in Y0 by t.hi + (t.lo + t.hi·p), p = r + r2·(1/2 +
// r/6) + r2·r2·(1/24 + r/120), t the entries of expTab (R9) at the offsets
// in AX BX DX SI; the constants 1/6, 1/2, 1/120 and 1/24 in C6, HALF,
// C120 and C24; temporaries Y1–Y5. What is left is the scaling by 2^k.
#define EXPTABLE(C6, HALF, C120, C24) \
	VMULPD      C6, Y0, Y2 \
	VMULPD      Y0, Y0, Y1 \              // r2
	VADDPD      HALF, Y2, Y2 \            // 0.5 + r·(1/6)
	VMULPD      C120, Y0, Y3 \
	VMULPD      Y2, Y1, Y2 \              // r2·(…)
	VADDPD      C24, Y3, Y3 \             // 1/24 + r·(1/120)
	VADDPD      Y2, Y0, Y2 \              // r + r2·(…)
	VMULPD      Y1, Y1, Y1 \              // r2·r2
	VMULPD      Y3, Y1, Y1 \              // r2·r2·(…)
	VADDPD      Y1, Y2, Y0 \              // p
	VMOVUPD     (R9)(AX*1), X4 \          // hi0 lo0
	VMOVUPD     (R9)(BX*1), X5 \          // hi1 lo1
	VINSERTF128 $1, (R9)(DX*1), Y4, Y4 \  // hi0 lo0 hi2 lo2
	VINSERTF128 $1, (R9)(SI*1), Y5, Y5 \  // hi1 lo1 hi3 lo3
	VUNPCKHPD   Y5, Y4, Y3 \              // t.lo
	VUNPCKLPD   Y5, Y4, Y4 \              // t.hi
	VMULPD      Y0, Y4, Y0 \              // hi·p
	VADDPD      Y0, Y3, Y0 \              // lo + hi·p
	VADDPD      Y0, Y4, Y0                // hi + (…)
