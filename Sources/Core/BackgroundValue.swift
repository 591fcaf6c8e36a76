import Foundation

/// A value computed on its own thread while the caller goes on with other work; `value()`
/// waits for it (and rethrows its error). Used where independent loads (the model's
/// embeddings, the tag table) can overlap on a multi-core machine; the result does not depend
/// on the timing, only the wall time does.
package final class BackgroundValue<Value: Sendable>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    /// Set once by the worker, before `finished` is signalled.
    private var result: Result<Value, Error>?
    /// Wall seconds the work took on its thread.
    private var elapsed = 0.0

    /// Starts `work` on a new thread at once.
    package init(_ work: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread { [self] in
            let start = DispatchTime.now().uptimeNanoseconds
            let outcome = Result { try work() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lock.withLock {
                result = outcome
                elapsed = seconds
            }
            finished.signal()
        }
    }

    /// Waits for the work to finish; its value, or rethrows its error. May be called again.
    package func value() throws -> Value {
        try waitForResult().get()
    }

    /// Wall seconds the work itself took (after `value()` returned).
    package var seconds: Double { lock.withLock { elapsed } }

    private func waitForResult() -> Result<Value, Error> {
        while true {
            // The worker sets `result` before it signals, so this loop waits at most once.
            if let result = lock.withLock({ result }) { return result }
            finished.wait()
            // Let later callers through as well.
            finished.signal()
        }
    }
}
