/// How component scores combine into the ranking score: hybrid is z-score fusion
/// z(BM25) + alpha z(cosine) (statistics over the live rows); otherwise the single score.
struct Fusion {
    var alpha: Float
    var bm25: ScoreStatistics? = nil
    var cosine: ScoreStatistics? = nil
    var cosineOnly = false

    func score(bm25 b: Float?, cosine c: Float?) -> Float {
        if let zb = bm25, let zc = cosine, let b, let c { return zb.z(b) + alpha * zc.z(c) }
        return b ?? c ?? 0
    }

    /// Bound on the fused score's change when the cosine changes by at most `delta` (linear).
    func bound(_ delta: Float) -> Float {
        if let zc = cosine, bm25 != nil { return alpha * delta / (zc.std + 1e-9) }
        return delta
    }

    /// The fused score of every row in one pass, as b / std_b + c alpha / std_c - shift (the
    /// approximate scores the ranking bounds; `score` is the exact form of each kept row).
    func fused(bm25: [Float]?, cosine: [Float]?, rows: Int) -> [Float] {
        if let b = bm25, let c = cosine, let zb = self.bm25, let zc = self.cosine {
            var fused = [Float](repeating: 0, count: rows)
            let ib = 1 / (zb.std + 1e-9), ic = alpha / (zc.std + 1e-9)
            let shift = zb.mean * ib + zc.mean * ic
            for i in 0..<rows { fused[i] = b[i] * ib + c[i] * ic - shift }
            return fused
        }
        return bm25 ?? cosine ?? [Float](repeating: 0, count: rows)
    }

    /// A hybrid term's share of the fused score before the constant mean shifts:
    /// bm25 / std(BM25) + alpha lsa / std(cos).
    func hybridShare(bm25 b: Float?, lsa c: Float?) -> Float {
        let sb = (b ?? 0) / ((bm25?.std ?? 1) + 1e-9)
        let sc = alpha * (c ?? 0) / ((cosine?.std ?? 1) + 1e-9)
        return sb + sc
    }
}

/// Mean and standard deviation of a score vector, for z-score fusion (accumulated in Double).
struct ScoreStatistics {
    let mean: Float
    let std: Float

    init(_ scores: [Float], skipping dead: Set<Int>) {
        var sum = 0.0, sumSquares = 0.0, n = 0.0
        if dead.isEmpty {
            for s in scores {
                sum += Double(s)
                sumSquares += Double(s) * Double(s)
            }
            n = Double(scores.count)
        } else {
            for (i, s) in scores.enumerated() where !dead.contains(i) {
                sum += Double(s)
                sumSquares += Double(s) * Double(s)
                n += 1
            }
        }
        let mean = n > 0 ? sum / n : 0
        self.mean = Float(mean)
        std = Float((max(0, sumSquares / max(n, 1) - mean * mean)).squareRoot())
    }

    @inline(__always)
    func z(_ x: Float) -> Float { (x - mean) / (std + 1e-9) }
}
