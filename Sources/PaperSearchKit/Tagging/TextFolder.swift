import Foundation

/// Folds paper texts into the stored latent space without writing anything, exactly as
/// `FoldIn` does (Deerwester et al. 1990): the title (weighted by the model's title weight)
/// and abstract are analysed with the model's analyzer, the row a = sublinear tf x idf over
/// the LSA vocabulary is L2-normalised, and e = a V_k is normalised again.
struct TextFolder {
    let options: AnalyzerOptions
    let titleWeight: Float
    let k: Int

    /// Row-major n x k unit embeddings (a zero row for a text with no model term).
    func embed(_ texts: [(title: String, abstract: String)], store: PaperStore) throws -> [Float] {
        // Analysis on every core, one analyzer per worker (the stemmer is not thread-safe).
        let n = texts.count
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, n / 64))
        nonisolated(unsafe) let analyzers = try (0..<parts).map { _ in try Analyzer(options: options) }
        let buffer = UnsafeMutableBufferPointer<[String: Float]>.allocate(capacity: n)
        buffer.initialize(repeating: [:])
        defer { buffer.deinitialize().deallocate() }
        nonisolated(unsafe) let out = buffer
        let titleWeight = self.titleWeight
        texts.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let analyzer = analyzers[part]
                for i in (n * part / parts)..<(n * (part + 1) / parts) {
                    var tf: [String: Float] = [:]
                    analyzer.forEachTerm(input[i].title) { tf[$0, default: 0] += titleWeight }
                    analyzer.forEachTerm(input[i].abstract) { tf[$0, default: 0] += 1 }
                    out[i] = tf
                }
            }
        }
        let counts = Array(buffer)
        var distinct = Set<String>()
        for tf in counts { distinct.formUnion(tf.keys) }
        let terms = distinct.sorted()
        let vocabulary = try store.vocabulary(of: terms, k: k)
        var embeddings = [Float](repeating: 0, count: texts.count * k)
        var e = [Float](repeating: 0, count: k)
        for (d, tf) in counts.enumerated() {
            var weights: [(Float, [Float])] = []
            var sum: Float = 0
            for (term, count) in tf.sorted(by: { $0.key < $1.key }) {
                guard let entry = vocabulary[term], let idf = entry.idf, let projection = entry.projection,
                    projection.count == k
                else { continue }
                let w = TFIDFWeighting.sublinear(count) * idf
                weights.append((w, projection))
                sum += w * w
            }
            guard sum > 0 else { continue }
            let inv = 1 / sum.squareRoot()
            for j in 0..<k { e[j] = 0 }
            for (w, projection) in weights {
                let scale = w * inv
                for j in 0..<k { e[j] += scale * projection[j] }
            }
            var norm: Float = 0
            for j in 0..<k { norm += e[j] * e[j] }
            guard norm > 0 else { continue }
            let scale = 1 / norm.squareRoot()
            for j in 0..<k { embeddings[d * k + j] = e[j] * scale }
        }
        return embeddings
    }
}
