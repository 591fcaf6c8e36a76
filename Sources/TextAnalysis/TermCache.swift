import Core
/// A bounded memo from a token's UTF-8 bytes to what the analyzer emits for it (`Value`: its
/// stem as a String for `Analyzer`, or its term id for `CorpusAnalyzer`; nil for "dropped", e.g.
/// a stop word), so the hot path neither allocates a String per token nor runs the stemmer again
/// for a word it has seen.
///
/// Open addressing with linear probing over a power-of-two slot table; keys live in one byte
/// arena, values in one buffer (a cached String is shared, so yielding it costs a retain at most).
/// When `capacity` entries are stored the whole cache is cleared (results never depend on the
/// cache: it is a pure memo). Not thread-safe; owned by one `Analyzer`.
final class TermCache<Value> {
    /// One cached key: its hash, and where its bytes are in the arena.
    fileprivate struct Entry {
        var hash: UInt32
        var keyLength: Int32
        var keyOffset: Int
    }

    /// Keys longer than this are never cached (they are rare and would bloat the arena).
    static var maxKeyBytes: Int { 64 }

    /// The mutable scalars, behind a pointer: a class's stored `var`s pay a dynamic
    /// exclusivity check on every access, which cost ~15% of the analyzer's time per token.
    fileprivate struct State {
        var arena: UnsafeMutablePointer<UInt8>
        var arenaCapacity: Int
        var arenaUsed = 0
        var count = 0
        var hits = 0
        var misses = 0
        var resets = 0
    }

    let capacity: Int
    private let slotMask: Int
    /// slot -> entry index + 1 (0 = empty).
    private let slots: UnsafeMutablePointer<Int32>
    private let entries: UnsafeMutablePointer<Entry>
    /// Entry index -> value (nil: the token is dropped).
    private let terms: UnsafeMutablePointer<Value?>
    private let state: UnsafeMutablePointer<State>

    /// Number of cached tokens.
    var count: Int { state.pointee.count }
    /// Statistics, for tuning and tests.
    var hits: Int { state.pointee.hits }
    var misses: Int { state.pointee.misses }
    var resets: Int { state.pointee.resets }

    /// - Parameter capacity: maximum number of cached tokens before the cache is cleared (at least 16).
    init(capacity: Int) {
        let cap = max(16, capacity)
        self.capacity = cap
        // Slot table at most half full: next power of two >= 2 * capacity.
        var slotCount = 1
        while slotCount < 2 * cap { slotCount <<= 1 }
        slotMask = slotCount - 1
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        entries = .allocate(capacity: cap)
        terms = .allocate(capacity: cap)
        state = .allocate(capacity: 1)
        state.initialize(to: State(arena: .allocate(capacity: 8 * cap), arenaCapacity: 8 * cap))
    }

    deinit {
        terms.deinitialize(count: state.pointee.count)
        terms.deallocate()
        entries.deallocate()
        slots.deallocate()
        state.pointee.arena.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// 32-bit hash of a byte string: 8 bytes at a time, each word mixed by a multiply-xorshift
    /// (the 64-bit finaliser of MurmurHash3 / splitmix64 constants), length folded in first.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            // Tail of 1...7 bytes, little-endian into one word.
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        h = (h ^ (h >> 33)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return UInt32(truncatingIfNeeded: h)
    }

    /// A view of the cache for the hot loop: plain pointers, so a closure that captures it holds
    /// no class reference (one costs a retain/release pair per token). Valid while the cache
    /// lives; `insert` and `clear` may be called meanwhile.
    struct Handle {
        fileprivate let slotMask: Int
        fileprivate let slots: UnsafeMutablePointer<Int32>
        fileprivate let entries: UnsafeMutablePointer<Entry>
        fileprivate let terms: UnsafeMutablePointer<Value?>
        fileprivate let state: UnsafeMutablePointer<State>

        /// The entry index of `key` (for `value(at:)`), or -1 when it is not cached: then compute
        /// its value and `insert` it. Keys longer than `maxKeyBytes` are never cached.
        @inline(__always)
        func find(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int {
            if length > TermCache.maxKeyBytes { return -1 }
            let h = TermCache.hash(key, length)
            var s = Int(h) & slotMask
            while true {
                let e = Int(slots[s])
                if e == 0 { return -1 }
                let entry = entries[e - 1]
                if entry.hash == h && Int(entry.keyLength) == length
                    && TermCache.memcmpEqual(state.pointee.arena + entry.keyOffset, key, length)
                {
                    state.pointee.hits += 1
                    return e - 1
                }
                s = (s + 1) & slotMask
            }
        }

        /// The value of entry `index` from `find` (nil: the token is dropped).
        @inline(__always)
        func value(at index: Int) -> Value? { terms[index] }
    }

    var handle: Handle { Handle(slotMask: slotMask, slots: slots, entries: entries, terms: terms, state: state) }

    /// Stores the value of a key `find` did not find, clearing the cache first when it is full.
    /// Keys longer than `maxKeyBytes` are only counted as a miss.
    func insert(_ key: UnsafePointer<UInt8>, _ length: Int, _ term: Value?) {
        state.pointee.misses += 1
        if length > TermCache.maxKeyBytes { return }
        if state.pointee.count == capacity { clear() }
        let h = TermCache.hash(key, length)
        var s = Int(h) & slotMask
        while slots[s] != 0 { s = (s + 1) & slotMask }
        let used = state.pointee.arenaUsed
        if used + length > state.pointee.arenaCapacity { growArena(minimum: used + length) }
        (state.pointee.arena + used).update(from: key, count: length)
        let index = state.pointee.count
        entries[index] = Entry(hash: h, keyLength: Int32(length), keyOffset: used)
        (terms + index).initialize(to: term)
        state.pointee.arenaUsed = used + length
        state.pointee.count = index + 1
        slots[s] = Int32(index + 1)
    }

    /// Drops every entry (keeps the memory).
    func clear() {
        terms.deinitialize(count: state.pointee.count)
        slots.update(repeating: 0, count: slotMask + 1)
        state.pointee.count = 0
        state.pointee.arenaUsed = 0
        state.pointee.resets += 1
    }

    private func growArena(minimum: Int) {
        ByteArena.grow(&state.pointee.arena, capacity: &state.pointee.arenaCapacity, used: state.pointee.arenaUsed,
                       minimum: minimum)
    }

    @inline(__always)
    fileprivate static func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != UnsafeRawPointer(b).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}
