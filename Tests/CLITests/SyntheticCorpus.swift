import Foundation

/// Seeded synthetic arXiv JSON lines (pseudo-words from syllables, 20 topics), big enough that
/// `import`, `index` and `add` run long enough to be interrupted. Same seed, same bytes.
struct SyntheticCorpus {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    /// xorshift64* (Vigna 2016).
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    static let syllables = ["ba", "ke", "lo", "mi", "nu", "pa", "re", "si", "to", "vu", "dra", "gen", "tor", "lex", "qua"]

    /// Writes `count` records with ids `2{prefix}.{00000+i}` to `path`.
    mutating func write(count: Int, idPrefix: String, first: Int = 0, to path: String) throws {
        var vocabulary: [String] = []
        for _ in 0..<3000 {
            var word = ""
            for _ in 0..<(2 + below(3)) { word += Self.syllables[below(Self.syllables.count)] }
            vocabulary.append(word)
        }
        var text = ""
        text.reserveCapacity(count * 700)
        for i in first..<(first + count) {
            let topic = below(20)
            func word() -> String {
                // Half the words from the paper's topic band, half from anywhere (skewed to the front).
                if below(2) == 0 { return vocabulary[topic * 150 + below(150)] }
                return vocabulary[below(1 + below(vocabulary.count))]
            }
            let title = (0..<8).map { _ in word() }.joined(separator: " ")
            let abstract = (0..<90).map { _ in word() }.joined(separator: " ")
            let id = String(format: "%@.%05d", idPrefix, i)
            text += #"{"id": "\#(id)", "version": 1, "title": "\#(title)", "abstract": "\#(abstract)", "#
                + #""categories": ["cs.T\#(topic)"], "published": "2024-0\#(1 + topic % 9)-1\#(topic % 10) 10:00:00"}"# + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
