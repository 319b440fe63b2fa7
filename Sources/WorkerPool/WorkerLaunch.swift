/// How to start one worker process.
public struct WorkerLaunch: Sendable {
    public var executable: String
    public var arguments: [String]
    /// Extra environment entries; the worker also gets `LC_ALL=C` and a private `HOME`.
    public var environment: [String: String]
    /// Each worker gets `<root>/worker-<n>` as working directory and HOME, so no
    /// `.spiceinit` of anyone else's is read and log files land in a private place.
    public var workingDirectoryRoot: String

    public init(executable: String, arguments: [String], environment: [String: String] = [:],
                workingDirectoryRoot: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectoryRoot = workingDirectoryRoot
    }
}

/// Pool settings.
public struct WorkerPoolConfiguration: Sendable {
    /// Worker processes (default: one per core).
    public var workers: Int
    /// Replace a worker after this many requests (bounds slow leaks).
    public var maxRequestsPerWorker: Int
    /// Replace a worker whose resident set exceeds this many bytes.
    public var maxResidentBytes: Int
    /// Extra attempts, each on a fresh worker, for a request whose worker crashed.
    public var crashRetries: Int

    public init(workers: Int = WorkerPoolConfiguration.coreCount, maxRequestsPerWorker: Int = 20_000,
                maxResidentBytes: Int = 1 << 30, crashRetries: Int = 1) {
        self.workers = max(1, workers)
        self.maxRequestsPerWorker = max(1, maxRequestsPerWorker)
        self.maxResidentBytes = maxResidentBytes
        self.crashRetries = max(0, crashRetries)
    }

    public static var coreCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
