// Sparse × dense product kernels for 16-column panels (see SparseKernels.c and
// NumericKernels/SparseMatrix.swift, the one Swift file that calls them).
#ifndef PAPERSEARCH_SPARSE_KERNELS_H
#define PAPERSEARCH_SPARSE_KERNELS_H

#include <stdint.h>

/// All kernels take `entryLimit`, the number of stored entries of the whole matrix (rowPtr[rows]): they
/// may read colIdx ahead of the current entry (to prefetch), never at or beyond that index.

/// Gather: for each row i in [rowBegin, rowEnd) of the CSR matrix (rowPtr, colIdx, values),
/// out[(i - rowBegin) * 16 + t] = Σ_p values[p] · panel[colIdx[p] * 16 + t] for t in 0..<16,
/// summed in CSR order from 0, one multiply-add per entry (fused with AVX2 + FMA). `panel` is 64-byte aligned.
void papersearch_gather16(const long *rowPtr, const int32_t *colIdx, const float *values,
                          long entryLimit, long rowBegin, long rowEnd, const float *panel, float *out);

/// Scatter: for each row i in [rowBegin, rowEnd), in order, and each entry p of it in CSR order,
/// panel[colIdx[p] * 16 + t] += values[p] · b[(i - rowBegin) * 16 + t] (one multiply-add, fused with AVX2 + FMA).
/// `panel` is 64-byte aligned.
void papersearch_scatter16(const long *rowPtr, const int32_t *colIdx, const float *values,
                           long entryLimit, long rowBegin, long rowEnd, const float *b, float *panel);

/// Gram product: for each row i in [rowBegin, rowEnd), in order, y = Σ_p values[p] · panel[colIdx[p] * 16 + ·]
/// over the row's entries (exactly as `papersearch_gather16`), then out[colIdx[p] * 16 + t] += values[p] · y[t]
/// for each entry p in CSR order (exactly as `papersearch_scatter16` with b = y): out += Aᵀ·(A·panel) for
/// those rows, bit-identical to the two products in turn. `panel` and `out` are 64-byte aligned.
void papersearch_gram16(const long *rowPtr, const int32_t *colIdx, const float *values,
                        long entryLimit, long rowBegin, long rowEnd, const float *panel, float *out);

/// 1 when the AVX2 + FMA versions are in use on this CPU, else 0 (portable C: no AVX2 + FMA, or
/// `PAPERSEARCH_SPARSE_KERNELS=portable` in the environment).
int papersearch_sparse_kernels_vectorized(void);

#endif
