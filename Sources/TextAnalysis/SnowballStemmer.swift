// The Snowball English ("Porter2") stemmer of libstemmer. This is the ONLY file that imports
// CStemmer; everything else stems through `SnowballStemmer`.
//
// Thread safety: a libstemmer `sb_stemmer` keeps its working buffer inside the handle, and the
// memo below is a plain dictionary, so one instance must only be used by one thread at a time.
// The class is therefore explicitly NOT Sendable: create one per thread (each `Analyzer` owns one).
import CStemmer
import Core

/// Wraps `sb_stemmer_new("english", "UTF_8")`.
///
/// Input words must already be lowercased (the Snowball algorithms are defined on lowercase
/// text); `Analyzer` guarantees that. Not thread-safe: use one instance per thread.
public final class SnowballStemmer {
    /// The libstemmer handle, owned by this object and freed in `deinit`.
    private let handle: OpaquePointer
    /// Bounded memo for `stem(_:)`: scientific vocabulary repeats heavily, and a dictionary hit
    /// is cheaper than running the algorithm. Cleared wholesale when it reaches `memoCapacity`.
    private var memo: [String: String] = [:]
    private let memoCapacity: Int

    /// The Snowball algorithm and encoding this wrapper asks libstemmer for.
    public static let algorithm = "english"
    public static let encoding = "UTF_8"

    /// Creates a Snowball English stemmer.
    /// - Parameter memoCapacity: how many distinct words `stem(_:)` remembers before its memo is
    ///   cleared (0 disables the memo).
    /// - Throws: `PaperSearchError.stemmerUnavailable` when libstemmer returns no stemmer.
    public init(memoCapacity: Int = 50_000) throws {
        guard let h = sb_stemmer_new(Self.algorithm, Self.encoding) else {
            throw PaperSearchError.stemmerUnavailable(algorithm: Self.algorithm, encoding: Self.encoding)
        }
        handle = h
        self.memoCapacity = max(0, memoCapacity)
    }

    deinit {
        sb_stemmer_delete(handle)
    }

    /// The stem of a lowercase word (`"running"` -> `"run"`), memoised.
    public func stem(_ word: String) -> String {
        if let hit = memo[word] { return hit }
        var copy = word
        let result = copy.withUTF8 { stem(utf8: $0) }
        if memoCapacity > 0 {
            if memo.count >= memoCapacity { memo.removeAll(keepingCapacity: true) }
            memo[word] = result
        }
        return result
    }

    /// The stem of a lowercase word given as UTF-8 bytes, not memoised (callers such as
    /// `Analyzer` keep their own byte-keyed cache). Returns the input unchanged when libstemmer
    /// fails (it only fails when out of memory).
    func stem(utf8 word: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = word.baseAddress, word.count > 0, word.count <= Int(Int32.max) else {
            return String(decoding: word, as: UTF8.self)
        }
        // sb_stemmer_stem returns a pointer into the handle's own buffer, valid until the next
        // call on this handle; sb_stemmer_length gives its byte length.
        guard let out = sb_stemmer_stem(handle, base, Int32(word.count)) else {
            return String(decoding: word, as: UTF8.self)
        }
        let length = Int(sb_stemmer_length(handle))
        return String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
    }
}

/// A stemmer handle must not cross threads.
@available(*, unavailable)
extension SnowballStemmer: Sendable {}
