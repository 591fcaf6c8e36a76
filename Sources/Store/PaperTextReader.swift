import GRDB

extension PaperStore {
    /// Every stored paper's title and abstract from one snapshot, in pid order, handed to `body`
    /// in batches of `batchSize` (with the papers read so far and the total, for progress).
    /// Returns the pids in that order and the total. One pass through read() calls, not the
    /// memory map (see `withoutMemoryMap`): the index reads most of the file once.
    package func forEachPaperText(
        batchSize: Int,
        _ body: (_ batch: [(title: String, abstract: String)], _ read: Int, _ total: Int) throws -> Void
    ) throws -> (pids: [Int64], total: Int) {
        try read { db -> ([Int64], Int) in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM papers") ?? 0
            var pids: [Int64] = []
            pids.reserveCapacity(total)
            var batch: [(title: String, abstract: String)] = []
            batch.reserveCapacity(batchSize)
            try Self.withoutMemoryMap(db) {
                let rows = try Row.fetchCursor(db, sql: "SELECT pid, title, abstract FROM papers ORDER BY pid")
                while let row = try rows.next() {
                    pids.append(row[0])
                    batch.append((row[1], row[2]))
                    if batch.count == batchSize {
                        try body(batch, pids.count, total)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
            if !batch.isEmpty { try body(batch, pids.count, total) }
            return (pids, total)
        }
    }
}
