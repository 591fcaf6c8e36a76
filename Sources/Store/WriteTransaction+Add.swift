import GRDB
import Core

/// The fold-in's (`add`'s) reads and writes of the model, inside the transaction of its import.
extension WriteTransaction {
    /// Pid, title and abstract of the stored papers among `ids`, in pid order within each IN batch.
    package func papersToFold(ids: [String]) throws -> (pids: [Int64], texts: [(title: String, abstract: String)]) {
        var pids: [Int64] = []
        var texts: [(title: String, abstract: String)] = []
        try db.forEachInBatch(ids) { marks, arguments in
            for row in try Row.fetchAll(
                db, sql: "SELECT pid, title, abstract FROM papers WHERE id IN (\(marks)) ORDER BY pid",
                arguments: arguments)
            {
                pids.append(row[0])
                texts.append((row[1], row[2]))
            }
        }
        return (pids, texts)
    }

    /// Row of each pid in the model (the latest row when a pid appears twice).
    package func modelRowsByPid() throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT first_row, pids FROM doc_chunks ORDER BY chunk")
        while let row = try rows.next() {
            let first: Int = row[0]
            var pids: [Int64] = []
            ModelReader.append(row.dataNoCopy(atIndex: 1), to: &pids)
            for (i, pid) in pids.enumerated() { result[pid] = first + i }
        }
        return result
    }

    /// Vocabulary rows of `terms` (unknown terms are absent).
    package func vocabulary(of terms: [String], k: Int) throws -> [String: ModelReader.Term] {
        try ModelReader.vocabulary(db, terms, k: k)
    }

    /// Adds the document frequencies `df[t]` of `terms[t]` to the vocabulary: known terms (in
    /// `known`) keep their id, new ones get ids after the last (BM25 only; the LSA vocabulary is
    /// fixed). Returns each term's id and how many were new.
    package func extendVocabulary(
        terms: [String], df: [Int32], known: [String: ModelReader.Term]
    ) throws -> (termIDs: [Int], newTerms: Int) {
        var nextTermID = (try Int.fetchOne(db, sql: "SELECT MAX(term_id) FROM vocabulary") ?? -1) + 1
        var termIDs = [Int](repeating: 0, count: terms.count)
        var newTerms = 0
        let addTerm = try db.makeStatement(sql: "INSERT INTO vocabulary (term_id, term, df) VALUES (?, ?, ?)")
        let bumpDF = try db.makeStatement(sql: "UPDATE vocabulary SET df = df + ? WHERE term_id = ?")
        for (t, term) in terms.enumerated() {
            if let entry = known[term] {
                termIDs[t] = entry.id
                try bumpDF.execute(arguments: [Int(df[t]), entry.id])
            } else {
                termIDs[t] = nextTermID
                try addTerm.execute(arguments: [nextTermID, term, Int(df[t])])
                nextTermID += 1
                newTerms += 1
            }
        }
        return (termIDs, newTerms)
    }

    /// Stores the postings of new rows as `segment`: term `t` (id `termIDs[t]`) owns the
    /// (row, weighted tf) pairs `entries[2 * offsets[t] ..< 2 * offsets[t + 1]]`, rows counted from `firstRow`.
    package func appendPostingsSegment(
        _ segment: Int, termIDs: [Int], offsets: [Int], entries: [UInt32], firstRow: Int
    ) throws {
        let postings = try PostingsWriter(db)
        try entries.withUnsafeBufferPointer { entries in
            for t in 0..<termIDs.count where offsets[t + 1] > offsets[t] {
                try postings.insert(
                    termID: termIDs[t], segment: segment,
                    entries: UnsafeBufferPointer(rebasing: entries[(2 * offsets[t])..<(2 * offsets[t + 1])]),
                    rowOffset: UInt32(firstRow))
            }
        }
    }

    /// Appends folded-in document rows after the model's last chunk (see `PaperStore.appendChunks`).
    package func appendFoldedRows(
        firstRow: Int, chunkRows: Int, k: Int, pids: [Int64], embeddings: [Float], lengths: [Float], norms: [Float]
    ) throws {
        try PaperStore.appendChunks(
            db, firstRow: firstRow, chunkRows: chunkRows, k: k, folded: true, pids: pids,
            embeddings: embeddings, lengths: lengths, norms: norms)
    }

    /// Sum of the BM25 lengths of `rows`.
    package func bm25Length(ofRows rows: [Int]) throws -> Double {
        guard !rows.isEmpty else { return 0 }
        let wanted = Set(rows)
        var total = 0.0
        let chunks = try Row.fetchCursor(db, sql: "SELECT first_row, lengths FROM doc_chunks ORDER BY chunk")
        while let row = try chunks.next() {
            let first: Int = row[0]
            var lengths: [Float] = []
            ModelReader.append(row.dataNoCopy(atIndex: 1), to: &lengths)
            for (i, length) in lengths.enumerated() where wanted.contains(first + i) { total += Double(length) }
        }
        return total
    }

    /// Marks model rows superseded (their paper was folded in again with a newer version).
    package func markRowsDead(_ rows: [Int]) throws {
        for row in rows {
            try db.execute(sql: "INSERT OR IGNORE INTO dead_rows (row) VALUES (?)", arguments: [row])
        }
    }

    /// Replaces the stored model metadata.
    package func updateModelMetadata(_ metadata: ModelMetadata) throws {
        try db.execute(
            sql: "UPDATE lsa_model SET metadata = ? WHERE id = 1",
            arguments: [try ModelMetadataCoding.encode(metadata)])
    }
}
