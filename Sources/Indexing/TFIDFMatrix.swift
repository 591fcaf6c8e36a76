import Foundation
import Core
import TextAnalysis
import NumericKernels

/// The TF-IDF matrix of a fit: documents x kept terms, L2-normalised rows, CSR float32.
public struct TFIDFMatrix: Sendable {
    /// Column of each term id, or -1 when pruned by min_df / max_df.
    public let column: [Int32]
    /// idf per column.
    public let idf: [Float]
    /// Term id per column.
    public let termOfColumn: [UInt32]
    public let matrix: SparseMatrix
    /// Euclidean norm of each row before normalisation (0 for a document with no kept term).
    public let norms: [Float]

    /// Whole counts 0...tabulatedCounts get their sublinear weight from a table in `build`.
    static let tabulatedCounts = 255

    /// Builds the matrix from term counts: prune the vocabulary, weight, normalise.
    public static func build(_ counts: TermCounts, df: [Int32], minDF: Int, maxDFShare: Double) -> TFIDFMatrix {
        let n = counts.documentCount
        let maxDF = maxDFShare >= 1 ? Int.max : Int((maxDFShare * Double(n)).rounded(.down))
        // Keep terms with minDF <= df <= maxDF; term ids are alphabetical, so columns are too.
        var column = [Int32](repeating: -1, count: counts.terms.count)
        var idf: [Float] = []
        var termOfColumn: [UInt32] = []
        for t in 0..<counts.terms.count where Int(df[t]) >= minDF && Int(df[t]) <= maxDF {
            column[t] = Int32(idf.count)
            idf.append(TFIDFWeighting.idf(df: Int(df[t]), documents: n))
            termOfColumn.append(UInt32(t))
        }
        var rowPtr = [Int](repeating: 0, count: n + 1)
        var colIdx: [Int32] = []
        var values: [Float] = []
        var norms = [Float](repeating: 0, count: n)
        colIdx.reserveCapacity(counts.termIDs.count)
        values.reserveCapacity(counts.termIDs.count)
        // 1 + ln tf for the small whole counts that make up almost every entry, computed by the
        // same function (so bit-identical), instead of one logarithm per non-zero.
        let sublinear = (0...Self.tabulatedCounts).map { TFIDFWeighting.sublinear(Float($0)) }
        for d in 0..<n {
            let start = values.count
            var sum: Float = 0
            for i in counts.offsets[d]..<counts.offsets[d + 1] {
                let c = column[Int(counts.termIDs[i])]
                guard c >= 0 else { continue }
                // w = (1 + ln tf) * idf
                let tf = counts.weights[i]
                let whole = Int(exactly: tf) ?? -1
                let s = whole >= 0 && whole <= Self.tabulatedCounts ? sublinear[whole] : TFIDFWeighting.sublinear(tf)
                let w = s * idf[Int(c)]
                colIdx.append(c)
                values.append(w)
                sum += w * w
            }
            let norm = sum.squareRoot()
            norms[d] = norm
            if norm > 0 {
                let inv = 1 / norm
                for i in start..<values.count { values[i] *= inv }
            }
            rowPtr[d + 1] = values.count
        }
        let matrix = SparseMatrix(rows: n, cols: idf.count, rowPtr: rowPtr, colIdx: colIdx, values: values)
        return TFIDFMatrix(column: column, idf: idf, termOfColumn: termOfColumn, matrix: matrix, norms: norms)
    }
}
