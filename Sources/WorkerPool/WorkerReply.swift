/// How one round trip to a worker ended.
public enum WorkerReply: Sendable {
    /// The worker answered with a frame.
    case reply([UInt8], worker: Int)
    /// No answer before the deadline: the worker was killed with SIGKILL and replaced.
    case timedOut(worker: Int)
    /// The worker died (signal or exit) before answering, on every attempt.
    case crashed(WorkerExit, worker: Int)
    /// No worker could be started (missing executable, resource limits).
    case unavailable(String)
}

/// How a worker process ended.
public enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    case signal(Int32)
    case exitCode(Int32)
    case unknown

    public var description: String {
        switch self {
        case .signal(let s): return "killed by signal \(s)"
        case .exitCode(let c): return "exited with status \(c)"
        case .unknown: return "ended"
        }
    }
}
