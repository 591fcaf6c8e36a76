import XCTest
@testable import NumericKernels

/// Shared builders and checks for the numerics tests.
enum NumericsTestSupport {
    /// rows×cols matrix of N(0,1) entries.
    static func gaussian(rows: Int, cols: Int, seed: UInt64) -> DenseMatrix {
        var rng = SeededRandom(seed: seed)
        return DenseMatrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map { _ in Float(rng.nextGaussian()) })
    }

    /// rows×cols matrix with orthonormal columns (Q of a Gaussian matrix).
    static func orthonormal(rows: Int, cols: Int, seed: UInt64) throws -> DenseMatrix {
        var q = gaussian(rows: rows, cols: cols, seed: seed)
        try LAPACK.thinQR(&q)
        return q
    }

    /// A = U·diag(s)·Vᵀ with random orthonormal U (m×r), V (n×r), r = s.count.
    static func withSpectrum(m: Int, n: Int, s: [Float], seed: UInt64) throws -> DenseMatrix {
        let u = try orthonormal(rows: m, cols: s.count, seed: seed)
        var v = try orthonormal(rows: n, cols: s.count, seed: seed &+ 1)
        for i in 0..<n { for j in 0..<s.count { v[i, j] *= s[j] } }
        return BLAS.multiply(u, v, transposeB: true)
    }

    /// Random sparse matrix: each entry non-zero with probability `density`, values uniform in (0, 1].
    static func randomSparse(rows: Int, cols: Int, density: Double, seed: UInt64) -> SparseMatrix {
        var rng = SeededRandom(seed: seed)
        var ptr = [0], idx: [Int32] = [], vals: [Float] = []
        for _ in 0..<rows {
            for j in 0..<cols where rng.nextUnitInterval() < density {
                idx.append(Int32(j))
                vals.append(Float(rng.nextUnitInterval()))
            }
            ptr.append(vals.count)
        }
        return SparseMatrix(rows: rows, cols: cols, rowPtr: ptr, colIdx: idx, values: vals)
    }

    /// Largest |XᵀX − I| entry.
    static func orthonormalityError(_ x: DenseMatrix) -> Float {
        let g = BLAS.multiply(x, transposeA: true, x)
        var worst: Float = 0
        for i in 0..<g.rows { for j in 0..<g.cols { worst = max(worst, abs(g[i, j] - (i == j ? 1 : 0))) } }
        return worst
    }

    /// Cosines of the principal angles between the column spaces of two matrices with orthonormal
    /// columns: the singular values of XᵀY (all near 1 when the subspaces agree).
    static func principalCosines(_ x: DenseMatrix, _ y: DenseMatrix) throws -> [Float] {
        try LAPACK.singularValues(BLAS.multiply(x, transposeA: true, y))
    }

    static func bits(_ m: DenseMatrix) -> [UInt32] { m.storage.map(\.bitPattern) }

    static func assertFinite(_ m: DenseMatrix, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(m.storage.allSatisfy(\.isFinite), "non-finite entry", file: file, line: line)
    }
}
