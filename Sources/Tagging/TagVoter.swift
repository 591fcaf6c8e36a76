import Foundation

/// Similarity-weighted kNN voting of tags (multi-label kNN in the style of Yang 1999,
/// "An evaluation of statistical approaches to text categorization"; the normalisation by the
/// total weight follows ../shared/peers/arxiv_peer.py).
///
/// For neighbours n with similarity s_n and weight w_n = max(s_n, 0)^p, the confidence of a
/// tag t (w_n times a recency factor 0.5^(age/half-life) when a half-life is set) is sum over
/// neighbours carrying t of w_n, divided by the sum of all w_n. Tags with
/// confidence >= threshold are suggested, the best tag always (when any weight is positive),
/// at most `top` of them, by confidence then name.
public enum TagVoter {
    /// One neighbour of a paper: its index among the candidates and its cosine similarity.
    public struct Neighbour: Sendable, Equatable {
        public var candidate: Int
        public var similarity: Float
        /// Extra factor on the vote weight (recency decay; 1 when off).
        public var factor: Float
        public init(candidate: Int, similarity: Float, factor: Float = 1) {
            self.candidate = candidate
            self.similarity = similarity
            self.factor = factor
        }
    }

    /// One voted tag: its id, confidence, and the neighbours carrying it, most similar first
    /// (at most `evidence`, as positions in the neighbour list).
    public struct Vote: Sendable, Equatable {
        public var tag: Int
        public var confidence: Float
        public var supporters: [Int]
    }

    /// Votes for one paper. `tags(candidate)` gives a candidate's tag ids (numbered in name
    /// order, so ties go to the first name). `neighbours` must be sorted by similarity, highest first.
    public static func vote(_ neighbours: [Neighbour], tags: (Int) -> [Int32], options: TaggingOptions) -> [Vote] {
        let all = scores(neighbours, tags: tags, power: options.power)
        guard let best = all.first, best.confidence > 0 else { return [] }
        var chosen = [best]
        for vote in all.dropFirst() where chosen.count < options.top && vote.confidence >= options.threshold {
            chosen.append(vote)
        }
        return chosen.map { vote in
            var v = vote
            v.supporters = Array(v.supporters.prefix(options.evidence))
            return v
        }
    }

    /// Every tag any neighbour carries with its confidence, best first (ties by tag id, which
    /// callers number in name order), supporters complete.
    public static func scores(_ neighbours: [Neighbour], tags: (Int) -> [Int32], power: Float) -> [Vote] {
        var total: Float = 0
        var sums: [Int32: Float] = [:]
        var supporters: [Int32: [Int]] = [:]
        for (position, neighbour) in neighbours.enumerated() {
            let w = weight(neighbour.similarity, power: power) * neighbour.factor
            total += w
            for tag in tags(neighbour.candidate) {
                sums[tag, default: 0] += w
                supporters[tag, default: []].append(position)
            }
        }
        guard total > 0 else { return [] }
        var votes = sums.map { Vote(tag: Int($0.key), confidence: $0.value / total, supporters: supporters[$0.key] ?? []) }
        votes.sort { $0.confidence > $1.confidence || ($0.confidence == $1.confidence && $0.tag < $1.tag) }
        return votes
    }

    @inline(__always)
    static func weight(_ similarity: Float, power: Float) -> Float {
        let s = max(similarity, 0)
        if power == 1 { return s }
        if power == 0 { return s > 0 ? 1 : 0 }
        return pow(s, power)
    }
}
