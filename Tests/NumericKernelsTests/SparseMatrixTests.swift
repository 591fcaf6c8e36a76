import XCTest
@testable import NumericKernels

final class SparseMatrixTests: XCTestCase {
    /// Naive dense reference of A·B accumulated in Double.
    private func reference(_ a: SparseMatrix, _ b: DenseMatrix) -> [Double] {
        let d = a.toDense()
        var out = [Double](repeating: 0, count: a.rows * b.cols)
        for i in 0..<a.rows { for j in 0..<a.cols where d[i, j] != 0 { for t in 0..<b.cols {
            out[i * b.cols + t] += Double(d[i, j]) * Double(b[j, t])
        } } }
        return out
    }

    /// Naive dense reference of Aᵀ·B accumulated in Double.
    private func referenceTransposed(_ a: SparseMatrix, _ b: DenseMatrix) -> [Double] {
        let d = a.toDense()
        var out = [Double](repeating: 0, count: a.cols * b.cols)
        for i in 0..<a.rows { for j in 0..<a.cols where d[i, j] != 0 { for t in 0..<b.cols {
            out[j * b.cols + t] += Double(d[i, j]) * Double(b[i, t])
        } } }
        return out
    }

    private func assertClose(_ c: DenseMatrix, _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(c.storage.count, expected.count, file: file, line: line)
        for (x, y) in zip(c.storage, expected) {
            XCTAssertEqual(Double(x), y, accuracy: 1e-5 * max(1, abs(y)), file: file, line: line)
        }
    }

    func testProductsMatchDenseReferenceInBothLayouts() {
        let a = NumericsTestSupport.randomSparse(rows: 301, cols: 157, density: 0.05, seed: 1)
        // Widths exercising whole 16-column slices, a partial slice, and both.
        for l in [1, 5, 16, 37, 80] {
            let b = NumericsTestSupport.gaussian(rows: 157, cols: l, seed: UInt64(l))
            let c = a.multiply(b)
            XCTAssertEqual(c.rows, 301)
            XCTAssertEqual(c.cols, l)
            assertClose(c, reference(a, b))
            // Column-major operands give the same bytes, transposed.
            var cT = DenseMatrix(rows: 0, cols: 0)
            a.multiply(columnMajor: b.transposed(), into: &cT)
            XCTAssertEqual(NumericsTestSupport.bits(cT), NumericsTestSupport.bits(c.transposed()), "l = \(l)")

            let q = NumericsTestSupport.gaussian(rows: 301, cols: l, seed: UInt64(100 + l))
            let z = a.multiplyTransposed(q)
            XCTAssertEqual(z.rows, 157)
            assertClose(z, referenceTransposed(a, q))
            var zT = DenseMatrix(rows: l, cols: 157, storage: [Float](repeating: 7, count: l * 157))
            a.multiplyTransposed(columnMajor: q.transposed(), into: &zT)
            XCTAssertEqual(NumericsTestSupport.bits(zT), NumericsTestSupport.bits(z.transposed()), "l = \(l)")
            // The scatter product sums in the same order as a product with the explicit transpose.
            XCTAssertEqual(NumericsTestSupport.bits(z), NumericsTestSupport.bits(a.transposed().multiply(q)), "l = \(l)")
        }
    }

    func testGramProductEqualsTheTwoProductsExactly() {
        // Column 3 and rows 0 and 7 empty, a partial slice (l = 21) and whole ones (l = 32).
        var a = NumericsTestSupport.randomSparse(rows: 211, cols: 97, density: 0.08, seed: 5)
        let d = a.toDense()
        var e = d
        for i in 0..<d.rows { e[i, 3] = 0 }
        for j in 0..<d.cols { e[0, j] = 0; e[7, j] = 0 }
        a = SparseMatrix(dense: e)
        for l in [1, 16, 21, 32] {
            let zT = NumericsTestSupport.gaussian(rows: l, cols: 97, seed: UInt64(200 + l))
            var yT = DenseMatrix(rows: 0, cols: 0), twoStep = DenseMatrix(rows: 0, cols: 0)
            a.multiply(columnMajor: zT, into: &yT)
            a.multiplyTransposed(columnMajor: yT, into: &twoStep)
            // A reused output full of garbage is overwritten.
            var fused = DenseMatrix(rows: l, cols: 97, storage: [Float](repeating: 5, count: l * 97))
            a.multiplyGram(columnMajor: zT, into: &fused)
            XCTAssertEqual(NumericsTestSupport.bits(fused), NumericsTestSupport.bits(twoStep), "l = \(l)")
            // And against the dense reference AᵀA·Z in double.
            let z = zT.transposed()
            let az = reference(a, z)
            let azMatrix = DenseMatrix(rows: 211, cols: l, storage: az.map { Float($0) })
            assertClose(fused.transposed(), referenceTransposed(a, azMatrix))
            for t in 0..<l { XCTAssertEqual(fused[t, 3], 0, "empty column 3 gives a zero row of AᵀA·Z") }
        }
    }

    func testTransposed() {
        let a = NumericsTestSupport.randomSparse(rows: 60, cols: 45, density: 0.1, seed: 2)
        let t = a.transposed()
        XCTAssertEqual(t.rows, 45)
        XCTAssertEqual(t.cols, 60)
        XCTAssertEqual(t.nonZeroCount, a.nonZeroCount)
        XCTAssertEqual(t.toDense(), a.toDense().transposed())
        // Rows of Aᵀ are sorted by row of A, and transposing twice gives A back (A's rows are sorted).
        for j in 0..<t.rows {
            let cols = t.colIdx[t.rowPtr[j]..<t.rowPtr[j + 1]]
            XCTAssertEqual(Array(cols), cols.sorted())
        }
        XCTAssertEqual(t.transposed(), a)
    }

    func testEmptyRowsColumnsAndReusedOutput() {
        // Rows 0 and 2 and column 1 are empty.
        let a = SparseMatrix(rows: 4, cols: 3, rowPtr: [0, 0, 2, 2, 3], colIdx: [0, 2, 2], values: [1, 2, 3])
        let b = DenseMatrix(rows: 3, cols: 2, storage: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(a.multiply(b), DenseMatrix(rows: 4, cols: 2, storage: [0, 0, 11, 14, 0, 0, 15, 18]))
        // A reused output buffer full of garbage must be overwritten, not accumulated into.
        var cT = DenseMatrix(rows: 4, cols: 2, storage: [Float](repeating: 9, count: 8))
        a.multiply(columnMajor: b.transposed(), into: &cT)
        XCTAssertEqual(cT, DenseMatrix(rows: 2, cols: 4, storage: [0, 11, 0, 15, 0, 14, 0, 18]))
        // Aᵀ·X with X = [1 2; 3 4; 5 6; 7 8]: column 1 of the result is zero (empty column of A).
        let x = DenseMatrix(rows: 4, cols: 2, storage: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(a.multiplyTransposed(x), DenseMatrix(rows: 3, cols: 2, storage: [3, 4, 0, 0, 27, 32]))
        XCTAssertEqual(a.transposed().toDense(), a.toDense().transposed())
    }

    func testNoNonZeros() {
        let a = SparseMatrix(rows: 3, cols: 2, rowPtr: [0, 0, 0, 0], colIdx: [], values: [])
        var cT = DenseMatrix(rows: 4, cols: 3, storage: [Float](repeating: 1, count: 12))
        a.multiply(columnMajor: DenseMatrix(rows: 4, cols: 2), into: &cT)
        XCTAssertEqual(cT, DenseMatrix(rows: 4, cols: 3))
        var zT = DenseMatrix(rows: 4, cols: 2, storage: [Float](repeating: 1, count: 8))
        a.multiplyTransposed(columnMajor: DenseMatrix(rows: 4, cols: 3), into: &zT)
        XCTAssertEqual(zT, DenseMatrix(rows: 4, cols: 2))
        XCTAssertEqual(a.transposed().rows, 2)
        XCTAssertEqual(a.transposed().rowPtr, [0, 0, 0])
    }

    func testProductIsDeterministic() {
        let a = NumericsTestSupport.randomSparse(rows: 2000, cols: 300, density: 0.03, seed: 5)
        let b = NumericsTestSupport.gaussian(rows: 300, cols: 48, seed: 6)
        XCTAssertEqual(NumericsTestSupport.bits(a.multiply(b)), NumericsTestSupport.bits(a.multiply(b)))
        let q = NumericsTestSupport.gaussian(rows: 2000, cols: 48, seed: 7)
        XCTAssertEqual(NumericsTestSupport.bits(a.multiplyTransposed(q)), NumericsTestSupport.bits(a.multiplyTransposed(q)))
    }
}
