import Foundation
import Core

/// Reads the papers of a `PaperFileReader` on a background thread, a batch ahead of the
/// caller, so decompression and JSON decoding (one core) overlap the SQLite inserts (the other).
///
/// `next()` hands out exactly what `PaperFileReader.next()` would, in the same order: papers,
/// record errors (after which `next()` goes on) and a final file error (repeated by every later
/// call). At most `maxQueued` batches wait, so memory stays flat. Call `cancel()` when stopping
/// early (e.g. on a record error without `--skip-invalid`): the thread then stops at its next batch.
package final class PaperPrefetcher: @unchecked Sendable {
    /// Papers per hand-over (small enough that the writer starts at once).
    static let batchSize = 256
    /// Batches read ahead at most.
    static let maxQueued = 16

    private typealias Item = Result<Paper, any Error>

    /// Shared state, guarded by `condition`.
    private let condition = NSCondition()
    private var queued: [[Item]] = []
    private var producerDone = false
    private var cancelled = false

    /// The consumer's current batch (touched by the consumer only).
    private var current: [Item] = []
    private var currentIndex = 0
    private var finalError: (any Error)?

    /// Starts reading `reader` on a new thread.
    package init(reader: PaperFileReader) {
        let box = ReaderBox(reader)
        let thread = Thread { [self] in produce(box) }
        thread.name = "papersearch-import-reader"
        thread.start()
    }

    /// The next paper, or nil at the end; rethrows the reader's errors in order.
    package func next() throws -> Paper? {
        if let finalError { throw finalError }
        while currentIndex == current.count {
            condition.lock()
            while queued.isEmpty && !producerDone { condition.wait() }
            if queued.isEmpty {
                condition.unlock()
                return nil
            }
            current = queued.removeFirst()
            currentIndex = 0
            condition.signal()
            condition.unlock()
        }
        let item = current[currentIndex]
        currentIndex += 1
        switch item {
        case .success(let paper):
            return paper
        case .failure(let error):
            if let known = error as? PaperSearchError, known.isRecordLevel { throw known }
            finalError = error
            throw error
        }
    }

    /// Stops the reading thread (idempotent).
    package func cancel() {
        condition.lock()
        cancelled = true
        queued.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    deinit { cancel() }

    // MARK: - Reading thread

    private final class ReaderBox: @unchecked Sendable {
        var reader: PaperFileReader
        init(_ reader: PaperFileReader) { self.reader = reader }
    }

    private func produce(_ box: ReaderBox) {
        var batch: [Item] = []
        batch.reserveCapacity(Self.batchSize)
        var finished = false
        while !finished {
            do {
                if let paper = try box.reader.next() {
                    batch.append(.success(paper))
                } else {
                    finished = true
                }
            } catch {
                batch.append(.failure(error))
                if let known = error as? PaperSearchError, known.isRecordLevel {
                    // The reader goes on after a record error.
                } else {
                    finished = true
                }
            }
            if batch.count == Self.batchSize || (finished && !batch.isEmpty) {
                guard hand(batch) else { return }
                batch.removeAll(keepingCapacity: true)
            }
        }
        condition.lock()
        producerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues one batch, waiting while the queue is full; false once cancelled.
    private func hand(_ batch: [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queued.count >= Self.maxQueued && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queued.append(batch)
        condition.broadcast()
        return true
    }
}
