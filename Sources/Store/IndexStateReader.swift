import GRDB
import Core

/// Reads the index state for `info`: none, current, or stale (papers stored since the fit
/// that are not in the model, or folded-in papers whose TF-IDF norm the latent space
/// captures markedly worse than the fitted ones; see `IndexStaleness`).
enum IndexStateReader {
    static func read(_ db: Database, papers: Int, path: String = "") throws -> StoreInfo.IndexState {
        guard let meta = try ModelReader.metadata(db, path: path) else {
            return StoreInfo.IndexState(
                state: "none", model: [:], papersInModel: 0, papersFoldedIn: 0, papersNotIndexed: papers,
                foldedNormShare: nil)
        }
        let inModel = try Int.fetchOne(db, sql: "SELECT SUM(row_count) FROM doc_chunks") ?? 0
        let dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dead_rows") ?? 0
        let live = inModel - dead
        let notIndexed = max(0, papers - live)
        let stale = notIndexed > 0 || IndexStaleness.isStale(meta)
        let model: [String: String] = [
            "k": "\(meta.k)",
            "oversampling p": "\(meta.oversampling)",
            "power iter q": "\(meta.powerIterations)",
            "seed": "\(meta.seed)",
            "lsa terms": "\(meta.lsaVocabularySize)",
            "all terms": "\(meta.termCount)",
            "fitted papers": "\(meta.fittedCount)",
            "created": meta.createdAt,
            "tool version": meta.toolVersion,
            "stemming": meta.analyzer.stem ? "snowball english" : "none",
            "fit seconds": String(format: "%.1f", meta.fitSeconds),
        ]
        return StoreInfo.IndexState(
            state: stale ? "stale" : "current", model: model, papersInModel: live, papersFoldedIn: meta.foldedCount,
            papersNotIndexed: notIndexed, foldedNormShare: meta.foldedCapturedMean)
    }
}
