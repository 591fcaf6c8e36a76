/// An unbounded map from a token's UTF-8 bytes to a 32-bit value (`CorpusAnalyzer`: the local
/// term id, or `dropped` for a stop word), built for the indexing hot path: one lookup per token.
///
/// Open addressing with linear probing over 32-byte slots that hold the key inline (up to 16
/// bytes, zero-padded, which covers almost every token), its hash and the value, so a hit costs
/// one random memory access (`TermCache` needs three: slot, entry, key arena). Longer keys keep
/// their first 8 bytes inline and the rest in a byte arena. The table doubles at 1/2 load; it is
/// never cleared (a corpus has a few hundred thousand distinct tokens). Not thread-safe.
final class TokenIDTable {
    /// `find` result for a key that is not in the table.
    static let notFound = UInt32.max
    /// Value for a token that yields no term.
    static let dropped = UInt32.max - 1

    /// Keys up to this many bytes are stored inline.
    fileprivate static let inlineBytes = 16

    fileprivate struct Slot {
        /// The key's bytes 0..<8 and 8..<16, little-endian, zero beyond the key; for a key longer
        /// than `inlineBytes`, `w1` is the offset of its bytes in the arena.
        var w0: UInt64
        var w1: UInt64
        var hash: UInt32
        /// 0: empty slot (keys are never empty).
        var length: UInt32
        var value: UInt32
        var unused: UInt32
    }

    /// The mutable state behind a pointer: a class's stored `var`s pay a dynamic exclusivity
    /// check on every access.
    fileprivate struct State {
        var slots: UnsafeMutablePointer<Slot>
        var mask: Int
        var count = 0
        var arena: UnsafeMutablePointer<UInt8>
        var arenaCapacity: Int
        var arenaUsed = 0
    }

    private let state: UnsafeMutablePointer<State>

    /// Number of stored keys.
    var count: Int { state.pointee.count }

    /// - Parameter capacity: keys expected (the table grows past it as needed).
    init(capacity: Int = 1 << 16) {
        var slotCount = 16
        while slotCount < 2 * capacity { slotCount <<= 1 }
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(w0: 0, w1: 0, hash: 0, length: 0, value: 0, unused: 0), count: slotCount)
        state = .allocate(capacity: 1)
        state.initialize(to: State(slots: slots, mask: slotCount - 1, arena: .allocate(capacity: 1 << 16), arenaCapacity: 1 << 16))
    }

    deinit {
        state.pointee.slots.deallocate()
        state.pointee.arena.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The first 16 bytes of `p[0..<n]` as two little-endian words, zero beyond `n`. Reads only
    /// inside the key (overlapping loads instead of a byte loop for the tail).
    @inline(__always)
    fileprivate static func words(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(p)
        if n >= 8 {
            let w0 = raw.loadUnaligned(as: UInt64.self)
            if n >= 16 { return (w0, raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            if n == 8 { return (w0, 0) }
            // Bytes 8..<n are the top n - 8 bytes of the word ending at n.
            let tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            return (w0, tail >> UInt64(8 * (16 - n)))
        }
        if n >= 4 {
            // Two overlapping 4-byte loads; the overlap holds the same bytes in both.
            let lo = UInt64(raw.loadUnaligned(as: UInt32.self))
            let hi = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            return (lo | hi << UInt64(8 * (n - 4)), 0)
        }
        if n > 0 {
            let w = UInt64(p[0]) | UInt64(p[n >> 1]) << UInt64(8 * (n >> 1)) | UInt64(p[n - 1]) << UInt64(8 * (n - 1))
            return (w, 0)
        }
        return (0, 0)
    }

    @inline(__always)
    fileprivate static func hash(_ w0: UInt64, _ w1: UInt64, _ n: Int) -> UInt32 {
        var h = (w0 ^ UInt64(truncatingIfNeeded: n) << 56) &* 0x9E37_79B9_7F4A_7C15
        h ^= w1 &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }

    /// Hash of any key: inline keys by their words; longer ones with `TermCache.hash`.
    @inline(__always)
    fileprivate static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, _ w0: UInt64, _ w1: UInt64) -> UInt32 {
        n <= inlineBytes ? hash(w0, w1, n) : TermCache<UInt32>.hash(p, n)
    }

    /// The value of `p[0..<n]`, or `notFound`.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 { handle.find(p, n) }

    /// A view of the table for the hot loop: a plain pointer, so a closure that captures it holds
    /// no reference (a captured class reference is retained and released around every call).
    /// Valid while the table lives; `insert` may be called meanwhile.
    struct Handle {
        fileprivate let state: UnsafeMutablePointer<State>

        /// The value of `p[0..<n]`, or `notFound`.
        @inline(__always)
        func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
            let (w0, w1) = TokenIDTable.words(p, n)
            let h = TokenIDTable.hash(p, n, w0, w1)
            let slots = state.pointee.slots
            let mask = state.pointee.mask
            var s = Int(h) & mask
            while true {
                let slot = slots[s]
                if slot.length == 0 { return TokenIDTable.notFound }
                if slot.hash == h && Int(slot.length) == n && slot.w0 == w0
                    && (n <= TokenIDTable.inlineBytes ? slot.w1 == w1 : longKeyEqual(slot, p, n))
                {
                    return slot.value
                }
                s = (s + 1) & mask
            }
        }

        private func longKeyEqual(_ slot: Slot, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
            let stored = state.pointee.arena + Int(slot.w1)
            for i in 8..<n where stored[i] != p[i] { return false }
            return true
        }
    }

    var handle: Handle { Handle(state: state) }

    /// Stores the value of a key `find` did not find.
    func insert(_ p: UnsafePointer<UInt8>, _ n: Int, _ value: UInt32) {
        guard n > 0 && n <= Int(UInt32.max) else { return }  // tokens are never empty
        if 2 * (state.pointee.count + 1) > state.pointee.mask + 1 { grow() }
        var (w0, w1) = TokenIDTable.words(p, n)
        let h = TokenIDTable.hash(p, n, w0, w1)
        if n > TokenIDTable.inlineBytes {
            let used = state.pointee.arenaUsed
            if used + n > state.pointee.arenaCapacity { growArena(minimum: used + n) }
            (state.pointee.arena + used).update(from: p, count: n)
            state.pointee.arenaUsed = used + n
            w1 = UInt64(used)
        }
        put(Slot(w0: w0, w1: w1, hash: h, length: UInt32(n), value: value, unused: 0))
        state.pointee.count += 1
    }

    private func put(_ slot: Slot) {
        let slots = state.pointee.slots
        let mask = state.pointee.mask
        var s = Int(slot.hash) & mask
        while slots[s].length != 0 { s = (s + 1) & mask }
        slots[s] = slot
    }

    private func grow() {
        let old = state.pointee.slots
        let oldCount = state.pointee.mask + 1
        let newCount = 2 * oldCount
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: newCount)
        slots.initialize(repeating: Slot(w0: 0, w1: 0, hash: 0, length: 0, value: 0, unused: 0), count: newCount)
        state.pointee.slots = slots
        state.pointee.mask = newCount - 1
        for s in 0..<oldCount where old[s].length != 0 { put(old[s]) }
        old.deallocate()
    }

    private func growArena(minimum: Int) {
        ByteArena.grow(&state.pointee.arena, capacity: &state.pointee.arenaCapacity, used: state.pointee.arenaUsed,
                       minimum: minimum)
    }
}
