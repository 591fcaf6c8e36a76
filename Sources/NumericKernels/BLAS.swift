import CBLAS
import CNumericsLoader
import Foundation

/// Thin wrappers over the CBLAS single-precision routines the engine uses. This is the only file that
/// imports `CBLAS`.
///
/// Every matrix argument is ROW-MAJOR (`CblasRowMajor`): element (i, j) of a matrix with leading
/// dimension `ld` is at `pointer[i * ld + j]`. Dimensions are Swift `Int`s and are checked to fit the
/// 32-bit `CBLAS_INT` of the Debian headers.
///
/// Threads: `libblas.so.3` is OpenBLAS (pthreads build) on the target system, which by default uses one
/// thread per core inside every call. The engine's own parallel loops (`DispatchQueue.concurrentPerform`)
/// must call BLAS with ONE BLAS thread (wrap them in `BLAS.withThreadCount(1) { ... }`) so the two thread
/// pools do not oversubscribe the cores; large single calls from one thread (the QR and GEMM steps of
/// `RandomizedSVD`) may use all cores. OpenBLAS gives identical bytes for identical calls at a fixed
/// thread count, which keeps results reproducible run to run on a machine.
public enum BLAS {
    // MARK: Level 3

    /// C ← alpha · op(A) · op(B) + beta · C (row-major), where op(A) is m×k, op(B) is k×n and C is m×n;
    /// op(X) = Xᵀ when the matching `transpose` flag is set. `lda`, `ldb`, `ldc` are the row strides of
    /// the matrices as stored (for a transposed A stored k×m, `lda >= m`).
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    int(m), int(n), int(k), alpha, a, int(max(lda, 1)), b, int(max(ldb, 1)),
                    beta, c, int(max(ldc, 1)))
    }

    /// C ← alpha · A · Aᵀ + beta · C (row-major, A n×k), writing only the UPPER triangle of the n×n C.
    public static func ssyrkUpper(n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if n == 0 { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, int(n), int(k), alpha, a, int(max(lda, 1)),
                    beta, c, int(max(ldc, 1)))
    }

    /// B ← Tᵀ·B for an upper triangular m×m T (row-major, leading dimension `ldt`) and a row-major m×n B
    /// (`strmm`, left side, upper, transposed, non-unit diagonal).
    public static func strmmUpperTransposedLeft(m: Int, n: Int, t: UnsafePointer<Float>, ldt: Int,
                                                b: UnsafeMutablePointer<Float>, ldb: Int) {
        if m == 0 || n == 0 { return }
        cblas_strmm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, int(m), int(n), 1,
                    t, int(max(ldt, 1)), b, int(max(ldb, 1)))
    }

    /// op(A) · op(B) as a new matrix (row-major convenience over `sgemm`).
    public static func multiply(_ a: DenseMatrix, transposeA: Bool = false,
                                _ b: DenseMatrix, transposeB: Bool = false) -> DenseMatrix {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb, "BLAS.multiply: inner dimensions \(k) and \(kb) differ")
        var c = DenseMatrix(rows: m, cols: n)
        if k == 0 { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                    sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                          alpha: 1, a: ap, lda: a.cols, b: bp, ldb: b.cols, beta: 0, c: cp, ldc: n)
                }
            }
        }
        return c
    }

    // MARK: Level 2

    /// y ← alpha · op(A) · x + beta · y for a row-major m×n matrix A (op(A) = Aᵀ when `transpose`).
    public static func sgemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int = 1, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int = 1
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, int(m), int(n), alpha,
                    a, int(max(lda, 1)), x, int(incx), beta, y, int(incy))
    }

    // MARK: Level 1

    /// Dot product Σ xᵢ yᵢ over `n` elements.
    public static func sdot(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int = 1,
                            _ y: UnsafePointer<Float>, _ incy: Int = 1) -> Float {
        n == 0 ? 0 : cblas_sdot(int(n), x, int(incx), y, int(incy))
    }

    /// Euclidean norm ‖x‖₂ over `n` elements (scaled to avoid overflow).
    public static func snrm2(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int = 1) -> Float {
        n == 0 ? 0 : cblas_snrm2(int(n), x, int(incx))
    }

    /// x ← alpha · x over `n` elements.
    public static func sscal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ incx: Int = 1) {
        if n > 0 { cblas_sscal(int(n), alpha, x, int(incx)) }
    }

    /// y ← alpha · x + y over `n` elements.
    public static func saxpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int = 1,
                             _ y: UnsafeMutablePointer<Float>, _ incy: Int = 1) {
        if n > 0 { cblas_saxpy(int(n), alpha, x, int(incx), y, int(incy)) }
    }

    /// Array conveniences for vectors.
    public static func dot(_ x: [Float], _ y: [Float]) -> Float {
        precondition(x.count == y.count, "BLAS.dot: lengths \(x.count) and \(y.count) differ")
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                guard let a = px.baseAddress, let b = py.baseAddress else { return 0 }
                return sdot(x.count, a, 1, b, 1)
            }
        }
    }

    /// ‖x‖₂ of an array.
    public static func norm(_ x: [Float]) -> Float {
        x.withUnsafeBufferPointer { px in
            guard let a = px.baseAddress else { return 0 }
            return snrm2(x.count, a, 1)
        }
    }

    // MARK: Threads

    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32

    /// Whether the loaded BLAS is OpenBLAS with a settable thread count (`openblas_set_num_threads`
    /// found by `dlsym`; nothing links against OpenBLAS directly, so any other BLAS works too).
    public static var canSetThreadCount: Bool {
        symbol("openblas_set_num_threads") != nil
    }

    /// The BLAS thread count when the BLAS is OpenBLAS, else nil.
    public static var threadCount: Int? {
        guard let raw = symbol("openblas_get_num_threads") else { return nil }
        let get = unsafeBitCast(raw, to: GetThreads.self)
        return Int(get())
    }

    /// Sets the number of threads OpenBLAS uses inside each call (process-wide). Returns false, doing
    /// nothing, when the BLAS is not OpenBLAS.
    @discardableResult
    public static func setThreadCount(_ count: Int) -> Bool {
        guard let raw = symbol("openblas_set_num_threads") else { return false }
        let set = unsafeBitCast(raw, to: SetThreads.self)
        set(Int32(clamping: max(1, count)))
        return true
    }

    private typealias Shutdown = @convention(c) () -> Int32

    /// Stops OpenBLAS's worker threads (`blas_thread_shutdown_`, found by `dlsym`; a no-op for any
    /// other BLAS). OpenBLAS starts them when the library loads and they spin on `sched_yield`
    /// while idle, taking a core from a short process that never calls a threaded routine (a
    /// query); OpenBLAS starts them again if a later call needs them.
    public static func stopIdleThreads() {
        // A process that never called BLAS has not loaded it (see CNumericsLoader): no threads.
        guard papersearch_blas_is_loaded() != 0, let raw = symbol("blas_thread_shutdown_") else { return }
        _ = unsafeBitCast(raw, to: Shutdown.self)()
    }

    /// Runs `body` with `count` BLAS threads, then restores the previous count (when settable).
    /// The setting is process-wide: callers must not run two of these concurrently with different counts.
    public static func withThreadCount<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        guard let previous = threadCount, previous != count else { return try body() }
        setThreadCount(count)
        defer { setThreadCount(previous) }
        return try body()
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        // The library is loaded at its first use (CNumericsLoader); thread settings load it now.
        papersearch_blas_load()
        // A null handle is RTLD_DEFAULT in glibc: search every object loaded in the global scope,
        // which includes libopenblas.so.0 when libblas.so.3 is OpenBLAS.
        return dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
    }

    @inline(__always)
    private static func int(_ value: Int) -> Int32 {
        precondition(value >= Int(Int32.min) && value <= Int(Int32.max),
                     "BLAS: dimension \(value) does not fit the 32-bit CBLAS integer")
        return Int32(truncatingIfNeeded: value)
    }
}
