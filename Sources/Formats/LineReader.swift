import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Core

/// Streams the lines of a plain or gzip-compressed text file.
///
/// Gzip is recognised by its magic bytes `1f 8b`, not by the file name; multi-member
/// gzip files (`cat a.gz b.gz`) are read as one stream. The file is read in chunks of
/// `chunkSize` bytes and decompressed with zlib's `inflate`, so memory use depends on the
/// longest line, not on the file size. Lines end at `\n`; a `\r` before it is dropped,
/// the last line may lack a terminator, and a UTF-8 byte order mark at the start of the
/// file is skipped. Bytes are returned as they are (no UTF-8 check here).
///
/// This is the only file of the engine that imports zlib (`CZlib`).
public final class LineReader {
    /// One line: its raw bytes without the line terminator, and its 1-based number.
    public struct Line: Sendable, Equatable {
        public var bytes: [UInt8]
        public var number: Int
    }

    /// Bytes read from the file per `read(2)` call.
    public static let chunkSize = 256 * 1024
    /// Default cap on one line; longer lines are reported and skipped.
    public static let defaultMaxLineLength = 64 * 1024 * 1024

    /// The file being read, as given.
    public let path: String
    /// Whether the file is gzip-compressed (starts with `1f 8b`).
    public let isGzip: Bool
    /// Lines longer than this many bytes are reported as record errors and skipped.
    public let maxLineLength: Int

    private let fd: Int32
    /// Raw bytes read from the file, not yet handed to the decompressor.
    private let input: UnsafeMutablePointer<UInt8>
    private var inputStart = 0
    private var inputEnd = 0
    private var fileEOF = false
    /// Compressed bytes consumed so far (for error messages).
    private var compressedOffset = 0
    /// zlib state; must keep a fixed address (zlib stores a back pointer to it).
    private let stream: UnsafeMutablePointer<z_stream>?
    private let output: UnsafeMutablePointer<UInt8>?
    private var memberOpen = true
    private var memberIndex = 0
    private var memberProducedOutput = false
    private var finished = false
    private var failure: PaperSearchError?

    /// Text bytes not yet returned as lines: `pending[start...]`.
    private var pending: [UInt8] = []
    private var start = 0
    /// Where the next newline search begins (everything before is known newline-free).
    private var scanFrom = 0
    private var lineNumber = 0
    private var skippingLongLine = false

    /// Opens `path` for reading.
    ///
    /// - Throws: `.fileNotFound` when nothing exists at `path`, `.unreadableFile` for a
    ///   directory or a file that cannot be opened or read, `.truncatedGzip` when zlib
    ///   cannot be initialised.
    public init(path: String, maxLineLength: Int = LineReader.defaultMaxLineLength) throws {
        self.path = path
        self.maxLineLength = max(1, maxLineLength)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PaperSearchError.fileNotFound(path: path)
        }
        if isDirectory.boolValue {
            throw PaperSearchError.unreadableFile(path: path, reason: "is a directory, expected a file")
        }
        let descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            throw PaperSearchError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        fd = descriptor
        input = UnsafeMutablePointer<UInt8>.allocate(capacity: LineReader.chunkSize)

        // Peek at the first chunk to recognise gzip by its magic bytes.
        var firstCount = 0
        var readError: Int32 = 0
        while firstCount < 2 {
            let n = read(descriptor, input + firstCount, LineReader.chunkSize - firstCount)
            if n < 0 {
                if errno == EINTR { continue }
                readError = errno
                break
            }
            if n == 0 { fileEOF = true; break }
            firstCount += n
        }
        inputEnd = firstCount
        if readError != 0 {
            close(descriptor)
            input.deallocate()
            throw PaperSearchError.unreadableFile(path: path, reason: String(cString: strerror(readError)))
        }
        isGzip = firstCount >= 2 && input[0] == 0x1f && input[1] == 0x8b
        guard isGzip else {
            stream = nil
            output = nil
            return
        }
        let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        z.initialize(to: z_stream())
        // windowBits 15 + 32: largest window, and let zlib detect the gzip header.
        let status = inflateInit2_(z, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if status != Z_OK {
            z.deallocate()
            close(descriptor)
            input.deallocate()
            throw PaperSearchError.truncatedGzip(path: path, reason: "cannot start zlib (status \(status))")
        }
        stream = z
        output = UnsafeMutablePointer<UInt8>.allocate(capacity: LineReader.chunkSize * 4)
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        output?.deallocate()
        input.deallocate()
        if fd >= 0 { close(fd) }
    }

    /// Number of the last line returned (0 before the first).
    public var currentLine: Int { lineNumber }

    /// Returns the next line, or `nil` at the end of the file.
    ///
    /// A line longer than `maxLineLength` throws `.malformedRecord` naming it; the next
    /// call continues after it. Read and gzip errors are final: every later call rethrows them.
    public func next() throws -> Line? {
        if let failure { throw failure }
        do {
            return try nextLine()
        } catch let error as PaperSearchError {
            if case .malformedRecord = error { throw error }
            failure = error
            throw error
        }
    }

    private func nextLine() throws -> Line? {
        while true {
            if let newline = findNewline() {
                if skippingLongLine {
                    // The rest of an over-long line: drop it and go on after it.
                    skippingLongLine = false
                    lineNumber += 1
                    start = newline + 1
                    scanFrom = start
                    continue
                }
                lineNumber += 1
                if newline - start > maxLineLength {
                    start = newline + 1
                    scanFrom = start
                    throw tooLong(lineNumber)
                }
                let line = makeLine(end: newline)
                start = newline + 1
                scanFrom = start
                return line
            }
            scanFrom = pending.count
            if skippingLongLine {
                pending.removeAll(keepingCapacity: true)
                start = 0
                scanFrom = 0
            } else if pending.count - start > maxLineLength {
                skippingLongLine = true
                pending.removeAll(keepingCapacity: true)
                start = 0
                scanFrom = 0
                throw tooLong(lineNumber + 1)
            }
            // Keep only the unfinished line before reading more.
            if start > 0 {
                pending.removeSubrange(0..<start)
                scanFrom -= start
                start = 0
            }
            if try !fill() {
                // End of file: the last line may lack its terminator.
                if skippingLongLine {
                    skippingLongLine = false
                    lineNumber += 1
                    return nil
                }
                guard start < pending.count else { return nil }
                lineNumber += 1
                let line = makeLine(end: pending.count)
                start = pending.count
                scanFrom = start
                return line
            }
        }
    }

    private func tooLong(_ line: Int) -> PaperSearchError {
        .malformedRecord(path: path, line: line, reason: "line is longer than \(maxLineLength) bytes, expected one record per line")
    }

    /// Index of the next `\n` at or after `scanFrom`, using `memchr`.
    private func findNewline() -> Int? {
        guard scanFrom < pending.count else { return nil }
        return pending.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress,
                let hit = memchr(base + scanFrom, 0x0A, buffer.count - scanFrom)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Copies `pending[start..<end]` minus a trailing `\r` (and a BOM on line 1).
    private func makeLine(end: Int) -> Line {
        var lower = start
        var upper = end
        if upper > lower && pending[upper - 1] == 0x0D { upper -= 1 }
        if lineNumber == 1 && upper - lower >= 3 && pending[lower] == 0xEF && pending[lower + 1] == 0xBB
            && pending[lower + 2] == 0xBF
        {
            lower += 3
        }
        return Line(bytes: Array(pending[lower..<upper]), number: lineNumber)
    }

    /// Reads more raw bytes from the file into `input`; returns false at end of file.
    private func readInput() throws -> Bool {
        if fileEOF { return false }
        while true {
            let n = read(fd, input, LineReader.chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw PaperSearchError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 {
                fileEOF = true
                return false
            }
            inputStart = 0
            inputEnd = n
            return true
        }
    }

    /// Appends more text to `pending`; returns false at the (clean) end of the data.
    private func fill() throws -> Bool {
        if finished { return false }
        guard let stream, let output else {
            // Plain file: copy the raw bytes.
            if inputStart == inputEnd, try !readInput() {
                finished = true
                return false
            }
            pending.append(contentsOf: UnsafeBufferPointer(start: input + inputStart, count: inputEnd - inputStart))
            inputStart = inputEnd
            return true
        }
        let outputSize = LineReader.chunkSize * 4
        while true {
            if inputStart == inputEnd, try !readInput() {
                if memberOpen {
                    throw PaperSearchError.truncatedGzip(
                        path: path,
                        reason: "unexpected end of file after \(compressedOffset) compressed bytes")
                }
                finished = true
                return false
            }
            if !memberOpen {
                // More data after a complete member: the next member of a multi-member file.
                inflateReset(stream)
                memberOpen = true
                memberIndex += 1
                memberProducedOutput = false
            }
            let available = inputEnd - inputStart
            stream.pointee.next_in = input + inputStart
            stream.pointee.avail_in = UInt32(available)
            stream.pointee.next_out = output
            stream.pointee.avail_out = UInt32(outputSize)
            let status = inflate(stream, Z_NO_FLUSH)
            let consumed = available - Int(stream.pointee.avail_in)
            inputStart += consumed
            compressedOffset += consumed
            let produced = outputSize - Int(stream.pointee.avail_out)
            if produced > 0 {
                memberProducedOutput = true
                pending.append(contentsOf: UnsafeBufferPointer(start: output, count: produced))
            }
            switch status {
            case Z_STREAM_END:
                memberOpen = false
                if produced > 0 { return true }
            case Z_OK:
                if produced > 0 { return true }
            case Z_BUF_ERROR:
                // No progress possible: only legitimate when the input ran out.
                if inputStart != inputEnd {
                    throw PaperSearchError.truncatedGzip(path: path, reason: "zlib made no progress")
                }
            default:
                throw gzipError(status: status)
            }
        }
    }

    private func gzipError(status: Int32) -> PaperSearchError {
        var message = "zlib status \(status)"
        if let stream, let text = stream.pointee.msg {
            message = String(cString: text)
        }
        if memberIndex > 0 && !memberProducedOutput {
            return .truncatedGzip(
                path: path,
                reason: "unexpected data after gzip member ending near compressed byte \(compressedOffset): \(message)")
        }
        return .truncatedGzip(path: path, reason: "\(message) near compressed byte \(compressedOffset)")
    }
}
