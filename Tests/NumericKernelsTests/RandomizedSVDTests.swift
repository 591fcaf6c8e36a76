import XCTest
@testable import Core
@testable import NumericKernels

final class RandomizedSVDTests: XCTestCase {
    typealias Support = NumericsTestSupport

    /// Checks the invariants every result must satisfy.
    private func assertWellFormed(_ r: RandomizedSVD.Result, m: Int, n: Int, rank: Int,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.rank, rank, file: file, line: line)
        XCTAssertEqual(r.u.rows, m, file: file, line: line)
        XCTAssertEqual(r.u.cols, rank, file: file, line: line)
        XCTAssertEqual(r.v.rows, n, file: file, line: line)
        XCTAssertEqual(r.v.cols, rank, file: file, line: line)
        Support.assertFinite(r.u, file: file, line: line)
        Support.assertFinite(r.v, file: file, line: line)
        XCTAssertTrue(r.singularValues.allSatisfy { $0.isFinite && $0 >= 0 }, file: file, line: line)
        XCTAssertEqual(r.singularValues, r.singularValues.sorted(by: >), file: file, line: line)
        XCTAssertLessThan(Support.orthonormalityError(r.u), 1e-4, "U not orthonormal", file: file, line: line)
        XCTAssertLessThan(Support.orthonormalityError(r.v), 1e-4, "V not orthonormal", file: file, line: line)
        // Sign rule: the largest-magnitude entry of each uⱼ (lowest index on ties) is positive.
        for j in 0..<rank {
            let col = r.u.column(j)
            var best = 0
            for i in col.indices where abs(col[i]) > abs(col[best]) { best = i }
            XCTAssertGreaterThan(col[best], 0, "sign rule, component \(j)", file: file, line: line)
        }
    }

    func testKnownDecayingSpectrum() throws {
        // A = U·diag(s)·Vᵀ with s_j = 10·0.8^j: dense, stored as CSR. Tall (normalizes on the term side)
        // and wide (normalizes on the document side).
        let s = (0..<40).map { Float(10 * pow(0.8, Double($0))) }
        for (m, n) in [(300, 200), (200, 300)] {
            let dense = try Support.withSpectrum(m: m, n: n, s: s, seed: 11)
            let a = SparseMatrix(dense: dense)
            let k = 12
            let r = try RandomizedSVD.compute(a, options: .init(k: k, oversampling: 10, powerIterations: 3, seed: 1))
            assertWellFormed(r, m: m, n: n, rank: k)
            for j in 0..<k { XCTAssertEqual(r.singularValues[j], s[j], accuracy: 1e-3 * s[j], "σ\(j), \(m)×\(n)") }
            // Subspaces against LAPACK's full SVD: cosines of the principal angles near 1.
            let ref = try LAPACK.svd(dense)
            let uRef = ref.u.leadingColumns(k)
            let vRef = ref.vt.transposed().leadingColumns(k)
            for c in try Support.principalCosines(r.u, uRef) { XCTAssertGreaterThan(c, 0.999) }
            for c in try Support.principalCosines(r.v, vRef) { XCTAssertGreaterThan(c, 0.999) }
            // Individual vectors agree with the reference up to sign (well-separated spectrum).
            for j in 0..<k {
                XCTAssertGreaterThan(abs(BLAS.dot(r.u.column(j), uRef.column(j))), 0.999, "u\(j)")
                XCTAssertGreaterThan(abs(BLAS.dot(r.v.column(j), vRef.column(j))), 0.999, "v\(j)")
            }
            // A·vⱼ = σⱼ·uⱼ.
            let av = a.multiply(r.v)
            for j in 0..<k { for i in 0..<m { XCTAssertEqual(av[i, j], r.singularValues[j] * r.u[i, j], accuracy: 1e-3) } }
        }
    }

    func testSlowlyDecayingSpectrumLikeText() throws {
        // σⱼ = (j + 1)^(−0.25), the decay of a TF-IDF spectrum: with b = k + p = 24 columns and the
        // default q = 4 and two Krylov blocks the Ritz values match LAPACK to 2·10⁻³ (measured ≤ 1.1·10⁻³;
        // the index's target is 5·10⁻³); a 24-column subspace
        // iteration converges at only (σ₂₅/σ₁₆)² = 0.8 per power iteration).
        let s = (0..<150).map { Float(pow(Double($0 + 1), -0.25)) }
        for (m, n) in [(400, 250), (250, 400)] {
            let dense = try Support.withSpectrum(m: m, n: n, s: s, seed: 24)
            let a = SparseMatrix(dense: dense)
            let k = 16
            let r = try RandomizedSVD.compute(a, options: .init(k: k, oversampling: 8, powerIterations: 4, seed: 8))
            assertWellFormed(r, m: m, n: n, rank: k)
            for j in 0..<k { XCTAssertEqual(r.singularValues[j], s[j], accuracy: 2e-3 * s[j], "σ\(j), \(m)×\(n)") }
            let ref = try LAPACK.svd(dense)
            // The leading half of the subspace (the tail is near-degenerate: σ₁₅/σ₁₆ = 0.98).
            let vRef = ref.vt.transposed().leadingColumns(k / 2)
            for c in try Support.principalCosines(r.v.leadingColumns(k / 2), vRef) { XCTAssertGreaterThan(c, 0.99) }
        }
    }

    func testNoPowerIterations() throws {
        // q = 0: the Krylov blocks start from Aᵀ·Π directly.
        let s = (0..<30).map { Float(5 * pow(0.7, Double($0))) }
        let a = SparseMatrix(dense: try Support.withSpectrum(m: 120, n: 90, s: s, seed: 25))
        let r = try RandomizedSVD.compute(a, options: .init(k: 8, oversampling: 8, powerIterations: 0, seed: 9))
        assertWellFormed(r, m: 120, n: 90, rank: 8)
        for j in 0..<8 { XCTAssertEqual(r.singularValues[j], s[j], accuracy: 1e-3 * s[j]) }
    }

    func testSparseRandomMatrix() throws {
        let a = Support.randomSparse(rows: 400, cols: 250, density: 0.03, seed: 12)
        let k = 10
        let r = try RandomizedSVD.compute(a, options: .init(k: k, oversampling: 20, powerIterations: 6, seed: 2))
        assertWellFormed(r, m: 400, n: 250, rank: k)
        let reference = try LAPACK.singularValues(a.toDense())
        // The top singular value is well separated in a non-negative random matrix; the rest are close
        // together (flat spectrum), so allow a looser but still tight bound there.
        XCTAssertEqual(r.singularValues[0], reference[0], accuracy: 1e-4 * reference[0])
        for j in 1..<k { XCTAssertEqual(r.singularValues[j], reference[j], accuracy: 1e-2 * reference[j], "σ\(j)") }
        // Each triplet is consistent with A: ‖A·vⱼ − σⱼ·uⱼ‖ small relative to σⱼ for the top ones.
        let av = a.multiply(r.v)
        for j in 0..<3 {
            var res: Float = 0
            for i in 0..<a.rows { res += pow(av[i, j] - r.singularValues[j] * r.u[i, j], 2) }
            XCTAssertLessThan(res.squareRoot(), 0.05 * r.singularValues[j], "residual of triplet \(j)")
        }
    }

    func testTwoRunsAreByteIdentical() throws {
        let a = Support.randomSparse(rows: 3000, cols: 500, density: 0.01, seed: 13)
        let options = RandomizedSVD.Options(k: 20, oversampling: 8, powerIterations: 2, seed: 99)
        let r1 = try RandomizedSVD.compute(a, options: options)
        let r2 = try RandomizedSVD.compute(a, options: options)
        XCTAssertEqual(Support.bits(r1.u), Support.bits(r2.u))
        XCTAssertEqual(Support.bits(r1.v), Support.bits(r2.v))
        XCTAssertEqual(r1.singularValues.map(\.bitPattern), r2.singularValues.map(\.bitPattern))
        // A different seed gives a different sketch (yet close leading singular values).
        let r3 = try RandomizedSVD.compute(a, options: .init(k: 20, oversampling: 8, powerIterations: 2, seed: 100))
        XCTAssertNotEqual(Support.bits(r1.u), Support.bits(r3.u))
        XCTAssertEqual(r1.singularValues[0], r3.singularValues[0], accuracy: 1e-2 * r1.singularValues[0])
    }

    func testKGreaterThanRank() throws {
        // Rank 5.
        let s: [Float] = [4, 3, 2, 1, 0.5]
        let a = SparseMatrix(dense: try Support.withSpectrum(m: 60, n: 50, s: s, seed: 14))
        let r = try RandomizedSVD.compute(a, options: .init(k: 12, oversampling: 5, powerIterations: 2, seed: 3))
        assertWellFormed(r, m: 60, n: 50, rank: 12)
        for j in 0..<5 { XCTAssertEqual(r.singularValues[j], s[j], accuracy: 1e-3 * s[j]) }
        for j in 5..<12 { XCTAssertLessThan(r.singularValues[j], 1e-4) }
    }

    func testFewerRowsThanK() throws {
        // m = 25 < k = 40: min(k, m, n) = 25 components, which is then an exact full SVD.
        let dense = Support.gaussian(rows: 25, cols: 70, seed: 15)
        let r = try RandomizedSVD.compute(SparseMatrix(dense: dense), options: .init(k: 40, oversampling: 10, powerIterations: 1, seed: 4))
        assertWellFormed(r, m: 25, n: 70, rank: 25)
        let reference = try LAPACK.singularValues(dense)
        for j in 0..<25 { XCTAssertEqual(r.singularValues[j], reference[j], accuracy: 1e-4 * reference[0]) }
    }

    func testEmptyRowsAndColumns() throws {
        // A matrix with a planted spectrum, then interleaved with empty rows and columns.
        let s: [Float] = [6, 4, 2, 1]
        let core = try Support.withSpectrum(m: 40, n: 30, s: s, seed: 16)
        var dense = DenseMatrix(rows: 80, cols: 45)
        for i in 0..<40 { for j in 0..<30 { dense[2 * i, j + j / 2] = core[i, j] } }
        let a = SparseMatrix(dense: dense)
        let r = try RandomizedSVD.compute(a, options: .init(k: 6, oversampling: 6, powerIterations: 2, seed: 5))
        assertWellFormed(r, m: 80, n: 45, rank: 6)
        for j in 0..<4 { XCTAssertEqual(r.singularValues[j], s[j], accuracy: 1e-3 * s[j]) }
        // Empty rows of A have zero rows in the components with non-zero singular values.
        for i in stride(from: 1, to: 80, by: 2) { for j in 0..<4 { XCTAssertEqual(r.u[i, j], 0, accuracy: 1e-5) } }
    }

    func testAllZeroMatrix() throws {
        let a = SparseMatrix(rows: 30, cols: 20, rowPtr: [Int](repeating: 0, count: 31), colIdx: [], values: [])
        let r = try RandomizedSVD.compute(a, options: .init(k: 8, oversampling: 4, powerIterations: 2, seed: 6))
        assertWellFormed(r, m: 30, n: 20, rank: 8)
        XCTAssertEqual(r.singularValues, [Float](repeating: 0, count: 8))
    }

    func testEmptyMatrix() throws {
        let a = SparseMatrix(rows: 0, cols: 5, rowPtr: [0], colIdx: [], values: [])
        let r = try RandomizedSVD.compute(a, options: .init(k: 3))
        XCTAssertEqual(r.rank, 0)
        XCTAssertEqual(r.v.rows, 5)
    }

    func testProgressReportsStagesInOrder() throws {
        let a = Support.randomSparse(rows: 50, cols: 40, density: 0.1, seed: 17)
        var stages: [(String, Double)] = []
        _ = try RandomizedSVD.compute(a, options: .init(k: 5, oversampling: 2, powerIterations: 2, seed: 7)) {
            stages.append(($0, $1))
        }
        XCTAssertEqual(stages.first?.1, 0)
        XCTAssertEqual(stages.last?.0, "done")
        XCTAssertEqual(stages.last?.1, 1)
        XCTAssertEqual(stages.map(\.1), stages.map(\.1).sorted())
        // Two stages per power iteration (q = 2: the Gram product, the orthonormalization), two per Krylov block.
        XCTAssertEqual(stages.filter { $0.0.hasPrefix("power") }.count, 4)
        XCTAssertEqual(stages.filter { $0.0.hasPrefix("block") }.count, 2 * RandomizedSVD.krylovBlocks)
    }

    /// The sketch Aᵀ·Π (or A·Π) equals the product with the explicit sparse sign matrix Π built from the
    /// same picks, on both sides, and has no NaN for empty rows.
    func testSparseSignSketchMatchesExplicitProduct() {
        let tall = Support.randomSparse(rows: 90, cols: 40, density: 0.1, seed: 21)   // terms short: Aᵀ·Π
        let wide = Support.randomSparse(rows: 30, cols: 70, density: 0.1, seed: 22)   // documents short: A·Π
        for (a, termSide) in [(tall, true), (wide, false)] {
            let w = 21, seed: UInt64 = 9
            let longDim = termSide ? a.rows : a.cols
            var pi = DenseMatrix(rows: longDim, cols: w)
            for row in 0..<longDim {
                for t in 0..<RandomizedSVD.sketchNonZeros {
                    let (c, sign) = RandomizedSVD.pick(seed: seed, row: row, draw: t, width: w)
                    XCTAssertTrue((0..<w).contains(c))
                    pi[row, c] += sign
                }
            }
            let expected = termSide ? a.multiplyTransposed(pi) : a.multiply(pi)
            let zT = RandomizedSVD.sparseSignSketch(a, termSide: termSide, width: w, seed: seed)
            XCTAssertEqual(zT.rows, w)
            XCTAssertEqual(zT.cols, termSide ? a.cols : a.rows)
            for i in 0..<zT.cols {
                for c in 0..<w {
                    XCTAssertEqual(zT[c, i], expected[i, c], accuracy: 1e-5, "termSide \(termSide), (\(i), \(c))")
                }
            }
        }
        // Every column is used and both signs occur over many draws.
        var columns = Set<Int>(), signs = Set<Float>()
        for row in 0..<2000 { for t in 0..<RandomizedSVD.sketchNonZeros {
            let (c, s) = RandomizedSVD.pick(seed: 3, row: row, draw: t, width: 320)
            columns.insert(c); signs.insert(s)
        } }
        XCTAssertEqual(columns.count, 320)
        XCTAssertEqual(signs, [1, -1])
    }

    func testInvalidOptionsThrow() {
        let a = Support.randomSparse(rows: 5, cols: 5, density: 0.5, seed: 18)
        XCTAssertThrowsError(try RandomizedSVD.compute(a, options: .init(k: 0))) {
            XCTAssertEqual($0 as? PaperSearchError, .invalidOption(option: "k", value: "0", expected: "a positive number of dimensions"))
        }
        XCTAssertThrowsError(try RandomizedSVD.compute(a, options: .init(k: 2, oversampling: -1)))
        XCTAssertThrowsError(try RandomizedSVD.compute(a, options: .init(k: 2, powerIterations: -1)))
    }

    func testSignRuleTieTakesLowestIndex() {
        // Column 0: |−0.6| ties |0.6| → lowest index (row 0, negative) decides: flip. Column 1 already positive.
        var u = DenseMatrix(rows: 2, cols: 2, storage: [-0.6, 0.8, 0.6, 0.1])
        var v = DenseMatrix(rows: 1, cols: 2, storage: [1, 1])
        RandomizedSVD.applySignRule(u: &u, v: &v)
        XCTAssertEqual(u.storage, [0.6, 0.8, -0.6, 0.1])
        XCTAssertEqual(v.storage, [-1, 1])
    }
}
