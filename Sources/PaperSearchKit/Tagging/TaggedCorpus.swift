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
    /// order) joined here by id: measured faster than letting SQLite join the 213k category
    /// rows of the arXiv sample to their papers by index lookups.
    static func load(_ db: Database, source: TagSource) throws -> TaggedCorpus {
        var ids: [String: Int32] = [:]
        var names: [String] = []
        var pairs: [(pid: Int64, tag: Int32)] = []
        var dates: [Int64: Int64] = [:]
        var pidByID: [String: Int64] = [:]
        var dateOfPid: [Int64: Int64] = [:]
        let papers = try Row.fetchCursor(db, sql: "SELECT id, pid, published FROM papers")
        while let row = try papers.next() {
            let pid: Int64 = row[1]
            pidByID[row[0]] = pid
            if let key = dateKey(row.dataNoCopy(atIndex: 2)) { dateOfPid[pid] = key }
        }
        let origins = source.origins
        let marks = Array(repeating: "?", count: origins.count).joined(separator: ",")
        var lastPaper = ""
        var lastPid: Int64? = nil
        let rows = try Row.fetchCursor(
            db, sql: "SELECT paper_id, tag FROM tags WHERE origin IN (\(marks))", arguments: StatementArguments(origins))
        while let row = try rows.next() {
            let paper: String = row[0]
            if paper != lastPaper {
                lastPaper = paper
                lastPid = pidByID[paper]
                if let pid = lastPid, let date = dateOfPid[pid] { dates[pid] = date }
            }
            guard let pid = lastPid else { continue }
            let tag: String = row[1]
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
        // Renumber tags in name order.
        let order = names.indices.sorted { names[$0] < names[$1] }
        var renumber = [Int32](repeating: 0, count: names.count)
        for (newID, oldID) in order.enumerated() { renumber[oldID] = Int32(newID) }
        var corpus = TaggedCorpus()
        corpus.names = order.map { names[$0] }
        corpus.tagsByPid.reserveCapacity(dates.count)
        for (pid, tag) in pairs { corpus.tagsByPid[pid, default: []].append(renumber[Int(tag)]) }
        for (pid, tags) in corpus.tagsByPid {
            let sorted = Array(Set(tags)).sorted()
            if sorted != tags { corpus.tagsByPid[pid] = sorted }
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
