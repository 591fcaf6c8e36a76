// Run-time loading of the BLAS (libblas.so.3, OpenBLAS through Debian's alternatives) and
// LAPACKE (liblapacke.so.3) libraries: see NumericsLoader.c.
#ifndef PAPERSEARCH_NUMERICS_LOADER_H
#define PAPERSEARCH_NUMERICS_LOADER_H

/// Loads libblas.so.3 now if it is not loaded yet (exits with a one-line error when it cannot).
void papersearch_blas_load(void);

/// 1 when libblas.so.3 has been loaded by this process, else 0 (never loads it).
int papersearch_blas_is_loaded(void);

#endif
