import CLAPACKE
import Core

/// Thin wrappers over the LAPACK single-precision routines the engine uses (through LAPACKE). This is
/// the only file that imports `CLAPACKE`. Failures throw `PaperSearchError.lapack(routine:info:)`.
///
/// Layout. LAPACK is column-major; the engine's `DenseMatrix` is row-major. A column-major p×q matrix X
/// occupies exactly the bytes of the row-major q×p matrix Xᵀ, so the big matrices of `RandomizedSVD`
/// are kept column-major, held as a `DenseMatrix` of their transpose, and passed to the `columnMajor:`
/// wrappers, which call `LAPACK_COL_MAJOR` routines in place: no copies. The plain wrappers take
/// row-major matrices and use `LAPACK_ROW_MAJOR`, for which LAPACKE transposes into a temporary copy
/// and back (fine for small matrices; for a 105,720 × 320 block the copies cost 0.6 s and 135 MB).
///
/// Measured on the 2-core target (105,720 × 320, OpenBLAS 0.3.21, 2 BLAS threads): column-major
/// `sgeqrf` + `sorgqr` 0.65 s; the same through `LAPACK_ROW_MAJOR` 1.25 s; Householder QR of a
/// row-major block as the LQ factorization of its column-major view (`sgelqf` + `sorglq`) 4–5 s
/// (LAPACK's LQ of a very wide matrix is slow), so that trick is not used.
public enum LAPACK {
    /// Thin QR factorization A = Q·R (Householder: `sgeqrf`, then `sorgqr` forms Q explicitly) of a
    /// COLUMN-MAJOR m×n matrix A with m ≥ n, held as the row-major n×m `DenseMatrix` `aT` = Aᵀ.
    /// On return `aT` holds Qᵀ, i.e. the column-major m×n Q with orthonormal columns; R is discarded.
    ///
    /// A rank-deficient or zero A is fine: the reflector of a zero column is the identity (τ = 0), so Q
    /// still has orthonormal columns spanning a superset of range(A), and nothing is NaN.
    public static func thinQR(columnMajor aT: inout DenseMatrix) throws {
        let n = aT.rows, m = aT.cols
        precondition(m >= n, "LAPACK.thinQR: needs rows >= cols, got \(m)×\(n)")
        try householderQR(&aT.storage, layout: LAPACK_COL_MAJOR, m: m, n: n, lda: m)
    }

    /// Orthonormalizes the columns of a COLUMN-MAJOR m×n matrix W (m ≥ n, held as the row-major n×m
    /// `aT` = Wᵀ) in place, keeping its column space: CholeskyQR2 (T. Fukaya, Y. Nakatsukasa,
    /// Y. Yanagisawa, Y. Yamamoto, "CholeskyQR2: a simple and communication-avoiding algorithm for
    /// computing a tall-skinny QR factorization", ScalA 2014) — twice { G = WᵀW (`ssyrk`), G = RᵀR
    /// (`spotrf`), W ← W·R⁻¹ (`strtri`, `strmm`) } — all level-3 BLAS, about 3× faster than Householder
    /// `sgeqrf` + `sorgqr` on a 59,261 × 320 block. It needs κ(W) ≲ ε^(−½) ≈ 4·10³ in float32; when the
    /// Cholesky factorization fails (W rank-deficient or too ill-conditioned) it falls back to
    /// Householder `thinQR(columnMajor:)`.
    ///
    /// `passes: 1` is plain CholeskyQR: the columns are then orthonormal only to about ε·κ(W)², enough
    /// where just the column space matters (the warm-up iterations of `RandomizedSVD`).
    public static func orthonormalize(columnMajor aT: inout DenseMatrix, passes: Int = 2) throws {
        let n = aT.rows, m = aT.cols
        precondition(m >= n, "LAPACK.orthonormalize: needs rows >= cols, got \(m)×\(n)")
        if n == 0 { return }
        for _ in 0..<passes {
            var g = [Float](repeating: 0, count: n * n)
            let ok = try aT.storage.withUnsafeMutableBufferPointer { pa -> Bool in
                try g.withUnsafeMutableBufferPointer { pg -> Bool in
                    guard let ap = pa.baseAddress, let gp = pg.baseAddress else { return false }
                    // G = WᵀW = (Wᵀ)·(Wᵀ)ᵀ, upper triangle (row-major n×n).
                    BLAS.ssyrkUpper(n: n, k: m, alpha: 1, a: ap, lda: m, beta: 0, c: gp, ldc: n)
                    // G = RᵀR, R upper triangular; info > 0: G not positive definite.
                    let info = LAPACKE_spotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), int(n), gp, int(n))
                    if info > 0 { return false }
                    try check("spotrf", info)
                    // R ← R⁻¹ (n×n, negligible), then Wᵀ ← (R⁻¹)ᵀ·Wᵀ, i.e. W ← W·R⁻¹, as a triangular
                    // multiply: 0.034 s against 0.055 s for the triangular solve (`strsm`) on a 59,261 × 320
                    // block. κ(R) = κ(W) ≲ 4·10³ here, so the explicit inverse loses nothing that matters.
                    let inverted = LAPACKE_strtri(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
                                                  int(n), gp, int(n))
                    if inverted > 0 { return false }
                    try check("strtri", inverted)
                    BLAS.strmmUpperTransposedLeft(m: n, n: m, t: gp, ldt: n, b: ap, ldb: m)
                    return true
                }
            }
            if !ok {
                try thinQR(columnMajor: &aT)
                return
            }
        }
    }

    /// Thin QR factorization of a ROW-MAJOR m×n matrix (m ≥ n) through `LAPACK_ROW_MAJOR` (LAPACKE
    /// copies it): on return `a` holds Q (m×n, orthonormal columns).
    public static func thinQR(_ a: inout DenseMatrix) throws {
        let m = a.rows, n = a.cols
        precondition(m >= n, "LAPACK.thinQR: needs rows >= cols, got \(m)×\(n)")
        try householderQR(&a.storage, layout: LAPACK_ROW_MAJOR, m: m, n: n, lda: n)
    }

    private static func householderQR(_ storage: inout [Float], layout: Int32, m: Int, n: Int, lda: Int) throws {
        if n == 0 || m == 0 { return }
        var tau = [Float](repeating: 0, count: n)
        try storage.withUnsafeMutableBufferPointer { pa in
            try tau.withUnsafeMutableBufferPointer { pt in
                guard let ap = pa.baseAddress, let tp = pt.baseAddress else { return }
                // A = Q·R: R above the diagonal, the Householder vectors below it, scalars in τ.
                try check("sgeqrf", LAPACKE_sgeqrf(layout, int(m), int(n), ap, int(lda), tp))
                // Q = H₁·H₂·…·Hₙ applied to the first n columns of the identity, in place.
                try check("sorgqr", LAPACKE_sorgqr(layout, int(m), int(n), int(n), ap, int(lda), tp))
            }
        }
    }

    /// Thin SVD A = U·diag(s)·Vᵀ (divide and conquer, `sgesdd` with JOBZ = 'O') of a COLUMN-MAJOR m×n
    /// matrix A with m ≥ n, held as the row-major n×m `aT` = Aᵀ. U overwrites A: on return `aT` holds
    /// Uᵀ (row-major n×m, i.e. the column-major m×n U), so no second m×n buffer is needed. Returns the
    /// n singular values in descending order and V as a row-major n×n matrix (LAPACK's column-major
    /// Vᵀ has exactly the bytes of the row-major V).
    public static func svdInPlace(columnMajor aT: inout DenseMatrix) throws -> (s: [Float], v: DenseMatrix) {
        let n = aT.rows, m = aT.cols
        precondition(m >= n, "LAPACK.svdInPlace(columnMajor:): needs rows >= cols, got \(m)×\(n)")
        var s = [Float](repeating: 0, count: n)
        var v = DenseMatrix(rows: n, cols: n)
        if n == 0 { return (s, v) }
        var unused: [Float] = [0]
        try aT.storage.withUnsafeMutableBufferPointer { pa in
            try s.withUnsafeMutableBufferPointer { ps in
                try v.storage.withUnsafeMutableBufferPointer { pv in
                    try unused.withUnsafeMutableBufferPointer { pn in
                        guard let ap = pa.baseAddress, let sp = ps.baseAddress, let vp = pv.baseAddress,
                              let np = pn.baseAddress else { return }
                        // M ≥ N with JOBZ = 'O': U overwrites A, Vᵀ goes to `vt`, U argument unused.
                        try check("sgesdd", LAPACKE_sgesdd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "O")), int(m), int(n),
                                                           ap, int(m), sp, np, 1, vp, int(n)))
                    }
                }
            }
        }
        return (s, v)
    }

    /// SVD A = U·diag(s)·Vᵀ (divide and conquer, `sgesdd`) of a row-major m×n matrix, through
    /// `LAPACK_ROW_MAJOR` (LAPACKE copies; meant for small matrices). With r = min(m, n):
    /// thin (`full == false`): U is m×r, s has r values, Vᵀ is r×n; full: U is m×m and Vᵀ is n×n.
    /// Singular values are non-negative and in descending order.
    public static func svd(_ a: DenseMatrix, full: Bool = false) throws -> (u: DenseMatrix, s: [Float], vt: DenseMatrix) {
        let m = a.rows, n = a.cols
        let r = min(m, n)
        let uCols = full ? m : r      // U is m×uCols
        let vtRows = full ? n : r     // Vᵀ is vtRows×n
        var u = DenseMatrix(rows: m, cols: uCols)
        var vt = DenseMatrix(rows: vtRows, cols: n)
        if r == 0 {
            for i in 0..<min(m, uCols) { u[i, i] = 1 }
            for i in 0..<min(vtRows, n) { vt[i, i] = 1 }
            return (u, [], vt)
        }
        var work = a
        var s = [Float](repeating: 0, count: r)
        let jobz = CChar(UInt8(ascii: full ? "A" : "S"))
        try work.storage.withUnsafeMutableBufferPointer { pa in
            try s.withUnsafeMutableBufferPointer { ps in
                try u.storage.withUnsafeMutableBufferPointer { pu in
                    try vt.storage.withUnsafeMutableBufferPointer { pvt in
                        guard let ap = pa.baseAddress, let sp = ps.baseAddress,
                              let up = pu.baseAddress, let vtp = pvt.baseAddress else { return }
                        try check("sgesdd", LAPACKE_sgesdd(LAPACK_ROW_MAJOR, jobz, int(m), int(n), ap, int(n), sp,
                                                           up, int(uCols), vtp, int(n)))
                    }
                }
            }
        }
        return (u, s, vt)
    }

    /// Singular values only (descending) of a row-major matrix, by `sgesdd` with JOBZ = 'N'.
    public static func singularValues(_ a: DenseMatrix) throws -> [Float] {
        let m = a.rows, n = a.cols
        let r = min(m, n)
        if r == 0 { return [] }
        var work = a
        var s = [Float](repeating: 0, count: r)
        var dummy: [Float] = [0]
        try work.storage.withUnsafeMutableBufferPointer { pa in
            try s.withUnsafeMutableBufferPointer { ps in
                try dummy.withUnsafeMutableBufferPointer { pd in
                    guard let ap = pa.baseAddress, let sp = ps.baseAddress, let dp = pd.baseAddress else { return }
                    // The row-major m×n A is the column-major n×m Aᵀ, which has the same singular values.
                    try check("sgesdd", LAPACKE_sgesdd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), int(n), int(m),
                                                       ap, int(n), sp, dp, 1, dp, 1))
                }
            }
        }
        return s
    }

    /// Eigen-decomposition A = X·diag(λ)·Xᵀ of a symmetric n×n matrix in DOUBLE precision (divide and
    /// conquer, `dsyevd`, upper triangle referenced). `a` holds A (row- or column-major: only the upper
    /// triangle of the column-major view is read, so a symmetric A may be stored either way). Returns
    /// the eigenvalues in ASCENDING order and the eigenvectors as a column-major n×n matrix: the
    /// eigenvector of `values[j]` is `vectors[j*n ..< (j+1)*n]`.
    public static func symmetricEigen(_ a: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        precondition(a.count == n * n, "LAPACK.symmetricEigen: \(a.count) elements for a \(n)×\(n) matrix")
        if n == 0 { return ([], []) }
        var x = a
        var w = [Double](repeating: 0, count: n)
        try x.withUnsafeMutableBufferPointer { px in
            try w.withUnsafeMutableBufferPointer { pw in
                guard let xp = px.baseAddress, let wp = pw.baseAddress else { return }
                // JOBZ = 'V': eigenvectors overwrite A; UPLO = 'U'.
                try check("dsyevd", LAPACKE_dsyevd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                                                   int(n), xp, int(n), wp))
            }
        }
        return (w, x)
    }

    /// Maps a non-zero LAPACKE return code to the engine error: info < 0 means argument −info was
    /// illegal (−1010/−1011: LAPACKE could not allocate work memory), info > 0 that the algorithm did
    /// not converge.
    private static func check(_ routine: String, _ info: Int32) throws {
        if info != 0 { throw PaperSearchError.lapack(routine: routine, info: Int(info)) }
    }

    @inline(__always)
    private static func int(_ value: Int) -> Int32 {
        precondition(value >= 0 && value <= Int(Int32.max),
                     "LAPACK: dimension \(value) does not fit the 32-bit LAPACK integer")
        return Int32(truncatingIfNeeded: value)
    }
}
