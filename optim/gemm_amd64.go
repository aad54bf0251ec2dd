//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

// gemmSIMD reports whether gemm runs its AVX2+FMA micro-kernels; the
// portable loops compute the same bits (see gemm). Tests switch it.
var gemmSIMD = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The AVX2+FMA micro-kernels (gemm_amd64.s): C (4 rows × 12, 8 or 4
// columns) += A·B, strides in bytes, k ≥ 1.

//go:noescape
func gemm4x12(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func gemm4x8(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func gemm4x4(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

// gemm4x4m is gemm4x4 on the columns whose lanes of mask are all ones.
//
//go:noescape
func gemm4x4m(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int, mask *[4]uint64)

// gemm1x12 is one row of gemm4x12.
//
//go:noescape
func gemm1x12(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

// gemm1x4m is one row of gemm4x4m.
//
//go:noescape
func gemm1x4m(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int, mask *[4]uint64)
