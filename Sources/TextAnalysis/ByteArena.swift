/// Growth of the analyser's byte buffers (the token scratch of `Analyzer`, the key arenas of `TermCache`
/// and `TokenIDTable`): the capacity doubles until `minimum` bytes fit, and the `used` bytes move to the
/// new block.
enum ByteArena {
    static func grow(_ arena: inout UnsafeMutablePointer<UInt8>, capacity: inout Int, used: Int, minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: arena, count: used)
        arena.deallocate()
        arena = bigger
        capacity = newCapacity
    }
}
