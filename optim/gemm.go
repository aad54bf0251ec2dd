package optim

import "math"

// gemm adds the product of A (m×k) and B (k×n) to C (m×n):
//
//	C[i,j] = fma(A(i,k−1), B(k−1,j), … fma(A(i,1), B(1,j), fma(A(i,0), B(0,j), C[i,j]))),
//
// every element of C a chain of fused multiply-adds (one rounding each, as
// math.FMA) over p = 0, 1, …, k−1 in order, started from its value in C.
// A(i,p) = a[i·ars + p·acs] and B(p,j) = b[p·brs + j·bcs], so either
// operand may be row-major or transposed (a row-major A has ars = its row
// length and acs = 1, a transposed one ars = 1 and acs = its row length),
// and C[i,j] = c[i·ldc + j]. ws holds the packed copies of A and B (see
// gemmWork); it may be nil or too small, then gemm grows it.
//
// The order of the operations on each element is fixed by this definition
// and nothing else: not by the CPU, the blocking, the packing, nor whether
// the SIMD micro-kernels run (gemmSIMD). On amd64 with AVX2 and FMA, tiles
// of 4 rows × 12, 8, 4 or 1–3 (masked) columns, and single rows, run in
// assembly, 4 columns to a vector, with the same fused multiply-adds in the
// same order as gemmGo, the portable path for other CPUs: both give the
// same bits, which TestGemmSIMDBitIdentical checks. There are no
// horizontal reductions.
func gemm(ws *gemmWork, m, n, k int, a []float64, ars, acs int, b []float64, brs, bcs int, c []float64, ldc int) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	// The kernels take pointers: check every index they will touch.
	if !gemmFits(m, k, ars, acs, len(a)) || !gemmFits(k, n, brs, bcs, len(b)) || ldc < n || !gemmFits(m, n, ldc, 1, len(c)) {
		panic("optim: gemm operands too short")
	}
	if !gemmSIMD {
		gemmGo(m, n, k, a, ars, acs, b, brs, bcs, c, ldc)
		return
	}
	if ws == nil {
		ws = new(gemmWork)
	}
	ws.grow(n)
	// Blocking (Goto & van de Geijn 2008): chunks of gemmKC steps of p
	// (the chain of each element goes on from chunk to chunk through C);
	// in each chunk, B packed into column panels (gemmKC×12 values, kept
	// in L1 while a block of A streams past), and blocks of gemmMC rows
	// of A packed into 4-row micro-panels (kept in L2).
	for p0 := 0; p0 < k; p0 += gemmKC {
		kc := min(gemmKC, k-p0)
		packB(ws.b, n, kc, b[p0*brs:], brs, bcs)
		gemmChunk(ws, m, n, kc, a[p0*acs:], ars, acs, ws.b, c, ldc)
	}
}

// gemmPackedLen returns the length of B (k×n) packed by gemmPackB.
func gemmPackedLen(n, k int) int { return k * ((n + 3) &^ 3) }

// gemmPackB packs B(p,j) = b[p·brs + j·bcs] (k×n) into pb (gemmPackedLen
// values) for gemmPacked: chunk by chunk of gemmKC steps of p, each as
// packB lays it out, the chunk that starts at p0 at pb[p0·n'], n' = n
// rounded up to 4. A B used for many products is packed once so.
func gemmPackB(pb []float64, n, k int, b []float64, brs, bcs int) {
	if n <= 0 || k <= 0 {
		return
	}
	if !gemmFits(k, n, brs, bcs, len(b)) || len(pb) < gemmPackedLen(n, k) {
		panic("optim: gemmPackB operands too short")
	}
	n4 := (n + 3) &^ 3
	for p0 := 0; p0 < k; p0 += gemmKC {
		packB(pb[p0*n4:], n, min(gemmKC, k-p0), b[p0*brs:], brs, bcs)
	}
}

// gemmPacked is gemm with B packed by gemmPackB into pb: the same bits.
// The portable path reads pb in its packed layout, as the kernels do.
func gemmPacked(ws *gemmWork, m, n, k int, a []float64, ars, acs int, pb []float64, c []float64, ldc int) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	if !gemmFits(m, k, ars, acs, len(a)) || ldc < n || !gemmFits(m, n, ldc, 1, len(c)) || len(pb) < gemmPackedLen(n, k) {
		panic("optim: gemm operands too short")
	}
	n4 := (n + 3) &^ 3
	if gemmSIMD {
		if ws == nil {
			ws = new(gemmWork)
		}
		ws.grow(0) // the packed A only: B is packed already
	}
	for p0 := 0; p0 < k; p0 += gemmKC {
		kc := min(gemmKC, k-p0)
		pc := pb[p0*n4:]
		if !gemmSIMD {
			// Panel by panel: column j of the panel at j0 (width w, padded
			// to w') is element j−j0 of each row of w'.
			for j0 := 0; j0 < n; {
				w := gemmPanel(j0, n)
				gemmGo(m, w, kc, a[p0*acs:], ars, acs, pc[j0*kc:], max(w, 4), 1, c[j0:], ldc)
				j0 += w
			}
			continue
		}
		gemmChunk(ws, m, n, kc, a[p0*acs:], ars, acs, pc, c, ldc)
	}
}

// gemmMaxDim bounds every dimension and stride gemmFits accepts, so that
// its products cannot overflow an int64: (2^31)² + (2^31)² < 2^63.
const gemmMaxDim = 1 << 31

// gemmFits reports whether the rows×cols matrix M(i,j) = s[i·rs + j·cs]
// lies within a slice of length n (rows, cols ≥ 1): its strides are not
// negative, no dimension or stride is absurd, and its last element is an
// index of s. It computes in 64 bits, so on 32-bit architectures too.
func gemmFits(rows, cols, rs, cs, n int) bool {
	if rs < 0 || cs < 0 || uint64(rows) > gemmMaxDim || uint64(cols) > gemmMaxDim ||
		uint64(rs) > gemmMaxDim || uint64(cs) > gemmMaxDim {
		return false
	}
	return int64(rows-1)*int64(rs)+int64(cols-1)*int64(cs) < int64(n)
}

const (
	// gemmKC is the length of gemm's chunks of p.
	gemmKC = 256
	// gemmMC is the number of rows of A of a packed block (a multiple of 4).
	gemmMC = 64
)

// gemmWork is gemm's workspace: a packed block of A (gemmMC×gemmKC
// values) and a packed chunk of B (gemmKC × n rounded up to 4). Its zero
// value is ready to use; newGemmWork sizes it for products of up to n
// columns, so that gemm allocates nothing.
type gemmWork struct {
	a, b []float64
}

// newGemmWork returns a workspace for products of up to n columns.
func newGemmWork(n int) *gemmWork {
	ws := new(gemmWork)
	ws.grow(n)
	return ws
}

// grow makes ws large enough for products of n columns.
func (ws *gemmWork) grow(n int) {
	if len(ws.a) < gemmMC*gemmKC {
		ws.a = make([]float64, gemmMC*gemmKC)
	}
	if nb := gemmKC * ((n + 3) &^ 3); len(ws.b) < nb {
		ws.b = make([]float64, nb)
	}
}

// gemmPanel returns the width of the column panel of B that starts at
// column j of n: 12, then 8 or 4, then the 1–3 columns left (masked).
func gemmPanel(j, n int) int {
	w := min(12, n-j)
	if w > 4 {
		w &^= 3
	}
	return w
}

// packB copies the k×n block B(p,j) = b[p·brs + j·bcs] into pb, panel by
// panel (see gemmPanel): a panel of width w starting at column j occupies
// pb[j·k : j·k + k·w'] row by row, w' = max(w, 4), the columns past w zero.
func packB(pb []float64, n, k int, b []float64, brs, bcs int) {
	for j := 0; j < n; {
		w := gemmPanel(j, n)
		wp := max(w, 4)
		dst := pb[j*k : j*k+k*wp]
		switch {
		case bcs == 1 && w == 12:
			for p := range k {
				src := b[p*brs+j : p*brs+j+12]
				d := dst[p*12 : p*12+12]
				d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
				d[4], d[5], d[6], d[7] = src[4], src[5], src[6], src[7]
				d[8], d[9], d[10], d[11] = src[8], src[9], src[10], src[11]
			}
		case bcs == 1:
			for p := range k {
				row := dst[p*wp : p*wp+wp]
				src := b[p*brs+j : p*brs+j+w]
				for c := range row {
					if c < len(src) {
						row[c] = src[c]
					} else {
						row[c] = 0
					}
				}
			}
		default:
			for c := range w {
				col := b[(j+c)*bcs:]
				for p := range k {
					dst[p*wp+c] = col[p*brs]
				}
			}
			for c := w; c < wp; c++ {
				for p := range k {
					dst[p*wp+c] = 0
				}
			}
		}
		j += w
	}
}

// packA copies rows i0 … i0+mb−1 (mb a multiple of 4) of the m×k block
// A(i,p) = a[i·ars + p·acs] into pa, 4 rows at a time: rows i0+4g … i0+4g+3
// occupy pa[4g·k : 4g·k + 4k], column by column.
func packA(pa []float64, i0, mb, k int, a []float64, ars, acs int) {
	for g := 0; g < mb; g += 4 {
		dst := pa[g*k : g*k+4*k]
		if ars == 1 { // the 4 rows of a column side by side
			base := i0 + g
			for p := range k {
				src := a[base+p*acs : base+p*acs+4]
				d := dst[4*p : 4*p+4]
				d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
			}
			continue
		}
		r0, r1, r2, r3 := a[(i0+g)*ars:], a[(i0+g+1)*ars:], a[(i0+g+2)*ars:], a[(i0+g+3)*ars:]
		for p := range k {
			q := p * acs
			d := dst[4*p : 4*p+4]
			d[0], d[1], d[2], d[3] = r0[q], r1[q], r2[q], r3[q]
		}
	}
}

// gemmMask[r] selects the first r lanes of a vector of 4 (r = 1, …, 4).
var gemmMask = [5][4]uint64{{}, {^uint64(0)}, {^uint64(0), ^uint64(0)}, {^uint64(0), ^uint64(0), ^uint64(0)},
	{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}}

// gemmChunk is gemm with the micro-kernels for one chunk of k ≥ 1 steps
// of p, with B packed in pb (packB): blocks of gemmMC rows of A packed
// into ws.a, each times every column panel of B (12, then 8, then 4, then
// 1–3 masked columns wide) 4 rows at a time, then the rows left over one
// at a time.
func gemmChunk(ws *gemmWork, m, n, k int, a []float64, ars, acs int, pb, c []float64, ldc int) {
	const f = 8 // bytes per float64
	m4 := m &^ 3
	for i0 := 0; i0 < m4; i0 += gemmMC {
		mb := min(gemmMC, m4-i0)
		// A row-major A is read in place (its 4 rows are 4 sequential
		// streams); any other is packed.
		pas, prs, pcs, gs := a[i0*ars:], ars*f, f, ars
		if acs != 1 {
			packA(ws.a, i0, mb, k, a, ars, acs)
			pas, prs, pcs, gs = ws.a, f, 4*f, k
		}
		for j := 0; j < n; {
			w := gemmPanel(j, n)
			bp := &pb[j*k]
			for g := 0; g < mb; g += 4 {
				pa, pc := &pas[g*gs], &c[(i0+g)*ldc+j]
				switch w {
				case 12:
					gemm4x12(k, pa, prs, pcs, bp, 12*f, pc, ldc*f)
				case 8:
					gemm4x8(k, pa, prs, pcs, bp, 8*f, pc, ldc*f)
				case 4:
					gemm4x4(k, pa, prs, pcs, bp, 4*f, pc, ldc*f)
				default:
					gemm4x4m(k, pa, prs, pcs, bp, 4*f, pc, ldc*f, &gemmMask[w])
				}
			}
			j += w
		}
	}
	for i := m4; i < m; i++ {
		pa := &a[i*ars]
		ci := c[i*ldc:]
		for j := 0; j < n; {
			w := gemmPanel(j, n)
			bp := pb[j*k:]
			switch w {
			case 12:
				gemm1x12(k, pa, ars*f, acs*f, &bp[0], 12*f, &ci[j], ldc*f)
			case 8:
				gemm1x4m(k, pa, ars*f, acs*f, &bp[0], 8*f, &ci[j], ldc*f, &gemmMask[4])
				gemm1x4m(k, pa, ars*f, acs*f, &bp[4], 8*f, &ci[j+4], ldc*f, &gemmMask[4])
			default:
				gemm1x4m(k, pa, ars*f, acs*f, &bp[0], 4*f, &ci[j], ldc*f, &gemmMask[w])
			}
			j += w
		}
	}
}

// gemmGo is gemm in Go, with math.FMA: the portable path. It keeps a
// row's four neighbouring elements in registers.
func gemmGo(m, n, k int, a []float64, ars, acs int, b []float64, brs, bcs int, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		ai := a[i*ars:]
		j := 0
		for ; j+4 <= n; j += 4 {
			c0, c1, c2, c3 := ci[j], ci[j+1], ci[j+2], ci[j+3]
			bj := b[j*bcs:]
			for p := 0; p < k; p++ {
				av := ai[p*acs]
				q := p * brs
				c0 = math.FMA(av, bj[q], c0)
				c1 = math.FMA(av, bj[q+bcs], c1)
				c2 = math.FMA(av, bj[q+2*bcs], c2)
				c3 = math.FMA(av, bj[q+3*bcs], c3)
			}
			ci[j], ci[j+1], ci[j+2], ci[j+3] = c0, c1, c2, c3
		}
		for ; j < n; j++ {
			cv := ci[j]
			for p := 0; p < k; p++ {
				cv = math.FMA(ai[p*acs], b[p*brs+j*bcs], cv)
			}
			ci[j] = cv
		}
	}
}
