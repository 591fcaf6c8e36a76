/// Where long work (index, add, eval) reports how far it got. The library only says what it is
/// doing; showing it (a rewritten terminal line, or nothing) is the caller's business, so no
/// terminal code lives here (the CLI's `ProgressReporter` is the terminal one).
public protocol ProgressSink: Sendable {
    /// The work's current state; a sink may drop updates unless `force` (rate limiting).
    func update(_ message: String, force: Bool)
    /// The work ended, optionally with a final message to keep.
    func finish(_ message: String?)
}

extension ProgressSink {
    public func update(_ message: String) { update(message, force: false) }
    public func finish() { finish(nil) }
}

/// A sink that shows nothing: the default of every library entry point (tests, scripts, eval's inner fit).
public struct SilentProgress: ProgressSink {
    public init() {}
    public func update(_ message: String, force: Bool) {}
    public func finish(_ message: String?) {}
}
