import Core
import Store

extension QueryEngine {
    /// Runs `body` on a snapshot of the store's current model. When a concurrent `index` or `add`
    /// commits between the snapshot and one of its reads (`PaperSearchError.modelChanged`; the
    /// snapshot refuses to mix models), takes a new snapshot and runs `body` again, at most
    /// `attempts` times in all: a command then answers from the old or the new model, never both.
    public static func withSnapshot<T>(
        of store: PaperStore, attempts: Int = 3, _ body: (QueryEngine) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body(try QueryEngine(store: store))
            } catch PaperSearchError.modelChanged where attempt < attempts {
                attempt += 1
            }
        }
    }
}
