import Foundation
import FuzzSupport
import TextAnalysis

/// One analyzer per process (building the stemmer is the slow part).
nonisolated(unsafe) private let analyzer: Analyzer = {
    do { return try Analyzer() } catch { fatalError("\(error)") }
}()

/// libFuzzer's per-input callback: the input (decoded as UTF-8, invalid bytes replaced) is
/// analysed as a query. Terms must be non-empty, bounded in length (4 KiB here; tokens over
/// `maxTokenBytes` are dropped), and the same when the text is analysed twice (the term cache
/// must not change results).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: bytes, count: bytes == nil ? 0 : count)
    let text = String(decoding: buffer, as: UTF8.self)
    let terms = analyzer.terms(text)
    for term in terms {
        if term.isEmpty { fatalError("empty term from \(text.debugDescription)") }
        if term.utf8.count > 4096 { fatalError("unbounded term of \(term.utf8.count) bytes") }
    }
    if analyzer.terms(text) != terms { fatalError("analysis not deterministic for \(text.debugDescription)") }
    return 0
}

/// Entry point (SwiftPM owns `main`): runs libFuzzer's driver.
@main
enum FuzzAnalyzer {
    static func main() { FuzzMain.run(fuzzOneInput) }
}
