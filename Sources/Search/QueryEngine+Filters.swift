import Core
extension QueryEngine {
    /// Whether a row may rank: live and passing the filter (a mask, so the per-row test is cheap).
    func eligibility(_ allowed: Set<Int>?) -> (Int) -> Bool {
        if documents.dead.isEmpty && allowed == nil { return { _ in true } }
        var mask = [Bool](repeating: allowed == nil, count: documents.count)
        if let allowed { for i in allowed where i < mask.count { mask[i] = true } }
        for i in documents.dead where i < mask.count { mask[i] = false }
        return { mask[$0] }
    }

    /// Rows passing the filter, or nil when there is no filter.
    func allowedRows(_ filter: SearchFilter) throws -> Set<Int>? {
        guard !filter.isEmpty else { return nil }
        let pids = try store.pids(passing: filter)
        var rows = Set<Int>()
        for (row, pid) in documents.pids.enumerated() where pids.contains(pid) { rows.insert(row) }
        return rows
    }
}
