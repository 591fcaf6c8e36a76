import Foundation
import Core

/// Truncated SVD A ≈ U·diag(S)·Vᵀ of a sparse matrix by randomized block Krylov iteration with a
/// power-iteration warm start and a Rayleigh–Ritz step:
/// - C. Musco, C. Musco, "Randomized Block Krylov Methods for Stronger and Faster Approximate Singular
///   Value Decomposition", NeurIPS 2015 — Algorithm 2 (block Krylov iteration), here built as block
///   Lanczos with full re-orthogonalization (G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed.,
///   §10.3.6) on the SHORTER side of A;
/// - N. Halko, P.-G. Martinsson, J. A. Tropp, "Finding structure with randomness", SIAM Review 53(2),
///   2011 — Algorithm 4.4 (randomized subspace iteration) for the warm start, whose parameter names p
///   (oversampling) and q (power iterations) are kept.
///
/// Shapes: A is m×n (documents × terms in LSA), k the requested rank. Let N = min(m, n) be the short
/// side (terms when n ≤ m) and M the long one, and S = AᵀA (N = n) or A·Aᵀ (N = m) the N×N Gram
/// operator, applied as two sparse products and never formed. With block width b = min(k + p, N):
///
/// 1. Z = Aᵀ·Π (A·Π when N = m), Π an M×b sparse sign matrix (8 entries ±1 per row, never stored:
///    `sparseSignSketch`): a random sample of the row space.
/// 2. Warm start, q power iterations Z ← orth(S·Z) (Alg. 4.4): the components of Z along σⱼ < σ_b
///    shrink by (σⱼ/σ_b)² per iteration.
/// 3. Krylov basis of `krylovBlocks` (c = 2) blocks K = [Z, S·Z, …, S^(c−1)·Z], orthonormalized block by
///    block into Q (N×s, s = c·b, cut to at most N columns): block Gram–Schmidt against all earlier
///    blocks, twice, then CholeskyQR2 inside the block (`LAPACK.orthonormalize`).
/// 4. Rayleigh–Ritz: G = Qᵀ·S·Q = (A·Q)ᵀ(A·Q) (s×s) = X·Λ·Xᵀ (`dsyevd`, double); σⱼ = √λⱼ, the short-side
///    singular vectors are the Ritz vectors Q·X (top r), the long-side ones A·V·Σ⁻¹ (or Aᵀ·U·Σ⁻¹).
///
/// Why: subspace iteration keeps only its last block, so the k-th singular value converges like
/// (σ_{b+1}/σ_k)^(2q); the Rayleigh–Ritz step over the whole Krylov space converges like 1/T_{c−1}(1 + 2γ)²
/// (T a Chebyshev polynomial, γ the relative gap of σ_k² over σ_{s+1}²), which is what a slowly
/// decaying text spectrum (σ₂₅₆/σ₁ = 0.11 on the arXiv sample, σⱼ ~ j^(−0.24)) needs. Block Krylov wants
/// b ≥ k (Musco & Musco §1.2): with b = 64 or 128 < k = 256 the tail Ritz values measured 9–15% low.
///
/// Cost (N = n, defaults: b = 320, q = 4, c = 2, s = 640): the sketch Aᵀ·Π (8·nnz(A) additions), q + c = 6 Gram
/// products S·Z (each one fused pass A then Aᵀ per 16 columns, `SparseMatrix.multiplyGram`; the last
/// block's only for its column of G), all b columns wide, one more r columns wide for U; GEMMs of O(N·s²) for the re-orthogonalization and
/// O(N·s·r) for V; CholeskyQR of N×b blocks (one pass per warm-up step, three for the second Krylov block); a
/// 640×640 eigen-decomposition. G costs nothing extra: the first Gram–Schmidt pass
/// for block j + 1 computes Q₀..ⱼᵀ·(S·Qⱼ), exactly block column j of G's upper block triangle.
///
/// Small inputs: r = min(k, m, n) components are returned (a rank-k SVD of a matrix with fewer than k
/// rows or columns does not exist); when k exceeds the rank of A the extra components have (near-)zero
/// singular values and arbitrary but orthonormal vectors. Empty rows or columns and the all-zero
/// matrix are fine (zero singular values, no NaN): a Krylov column that vanishes under projection (the
/// Krylov space is exhausted) is restarted from a seeded Gaussian vector, so Q stays orthonormal, and
/// the long-side vectors of (near-)zero σ are completed by Householder QR.
///
/// Determinism: Π and restart vectors come from `SeededRandom` in fixed blocks, each element of a sparse
/// product is summed by one task in a fixed order, and OpenBLAS/LAPACK are deterministic at a fixed
/// BLAS thread count; so the same input, options and machine give byte-identical results (tested).
///
/// Threads: the sparse products use `DispatchQueue.concurrentPerform` (one thread per core) and call no
/// BLAS inside; the QR, eigen and GEMM steps are single LAPACK/BLAS calls that use OpenBLAS's own
/// threads (its default: one per core). The two never run at the same time.
///
/// Memory (m = 105,720, n = 59,261, defaults): besides A (8 bytes per non-zero; Aᵀ is never formed),
/// the basis Q (N×s, 152 MB), two N×b blocks (76 MB
/// each; the fused Gram product needs no M×b intermediate) and G (1.6 MB, 3.3 MB as double); then V
/// (n×r, 61 MB) and U (m×r, 108 MB) are the result.
public enum RandomizedSVD {
    /// Parameters of the decomposition.
    public struct Options: Sendable, Equatable {
        /// Number of singular triplets wanted (clamped to min(m, n)).
        public var k: Int
        /// Oversampling p: every block (the sketch, each Krylov block) has b = k + p columns (clamped
        /// to min(m, n)), as the sketch of Halko et al. §4.2 has k + p.
        public var oversampling: Int
        /// Power iterations q of the warm start (Alg. 4.4), before the Krylov blocks; each multiplies
        /// the sketch by S = AᵀA once.
        public var powerIterations: Int
        /// Seed of the random starting matrix Π (and of restart vectors).
        public var seed: UInt64

        /// Default oversampling p (see `defaultPowerIterations`).
        public static let defaultOversampling = 64
        /// Default power iterations q, chosen with `defaultOversampling` and `krylovBlocks` by
        /// measurement (release build, 2-core AMD EPYC, OpenBLAS 0.3.21 with 2 threads, k = 256) on the
        /// arXiv sample (105,720 papers, 59,261 LSA terms, 8.40 M non-zeros). Error: max and mean over
        /// the 256 values of |σ − σ_ref|/σ_ref, σ_ref from p = 256, q = 20 of the former subspace
        /// iteration (a p = 128, q = 6, c = 3 run of this method agrees with it to 1.3·10⁻⁶ max).
        /// c = `krylovBlocks`, b = k + p, s = c·b; "products": sparse products b columns wide; "svd s":
        /// the index's SVD stage on a machine shared with other jobs (load 4–17, so up to 10× the
        /// quiet-machine 8 s of the former method): median of 7 runs for the former method and of 6 for
        /// the default, else one run — compare loosely. Back-to-back pairs former/default: 77.4/69.4,
        /// 112.8/63.0, 30.1/21.6, 20.9/17.8 s (default/former median 0.78). RSS: peak of the whole
        /// `papersearch index`.
        ///
        ///     method                          p    q  c    b     s  products  max err  mean err  svd s  RSS
        ///     subspace iteration (former)    64    5  –  320     –        12   2.39 %   0.51 %     77  0.76 GB
        ///     block Krylov, no warm start   256    –  4  128   512         9  15.0  %   4.23 %     31  0.81 GB
        ///       (c blocks of b = (k+p)/c)   256    –  8   64   512        17  11.1  %   2.34 %     22  0.84 GB
        ///                                   704    –  3  320   960         7   3.86 %   1.14 %     43  0.83 GB
        ///     warm start + block Krylov      64    3  2  320   640        11   0.69 %   0.12 %     42  0.83 GB
        ///                                    64    4  2  320   640        13   0.25 %   0.039%     51  0.82 GB  ← default
        ///                                    64    2  3  320   960        11   0.20 %   0.030%     75  0.84 GB
        ///                                    64    3  3  320   960        13   0.047%   0.005%     60  0.84 GB
        ///                                   128    6  3  384  1152        19   1.3·10⁻⁶ (the second reference)
        ///
        /// The default is the cheapest measured setting with a 2× margin under the 0.5 % target (q = 2,
        /// c = 3 has two sparse products fewer but 960-column re-orthogonalization GEMMs, and measured
        /// slower: median 75 s of 3 runs against 51 s).
        ///
        /// Re-measured on the quiet machine (session 3; AVX2 product kernels, fused Gram products, sparse
        /// sign Π; reference: p = 192, q = 12 of this method): the default's SVD stage takes 3.9–4.3 s, max
        /// error 0.28 % (mean 0.04 %). Neighbours, seed 24301: p = 32,
        /// q = 4 0.47 % (5.1 s, then); p = 64, q = 3 0.61 %; p = 96, q = 3 0.38 % — none cheaper with margin.
        public static let defaultPowerIterations = 4

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
        // Number of components returned, clamped to the matrix size.
        let r = min(options.k, m, n)
        if r == 0 {
            progress?("done", 1)
            return Result(u: DenseMatrix(rows: m, cols: 0), singularValues: [], v: DenseMatrix(rows: n, cols: 0))
        }
        // The short side (N) carries the Krylov basis; the long side (M) only passes through.
        let termSide = n <= m
        let shortDim = termSide ? n : m, longDim = termSide ? m : n
        // Block width b = l = min(k + p, N) and the widths of the Krylov blocks (total s ≤ N, s ≥ l ≥ r).
        let b = min(options.k + options.oversampling, shortDim)
        let blockCount = krylovBlocks
        var widths: [Int] = []
        var s = 0
        while widths.count < blockCount && s < shortDim {
            let w = min(b, shortDim - s)
            widths.append(w)
            s += w
        }
        // Stage accounting for `progress`: Z, 2 per power iteration, 2 per block, Rayleigh–Ritz, V, U.
        let totalStages = Double(4 + 2 * options.powerIterations + 2 * widths.count)
        var stage = 0.0
        func report(_ name: String) {
            progress?(name, stage / totalStages)
            stage += 1
        }
        // Short → long (A·X when N = n) and long → short (Aᵀ·Y) products on column-major blocks, each
        // held as the row-major `DenseMatrix` of its transpose (see `LAPACK`): a block of w columns of
        // length N is a w×N `DenseMatrix`, and the basis Q (N×s) is the s×N `qT` whose rows are
        // appended block by block.
        func toLong(_ xT: DenseMatrix, _ yT: inout DenseMatrix) {
            if termSide { a.multiply(columnMajor: xT, into: &yT) } else { a.multiplyTransposed(columnMajor: xT, into: &yT) }
        }
        func toShort(_ yT: DenseMatrix, _ xT: inout DenseMatrix) {
            if termSide { a.multiplyTransposed(columnMajor: yT, into: &xT) } else { a.multiply(columnMajor: yT, into: &xT) }
        }
        // X ← S·X (N×w): in one fused pass over A per 16 columns when the terms are the short side
        // (`SparseMatrix.multiplyGram`, bit-identical to the two products), else through the long block.
        var longBlock = DenseMatrix(rows: 0, cols: 0)
        var gramOut = DenseMatrix(rows: 0, cols: 0)
        func applyGram(_ xT: inout DenseMatrix) {
            if termSide {
                a.multiplyGram(columnMajor: xT, into: &gramOut)
                swap(&xT, &gramOut)
            } else {
                toLong(xT, &longBlock)
                toShort(longBlock, &xT)
            }
        }

        // Step 1: Z = orth(Aᵀ·Π) (N×b) for Π an M×b sparse sign matrix, never formed (`sparseSignSketch`):
        // a random sample of the row space of A, weighted by the singular values like half a power iteration.
        report("Z = Aᵀ·Π")
        var block = sparseSignSketch(a, termSide: termSide, width: b, seed: options.seed)
        // One CholeskyQR pass per warm-up step: only the span of Z matters until it becomes Q₀.
        try LAPACK.orthonormalize(columnMajor: &block, passes: 1)
        // Step 2, warm start: q power iterations Z ← orth(S·Z) (Halko et al. Alg. 4.4 on the short side), so
        // the Krylov space is built on S^q·Z, whose components along the tail of the spectrum are
        // already damped by (σ_{b+1}/σⱼ)^(2q).
        for iteration in stride(from: 1, through: options.powerIterations, by: 1) {
            report("power \(iteration): Aᵀ·(A·Z)")
            applyGram(&block)
            report("power \(iteration): orth")
            try LAPACK.orthonormalize(columnMajor: &block, passes: 1)
        }
        // Q₀ must be orthonormal to working precision: a second pass (CholeskyQR2).
        try LAPACK.orthonormalize(columnMajor: &block, passes: 1)

        // Step 3: the Krylov blocks Q₀ = Z, Qⱼ₊₁ = orth((I − Q·Qᵀ)·S·Qⱼ), and G block column by column.
        var qT = DenseMatrix(rows: 0, cols: shortDim)
        qT.storage.reserveCapacity(s * shortDim)
        // G = Qᵀ·S·Q (s×s, row-major; only the upper block triangle is written, then mirrored).
        var gram = [Float](repeating: 0, count: s * s)
        var offset = 0
        for (j, w) in widths.enumerated() {
            // Append Qⱼ (w columns, orthonormal and orthogonal to Q₀..ⱼ₋₁) to the basis.
            qT.appendRows(of: block)
            let sj = offset + w
            // Yⱼ = A·Qⱼ (M×w), then Wⱼ = Aᵀ·Yⱼ = S·Qⱼ (N×w), into Qⱼ's old storage.
            report("block \(j + 1): Aᵀ·(A·Q)")
            applyGram(&block)
            // Gram–Schmidt pass 1: C = Q₀..ⱼᵀ·Wⱼ (sj×w) — this is G[0..<sj, offset..<sj].
            report("block \(j + 1): orthonormalize")
            let normsBefore = columnNorms(block)
            let c = project(basis: qT, rows: sj, block: &block, subtract: j + 1 < widths.count)
            for i in 0..<sj { for t in 0..<w { gram[i * s + offset + t] = c[i * w + t] } }
            if j + 1 < widths.count {
                // Qⱼ₊₁ = orth(Wⱼ − Q·C): Householder QR of the residual, then pass 2 (project again and
                // re-factor) to restore orthogonality to Q lost to cancellation ("twice is enough",
                // Giraud, Langou, Rozložník 2005); a residual that vanished (Krylov space exhausted) becomes
                // QR's orthonormal completion, which pass 2 makes orthogonal to Q.
                let next = widths[j + 1]
                replaceVanishedColumns(&block, normsBefore: normsBefore, seed: options.seed, firstStream: UInt64(sj))
                try LAPACK.orthonormalize(columnMajor: &block)
                _ = project(basis: qT, rows: sj, block: &block, subtract: true)
                // The block is orthonormal up to the small correction just subtracted (κ ≈ 1), so one
                // CholeskyQR pass restores orthonormality to ε·κ² ≈ ε (Fukaya et al. 2014, §3).
                try LAPACK.orthonormalize(columnMajor: &block, passes: 1)
                if next < w { block.keepLeadingRows(next) }
            }
            offset = sj
        }
        longBlock = DenseMatrix(rows: 0, cols: 0)
        gramOut = DenseMatrix(rows: 0, cols: 0)
        block = DenseMatrix(rows: 0, cols: 0)

        // Step 4, Rayleigh–Ritz: G = X·Λ·Xᵀ in double, the upper triangle mirrored (the computed G is symmetric
        // only to rounding); λ ascending from LAPACK, so component c is eigenpair s − 1 − c.
        report("Rayleigh–Ritz")
        var g = [Double](repeating: 0, count: s * s)
        for i in 0..<s {
            for t in i..<s {
                let x = Double(gram[i * s + t])
                g[i * s + t] = x
                g[t * s + i] = x
            }
        }
        gram = []
        let (lambda, vectors) = try LAPACK.symmetricEigen(g, n: s)
        // σⱼ = √λⱼ (λ ≥ 0 up to rounding) and X_r (s×r, row-major float) of the top r eigenvectors.
        var singularValues = [Float](repeating: 0, count: r)
        var xr = [Float](repeating: 0, count: s * r)
        for c in 0..<r {
            let e = s - 1 - c
            singularValues[c] = Float(max(lambda[e], 0).squareRoot())
            for t in 0..<s { xr[t * r + c] = Float(vectors[e * s + t]) }
        }

        // Short-side singular vectors: Ritz vectors Q·X_r (N×r, row-major) by one GEMM; Q is stored as
        // the row-major s×N Qᵀ, hence the transposed first operand.
        report("Ritz vectors Q·X")
        var shortVectors = DenseMatrix(rows: shortDim, cols: r)
        qT.storage.withUnsafeBufferPointer { pq in
            xr.withUnsafeBufferPointer { px in
                shortVectors.storage.withUnsafeMutableBufferPointer { pv in
                    guard let q = pq.baseAddress, let x = px.baseAddress, let v = pv.baseAddress else { return }
                    BLAS.sgemm(transposeA: true, transposeB: false, m: shortDim, n: r, k: s,
                               alpha: 1, a: q, lda: shortDim, b: x, ldb: r, beta: 0, c: v, ldc: r)
                }
            }
        }
        qT = DenseMatrix(rows: 0, cols: 0)

        // Long-side singular vectors: A·vⱼ = σⱼ·uⱼ for an exact triplet, so U = A·V·Σ⁻¹ (m×r, row-major;
        // Aᵀ·U·Σ⁻¹ when the short side is the documents), made exactly orthonormal when rounding or
        // (near-)zero σ leave it short of that (see `orthonormalizeLong`).
        report(termSide ? "U = A·V·Σ⁻¹" : "V = Aᵀ·U·Σ⁻¹")
        var longVectors = termSide ? a.multiply(shortVectors) : a.multiplyTransposed(shortVectors)
        try orthonormalizeLong(&longVectors, singularValues: singularValues)

        var u = termSide ? longVectors : shortVectors
        var v = termSide ? shortVectors : longVectors
        // Fix the sign ambiguity (uⱼ, vⱼ) ~ (−uⱼ, −vⱼ) so results are canonical.
        applySignRule(u: &u, v: &v)
        progress?("done", 1)
        return Result(u: u, singularValues: singularValues, v: v)
    }

    /// Block Gram–Schmidt step: C = Q[:, 0..<rows]ᵀ·W (rows×w, row-major), and, when `subtract`,
    /// W ← W − Q[:, 0..<rows]·C. `basis` is Qᵀ (row-major, ≥ rows rows of length N), `block` is the
    /// row-major w×N Wᵀ. Two GEMMs.
    private static func project(basis: DenseMatrix, rows: Int, block: inout DenseMatrix, subtract: Bool) -> [Float] {
        let len = basis.cols, w = block.rows
        var c = [Float](repeating: 0, count: rows * w)
        basis.storage.withUnsafeBufferPointer { pq in
            c.withUnsafeMutableBufferPointer { pc in
                block.storage.withUnsafeMutableBufferPointer { pw in
                    guard let q = pq.baseAddress, let cp = pc.baseAddress, let wp = pw.baseAddress else { return }
                    // C = Qᵀ·W: (rows×N)·(N×w) with Qᵀ and Wᵀ stored row-major.
                    BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: w, k: len,
                               alpha: 1, a: q, lda: len, b: wp, ldb: len, beta: 0, c: cp, ldc: w)
                    if subtract {
                        // Wᵀ ← Wᵀ − Cᵀ·Qᵀ.
                        BLAS.sgemm(transposeA: true, transposeB: false, m: w, n: len, k: rows,
                                   alpha: -1, a: cp, lda: w, b: q, ldb: len, beta: 1, c: wp, ldc: len)
                    }
                }
            }
        }
        return c
    }

    /// Euclidean norms of the columns of a column-major block (the rows of its row-major transpose).
    private static func columnNorms(_ blockT: DenseMatrix) -> [Float] {
        blockT.storage.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return [Float](repeating: 0, count: blockT.rows) }
            return (0..<blockT.rows).map { BLAS.snrm2(blockT.cols, base + $0 * blockT.cols) }
        }
    }

    /// A residual column below this fraction of its norm before projection is treated as vanished.
    static let vanishedResidual: Float = 1e-5

    /// Deflation: a column of the projected block W − Q·C whose norm fell to rounding level (or that
    /// was zero: the Krylov space is exhausted, as for a matrix of rank below s) carries no new
    /// direction, and QR of an exactly zero column would return a unit vector that need not be
    /// orthogonal to Q. Such a column is replaced by a fresh Gaussian vector (`SeededRandom` stream
    /// `firstStream + column`, so deterministic), which the following QR and second projection turn
    /// into a new orthonormal direction, as block Lanczos codes restart a deflated column.
    private static func replaceVanishedColumns(_ blockT: inout DenseMatrix, normsBefore: [Float], seed: UInt64,
                                               firstStream: UInt64) {
        let after = columnNorms(blockT)
        let len = blockT.cols
        blockT.storage.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for t in 0..<blockT.rows where after[t] <= vanishedResidual * normsBefore[t] || normsBefore[t] == 0 {
                var rng = SeededRandom(seed: seed, stream: (1 << 40) + firstStream + UInt64(t))
                rng.fillGaussian(UnsafeMutableBufferPointer(start: base + t * len, count: len))
            }
        }
    }

    /// Number of Krylov blocks S^q·Z, S^(q+1)·Z, … in the Rayleigh–Ritz basis (measured, see `Options`).
    static let krylovBlocks = 2

    /// σ_r/σ₁ above which U = A·V·Σ⁻¹ is orthonormal to rounding without a check (σ₂₅₆/σ₁ = 0.113 on the
    /// arXiv sample).
    static let wellConditioned: Float = 0.05

    /// Largest |(UᵀU − I)ᵢⱼ| accepted for U = A·V·Σ⁻¹ as it comes; beyond it U is re-orthonormalized.
    static let orthonormalityTolerance: Float = 1e-5

    /// Scales column j of `y` (= A·vⱼ) by 1/σⱼ. For a well-conditioned spectrum (σ_r ≫ √ε·σ₁, as in
    /// LSA) the columns are then orthonormal to rounding ((A·V)ᵀ(A·V) = Xᵀ·G·X = Λ exactly for Ritz
    /// vectors); this is checked on UᵀU (one GEMM). Otherwise (zero or tiny σ: k above the rank, an
    /// all-zero matrix) Householder QR of U replaces it, each column signed to agree with the one it
    /// replaces, so columns that were already orthonormal keep their direction and the rest become an
    /// orthonormal completion.
    private static func orthonormalizeLong(_ y: inout DenseMatrix, singularValues: [Float]) throws {
        let rows = y.rows, r = y.cols
        let sigmaMax = singularValues.first ?? 0
        // 1/σⱼ, or 0 for a σⱼ at rounding level (its column is then filled by the completion).
        let inverse = singularValues.map { $0 > sigmaMax * 1e-6 && $0 > 0 ? 1 / $0 : 0 }
        scaleColumns(&y, by: inverse)
        // Rounding leaves |(UᵀU − I)ᵢⱼ| ≲ ε·(σ₁/σ_r)² (the Gram matrix G carries errors of ε·σ₁²); with
        // σ_r ≥ `wellConditioned`·σ₁ that is below 3·10⁻⁵ and the check (an m·r² GEMM) is skipped.
        let sigmaMin = singularValues.last ?? 0
        if sigmaMin >= wellConditioned * sigmaMax && sigmaMin > 0 { return }
        let gram = BLAS.multiply(y, transposeA: true, y)
        var worst: Float = 0
        for i in 0..<r { for j in 0..<r { worst = max(worst, abs(gram[i, j] - (i == j ? 1 : 0))) } }
        if worst <= orthonormalityTolerance { return }
        var q = y
        try LAPACK.thinQR(&q)
        q.storage.withUnsafeMutableBufferPointer { pq in
            y.storage.withUnsafeBufferPointer { py in
                for j in 0..<r {
                    var dot: Float = 0
                    for i in 0..<rows { dot += pq[i * r + j] * py[i * r + j] }
                    if dot < 0 { for i in 0..<rows { pq[i * r + j] = -pq[i * r + j] } }
                }
            }
        }
        y = q
    }

    /// Sign rule: for each component j, the entry of uⱼ with the largest magnitude (lowest row index on
    /// ties) is made positive; vⱼ is flipped together with uⱼ so u·diag(s)·vᵀ is unchanged.
    ///
    /// Each fixed chunk of `rowChunk` rows finds its own largest entry per column on some core; the chunks'
    /// winners are then merged in row order with the same strict comparison, so the result is the one a
    /// single pass from row 0 gives, whatever the threads.
    static func applySignRule(u: inout DenseMatrix, v: inout DenseMatrix) {
        let r = u.cols, rows = u.rows
        if r == 0 || rows == 0 { return }
        let chunks = (rows + rowChunk - 1) / rowChunk
        // Per chunk and column: the largest |u[i, j]| (−1 before any row) and that entry's sign.
        var best = [Float](repeating: -1, count: chunks * r)
        var sign = [Float](repeating: 1, count: chunks * r)
        u.storage.withUnsafeBufferPointer { pu in
            best.withUnsafeMutableBufferPointer { pb in
                sign.withUnsafeMutableBufferPointer { ps in
                    guard let ub = pu.baseAddress, let bb = pb.baseAddress, let sb = ps.baseAddress else { return }
                    let source = UnsafeSendablePointer(UnsafeMutablePointer(mutating: ub))
                    let bestOut = UnsafeSendablePointer(bb), signOut = UnsafeSendablePointer(sb)
                    ParallelChunks.forEach(chunks: chunks) { chunk in
                        let chunkBest = bestOut.pointer + chunk * r, chunkSign = signOut.pointer + chunk * r
                        for i in (chunk * rowChunk)..<min(rows, (chunk + 1) * rowChunk) {
                            let row = source.pointer + i * r
                            for j in 0..<r {
                                let x = row[j]
                                // Strictly greater keeps the lowest row index on ties.
                                if abs(x) > chunkBest[j] {
                                    chunkBest[j] = abs(x)
                                    chunkSign[j] = x < 0 ? -1 : 1
                                }
                            }
                        }
                    }
                }
            }
        }
        // Merge the chunks in row order: the first chunk holding the column's maximum wins.
        var flip = [Float](repeating: 1, count: r)
        var top = [Float](repeating: -1, count: r)
        for chunk in 0..<chunks {
            for j in 0..<r where best[chunk * r + j] > top[j] {
                top[j] = best[chunk * r + j]
                flip[j] = sign[chunk * r + j]
            }
        }
        if !flip.contains(-1) { return }
        scaleColumns(&u, by: flip)
        scaleColumns(&v, by: flip)
    }

    /// Rows per parallel chunk of the element-wise passes over U and V (a fixed size: which chunk a row
    /// falls in never depends on the thread count).
    static let rowChunk = 4096

    /// X ← X·diag(factors) (row-major X, one factor per column), by chunks of rows on every core.
    static func scaleColumns(_ x: inout DenseMatrix, by factors: [Float]) {
        let rows = x.rows, c = x.cols
        precondition(factors.count == c, "RandomizedSVD.scaleColumns: \(factors.count) factors for \(c) columns")
        if rows == 0 || c == 0 { return }
        let chunks = (rows + rowChunk - 1) / rowChunk
        factors.withUnsafeBufferPointer { pf in
            x.storage.withUnsafeMutableBufferPointer { px in
                guard let fb = pf.baseAddress, let xb = px.baseAddress else { return }
                let f = UnsafeSendablePointer(UnsafeMutablePointer(mutating: fb)), out = UnsafeSendablePointer(xb)
                ParallelChunks.forEach(chunks: chunks) { chunk in
                    for i in (chunk * rowChunk)..<min(rows, (chunk + 1) * rowChunk) {
                        let row = out.pointer + i * c
                        for j in 0..<c { row[j] *= f.pointer[j] }
                    }
                }
            }
        }
    }

    /// Non-zeros per row of the sparse sign matrix Π (ζ in Martinsson & Tropp 2020, §9.2; see
    /// `sparseSignSketch` for the measurement behind 8).
    static let sketchNonZeros = 8

    /// Z = Aᵀ·Π (N×w, returned column-major as the w×N `DenseMatrix` Zᵀ; A·Π when the documents are the
    /// short side) for a SPARSE SIGN test matrix Π (M×w): each row ℓ of Π has `sketchNonZeros` entries ±1
    /// in columns drawn uniformly with replacement (a repeated column adds up), column and sign both from
    /// `pick(seed, ℓ, t)`, a SplitMix64 hash — so Π is never stored and any task can regenerate any row.
    ///
    /// Why: the range finder needs a test matrix whose columns are in general position with respect to
    /// the row space; sparse sign matrices with ζ ≈ 8 serve as well as Gaussian ones in practice
    /// (Martinsson & Tropp, "Randomized numerical linear algebra", Acta Numerica 2020, §9.2; Halko et al.
    /// §4.6 on structured test matrices). Z then costs ζ·nnz(A) additions and no M×w dense Π (135 MB on
    /// the arXiv sample, 1.3 GB for a million papers). Measured on the arXiv sample (defaults; max / mean
    /// relative error of the 256 singular values against the reference, as in `Options`; time of Z
    /// before its orthonormalization):
    ///
    ///     Π                      Z time       max err (seeds 24301 / 1 / 2 / 3)   mean err
    ///     Gaussian, dense        0.36+0.2 s   0.249 %                             0.039 %
    ///     random signs, dense    0.08+0.2 s   0.252 %                             0.037 %
    ///     sparse signs, ζ = 8    0.26 s       0.278 %                             0.038 %
    ///     sparse signs, ζ = 2    0.10 s       0.315 / 0.323 / 0.325 / 0.262 %     0.037–0.041 %
    ///
    /// ζ = 2 is faster, but on a small matrix with a flat spectrum (`testSlowlyDecayingSpectrumLikeText`:
    /// k = 16, b = 24) its Ritz values erred by up to 0.6 % where ζ = 8 and Gaussian Π stay within 0.2 %.
    ///
    /// Work split: term side, by columns of Z (the picks bucketed by column, then each task adds its
    /// documents' rows, Zᵀ[c, :] += ±a_ℓ, in increasing order); document side, by chunks of rows of A.
    /// Each element is summed by one task in a fixed order: the result does not depend on the threads.
    static func sparseSignSketch(_ a: SparseMatrix, termSide: Bool, width w: Int, seed: UInt64) -> DenseMatrix {
        let shortDim = termSide ? a.cols : a.rows
        var zT = DenseMatrix(rows: w, cols: shortDim)
        if w == 0 || shortDim == 0 || a.nonZeroCount == 0 { return zT }
        let zeta = sketchNonZeros
        let rows = a.rows
        a.rowPtr.withUnsafeBufferPointer { rp in
            a.colIdx.withUnsafeBufferPointer { ci in
                a.values.withUnsafeBufferPointer { vv in
                    zT.storage.withUnsafeMutableBufferPointer { pz in
                        guard let rpb = rp.baseAddress, let cib = ci.baseAddress, let vvb = vv.baseAddress,
                              let zb = pz.baseAddress else { return }
                        let m = SketchPointers(rowPtr: rpb, colIdx: cib, values: vvb, z: zb)
                        if termSide {
                            // Rows ℓ of Π are documents: Zᵀ[c, :] = Σ s·a_ℓ over the picks (ℓ, c, s) of column c,
                            // ℓ increasing. The picks are bucketed by column first (Πᵀ in CSR form, a counting
                            // sort), so each task walks only the documents of its own columns.
                            var start = [Int](repeating: 0, count: w + 1)
                            for doc in 0..<rows { for t in 0..<zeta {
                                start[pick(seed: seed, row: doc, draw: t, width: w).column + 1] += 1
                            } }
                            for c in 0..<w { start[c + 1] += start[c] }
                            var next = start
                            var entries = [Int32](repeating: 0, count: rows * zeta)   // document, negated when s = −1
                            for doc in 0..<rows { for t in 0..<zeta {
                                let (c, sign) = pick(seed: seed, row: doc, draw: t, width: w)
                                entries[next[c]] = sign > 0 ? Int32(doc) : ~Int32(doc)
                                next[c] += 1
                            } }
                            start.withUnsafeBufferPointer { ps in
                                entries.withUnsafeBufferPointer { pe in
                                    guard let sb = ps.baseAddress, let eb = pe.baseAddress else { return }
                                    let buckets = SketchBuckets(start: sb, entries: eb)
                                    ParallelChunks.forEach(chunks: w) { c in
                                        let zc = m.z + c * shortDim
                                        for q in buckets.start[c]..<buckets.start[c + 1] {
                                            let e = buckets.entries[q]
                                            let doc = Int(e >= 0 ? e : ~e), sign: Float = e >= 0 ? 1 : -1
                                            for p in m.rowPtr[doc]..<m.rowPtr[doc + 1] {
                                                zc[Int(m.colIdx[p])] += sign * m.values[p]
                                            }
                                        }
                                    }
                                }
                            }
                        } else {
                            // Rows ℓ of Π are terms: Zᵀ[c, i] += s·a_iℓ for each entry (i, ℓ) and pick (c, s) of ℓ.
                            let chunk = 1024
                            ParallelChunks.forEach(chunks: (rows + chunk - 1) / chunk) { task in
                                for i in (task * chunk)..<min(rows, (task + 1) * chunk) {
                                    for p in m.rowPtr[i]..<m.rowPtr[i + 1] {
                                        let term = Int(m.colIdx[p]), v = m.values[p]
                                        for t in 0..<zeta {
                                            let (c, sign) = pick(seed: seed, row: term, draw: t, width: w)
                                            m.z[c * shortDim + i] += sign * v
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return zT
    }

    /// Column and sign of draw t of row ℓ of the sparse sign matrix: one SplitMix64 output of
    /// (seed, ℓ, t); the column from its high bits (multiply-shift onto 0..<width), the sign from bit 0.
    @inline(__always)
    static func pick(seed: UInt64, row: Int, draw: Int, width: Int) -> (column: Int, sign: Float) {
        var z = seed &+ UInt64(truncatingIfNeeded: row &* sketchNonZeros &+ draw) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let column = Int(truncatingIfNeeded: ((z >> 32) &* UInt64(width)) >> 32)
        return (column, z & 1 == 0 ? 1 : -1)
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

/// The raw arrays of A and the output Zᵀ shared by the tasks of `sparseSignSketch` (each writes only
/// its own columns or rows of Z).
private struct SketchPointers: @unchecked Sendable {
    let rowPtr: UnsafePointer<Int>
    let colIdx: UnsafePointer<Int32>
    let values: UnsafePointer<Float>
    let z: UnsafeMutablePointer<Float>
}

/// The picks of the sparse sign matrix grouped by column (Πᵀ in CSR form), shared read-only.
private struct SketchBuckets: @unchecked Sendable {
    let start: UnsafePointer<Int>
    let entries: UnsafePointer<Int32>
}

/// A mutable pointer handed to parallel workers that write disjoint ranges of it.
private struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
