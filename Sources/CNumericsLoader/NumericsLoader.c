// Loads the BLAS and LAPACKE shared libraries on first use instead of at process start.
//
// Why: a query process (`papersearch "text"`) ranks with the int8 codes and never calls BLAS or
// LAPACK, but linking them made the dynamic loader map and relocate OpenBLAS, LAPACK, LAPACKE,
// libgfortran and libquadmath (about 16,000 symbol bindings of the 19,700 in the process) and let
// OpenBLAS start its worker threads and a 128 MB buffer, all before `main`: measured 5-12 ms of a
// whole-process query on this 2-core machine. Commands that compute (index, add, tag, eval) load
// the libraries at their first BLAS or LAPACKE call, with the same result.
//
// How: this file defines, with hidden visibility, each `cblas_*` and `LAPACKE_*` function that
// papersearch calls, with the exact prototype of cblas.h / lapacke.h (the compiler checks them
// against the headers); each forwards to the library's own function, looked up once with dlsym
// after dlopen(..., RTLD_NOW | RTLD_GLOBAL). The Swift code (NumericKernels/BLAS.swift, LAPACK.swift)
// calls the header's functions as before; the module maps no longer link the libraries. Hidden
// visibility keeps these definitions out of the dynamic symbol table, so the loaded libraries
// always bind to their own functions. A function used from Swift but missing here is a link error.
//
// Choosing the implementation at run time: `PAPERSEARCH_BLAS=PATH` opens that BLAS instead of
// libblas.so.3 (e.g. Debian's reference BLAS, /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 of
// libblas3), and `PAPERSEARCH_LAPACK=PATH` opens that LAPACK before LAPACKE (e.g. the reference
// /usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3 of liblapack3). Both keep their soname
// (libblas.so.3, liblapack.so.3), so the dynamic loader resolves LAPACKE's and LAPACK's own
// DT_NEEDED entries to the libraries already opened here rather than to the system default
// (glibc matches DT_NEEDED names against the sonames of loaded objects). Scripts/test.sh runs the
// suite a second time this way, to prove the tests hold for another BLAS's rounding.
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC visibility push(hidden)
#include <cblas.h>
#include <lapacke.h>
#pragma GCC visibility pop

#include "CNumericsLoader.h"

#define HIDDEN __attribute__((visibility("hidden")))

/// One shared library, opened once.
typedef struct {
    const char *file;
    const char *package;
    void *handle;
    pthread_once_t once;
} Library;

static Library blas = {"libblas.so.3", "libblas3 (OpenBLAS: libopenblas0-pthread)", NULL, PTHREAD_ONCE_INIT};
static Library lapacke = {"liblapacke.so.3", "liblapacke", NULL, PTHREAD_ONCE_INIT};

/// The file to open for `library`: `$variable` when set and not empty, else the default name.
static const char *chosen(const char *variable, const char *fallback) {
    const char *value = getenv(variable);
    return (value && *value) ? value : fallback;
}

static void fail(const char *what, const char *name, const char *package) {
    const char *reason = dlerror();
    fprintf(stderr, "papersearch: error: cannot load %s %s (%s); install %s (Scripts/install-deps.sh)\n",
            what, name, reason ? reason : "unknown reason", package);
    exit(1);
}

static void open_blas(void) {
    blas.file = chosen("PAPERSEARCH_BLAS", blas.file);
    blas.handle = dlopen(blas.file, RTLD_NOW | RTLD_GLOBAL);
    if (!blas.handle) fail("library", blas.file, blas.package);
}

static void open_lapacke(void) {
    const char *lapack = getenv("PAPERSEARCH_LAPACK");
    if (lapack && *lapack) {
        // The chosen LAPACK needs a BLAS: open the chosen (or default) one first, so its soname
        // satisfies LAPACK's DT_NEEDED libblas.so.3; then LAPACK, whose soname satisfies LAPACKE's.
        pthread_once(&blas.once, open_blas);
        if (!dlopen(lapack, RTLD_NOW | RTLD_GLOBAL)) fail("library", lapack, "liblapack3 (PAPERSEARCH_LAPACK)");
    }
    lapacke.handle = dlopen(lapacke.file, RTLD_NOW | RTLD_GLOBAL);
    if (!lapacke.handle) fail("library", lapacke.file, lapacke.package);
}

void papersearch_blas_load(void) { pthread_once(&blas.once, open_blas); }

int papersearch_blas_is_loaded(void) {
    void *handle = dlopen(chosen("PAPERSEARCH_BLAS", "libblas.so.3"), RTLD_LAZY | RTLD_NOLOAD);
    if (!handle) return 0;
    dlclose(handle);  // drops only the reference RTLD_NOLOAD just took
    return 1;
}

static void *blas_function(const char *name) {
    pthread_once(&blas.once, open_blas);
    void *f = dlsym(blas.handle, name);
    if (!f) fail("function", name, blas.package);
    return f;
}

static void *lapacke_function(const char *name) {
    pthread_once(&lapacke.once, open_lapacke);
    void *f = dlsym(lapacke.handle, name);
    if (!f) fail("function", name, lapacke.package);
    return f;
}

// The function pointer of `name` in `library`, looked up on the first call. Concurrent first
// calls may both look it up; they store the same pointer (an atomic store, no torn value).
#define RESOLVE(lookup, type, name)                                                    \
    static type cached_##name = NULL;                                                  \
    type fn = __atomic_load_n(&cached_##name, __ATOMIC_ACQUIRE);                      \
    if (!fn) {                                                                         \
        fn = (type)lookup(#name);                                                      \
        __atomic_store_n(&cached_##name, fn, __ATOMIC_RELEASE);                       \
    }

// MARK: - CBLAS (cblas.h prototypes)

HIDDEN float cblas_sdot(const CBLAS_INT N, const float *X, const CBLAS_INT incX, const float *Y, const CBLAS_INT incY) {
    typedef float (*F)(const CBLAS_INT, const float *, const CBLAS_INT, const float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_sdot)
    return fn(N, X, incX, Y, incY);
}

HIDDEN float cblas_snrm2(const CBLAS_INT N, const float *X, const CBLAS_INT incX) {
    typedef float (*F)(const CBLAS_INT, const float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_snrm2)
    return fn(N, X, incX);
}

HIDDEN void cblas_saxpy(const CBLAS_INT N, const float alpha, const float *X, const CBLAS_INT incX, float *Y,
                        const CBLAS_INT incY) {
    typedef void (*F)(const CBLAS_INT, const float, const float *, const CBLAS_INT, float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_saxpy)
    fn(N, alpha, X, incX, Y, incY);
}

HIDDEN void cblas_sscal(const CBLAS_INT N, const float alpha, float *X, const CBLAS_INT incX) {
    typedef void (*F)(const CBLAS_INT, const float, float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_sscal)
    fn(N, alpha, X, incX);
}

HIDDEN void cblas_sgemv(const CBLAS_LAYOUT layout, const CBLAS_TRANSPOSE TransA, const CBLAS_INT M,
                        const CBLAS_INT N, const float alpha, const float *A, const CBLAS_INT lda, const float *X,
                        const CBLAS_INT incX, const float beta, float *Y, const CBLAS_INT incY) {
    typedef void (*F)(const CBLAS_LAYOUT, const CBLAS_TRANSPOSE, const CBLAS_INT, const CBLAS_INT, const float,
                      const float *, const CBLAS_INT, const float *, const CBLAS_INT, const float, float *,
                      const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_sgemv)
    fn(layout, TransA, M, N, alpha, A, lda, X, incX, beta, Y, incY);
}

HIDDEN void cblas_sgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE TransA, CBLAS_TRANSPOSE TransB, const CBLAS_INT M,
                        const CBLAS_INT N, const CBLAS_INT K, const float alpha, const float *A, const CBLAS_INT lda,
                        const float *B, const CBLAS_INT ldb, const float beta, float *C, const CBLAS_INT ldc) {
    typedef void (*F)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, const CBLAS_INT, const CBLAS_INT,
                      const CBLAS_INT, const float, const float *, const CBLAS_INT, const float *, const CBLAS_INT,
                      const float, float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_sgemm)
    fn(layout, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

HIDDEN void cblas_ssyrk(CBLAS_LAYOUT layout, CBLAS_UPLO Uplo, CBLAS_TRANSPOSE Trans, const CBLAS_INT N,
                        const CBLAS_INT K, const float alpha, const float *A, const CBLAS_INT lda, const float beta,
                        float *C, const CBLAS_INT ldc) {
    typedef void (*F)(CBLAS_LAYOUT, CBLAS_UPLO, CBLAS_TRANSPOSE, const CBLAS_INT, const CBLAS_INT, const float,
                      const float *, const CBLAS_INT, const float, float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_ssyrk)
    fn(layout, Uplo, Trans, N, K, alpha, A, lda, beta, C, ldc);
}

HIDDEN void cblas_strmm(CBLAS_LAYOUT layout, CBLAS_SIDE Side, CBLAS_UPLO Uplo, CBLAS_TRANSPOSE TransA,
                        CBLAS_DIAG Diag, const CBLAS_INT M, const CBLAS_INT N, const float alpha, const float *A,
                        const CBLAS_INT lda, float *B, const CBLAS_INT ldb) {
    typedef void (*F)(CBLAS_LAYOUT, CBLAS_SIDE, CBLAS_UPLO, CBLAS_TRANSPOSE, CBLAS_DIAG, const CBLAS_INT,
                      const CBLAS_INT, const float, const float *, const CBLAS_INT, float *, const CBLAS_INT);
    RESOLVE(blas_function, F, cblas_strmm)
    fn(layout, Side, Uplo, TransA, Diag, M, N, alpha, A, lda, B, ldb);
}

// MARK: - LAPACKE (lapacke.h prototypes)

HIDDEN lapack_int LAPACKE_sgeqrf(int matrix_layout, lapack_int m, lapack_int n, float *a, lapack_int lda,
                                 float *tau) {
    typedef lapack_int (*F)(int, lapack_int, lapack_int, float *, lapack_int, float *);
    RESOLVE(lapacke_function, F, LAPACKE_sgeqrf)
    return fn(matrix_layout, m, n, a, lda, tau);
}

HIDDEN lapack_int LAPACKE_sorgqr(int matrix_layout, lapack_int m, lapack_int n, lapack_int k, float *a,
                                 lapack_int lda, const float *tau) {
    typedef lapack_int (*F)(int, lapack_int, lapack_int, lapack_int, float *, lapack_int, const float *);
    RESOLVE(lapacke_function, F, LAPACKE_sorgqr)
    return fn(matrix_layout, m, n, k, a, lda, tau);
}

HIDDEN lapack_int LAPACKE_sgesdd(int matrix_layout, char jobz, lapack_int m, lapack_int n, float *a,
                                 lapack_int lda, float *s, float *u, lapack_int ldu, float *vt, lapack_int ldvt) {
    typedef lapack_int (*F)(int, char, lapack_int, lapack_int, float *, lapack_int, float *, float *, lapack_int,
                            float *, lapack_int);
    RESOLVE(lapacke_function, F, LAPACKE_sgesdd)
    return fn(matrix_layout, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}

HIDDEN lapack_int LAPACKE_spotrf(int matrix_layout, char uplo, lapack_int n, float *a, lapack_int lda) {
    typedef lapack_int (*F)(int, char, lapack_int, float *, lapack_int);
    RESOLVE(lapacke_function, F, LAPACKE_spotrf)
    return fn(matrix_layout, uplo, n, a, lda);
}

HIDDEN lapack_int LAPACKE_strtri(int matrix_layout, char uplo, char diag, lapack_int n, float *a, lapack_int lda) {
    typedef lapack_int (*F)(int, char, char, lapack_int, float *, lapack_int);
    RESOLVE(lapacke_function, F, LAPACKE_strtri)
    return fn(matrix_layout, uplo, diag, n, a, lda);
}

HIDDEN lapack_int LAPACKE_dsyevd(int matrix_layout, char jobz, char uplo, lapack_int n, double *a, lapack_int lda,
                                 double *w) {
    typedef lapack_int (*F)(int, char, char, lapack_int, double *, lapack_int, double *);
    RESOLVE(lapacke_function, F, LAPACKE_dsyevd)
    return fn(matrix_layout, jobz, uplo, n, a, lda, w);
}
