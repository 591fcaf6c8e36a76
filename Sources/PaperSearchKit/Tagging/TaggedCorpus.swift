import Foundation
import GRDB

/// The stored tags that count as evidence (one `TagSource`), per paper pid, with each
/// paper's publication time as a sortable key. Tag ids are numbered in name order.
struct TaggedCorpus {
    /// Tag names, sorted; a tag id indexes this array.
    var names: [String] = []
    /// Tag ids per paper pid (sorted), only papers with at least one tag.
    var tagsByPid: [Int64: [Int32]] = [:]
    /// Publication key (see `dateKey`) per tagged pid.
    var dateByPid: [Int64: Int64] = [:]

    static func load(_ db: Database, source: TagSource) throws -> TaggedCorpus {
        let origins = source.origins
        let marks = Array(repeating: "?", count: origins.count).joined(separator: ",")
        var ids: [String: Int32] = [:]
        var names: [String] = []
        var pairs: [(pid: Int64, tag: Int32)] = []
        var dates: [Int64: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.pid, p.published, t.tag FROM tags t JOIN papers p ON p.id = t.paper_id
            WHERE t.origin IN (\(marks))
            """, arguments: StatementArguments(origins))
        while let row = try rows.next() {
            let pid: Int64 = row[0]
            let tag: String = row[2]
            let id: Int32
            if let known = ids[tag] {
                id = known
            } else {
                id = Int32(names.count)
                ids[tag] = id
                names.append(tag)
            }
            pairs.append((pid, id))
            if dates[pid] == nil { dates[pid] = dateKey(row[1]) }
        }
        // Renumber tags in name order.
        let order = names.indices.sorted { names[$0] < names[$1] }
        var renumber = [Int32](repeating: 0, count: names.count)
        for (newID, oldID) in order.enumerated() { renumber[oldID] = Int32(newID) }
        var corpus = TaggedCorpus()
        corpus.names = order.map { names[$0] }
        for (pid, tag) in pairs { corpus.tagsByPid[pid, default: []].append(renumber[Int(tag)]) }
        for (pid, tags) in corpus.tagsByPid {
            let sorted = Array(Set(tags)).sorted()
            if sorted != tags { corpus.tagsByPid[pid] = sorted }
        }
        corpus.dateByPid = dates
        return corpus
    }

    /// `YYYY-MM-DD[ HH:MM:SS]` as the integer YYYYMMDDhhmmss (comparable); nil stays nil.
    static func dateKey(_ text: String?) -> Int64? {
        guard let text else { return nil }
        var key: Int64 = 0
        var digits = 0
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                key = key * 10 + Int64(byte - 0x30)
                digits += 1
                if digits == 14 { break }
            }
        }
        guard digits >= 8 else { return nil }
        for _ in digits..<14 { key *= 10 }
        return key
    }
}
