package optim

import "math"

// gemm adds the product of A (m×k) and B (k×n) to C (m×n):
//
//	C[i,j] = fma(A(i,k−1), B[k−1,j], … fma(A(i,1), B[1,j], fma(A(i,0), B[0,j], C[i,j]))),
//
// every element of C a chain of fused multiply-adds (one rounding each, as
// math.FMA) over p = 0, 1, …, k−1 in order, started from its value in C.
// A(i,p) = a[i·ars + p·acs] (a row-major A has ars = its row length and
// acs = 1, a transposed one ars = 1 and acs = its row length), B[p,j] =
// b[p·ldb + j] and C[i,j] = c[i·ldc + j].
//
// The order of the operations on each element is fixed by this definition
// and nothing else: not by the CPU, the tiling, nor whether the SIMD
// micro-kernels run (gemmSIMD). On amd64 with AVX2 and FMA, tiles of 4 rows
// × 12, 8, 4 or 1–3 (masked) columns, and single rows, run in assembly, 4
// columns to a vector, with the same fused multiply-adds in the same order
// as gemmGo, the portable path for other CPUs: both give the same bits,
// which TestGemmSIMDBitIdentical checks. There are no horizontal reductions.
func gemm(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	// The kernels take pointers: check every index they will touch.
	if (m-1)*ars+(k-1)*acs >= len(a) || (k-1)*ldb+n-1 >= len(b) || (m-1)*ldc+n-1 >= len(c) ||
		ars < 0 || acs < 0 || ldb < n || ldc < n {
		panic("optim: gemm operands too short")
	}
	if !gemmSIMD {
		gemmGo(m, n, k, a, ars, acs, b, ldb, c, ldc)
		return
	}
	// Blocking: chunks of gemmKC steps of p (the chain of each element
	// goes on from chunk to chunk through C), in each chunk column panels
	// of B (gemmKC×12 values, kept in L1) times every 4-row group of A.
	for p0 := 0; p0 < k; p0 += gemmKC {
		kc := min(gemmKC, k-p0)
		gemmChunk(m, n, kc, a[p0*acs:], ars, acs, b[p0*ldb:], ldb, c, ldc)
	}
}

// gemmKC is the length of gemm's chunks of p.
const gemmKC = 256

// gemmMask[r] selects the first r lanes of a vector of 4 (r = 1, …, 4).
var gemmMask = [5][4]uint64{{}, {^uint64(0)}, {^uint64(0), ^uint64(0)}, {^uint64(0), ^uint64(0), ^uint64(0)},
	{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}}

// gemmChunk is gemm with the micro-kernels, for k ≥ 1: column panels of
// 12 (then 8, then 4, then 1–3 masked) times every 4-row group, then the
// rows left over one at a time.
func gemmChunk(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) {
	const f = 8 // bytes per float64
	m4 := m &^ 3
	for j := 0; j < n && m4 > 0; {
		w := min(12, n-j)
		if w > 4 {
			w &^= 3
		}
		pb := &b[j]
		for i := 0; i < m4; i += 4 {
			pa, pc := &a[i*ars], &c[i*ldc+j]
			switch w {
			case 12:
				gemm4x12(k, pa, ars*f, acs*f, pb, ldb*f, pc, ldc*f)
			case 8:
				gemm4x8(k, pa, ars*f, acs*f, pb, ldb*f, pc, ldc*f)
			case 4:
				gemm4x4(k, pa, ars*f, acs*f, pb, ldb*f, pc, ldc*f)
			default:
				gemm4x4m(k, pa, ars*f, acs*f, pb, ldb*f, pc, ldc*f, &gemmMask[w])
			}
		}
		j += w
	}
	for i := m4; i < m; i++ {
		pa := &a[i*ars]
		ci := c[i*ldc:]
		j := 0
		for ; j+12 <= n; j += 12 {
			gemm1x12(k, pa, ars*f, acs*f, &b[j], ldb*f, &ci[j], ldc*f)
		}
		for ; j < n; j += 4 {
			gemm1x4m(k, pa, ars*f, acs*f, &b[j], ldb*f, &ci[j], ldc*f, &gemmMask[min(4, n-j)])
		}
	}
}

// gemmGo is gemm in Go, with math.FMA: the portable path, and the edges of
// the SIMD one. It keeps a row's four neighbouring elements in registers.
func gemmGo(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		ai := a[i*ars:]
		j := 0
		for ; j+4 <= n; j += 4 {
			c0, c1, c2, c3 := ci[j], ci[j+1], ci[j+2], ci[j+3]
			for p := 0; p < k; p++ {
				av := ai[p*acs]
				bp := b[p*ldb+j:]
				bp = bp[:4]
				c0 = math.FMA(av, bp[0], c0)
				c1 = math.FMA(av, bp[1], c1)
				c2 = math.FMA(av, bp[2], c2)
				c3 = math.FMA(av, bp[3], c3)
			}
			ci[j], ci[j+1], ci[j+2], ci[j+3] = c0, c1, c2, c3
		}
		for ; j < n; j++ {
			cv := ci[j]
			for p := 0; p < k; p++ {
				cv = math.FMA(ai[p*acs], b[p*ldb+j], cv)
			}
			ci[j] = cv
		}
	}
}
