import Foundation
import Store

/// The latent components of the LSA model named by their terms: for component j, the terms
/// with the largest positive and most negative entries in column j of V_k.
///
/// V_k is stored by rows (each LSA term's `vocabulary.projection`), so naming any component
/// reads every projection row once; the selection keeps n entries per component and end.
public struct LatentTopics: Sendable {
    public struct Topic: Codable, Sendable, Equatable {
        public var component: Int
        public var singularValue: Float
        public var positive: [String]
        public var negative: [String]
    }

    public let topics: [Topic]

    /// Components `components` (nil: all) with `terms` terms at each end, one pass over V_k.
    static func load(_ store: PaperStore, k: Int, components: [Int]? = nil, terms: Int) throws -> [Topic] {
        let wanted = (components ?? Array(0..<k)).filter { $0 >= 0 && $0 < k }
        let n = max(1, terms)
        // Per wanted component: best (value, term) pairs at each end, sorted best first.
        var positive = [[(Float, String)]](repeating: [], count: wanted.count)
        var negative = [[(Float, String)]](repeating: [], count: wanted.count)
        func offer(_ list: inout [(Float, String)], _ value: Float, _ term: String) {
            // Larger value first; ties by term for determinism.
            if list.count == n, let last = list.last, !(value > last.0 || (value == last.0 && term < last.1)) { return }
            var i = list.count
            while i > 0 && (value > list[i - 1].0 || (value == list[i - 1].0 && term < list[i - 1].1)) { i -= 1 }
            list.insert((value, term), at: i)
            if list.count > n { list.removeLast() }
        }
        let singular = try store.forEachProjection(k: k) { term, v in
            for (w, j) in wanted.enumerated() {
                let value = v[j]
                if value > 0 { offer(&positive[w], value, term) } else if value < 0 { offer(&negative[w], -value, term) }
            }
        }
        return wanted.enumerated().map { w, j in
            Topic(component: j, singularValue: j < singular.count ? singular[j] : 0,
                  positive: positive[w].map(\.1), negative: negative[w].map(\.1))
        }
    }

    /// Every component of the stored model (`papersearch topics`).
    public static func read(_ store: PaperStore, limit: Int? = nil, terms: Int = 8) throws -> LatentTopics {
        let meta = try store.fittedModelMetadata()
        let count = min(meta.k, limit ?? meta.k)
        return LatentTopics(topics: try load(store, k: meta.k, components: Array(0..<count), terms: terms))
    }

    /// JSON with sorted keys: `{"topics": [{component, negative, positive, singularValue}]}`.
    public func json() throws -> String {
        struct Envelope: Encodable { var topics: [Topic] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Envelope(topics: topics)), as: UTF8.self)
    }
}
