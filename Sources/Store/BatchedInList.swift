import GRDB

extension Database {
    /// Calls `body` for consecutive batches of at most `size` values, with the placeholder
    /// list ("?,?,…") for an `IN (…)` clause and the batch as bound arguments, so a lookup of
    /// many ids stays within SQLite's parameter limit and every value is bound, never spliced.
    func forEachInBatch<Value: DatabaseValueConvertible>(
        _ values: [Value], size: Int = 500, _ body: (_ marks: String, _ arguments: StatementArguments) throws -> Void
    ) throws {
        for start in stride(from: 0, to: values.count, by: size) {
            let part = Array(values[start..<min(values.count, start + size)])
            try body(Array(repeating: "?", count: part.count).joined(separator: ","), StatementArguments(part))
        }
    }
}
