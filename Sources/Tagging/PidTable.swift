/// A map from paper pid to a value, stored as an array indexed by pid (pids are SQLite rowids,
/// dense from 1), with a dictionary for the rare pid beyond `denseLimit`. Tagging looks up every
/// model row's tags and date: on the arXiv sample this replaced ~400,000 hashed dictionary
/// operations per run.
struct PidTable<Value: Sendable>: Sendable {
    /// Pids below this are array-indexed.
    static var denseLimit: Int64 { 1 << 24 }

    private var dense: [Value?] = []
    private var sparse: [Int64: Value] = [:]

    init() {}

    /// Room for pids up to `maxPid` without growing.
    init(maxPid: Int64) {
        dense = [Value?](repeating: nil, count: Int(max(0, min(maxPid + 1, Self.denseLimit))))
    }

    subscript(pid: Int64) -> Value? {
        get {
            if pid >= 0 && pid < Int64(dense.count) { return dense[Int(pid)] }
            return pid >= Self.denseLimit || pid < 0 ? sparse[pid] : nil
        }
        set {
            if pid >= 0 && pid < Self.denseLimit {
                if pid >= Int64(dense.count) {
                    if newValue == nil { return }
                    dense += [Value?](repeating: nil, count: Int(pid) + 1 - dense.count)
                }
                dense[Int(pid)] = newValue
            } else {
                sparse[pid] = newValue
            }
        }
    }
}
