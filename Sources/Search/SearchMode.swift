import Core
/// How `papersearch` ranks: lexical BM25, TF-IDF cosine, LSA cosine, or their fusion.
public enum SearchMode: String, Sendable, CaseIterable, Codable {
    case hybrid, lsa, tfidf, bm25

    public static func parse(_ value: String) throws -> SearchMode {
        guard let mode = SearchMode(rawValue: value.lowercased()) else {
            throw PaperSearchError.invalidOption(
                option: "--mode", value: value, expected: allCases.map(\.rawValue).joined(separator: ", "))
        }
        return mode
    }
}
