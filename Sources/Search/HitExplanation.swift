import Store
/// Why a paper ranked where it did (`--explain`).
///
/// Term attribution (every number is an exact additive share of a component score):
/// - `bm25`: the term's BM25 summand idf * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)); they
///   sum to the paper's BM25 score.
/// - `lsa`: the LSA cosine is linear in the query's TF-IDF weights: with x = q V_k / ||q V_k||,
///   cos = x . e = sum_t q_t (v_t . e) / ||q V_k||, so term t's share is q_t (v_t . e) / ||q V_k||
///   (v_t: the term's row of V_k, e: the paper's unit embedding); the shares sum to the cosine
///   and can be negative. For `related` q is the source paper's TF-IDF vector.
/// - `tfidf`: q_t w_td / ||d||, the term's summand of the TF-IDF cosine.
/// - `contribution`: the term's share of the ranking score in the search mode: the component
///   share itself for bm25, tfidf and lsa; for hybrid bm25 / std(BM25) + alpha lsa / std(cos),
///   the share of z(BM25) + alpha z(cos) before the constant mean shifts.
/// Concepts: the latent components j with the largest products x_j e_j (the terms of the
/// cosine sum over components), each named by the terms with the largest positive and negative
/// entries of V_k's column j (SVD signs are arbitrary: both ends are shown).
public struct HitExplanation: Codable, Sendable, Equatable {
    public struct Term: Codable, Sendable, Equatable {
        public var term: String
        /// Whether the paper contains the term.
        public var shared: Bool
        public var contribution: Float
        public var bm25: Float?
        public var lsa: Float?
        public var tfidf: Float?
    }

    public struct Concept: Codable, Sendable, Equatable {
        /// Component index (0-based, in singular value order).
        public var component: Int
        /// x_j e_j.
        public var contribution: Float
        /// "+" when the query and the paper both lie on the positive end of the component
        /// (x_j, e_j > 0), "-" for the negative end: the end whose terms describe the match.
        public var side: String
        public var positive: [String]
        public var negative: [String]
    }

    /// Terms by decreasing |contribution| (at most 8).
    public var terms: [Term]
    /// Concepts by decreasing contribution (at most 3).
    public var concepts: [Concept]
}
