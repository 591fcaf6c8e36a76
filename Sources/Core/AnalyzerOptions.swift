/// How text becomes index terms. Stored with every model (Codable) so that queries are analysed
/// exactly like the documents were; see `Analyzer` for the full tokenization policy.
public struct AnalyzerOptions: Sendable, Hashable, Codable {
    /// Which tokenizer runs.
    public enum Tokenization: String, Sendable, Hashable, Codable, CaseIterable {
        /// papersearch's own tokenizer (the default): diacritic folding, hyphen compounds,
        /// LaTeX/URL/e-mail handling, CJK bigrams. Policy in `Analyzer`'s header.
        case standard
        /// scikit-learn's default: `re.findall(r"(?u)\b\w\w+\b", text.lower())`, nothing else.
        /// Only `stopWords`, `stem`, `minTokenLength` and `maxTokenBytes` apply on top of it.
        case sklearn
    }

    /// Which stop words are dropped (looked up before stemming).
    public enum StopWordList: String, Sendable, Hashable, Codable, CaseIterable {
        /// `StopWords.english`: papersearch's own linguistic list.
        case english
        /// `StopWords.sklearn`: scikit-learn's `ENGLISH_STOP_WORDS`.
        case sklearn
        /// Keep every token.
        case none
    }

    /// Bumped whenever the standard tokenizer's output changes for some input, so that a stored
    /// model built by an older policy can be detected (compare with `policyVersion`).
    public static let currentPolicyVersion = 1

    /// The tokenizer.
    public var tokenization: Tokenization = .standard
    /// Stem with Snowball English (after stop-word removal).
    public var stem: Bool = true
    /// The stop-word list.
    public var stopWords: StopWordList = .english
    /// Standard tokenizer: fold Latin diacritics (`é` -> `e`, `ß` -> `ss`); when false, Latin-1
    /// and Latin Extended-A letters are only lowercased.
    public var foldDiacritics: Bool = true
    /// Standard tokenizer: index each run of CJK characters as overlapping character bigrams
    /// (a one-character run as that character). When false, a run is one token (and is dropped
    /// like any token longer than `maxTokenBytes`).
    public var cjkBigrams: Bool = true
    /// Tokens with fewer characters (Unicode scalars after folding) are dropped. CJK unigrams of
    /// one-character runs are exempt.
    public var minTokenLength: Int = 2
    /// Tokens with more UTF-8 bytes (after folding) are dropped, not truncated: such tokens are
    /// DNA strings, hashes, base64 or glued words, and a truncated prefix would be a fake word.
    /// `nil` keeps every length (sklearn does).
    public var maxTokenBytes: Int? = 64
    /// The policy version the options were created under; see `currentPolicyVersion`.
    public var policyVersion: Int = AnalyzerOptions.currentPolicyVersion

    /// The default analyzer: standard tokenizer, English stop words, Snowball stemming.
    public init(
        tokenization: Tokenization = .standard, stem: Bool = true, stopWords: StopWordList = .english,
        foldDiacritics: Bool = true, cjkBigrams: Bool = true, minTokenLength: Int = 2,
        maxTokenBytes: Int? = 64
    ) {
        self.tokenization = tokenization
        self.stem = stem
        self.stopWords = stopWords
        self.foldDiacritics = foldDiacritics
        self.cjkBigrams = cjkBigrams
        self.minTokenLength = minTokenLength
        self.maxTokenBytes = maxTokenBytes
    }

    /// The analyzer of the peer scripts (/work/shared/peers `beir_eval.py`, `sk_build.py`):
    /// sklearn's token pattern `(?u)\b\w\w+\b` on `text.lower()`, sklearn's stop words, no
    /// accent stripping, no length cap; Snowball stemming when `stem` is true
    /// (`beir_eval.py --stem`, PyStemmer runs the same Snowball English algorithm).
    public static func peerCompatible(stem: Bool = false) -> AnalyzerOptions {
        AnalyzerOptions(
            tokenization: .sklearn, stem: stem, stopWords: .sklearn, foldDiacritics: false,
            cjkBigrams: false, minTokenLength: 2, maxTokenBytes: nil)
    }

    /// `peerCompatible(stem: false)`: `TfidfVectorizer(stop_words="english")` / `beir_eval.py`.
    public static let peerCompatible = AnalyzerOptions.peerCompatible(stem: false)

    private enum CodingKeys: String, CodingKey {
        case tokenization, stem, stopWords, foldDiacritics, cjkBigrams, minTokenLength, maxTokenBytes,
            policyVersion
    }

    /// Decodes leniently: a missing key takes its default, so options stored by an older build
    /// that lacked a field still load (a missing `policyVersion` reads as 1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AnalyzerOptions()
        tokenization = try c.decodeIfPresent(Tokenization.self, forKey: .tokenization) ?? d.tokenization
        stem = try c.decodeIfPresent(Bool.self, forKey: .stem) ?? d.stem
        stopWords = try c.decodeIfPresent(StopWordList.self, forKey: .stopWords) ?? d.stopWords
        foldDiacritics = try c.decodeIfPresent(Bool.self, forKey: .foldDiacritics) ?? d.foldDiacritics
        cjkBigrams = try c.decodeIfPresent(Bool.self, forKey: .cjkBigrams) ?? d.cjkBigrams
        minTokenLength = try c.decodeIfPresent(Int.self, forKey: .minTokenLength) ?? d.minTokenLength
        if c.contains(.maxTokenBytes) {
            maxTokenBytes = try c.decodeIfPresent(Int.self, forKey: .maxTokenBytes)
        } else {
            maxTokenBytes = d.maxTokenBytes
        }
        policyVersion = try c.decodeIfPresent(Int.self, forKey: .policyVersion) ?? 1
    }

    /// Encodes every field (a `nil` `maxTokenBytes` as an explicit JSON `null`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokenization, forKey: .tokenization)
        try c.encode(stem, forKey: .stem)
        try c.encode(stopWords, forKey: .stopWords)
        try c.encode(foldDiacritics, forKey: .foldDiacritics)
        try c.encode(cjkBigrams, forKey: .cjkBigrams)
        try c.encode(minTokenLength, forKey: .minTokenLength)
        // Explicit null for "no cap", so it is not confused with an absent (defaulted) key.
        if let m = maxTokenBytes { try c.encode(m, forKey: .maxTokenBytes) } else { try c.encodeNil(forKey: .maxTokenBytes) }
        try c.encode(policyVersion, forKey: .policyVersion)
    }
}
