import Foundation
import FuzzSupport

/// libFuzzer's per-input callback: the input is read as a .arxiv file through `PaperFileReader`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzInput.readAll(bytes.map { Data(bytes: $0, count: count) } ?? Data(), format: .arxiv)
    return 0
}

/// Entry point (SwiftPM owns `main`): runs libFuzzer's driver.
@main
enum FuzzArxivJSONL {
    static func main() { FuzzMain.run(fuzzOneInput) }
}
