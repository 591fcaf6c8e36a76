/// Everything needed to interpret a stored LSA model; persisted as JSON in `lsa_model`.
///
/// Conventions (Deerwester et al. 1990, with the scaling sklearn's TruncatedSVD uses):
/// the TF-IDF matrix A (documents x terms) is approximated by U_k S_k V_k^T. A document or
/// query with L2-normalised TF-IDF row a is folded in as a V_k (= u S_k for fitted
/// documents), then L2-normalised; the stored `projection` of each term is its row of V_k.
public struct ModelMetadata: Codable, Sendable, Equatable {
    /// Requested and actual number of latent components.
    public var k: Int
    public var oversampling: Int
    public var powerIterations: Int
    public var seed: UInt64
    public var analyzer: AnalyzerOptions
    public var titleWeight: Float
    public var minDF: Int
    public var maxDFShare: Double
    /// Terms kept for TF-IDF / LSA (columns of A).
    public var lsaVocabularySize: Int
    /// All analysed terms (BM25 postings cover them all).
    public var termCount: Int
    /// Papers in the fit (rows of A).
    public var fittedCount: Int
    /// All rows, fitted and folded in.
    public var rowCount: Int
    /// Papers folded in by `add` since the fit.
    public var foldedCount: Int
    /// Sum over folded papers of ||a V_k||^2 / ||a||^2 (share of the TF-IDF norm captured).
    public var foldedCapturedSum: Double
    /// The same share averaged over the fitted papers: sum(S^2) / fitted papers with terms.
    public var fittedCapturedMean: Double
    /// Sum of BM25 document lengths over live rows (avgdl = totalLength / live rows).
    public var totalLength: Double
    /// Next postings segment number.
    public var nextSegment: Int
    public var chunkRows: Int
    public var createdAt: String
    public var toolVersion: String
    public var fitSeconds: Double

    /// Mean captured share of the folded papers, when there are any.
    public var foldedCapturedMean: Double? {
        foldedCount > 0 ? foldedCapturedSum / Double(foldedCount) : nil
    }

    public init(k: Int, oversampling: Int, powerIterations: Int, seed: UInt64, analyzer: AnalyzerOptions, titleWeight: Float, minDF: Int, maxDFShare: Double, lsaVocabularySize: Int, termCount: Int, fittedCount: Int, rowCount: Int, foldedCount: Int, foldedCapturedSum: Double, fittedCapturedMean: Double, totalLength: Double, nextSegment: Int, chunkRows: Int, createdAt: String, toolVersion: String, fitSeconds: Double) {
        self.k = k
        self.oversampling = oversampling
        self.powerIterations = powerIterations
        self.seed = seed
        self.analyzer = analyzer
        self.titleWeight = titleWeight
        self.minDF = minDF
        self.maxDFShare = maxDFShare
        self.lsaVocabularySize = lsaVocabularySize
        self.termCount = termCount
        self.fittedCount = fittedCount
        self.rowCount = rowCount
        self.foldedCount = foldedCount
        self.foldedCapturedSum = foldedCapturedSum
        self.fittedCapturedMean = fittedCapturedMean
        self.totalLength = totalLength
        self.nextSegment = nextSegment
        self.chunkRows = chunkRows
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.fitSeconds = fitSeconds
    }
}
