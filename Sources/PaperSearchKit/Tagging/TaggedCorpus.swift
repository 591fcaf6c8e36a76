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

    /// Two plain scans (papers, then the tag rows of the wanted origins, in their primary-key
    /// order) joined here by id, through `RawRowScan`: measured faster than letting SQLite join
    /// the 213k category rows of the arXiv sample to their papers by index lookups.
    static func load(_ db: Database, source: TagSource) throws -> TaggedCorpus {
        var ids: [String: Int32] = [:]
        var names: [String] = []
        var pairs: [(pid: Int64, tag: Int32)] = []
        var dates: [Int64: Int64] = [:]
        var pidByID: [String: Int64] = [:]
        var dateOfPid: [Int64: Int64] = [:]
        try RawRowScan.forEach(db, sql: "SELECT id, pid, published FROM papers") { row in
            let pid = row.int64(1)
            pidByID[row.string(0)] = pid
            if let key = dateKey(bytes: row.bytes(2)) { dateOfPid[pid] = key }
        }
        let origins = source.origins
        let marks = Array(repeating: "?", count: origins.count).joined(separator: ",")
        var lastPaper: [UInt8] = []
        var lastPid: Int64? = nil
        try RawRowScan.forEach(
            db, sql: "SELECT paper_id, tag FROM tags WHERE origin IN (\(marks))", arguments: StatementArguments(origins)
        ) { row in
            let paper = row.bytes(0)
            if !paper.elementsEqual(lastPaper) {
                lastPaper = Array(paper)
                lastPid = pidByID[String(decoding: paper, as: UTF8.self)]
                if let pid = lastPid, let date = dateOfPid[pid] { dates[pid] = date }
            }
            guard let pid = lastPid else { return }
            let tag = row.string(1)
            let id: Int32
            if let known = ids[tag] {
                id = known
            } else {
                id = Int32(names.count)
                ids[tag] = id
                names.append(tag)
            }
            pairs.append((pid, id))
        }
        // Renumber tags in name order, then group by pid with one sort (no per-paper sets).
        let order = names.indices.sorted { names[$0] < names[$1] }
        var renumber = [Int32](repeating: 0, count: names.count)
        for (newID, oldID) in order.enumerated() { renumber[oldID] = Int32(newID) }
        for i in pairs.indices { pairs[i].tag = renumber[Int(pairs[i].tag)] }
        pairs.sort { $0.pid < $1.pid || ($0.pid == $1.pid && $0.tag < $1.tag) }
        var corpus = TaggedCorpus()
        corpus.names = order.map { names[$0] }
        corpus.tagsByPid.reserveCapacity(dates.count)
        var i = 0
        while i < pairs.count {
            let pid = pairs[i].pid
            var tags: [Int32] = []
            while i < pairs.count && pairs[i].pid == pid {
                if tags.last != pairs[i].tag { tags.append(pairs[i].tag) }
                i += 1
            }
            corpus.tagsByPid[pid] = tags
        }
        corpus.dateByPid = dates
        return corpus
    }

    /// `dateKey` of raw UTF-8 bytes.
    static func dateKey(_ data: Data?) -> Int64? {
        guard let data else { return nil }
        return data.withUnsafeBytes { dateKey(bytes: $0) }
    }

    static func dateKey(bytes: UnsafeRawBufferPointer) -> Int64? {
        var key: Int64 = 0
        var digits = 0
        for byte in bytes {
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

    /// `YYYY-MM-DD[ HH:MM:SS]` as the integer YYYYMMDDhhmmss (comparable); nil stays nil.
    static func dateKey(_ text: String?) -> Int64? {
        guard var text else { return nil }
        return text.withUTF8 { dateKey(bytes: UnsafeRawBufferPointer($0)) }
    }
}
