import Foundation
import Core
import TextAnalysis
import NumericKernels
import Store

/// Folds paper texts into the stored latent space without writing anything, with
/// `LatentSpace.fold` as queries do (Deerwester et al. 1990): the title (weighted by the model's
/// title weight) and abstract are analysed with the model's analyzer, the row a = sublinear tf x idf over
/// the LSA vocabulary is L2-normalised, and e = a V_k is normalised again.
struct TextEmbedder {
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
        // The fold-in itself: `LatentSpace.fold`, the same arithmetic as queries.
        let space = LatentSpace(k: k)
        var embeddings = [Float](repeating: 0, count: texts.count * k)
        for (d, tf) in counts.enumerated() {
            let folded = space.fold(tf, vocabulary: vocabulary)
            for j in 0..<k { embeddings[d * k + j] = folded.embedding[j] }
        }
        return embeddings
    }
}
