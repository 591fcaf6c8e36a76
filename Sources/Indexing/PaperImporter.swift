import Foundation
import Core
import NumericKernels
import Formats
import Store

/// Imports paper files into the store: reader → store, one transaction per command (all its files).
///
/// A record-level error rolls the whole import back unless `skipInvalid` is set, in which case
/// the record is skipped and counted. File-level errors (missing file, corrupt gzip, unknown
/// format) always roll the import back. Memory stays flat: records stream from the reader
/// straight into prepared statements.
public struct PaperImporter: Sendable {
    public struct Options: Sendable {
        public var format: ImportFormat?
        public var skipInvalid: Bool
        public var namespace: String?
        public init(format: ImportFormat? = nil, skipInvalid: Bool = false, namespace: String? = nil) {
            self.format = format
            self.skipInvalid = skipInvalid
            self.namespace = namespace
        }
    }

    /// What one file's import did.
    public struct Summary: Codable, Sendable, Equatable {
        public var file: String
        public var format: String
        public var records: Int
        public var inserted: Int
        public var updated: Int
        public var unchanged: Int
        public var skipped: Int
        public var firstSkipped: [String]
        public var seconds: Double
        /// Ids of papers this file inserted or updated (only collected when asked).
        public var changedIDs: [String]?
    }

    public let store: PaperStore
    public init(store: PaperStore) { self.store = store }

    /// Imports one file. `progress` receives the number of records read so far.
    public func importFile(
        _ path: String, options: Options = .init(), collectChangedIDs: Bool = false,
        progress: ((Int) -> Void)? = nil
    ) throws -> Summary {
        let summaries = try importFiles(
            [path], options: options, collectChangedIDs: collectChangedIDs, progress: { _, n in progress?(n) })
        guard let summary = summaries.first else { throw PaperSearchError.fileNotFound(path: path) }
        return summary
    }

    /// Imports `paths` in order, all in one transaction: a failure (or an interruption) in any
    /// file leaves the store as before the first. `progress` receives the file and the number of
    /// its records read so far.
    public func importFiles(
        _ paths: [String], options: Options = .init(), collectChangedIDs: Bool = false,
        progress: ((String, Int) -> Void)? = nil
    ) throws -> [Summary] {
        // Constant checks: the importer writes only the literal tag origins the CHECK admits.
        try store.writeTransaction(.bulkConstantChecks) { tx in
            try Self.importFiles(paths, options: options, collectChangedIDs: collectChangedIDs, in: tx, progress: progress)
        }
    }

    /// Imports `paths` in order inside the caller's transaction (`importFiles` above, and `add`,
    /// which folds the changed papers in within the same transaction).
    static func importFiles(
        _ paths: [String], options: Options, collectChangedIDs: Bool, in tx: WriteTransaction,
        progress: ((String, Int) -> Void)?
    ) throws -> [Summary] {
        try paths.map { path in
            let start = DispatchTime.now().uptimeNanoseconds
            let reader = try PaperFileReader(path: path, format: options.format, namespace: options.namespace)
            // Decoding runs on a second thread while this one writes.
            let papers = PaperPrefetcher(reader: reader)
            defer { papers.cancel() }
            var summary = try Self.importRecords(
                from: papers.next, format: reader.format, path: path, options: options,
                collectChangedIDs: collectChangedIDs, in: tx, progress: { progress?(path, $0) })
            summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return summary
        }
    }

    /// Streams every record of `reader` into the store inside the caller's transaction.
    /// `next` is a reader's `next()`: it returns nil at the end and throws record errors
    /// (after which it goes on) and file errors.
    static func importRecords(
        from next: () throws -> Paper?, format: ImportFormat, path: String, options: Options,
        collectChangedIDs: Bool, in tx: WriteTransaction, progress: ((Int) -> Void)?
    ) throws -> Summary {
        let start = DispatchTime.now().uptimeNanoseconds
        let now = PaperStore.timestamp()
        var summary = Summary(
            file: path, format: format.rawValue, records: 0, inserted: 0, updated: 0, unchanged: 0,
            skipped: 0, firstSkipped: [], seconds: 0, changedIDs: collectChangedIDs ? [] : nil)
        let upserter = try tx.paperUpserter(now: now)
        while true {
            let paper: Paper
            do {
                guard let next = try next() else { break }
                paper = next
            } catch let error as PaperSearchError where options.skipInvalid && error.isRecordLevel {
                summary.skipped += 1
                if summary.firstSkipped.count < 5 { summary.firstSkipped.append(error.description) }
                continue
            }
            summary.records += 1
            summary.count(try upserter.store(paper), id: paper.id)
            if summary.records % 5000 == 0 { progress?(summary.records) }
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }

    /// Stores already-parsed papers (from `fetch`) in one transaction.
    public func store(papers: [Paper], label: String) throws -> Summary {
        let start = DispatchTime.now().uptimeNanoseconds
        let now = PaperStore.timestamp()
        var summary = Summary(
            file: label, format: ImportFormat.atom.rawValue, records: papers.count, inserted: 0, updated: 0,
            unchanged: 0, skipped: 0, firstSkipped: [], seconds: 0, changedIDs: [])
        try store.writeTransaction { tx in
            let upserter = try tx.paperUpserter(now: now)
            for paper in papers {
                summary.count(try upserter.store(paper), id: paper.id)
            }
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }
}

extension PaperImporter.Summary {
    /// Counts one upsert outcome.
    mutating func count(_ outcome: PaperStore.UpsertOutcome, id: String) {
        switch outcome {
        case .inserted:
            inserted += 1
            changedIDs?.append(id)
        case .updated:
            updated += 1
            changedIDs?.append(id)
        case .unchanged:
            unchanged += 1
        }
    }

    /// JSON array of summaries, sorted keys.
    public static func json(_ summaries: [Self]) throws -> String {
        var trimmed = summaries
        for i in trimmed.indices { trimmed[i].changedIDs = nil }
        return try JSONOutput.encode(trimmed)
    }
}

extension ImportFormat {
    /// Parses a `--format` value; a usage error names the accepted values.
    public static func parse(_ value: String) throws -> ImportFormat {
        guard let format = ImportFormat(rawValue: value.lowercased()) else {
            throw PaperSearchError.invalidOption(
                option: "--format", value: value,
                expected: ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return format
    }
}
