import XCTest
@testable import Core
@testable import NumericKernels

final class LAPACKTests: XCTestCase {
    func testThinQRIsOrthonormalAndSpansA() throws {
        let a = NumericsTestSupport.gaussian(rows: 120, cols: 17, seed: 10)
        var q = a
        try LAPACK.thinQR(&q)
        XCTAssertLessThan(NumericsTestSupport.orthonormalityError(q), 1e-5)
        // Q·Qᵀ·A = A: the columns of A lie in range(Q).
        let proj = BLAS.multiply(q, BLAS.multiply(q, transposeA: true, a))
        for (x, y) in zip(proj.storage, a.storage) { XCTAssertEqual(x, y, accuracy: 1e-4) }
        // The column-major wrapper gives the same Q (same Householder arithmetic, no copies).
        var qT = a.transposed()
        try LAPACK.thinQR(columnMajor: &qT)
        XCTAssertEqual(qT.rows, 17)
        for (x, y) in zip(qT.transposed().storage, q.storage) { XCTAssertEqual(x, y, accuracy: 1e-6) }
    }

    func testThinQROfZeroMatrixIsOrthonormal() throws {
        var qT = DenseMatrix(rows: 4, cols: 10)
        try LAPACK.thinQR(columnMajor: &qT)
        NumericsTestSupport.assertFinite(qT)
        XCTAssertLessThan(NumericsTestSupport.orthonormalityError(qT.transposed()), 1e-6)
    }

    func testCholeskyQR2IsOrthonormalAndSpansA() throws {
        // Column-major 150×20 block with condition number ~10³ (columns scaled 1 … 10⁻³).
        var a = NumericsTestSupport.gaussian(rows: 150, cols: 20, seed: 21)
        for i in 0..<150 { for j in 0..<20 { a[i, j] *= Float(pow(10, -3 * Double(j) / 19)) } }
        var qT = a.transposed()
        try LAPACK.orthonormalize(columnMajor: &qT)
        let q = qT.transposed()
        XCTAssertLessThan(NumericsTestSupport.orthonormalityError(q), 1e-5)
        // Q·Qᵀ·A = A: same column space.
        let proj = BLAS.multiply(q, BLAS.multiply(q, transposeA: true, a))
        for (x, y) in zip(proj.storage, a.storage) { XCTAssertEqual(x, y, accuracy: 1e-4) }
    }

    func testCholeskyQR2FallsBackOnRankDeficientBlocks() throws {
        // A zero block and a block with two equal columns: Cholesky fails, Householder takes over.
        var zero = DenseMatrix(rows: 3, cols: 12)
        try LAPACK.orthonormalize(columnMajor: &zero)
        NumericsTestSupport.assertFinite(zero)
        XCTAssertLessThan(NumericsTestSupport.orthonormalityError(zero.transposed()), 1e-6)
        var twin = NumericsTestSupport.gaussian(rows: 3, cols: 40, seed: 22)
        for t in 0..<40 { twin[1, t] = twin[0, t] }
        try LAPACK.orthonormalize(columnMajor: &twin)
        NumericsTestSupport.assertFinite(twin)
        XCTAssertLessThan(NumericsTestSupport.orthonormalityError(twin.transposed()), 1e-5)
    }

    func testSymmetricEigenOfKnownSpectrum() throws {
        // A = Q·diag(λ)·Qᵀ with λ = −2, 0, 1, 3, 7, 7.5: values ascending, A·x = λ·x.
        let lambda: [Double] = [3, -2, 7.5, 0, 1, 7]
        let n = lambda.count
        let q = try NumericsTestSupport.orthonormal(rows: n, cols: n, seed: 23)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for t in 0..<n { a[i * n + j] += Double(q[i, t]) * lambda[t] * Double(q[j, t]) } } }
        let (values, vectors) = try LAPACK.symmetricEigen(a, n: n)
        for (x, y) in zip(values, lambda.sorted()) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        for e in 0..<n {
            for i in 0..<n {
                var ax = 0.0
                for j in 0..<n { ax += a[i * n + j] * vectors[e * n + j] }
                XCTAssertEqual(ax, values[e] * vectors[e * n + i], accuracy: 1e-5)
            }
        }
    }

    func testThinAndFullSVDReconstruct() throws {
        for (m, n) in [(30, 12), (12, 30), (9, 9)] {
            let a = NumericsTestSupport.gaussian(rows: m, cols: n, seed: UInt64(m * 100 + n))
            for full in [false, true] {
                let (u, s, vt) = try LAPACK.svd(a, full: full)
                let r = min(m, n)
                XCTAssertEqual(s.count, r)
                XCTAssertEqual(u.rows, m)
                XCTAssertEqual(u.cols, full ? m : r)
                XCTAssertEqual(vt.rows, full ? n : r)
                XCTAssertEqual(vt.cols, n)
                XCTAssertEqual(s, s.sorted(by: >))
                XCTAssertLessThan(NumericsTestSupport.orthonormalityError(u), 1e-5)
                XCTAssertLessThan(NumericsTestSupport.orthonormalityError(vt.transposed()), 1e-5)
                // U[:, :r]·diag(s)·Vᵀ[:r, :] = A.
                var us = u.leadingColumns(r)
                for i in 0..<m { for j in 0..<r { us[i, j] *= s[j] } }
                let vtr = DenseMatrix(rows: r, cols: n, storage: Array(vt.storage.prefix(r * n)))
                let back = BLAS.multiply(us, vtr)
                for (x, y) in zip(back.storage, a.storage) { XCTAssertEqual(x, y, accuracy: 1e-4) }
            }
            let values = try LAPACK.singularValues(a)
            for (x, y) in zip(values, try LAPACK.svd(a).s) { XCTAssertEqual(x, y, accuracy: 1e-5 * max(1, y)) }
        }
    }

    func testColumnMajorSVDMatchesRowMajor() throws {
        let a = NumericsTestSupport.gaussian(rows: 40, cols: 11, seed: 21)
        let ref = try LAPACK.svd(a)
        var uT = a.transposed()
        let (s, v) = try LAPACK.svdInPlace(columnMajor: &uT)
        XCTAssertEqual(uT.rows, 11)
        XCTAssertEqual(uT.cols, 40)
        XCTAssertEqual(v.rows, 11)
        for (x, y) in zip(s, ref.s) { XCTAssertEqual(x, y, accuracy: 1e-5 * ref.s[0]) }
        // Same triplets up to sign: |⟨uⱼ, u_refⱼ⟩| = |⟨vⱼ, v_refⱼ⟩| = 1.
        let u = uT.transposed()
        let vRef = ref.vt.transposed()
        for j in 0..<11 {
            XCTAssertEqual(abs(BLAS.dot(u.column(j), ref.u.column(j))), 1, accuracy: 1e-4)
            XCTAssertEqual(abs(BLAS.dot(v.column(j), vRef.column(j))), 1, accuracy: 1e-4)
        }
    }

    func testKnownSingularValues() throws {
        let s: [Float] = [5, 3, 1, 0.5]
        let a = try NumericsTestSupport.withSpectrum(m: 20, n: 10, s: s, seed: 3)
        let values = try LAPACK.singularValues(a)
        for j in 0..<4 { XCTAssertEqual(values[j], s[j], accuracy: 1e-5) }
        for j in 4..<10 { XCTAssertLessThan(values[j], 1e-5) }
    }

    func testNaNInputThrowsLapackError() {
        var a = DenseMatrix(rows: 3, cols: 3)
        a[1, 1] = .nan
        XCTAssertThrowsError(try LAPACK.svd(a)) { error in
            guard case PaperSearchError.lapack(let routine, let info) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(routine, "sgesdd")
            XCTAssertLessThan(info, 0)
        }
    }

    func testBLASWrappers() {
        XCTAssertEqual(BLAS.dot([1, 2, 3], [4, 5, 6]), 32)
        XCTAssertEqual(BLAS.norm([3, 4]), 5)
        var y: [Float] = [1, 1]
        let x: [Float] = [2, 3]
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                BLAS.saxpy(2, 2, px.baseAddress!, 1, py.baseAddress!, 1)
                BLAS.sscal(2, 0.5, py.baseAddress!, 1)
            }
        }
        XCTAssertEqual(y, [2.5, 3.5])
        let a = DenseMatrix(rows: 2, cols: 3, storage: [1, 2, 3, 4, 5, 6])
        var out: [Float] = [0, 0]
        a.storage.withUnsafeBufferPointer { pa in
            [Float(1), 1, 1].withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { po in
                    BLAS.sgemv(transpose: false, m: 2, n: 3, alpha: 1, a: pa.baseAddress!, lda: 3,
                               x: px.baseAddress!, beta: 0, y: po.baseAddress!)
                }
            }
        }
        XCTAssertEqual(out, [6, 15])
        XCTAssertEqual(BLAS.multiply(a, a, transposeB: true), DenseMatrix(rows: 2, cols: 2, storage: [14, 32, 32, 77]))
        XCTAssertEqual(BLAS.multiply(a, transposeA: true, a).rows, 3)
    }

    func testThreadCountControl() throws {
        guard BLAS.canSetThreadCount, let before = BLAS.threadCount else {
            throw XCTSkip("BLAS is not OpenBLAS: thread count not settable")
        }
        BLAS.withThreadCount(1) { XCTAssertEqual(BLAS.threadCount, 1) }
        XCTAssertEqual(BLAS.threadCount, before)
    }
}
