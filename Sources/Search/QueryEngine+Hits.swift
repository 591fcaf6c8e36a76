extension QueryEngine {
    /// The ranked entries as hits, with their stored records (an entry whose paper is gone is
    /// skipped; ranks stay those of the ranking).
    func hits(_ entries: [RankedEntry]) throws -> [SearchHit] {
        let records = try store.hitRecords(entries.map(\.pid))
        var result: [SearchHit] = []
        for (rank, (entry, record)) in zip(entries, records).enumerated() {
            guard let record else { continue }
            result.append(SearchHit(
                rank: rank + 1, id: record.id, score: entry.score, bm25: entry.bm25, cosine: entry.cosine,
                title: record.title, published: record.published,
                categories: record.categories.split(separator: " ").map(String.init), tags: record.tags,
                abstract: record.abstract))
        }
        return result
    }
}
