import Foundation
import TextAnalysis
import Search

/// Renders ranked papers for the terminal or as JSON (the CLI renders; `QueryEngine` returns data).
///
/// Terminal listing: rank, score, id, date, title, then categories and tags, then a
/// one-line snippet around the first query term, with query terms in bold when `color`.
/// JSON (stable schema, sorted keys): `{"query": ..., "mode": ..., "results": [SearchHit]}`.
/// `--explain` adds a `terms:` line (term, share of the score, component shares; `*` marks a
/// query term the paper lacks, whose share comes through the latent space only) and one
/// `concept J± share: terms (opposite: terms)` line per latent concept; see `HitExplanation`.
public struct ResultRenderer {
    public var color: Bool
    public var width: Int

    public init(color: Bool, width: Int = 100) {
        self.color = color
        self.width = width
    }

    /// Whether stdout is a terminal that wants color (`NO_COLOR` unset).
    public static var stdoutWantsColor: Bool {
        isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }

    public func text(_ hits: [SearchHit], queryTerms: Set<String>, analyzer: Analyzer) -> String {
        if hits.isEmpty { return "no results" }
        var out: [String] = []
        for hit in hits {
            let date = hit.published.map { String($0.prefix(10)) } ?? "----------"
            let score = String(format: "%7.3f", hit.score)
            out.append("\(String(hit.rank).leftPad(2)). \(score)  \(hit.id)  \(date)  \(bold(hit.title))")
            var labels = hit.categories.joined(separator: " ")
            if !hit.tags.isEmpty { labels += (labels.isEmpty ? "" : "  ") + hit.tags.map { "#" + $0 }.joined(separator: " ") }
            if !labels.isEmpty { out.append("    \(dim(labels))") }
            let snippet = self.snippet(hit.abstract, queryTerms: queryTerms, analyzer: analyzer)
            if !snippet.isEmpty { out.append("    \(snippet)") }
            if let explanation = hit.explanation { out += self.explanation(explanation) }
        }
        return out.joined(separator: "\n")
    }

    public static func json(_ hits: [SearchHit], query: String, mode: String) throws -> String {
        struct Envelope: Encodable {
            var query: String
            var mode: String
            var results: [SearchHit]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Envelope(query: query, mode: mode, results: hits)), as: UTF8.self)
    }

    /// `--explain` lines: terms with their share of the score and components, then concepts.
    func explanation(_ e: HitExplanation) -> [String] {
        func f(_ x: Float) -> String { String(format: "%+.3f", x) }
        var out: [String] = []
        let terms = e.terms.map { t -> String in
            var parts: [String] = []
            if let b = t.bm25 { parts.append("bm25 \(f(b))") }
            if let c = t.lsa { parts.append("lsa \(f(c))") }
            if let c = t.tfidf { parts.append("tfidf \(f(c))") }
            let mark = t.shared ? "" : "*"
            return "\(bold(t.term))\(mark) \(f(t.contribution))" + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
        }
        out.append("    terms: " + (terms.isEmpty ? "none" : terms.joined(separator: "; ")))
        for c in e.concepts {
            let (near, far) = c.side == "-" ? (c.negative, c.positive) : (c.positive, c.negative)
            out.append("    concept \(c.component)\(c.side) \(f(c.contribution)): \(near.joined(separator: " "))"
                + (far.isEmpty ? "" : dim("  (opposite: \(far.joined(separator: " ")))")))
        }
        return out
    }

    /// About `width` characters of the abstract around the first word matching a query term.
    func snippet(_ abstract: String, queryTerms: Set<String>, analyzer: Analyzer) -> String {
        let words = abstract.split(separator: " ", omittingEmptySubsequences: true)
        guard !words.isEmpty else { return "" }
        // Whether a word holds a query term; analysed lazily (up to the first match, then only the
        // words the window shows), since analysing every word of ten abstracts was a measurable
        // share of a whole-process query.
        var known = [Bool?](repeating: nil, count: words.count)
        func matches(_ i: Int) -> Bool {
            if let m = known[i] { return m }
            let m = !queryTerms.isDisjoint(with: analyzer.terms(String(words[i])))
            known[i] = m
            return m
        }
        let first = words.indices.first(where: matches) ?? 0
        var start = max(0, first - 4)
        var length = 0
        var end = start
        while end < words.count && length + words[end].count + 1 <= width {
            length += words[end].count + 1
            end += 1
        }
        if end == start { end = min(words.count, start + 1) }
        if end == words.count {
            while start > 0 && length + words[start - 1].count + 1 <= width {
                start -= 1
                length += words[start].count + 1
            }
        }
        var pieces: [String] = []
        for i in start..<end { pieces.append(matches(i) ? bold(String(words[i])) : String(words[i])) }
        return (start > 0 ? "…" : "") + pieces.joined(separator: " ") + (end < words.count ? "…" : "")
    }

    func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
