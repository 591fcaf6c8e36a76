import Foundation
import Store

/// The stored tags that count as evidence (one `TagSource`), per paper pid, with each
/// paper's publication time as a sortable key. Tag ids are numbered in name order.
struct TaggedCorpus: Sendable {
    /// Tag names, sorted; a tag id indexes this array.
    var names: [String] = []
    /// Tag ids per paper pid (sorted), only papers with at least one tag.
    var tagsByPid = PidTable<[Int32]>()
    /// Publication key (see `dateKey`) per tagged pid.
    var dateByPid = PidTable<Int64>()

    /// Three scans, no SQL join: paper ids in id order and publication dates (both from
    /// covering indexes, never the rows with the abstracts), then the tag rows in primary-key
    /// order (paper_id, tag), merged with the ids by byte comparison (both in BINARY order).
    /// Measured on the arXiv sample: the SQL join of its 213k category rows to their papers by
    /// index lookups, or a scan of the papers table, each cost more than the whole of this.
    static func load(_ scan: TagEvidenceScan, source: TagSource) throws -> TaggedCorpus {
        // 1. Ids (as one byte buffer) and pids, in id order.
        var idBytes: [UInt8] = []
        var idOffsets: [Int] = [0]
        var idPids: [Int64] = []
        try scan.forEachPaperID { id, pid in
            idBytes.append(contentsOf: id)
            idOffsets.append(idBytes.count)
            idPids.append(pid)
        }
        var dateOfPid = PidTable<Int64>(maxPid: idPids.max() ?? 0)
        try scan.forEachPublished { pid, published in
            if let key = dateKey(bytes: published) { dateOfPid[pid] = key }
        }
        // 2. Tag rows grouped by paper, merged with the ids.
        var ids: [String: Int32] = [:]
        var names: [String] = []
        var groupPids: [Int64] = []
        var groupOffsets: [Int] = [0]
        var groupTags: [Int32] = []
        var cursor = 0
        var current: Int64? = nil
        var lastPaper: [UInt8] = []
        try idBytes.withUnsafeBytes { all in
            try scan.forEachTag(origins: source.origins) { row in
                let paper = row.paperID
                if !paper.elementsEqual(lastPaper) {
                    lastPaper = Array(paper)
                    if current != nil { groupOffsets.append(groupTags.count) }
                    current = nil
                    // Advance to the first id >= paper (ids and tag rows share BINARY order).
                    while cursor < idPids.count {
                        let id = UnsafeRawBufferPointer(rebasing: all[idOffsets[cursor]..<idOffsets[cursor + 1]])
                        if !id.lexicographicallyPrecedes(paper) {
                            if id.elementsEqual(paper) {
                                current = idPids[cursor]
                                groupPids.append(idPids[cursor])
                            }
                            break
                        }
                        cursor += 1
                    }
                }
                guard current != nil else { return }
                let tag = row.tag
                if let known = ids[tag] {
                    groupTags.append(known)
                } else {
                    ids[tag] = Int32(names.count)
                    groupTags.append(Int32(names.count))
                    names.append(tag)
                }
            }
        }
        if current != nil { groupOffsets.append(groupTags.count) }
        // 3. Tag ids in name order; each paper's ids sorted and unique.
        let order = names.indices.sorted { names[$0] < names[$1] }
        var renumber = [Int32](repeating: 0, count: names.count)
        for (newID, oldID) in order.enumerated() { renumber[oldID] = Int32(newID) }
        var corpus = TaggedCorpus()
        corpus.names = order.map { names[$0] }
        let maxPid = groupPids.max() ?? 0
        corpus.tagsByPid = PidTable(maxPid: maxPid)
        corpus.dateByPid = PidTable(maxPid: maxPid)
        for (g, pid) in groupPids.enumerated() {
            var tags = groupTags[groupOffsets[g]..<groupOffsets[g + 1]].map { renumber[Int($0)] }
            tags.sort()
            var unique: [Int32] = []
            unique.reserveCapacity(tags.count)
            for tag in tags where unique.last != tag { unique.append(tag) }
            corpus.tagsByPid[pid] = unique
            if let date = dateOfPid[pid] { corpus.dateByPid[pid] = date }
        }
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
