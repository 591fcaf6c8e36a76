/// An entry of the final ranking with its component scores.
struct RankedEntry {
    var row: Int
    var pid: Int64
    var score: Float
    var bm25: Float?
    var cosine: Float?
}

extension QueryEngine {
    /// The `limit` best eligible rows (ties by pid). With approximate (int8) cosines this is
    /// exact all the same: every row whose upper bound reaches the limit-th best lower bound is
    /// re-scored with its float32 embedding (read one row at a time), and only re-scored rows rank.
    func rank(limit: Int, bm25: [Float]?, cosine: CosineScores?, fusion: Fusion, eligible: (Int) -> Bool,
              skipZero: Bool) throws -> [RankedEntry] {
        let rows = documents.count
        guard let cosine, let bound = cosine.bound else {
            var topK = TopK(k: limit)
            for i in 0..<rows where eligible(i) {
                let score = fusion.score(bm25: bm25?[i], cosine: cosine?.values[i])
                if skipZero && score == 0 { continue }
                topK.offer(row: i, key: documents.pids[i], score: score)
            }
            return topK.entries.map {
                RankedEntry(row: $0.row, pid: $0.key, score: $0.score, bm25: bm25?[$0.row], cosine: cosine?.values[$0.row])
            }
        }
        // Fused (approximate) scores in one pass; lower bounds: the limit-th best is a
        // threshold no excluded row can reach.
        let fused = fusion.fused(bm25: bm25, cosine: cosine.values, rows: rows)
        let scale = fusion.bound(bound.factor)
        var lower = TopK(k: limit)
        for i in 0..<rows where eligible(i) {
            lower.offer(row: i, key: documents.pids[i], score: fused[i] - scale * bound.scales[i])
        }
        var threshold = lower.entries.count == limit ? (lower.entries.last?.score ?? -Float.infinity) : -Float.infinity
        // Slack for the float rounding between `fused` and `fusion.score`.
        threshold -= 1e-4 * max(1, abs(threshold))
        var candidates: [Int] = []
        for i in 0..<rows where fused[i] + scale * bound.scales[i] >= threshold && eligible(i) {
            candidates.append(i)
        }
        let exact = try exactCosines(cosine.vector, rows: candidates)
        var topK = TopK(k: limit)
        for (n, i) in candidates.enumerated() {
            topK.offer(row: i, key: documents.pids[i], score: fusion.score(bm25: bm25?[i], cosine: exact[n]))
        }
        let exactByRow = Dictionary(uniqueKeysWithValues: zip(candidates, exact))
        return topK.entries.map {
            RankedEntry(row: $0.row, pid: $0.key, score: $0.score, bm25: bm25?[$0.row], cosine: exactByRow[$0.row])
        }
    }

    /// Exact cosines of `rows` with the unit vector `x`.
    func exactCosines(_ x: [Float], rows: [Int]) throws -> [Float] {
        try embeddingRows(rows).map { e in latent.cosine(x, e) }
    }

    /// The float32 embeddings of `rows` (from memory, or one BLOB read each on an int8 index).
    func embeddingRows(_ rows: [Int]) throws -> [[Float]] {
        let k = metadata.k
        if codes == nil {
            return rows.map { Array(documents.embeddings[($0 * k)..<(($0 + 1) * k)]) }
        }
        return try store.embeddingRows(rows, reader: rowReader, model: version)
    }
}
