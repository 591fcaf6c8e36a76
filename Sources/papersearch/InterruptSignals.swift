import Foundation
import Core

/// SIGINT and SIGTERM end any command with exit status 128 + signal (130, 143), the progress
/// line finished, temporary files removed, and stdout's buffered lines written.
///
/// The signals are blocked in every thread and taken by one thread that waits in `sigwait`:
/// the cleanup then runs as ordinary code (locks, unlink, stdio), which an asynchronous signal
/// handler could not do safely. `install` must run before any other thread exists, as threads
/// inherit the mask of their creator; a thread started earlier with the signals unblocked would
/// take them with the default action (death without cleanup). The database needs no step: an
/// interrupted SQLite transaction is rolled back when the process ends.
enum InterruptSignals {
    static func install() {
        let set = UnsafeMutablePointer<sigset_t>.allocate(capacity: 1)  // the thread's, for the process's life
        sigemptyset(set)
        for signo in [SIGINT, SIGTERM] where !isIgnored(signo) { sigaddset(set, signo) }
        guard pthread_sigmask(SIG_BLOCK, set, nil) == 0 else { return }
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            guard let set = argument?.assumingMemoryBound(to: sigset_t.self) else { return nil }
            while true {
                var signo: Int32 = 0
                guard sigwait(set, &signo) == 0 else { continue }
                InterruptSignals.terminate(signo)
            }
        }, set)
        // Without the thread nobody would take the blocked signals: unblock them, as before.
        if started != 0 { pthread_sigmask(SIG_UNBLOCK, set, nil) }
    }

    /// A signal the parent set to be ignored (`nohup`, a background job of a non-interactive
    /// shell) stays ignored: Linux keeps a blocked signal pending even when ignored, so blocking
    /// it for `sigwait` would make it end the command.
    private static func isIgnored(_ signo: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signo, nil, &current) == 0 else { return false }
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    private static func terminate(_ signo: Int32) -> Never {
        // The open progress line first, so the shell prompt starts on its own line.
        ProgressReporter.endOpenLine()
        TemporaryFiles.removeAll()
        // Lines already printed reach their file; skipped when the main thread is inside a write
        // to stdout (it may be blocked on a full pipe).
        if ftrylockfile(StandardOutput.stream) == 0 {
            fflush(StandardOutput.stream)
            funlockfile(StandardOutput.stream)
        }
        _exit(128 + signo)
    }
}
