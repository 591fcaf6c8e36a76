import Core
import TextAnalysis
import NumericKernels
import Store
extension QueryEngine {
    /// Papers most similar to a stored paper: cosine of the LSA embeddings, the paper itself
    /// excluded. `reference` is an arXiv id or abs/pdf URL (any version) or a namespaced id.
    /// `analyzer` (for `--explain`): as in `search`.
    public func related(to reference: String, options: QueryOptions = QueryOptions(), analyzer: Analyzer? = nil) throws -> [SearchHit] {
        let id = try PaperStore.paperID(reference)
        guard let pid = try store.pid(ofPaper: id), let row = documents.pids.lastIndex(of: pid),
              !documents.dead.contains(row)
        else {
            throw PaperSearchError.unknownPaper(id: id)
        }
        guard let vector = try embeddingRows([row]).first else { throw PaperSearchError.unknownPaper(id: id) }
        let (unit, squaredNorm) = LatentSpace.unit(vector)
        let scores = try latent.scores(unit: unit, squaredNorm: squaredNorm)
        let allowed = try allowedRows(options.filter)
        let pids = documents.pids
        // Live rows passing the filter (a mask, no hashing per row), minus the paper itself.
        let base = eligibility(allowed)
        let entries = try rank(
            limit: options.limit, bm25: nil, cosine: scores, fusion: Fusion(alpha: 0, cosineOnly: true),
            eligible: { i in i != row && pids[i] != pid && base(i) },
            skipZero: false)
        var result = try hits(entries)
        if options.explain {
            result = try explainRelated(
                result, entries: entries, sourcePid: pid, latent: scores.vector, analyzer: analyzer ?? makeAnalyzer())
        }
        return result
    }
}
