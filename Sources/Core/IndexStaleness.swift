/// When folded-in papers call for a refit (`papersearch index --if-stale`, `info`).
///
/// Folding in projects a new paper onto the fitted latent space; the space keeps describing
/// new papers well while their topics were in the fit. A fitted paper keeps, on average,
/// `fittedCapturedMean` of its (unit) TF-IDF norm in the space; folded papers on new topics
/// keep less. The model is stale when the folded papers' mean share falls below
/// `relativeThreshold` x the fitted mean (their topics are markedly under-represented), or
/// when folded papers exceed `maxFoldedShare` of the fit (idf and vocabulary drift).
public enum IndexStaleness {
    public static let relativeThreshold = 0.85
    public static let maxFoldedShare = 0.2

    public static func isStale(_ meta: ModelMetadata) -> Bool {
        guard meta.foldedCount > 0, let folded = meta.foldedCapturedMean else { return false }
        if Double(meta.foldedCount) > maxFoldedShare * Double(max(1, meta.fittedCount)) { return true }
        return folded < relativeThreshold * meta.fittedCapturedMean
    }
}
