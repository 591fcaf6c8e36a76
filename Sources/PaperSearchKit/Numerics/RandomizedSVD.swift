import Foundation

/// Truncated SVD A ≈ U·diag(S)·Vᵀ of a sparse matrix by randomized range finding:
/// N. Halko, P.-G. Martinsson, J. A. Tropp, "Finding structure with randomness: probabilistic algorithms
/// for constructing approximate matrix decompositions", SIAM Review 53(2), 2011 —
/// Algorithm 4.4 (randomized subspace iteration) for the range, then Algorithm 5.1 (direct SVD).
///
/// Shapes: A is m×n (documents × terms in LSA), k the requested rank, l = k + p columns of sketch.
/// Small inputs: l is clamped to min(k + p, m, n) and min(k, m, n) components are returned (a rank-k
/// SVD of a matrix with fewer than k rows or columns does not exist); when k exceeds the rank of A the
/// extra components have (near-)zero singular values and arbitrary but orthonormal vectors. Empty rows
/// or columns and the all-zero matrix are fine (zero singular values, no NaN).
///
/// One deviation from Alg. 4.4 as printed: it orthonormalizes after every product with A and with Aᵀ;
/// here each power iteration orthonormalizes once, after the product landing on the SHORTER side
/// (the n×l Z = Aᵀ·Y when n ≤ m, as for a vocabulary smaller than the corpus; the m×l Y otherwise), and
/// Y is orthonormalized once at the end. Each normalized step then applies A·Aᵀ (or Aᵀ·A) to an
/// orthonormal basis, which in float32 keeps every direction with σⱼ ≥ √ε·σ₁ ≈ 3·10⁻⁴·σ₁ — far below
/// what LSA keeps (σ₂₅₆ ≈ 0.1·σ₁ on the arXiv sample). Measured: identical singular values (to 10⁻⁶)
/// to the two-QR version on the test matrices, one Householder QR of a 105,720 × 320 block (0.8 s)
/// fewer per iteration.
///
/// Determinism: Ω comes from `SeededRandom` in fixed blocks, each element of a sparse product is summed
/// by one task in a fixed order, and OpenBLAS/LAPACK are deterministic at a fixed BLAS thread count;
/// so the same input, options and machine give byte-identical results (checked by the tests).
///
/// Threads: the sparse products use `DispatchQueue.concurrentPerform` (one thread per core) and call no
/// BLAS inside; the QR, SVD and GEMM steps are single LAPACK/BLAS calls that use OpenBLAS's own
/// threads (its default: one per core). The two never run at the same time.
///
/// Memory (m = 105,720, n ≈ 60,000, l = k + p = 320): besides A (8 bytes per non-zero; Aᵀ is never
/// formed), one m×l block (Y, then Q; 135 MB) and one n×l block (Ω, then Z, then Bᵀ, then W; 77 MB)
/// are live; then V (n×k) and U (m×k) are the result. Nothing else of size m or n is allocated besides
/// a 4 MB panel per thread in the products (and OpenBLAS's per-thread buffers).
public enum RandomizedSVD {
    /// Parameters of the decomposition.
    public struct Options: Sendable, Equatable {
        /// Number of singular triplets wanted (clamped to min(m, n)).
        public var k: Int
        /// Extra sketch columns p beyond k (Halko et al. §4.2); l = k + p.
        public var oversampling: Int
        /// Power (subspace) iterations q of Algorithm 4.4; each multiplies by (A·Aᵀ) once and sharpens
        /// the decay of the spectrum seen by the sketch from σⱼ to σⱼ^(2q+1).
        public var powerIterations: Int
        /// Seed of the Gaussian test matrix Ω.
        public var seed: UInt64

        /// Default oversampling p (see `defaultPowerIterations`).
        public static let defaultOversampling = 64
        /// Default power iterations q, chosen with `defaultOversampling` by measurement (release build,
        /// 2-core AMD EPYC, OpenBLAS 0.3.21 with 2 threads, k = 256) on two 105,720-row LSA matrices: a
        /// seeded synthetic one (61,993 terms, 8.64 M non-zeros, Zipfian terms, 300 topics, sublinear
        /// tf-idf, L2-normalized rows) and the real arXiv sample (50,717 terms, 8.97 M non-zeros),
        /// against a q = 20, p = 256 reference. MEASUREMENTS_PLACEHOLDER
        public static let defaultPowerIterations = 5

        public init(k: Int = 256, oversampling: Int = Options.defaultOversampling,
                    powerIterations: Int = Options.defaultPowerIterations, seed: UInt64 = 0) {
            self.k = k
            self.oversampling = oversampling
            self.powerIterations = powerIterations
            self.seed = seed
        }
    }

    /// The truncated decomposition: A ≈ u · diag(singularValues) · vᵀ.
    public struct Result: Sendable, Equatable {
        /// Left singular vectors, m×r row-major (row i: document i), orthonormal columns.
        public var u: DenseMatrix
        /// Singular values, r of them, non-increasing, non-negative.
        public var singularValues: [Float]
        /// Right singular vectors, n×r row-major (row j: term j), orthonormal columns.
        public var v: DenseMatrix
        /// Number of components r = min(k, m, n).
        public var rank: Int { singularValues.count }
    }

    /// Progress report: stage name and fraction of the whole computation done before it (0 ..< 1),
    /// then ("done", 1). Called on the calling thread, between stages.
    public typealias Progress = (_ stage: String, _ fraction: Double) -> Void

    /// Computes the rank-min(k, m, n) truncated SVD of `a` (see the type comment).
    ///
    /// - Parameters:
    ///   - a: the m×n matrix.
    ///   - options: k, oversampling, power iterations, seed.
    ///   - progress: optional stage reporting.
    /// - Throws: `PaperSearchError.invalidOption` for k < 1, negative oversampling or iterations;
    ///   `PaperSearchError.lapack` if a LAPACK routine fails.
    public static func compute(_ a: SparseMatrix, options: Options = Options(),
                               progress: Progress? = nil) throws -> Result {
        try validate(options)
        let m = a.rows, n = a.cols
        // Number of components returned and sketch width, clamped to the matrix size.
        let r = min(options.k, m, n)
        let l = min(options.k + options.oversampling, m, n)
        if r == 0 {
            progress?("done", 1)
            return Result(u: DenseMatrix(rows: m, cols: 0), singularValues: [], v: DenseMatrix(rows: n, cols: 0))
        }
        // Which side is re-orthonormalized inside the iterations (see the type comment): the shorter one.
        let normalizeTermSide = n <= m
        // Stage accounting for `progress`: sample, Y = AΩ, 3 per power iteration, QR(Y), Bᵀ, SVD, U.
        let totalStages = Double(6 + 3 * options.powerIterations)
        var stage = 0.0
        func report(_ name: String) {
            progress?(name, stage / totalStages)
            stage += 1
        }

        // Layout: the tall blocks (m×l and n×l) are kept COLUMN-MAJOR, as LAPACK wants them, each held
        // as a row-major DenseMatrix of its transpose (`…T`, l rows); see `LAPACK` and
        // `SparseMatrix.multiply(columnMajor:into:)`. No step copies or transposes a big block.

        // Alg. 4.4 step 1: draw an n×l Gaussian test matrix Ω.
        report("sample Ω")
        var nBlockT = gaussianMatrix(rows: l, cols: n, seed: options.seed)

        // Step 2: Y₀ = A·Ω (m×l): a sample of the range of A.
        report("Y = A·Ω")
        var mBlockT = DenseMatrix(rows: 0, cols: 0)
        a.multiply(columnMajor: nBlockT, into: &mBlockT)

        // Steps 3–8: q subspace iterations Yⱼ = (A·Aᵀ)·Yⱼ₋₁, orthonormalizing (Householder QR) once per
        // iteration, on the shorter side, so the columns do not all collapse onto the top singular vector.
        for iteration in stride(from: 1, through: options.powerIterations, by: 1) {
            if !normalizeTermSide {
                // Yⱼ₋₁ = Qⱼ₋₁·Rⱼ₋₁ (m×l).
                report("power \(iteration): QR(Y)")
                try LAPACK.thinQR(columnMajor: &mBlockT)
            }
            // Zⱼ = Aᵀ·Yⱼ₋₁ (n×l), reusing Ω's storage.
            report("power \(iteration): Z = Aᵀ·Y")
            a.multiplyTransposed(columnMajor: mBlockT, into: &nBlockT)
            if normalizeTermSide {
                // Zⱼ = Q̃ⱼ·R̃ⱼ (n×l).
                report("power \(iteration): QR(Z)")
                try LAPACK.thinQR(columnMajor: &nBlockT)
            }
            // Yⱼ = A·Zⱼ (m×l), into Yⱼ₋₁'s storage.
            report("power \(iteration): Y = A·Z")
            a.multiply(columnMajor: nBlockT, into: &mBlockT)
        }
        // Y_q = Q·R: Q (m×l, orthonormal columns) with range(Q) ≈ range(A).
        report("QR(Y)")
        try LAPACK.thinQR(columnMajor: &mBlockT)

        // Alg. 5.1 step 1: B = Qᵀ·A (l×n). We compute its transpose Bᵀ = Aᵀ·Q (n×l, column-major) with
        // the sparse kernel; its storage is B itself, row-major.
        report("Bᵀ = Aᵀ·Q")
        a.multiplyTransposed(columnMajor: mBlockT, into: &nBlockT)

        // Alg. 5.1 step 2: SVD of the small matrix. LAPACK factors the tall Bᵀ = W·Σ·Xᵀ (W: n×l, X: l×l),
        // so B = X·Σ·Wᵀ: B's left singular vectors are Ũ = X and A's right singular vectors are V = W.
        // W overwrites Bᵀ's storage (as Wᵀ, l×n).
        report("SVD(B)")
        let (sigma, x) = try LAPACK.svdInPlace(columnMajor: &nBlockT)
        let singularValues = Array(sigma.prefix(r))
        // V = W[:, 0..<r], row-major n×r: transpose the first r rows of Wᵀ.
        nBlockT.keepLeadingRows(r)
        var v = nBlockT.transposed()
        nBlockT = DenseMatrix(rows: 0, cols: 0)

        // Alg. 5.1 step 3: U = Q·Ũ[:, 0..<r] (m×r, row-major) by GEMM: Q is stored as the row-major l×m
        // Qᵀ, hence the transposed first operand; Ũ = X is row-major l×l, of which r columns are used.
        // Done in blocks of rows: one 105,720-row call made OpenBLAS (2 threads) touch 120 MB more memory.
        report("U = Q·Ũ")
        var u = DenseMatrix(rows: m, cols: r)
        mBlockT.storage.withUnsafeBufferPointer { pq in
            x.storage.withUnsafeBufferPointer { px in
                u.storage.withUnsafeMutableBufferPointer { pu in
                    guard let q = pq.baseAddress, let xp = px.baseAddress, let up = pu.baseAddress else { return }
                    for i0 in stride(from: 0, to: m, by: gemmBlockRows) {
                        let rowsInBlock = min(gemmBlockRows, m - i0)
                        BLAS.sgemm(transposeA: true, transposeB: false, m: rowsInBlock, n: r, k: l,
                                   alpha: 1, a: q + i0, lda: m, b: xp, ldb: l, beta: 0, c: up + i0 * r, ldc: r)
                    }
                }
            }
        }
        mBlockT = DenseMatrix(rows: 0, cols: 0)

        // Fix the sign ambiguity (uⱼ, vⱼ) ~ (−uⱼ, −vⱼ) so results are canonical.
        applySignRule(u: &u, v: &v)
        progress?("done", 1)
        return Result(u: u, singularValues: singularValues, v: v)
    }

    /// Sign rule: for each component j, the entry of uⱼ with the largest magnitude (lowest row index on
    /// ties) is made positive; vⱼ is flipped together with uⱼ so u·diag(s)·vᵀ is unchanged.
    static func applySignRule(u: inout DenseMatrix, v: inout DenseMatrix) {
        let r = u.cols
        if r == 0 { return }
        var best = [Float](repeating: -1, count: r)      // largest |u[i, j]| seen so far
        var negative = [Bool](repeating: false, count: r)
        u.storage.withUnsafeBufferPointer { pu in
            for i in 0..<u.rows {
                let base = i * r
                for j in 0..<r {
                    let x = pu[base + j]
                    // Strictly greater keeps the lowest index on ties.
                    if abs(x) > best[j] {
                        best[j] = abs(x)
                        negative[j] = x < 0
                    }
                }
            }
        }
        if !negative.contains(true) { return }
        flipColumns(&u, negative)
        flipColumns(&v, negative)
    }

    private static func flipColumns(_ x: inout DenseMatrix, _ flip: [Bool]) {
        let c = x.cols
        x.storage.withUnsafeMutableBufferPointer { px in
            for i in 0..<x.rows {
                for j in 0..<c where flip[j] {
                    px[i * c + j] = -px[i * c + j]
                }
            }
        }
    }

    /// Rows of U per GEMM call in Alg. 5.1 step 3.
    static let gemmBlockRows = 8192

    /// Elements per block of Ω; each block draws from its own `SeededRandom` stream, so Ω depends only
    /// on the seed and the shape, not on the thread count.
    static let gaussianBlock = 1 << 16

    /// A rows×cols matrix of independent N(0, 1) entries, generated in parallel by fixed blocks of
    /// consecutive elements.
    static func gaussianMatrix(rows: Int, cols: Int, seed: UInt64) -> DenseMatrix {
        let count = rows * cols
        let blocks = (count + gaussianBlock - 1) / gaussianBlock
        return DenseMatrix(rows: rows, cols: cols) { buffer in
            guard let base = buffer.baseAddress, count > 0 else { return }
            let out = UnsafeSendablePointer(base)
            ParallelChunks.forEach(chunks: blocks) { block in
                let lo = block * gaussianBlock
                let hi = min(count, lo + gaussianBlock)
                var rng = SeededRandom(seed: seed, stream: UInt64(block))
                rng.fillGaussian(UnsafeMutableBufferPointer(start: out.pointer + lo, count: hi - lo))
            }
        }
    }

    private static func validate(_ options: Options) throws {
        if options.k < 1 {
            throw PaperSearchError.invalidOption(option: "k", value: String(options.k),
                                                 expected: "a positive number of dimensions")
        }
        if options.oversampling < 0 {
            throw PaperSearchError.invalidOption(option: "oversampling", value: String(options.oversampling),
                                                 expected: "a non-negative number of extra sketch columns")
        }
        if options.powerIterations < 0 {
            throw PaperSearchError.invalidOption(option: "power iterations", value: String(options.powerIterations),
                                                 expected: "a non-negative number of iterations")
        }
    }
}

/// A mutable pointer handed to parallel workers that write disjoint ranges of it.
private struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
