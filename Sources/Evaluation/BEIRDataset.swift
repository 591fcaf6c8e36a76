import Foundation
import Core

/// A BEIR-layout directory: corpus.jsonl, queries.jsonl, qrels/test.tsv (or another qrels file).
public struct BEIRDataset: Sendable {
    public let directory: String
    public let corpusPath: String
    /// Test queries that have judgements: (query id, text), in qrels order.
    public let queries: [(id: String, text: String)]
    /// query id -> (document id -> grade > 0).
    public let qrels: [String: [String: Int]]

    public init(directory: String, qrelsPath: String? = nil) throws {
        self.directory = directory
        corpusPath = directory + "/corpus.jsonl"
        let queriesPath = directory + "/queries.jsonl"
        let qrelsFile = qrelsPath ?? directory + "/qrels/test.tsv"
        for path in [corpusPath, queriesPath, qrelsFile] where !FileManager.default.fileExists(atPath: path) {
            throw PaperSearchError.fileNotFound(path: path)
        }
        // qrels: "query-id<TAB>corpus-id<TAB>score" with an optional header line.
        var qrels: [String: [String: Int]] = [:]
        var order: [String] = []
        let qrelsText = try Self.read(qrelsFile)
        for (index, line) in qrelsText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if fields.isEmpty || fields == [""] { continue }
            if index == 0 && fields.first == "query-id" { continue }
            guard fields.count >= 3, let grade = Int(fields[2]) else {
                throw PaperSearchError.malformedRecord(
                    path: qrelsFile, line: index + 1, reason: "expected query-id<TAB>corpus-id<TAB>score")
            }
            guard grade > 0 else { continue }
            if qrels[fields[0]] == nil { order.append(fields[0]) }
            qrels[fields[0], default: [:]][fields[1]] = grade
        }
        // queries.jsonl: {"_id": ..., "text": ...}
        var texts: [String: String] = [:]
        let queryText = try Self.read(queriesPath)
        for (index, line) in queryText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = (object["_id"] as? String) ?? (object["_id"] as? Int).map(String.init),
                let text = object["text"] as? String
            else {
                throw PaperSearchError.malformedRecord(
                    path: queriesPath, line: index + 1, reason: "expected a JSON object with string '_id' and 'text'")
            }
            texts[id] = text
        }
        queries = order.compactMap { id in texts[id].map { (id, $0) } }
        self.qrels = qrels
    }

    static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PaperSearchError.unreadableFile(path: path, reason: "not UTF-8 text or unreadable")
        }
    }
}
