import Foundation

/// The TF-IDF weighting shared by the fit, fold-in of new papers and queries (as sklearn's
/// `TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm="l2")`):
/// w(t, d) = (1 + ln tf(t, d)) * idf(t), idf(t) = ln((1 + N) / (1 + df(t))) + 1, then the
/// row is L2-normalised. Weighted counts below 1 (a title weight < 1) count as 1.
public enum TFIDFWeighting {
    /// Smoothed inverse document frequency for a term in `df` of `n` documents.
    @inline(__always)
    public static func idf(df: Int, documents n: Int) -> Float {
        Float(log(Double(1 + n) / Double(1 + df)) + 1)
    }

    /// Sublinear term frequency.
    @inline(__always)
    public static func sublinear(_ tf: Float) -> Float {
        1 + log(max(tf, 1))
    }
}
