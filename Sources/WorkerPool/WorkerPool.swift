#if canImport(Glibc)
import Glibc
#endif

/// A pool of simulation worker processes. One request in flight per worker; requests queue for
/// the next free worker. Crashed and timed-out workers are replaced, long-lived ones recycled.
///
/// The pool moves opaque frames: what a request means is the caller's business, so the same pool
/// can later sit behind a cluster scheduler without knowing about netlists.
public actor WorkerPool {
    public struct Statistics: Sendable, Equatable {
        public var spawned = 0
        public var crashes = 0
        public var timeouts = 0
        public var recycled = 0
        public var retries = 0
        public var served = 0
    }

    public nonisolated let configuration: WorkerPoolConfiguration
    private let launch: WorkerLaunch
    private var idle: [WorkerProcess] = []
    private var busy: [Int: WorkerProcess] = [:]
    private var waiters: [CheckedContinuation<WorkerProcess?, Never>] = []
    private var nextID = 0
    private var isShutDown = false
    private var startError: String?
    public private(set) var statistics = Statistics()

    public init(configuration: WorkerPoolConfiguration, launch: WorkerLaunch) {
        self.configuration = configuration
        self.launch = launch
        // A write to a dead worker's pipe must be an error, not the end of this process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts every worker. Throws if none can be started.
    public func start() throws {
        for _ in 0..<configuration.workers {
            idle.append(try spawn())
        }
    }

    /// Sends one request and returns the worker's answer, or how the attempt ended.
    public func submit(_ payload: [UInt8], timeout: Duration) async -> WorkerReply {
        var attempt = 0
        while true {
            guard let worker = await acquire() else {
                return .unavailable(startError ?? "the worker pool is shut down")
            }
            busy[worker.id] = worker
            let reply = await worker.roundTrip(payload, timeout: timeout)
            busy[worker.id] = nil
            switch reply {
            case .reply:
                worker.served += 1
                statistics.served += 1
                if worker.served >= configuration.maxRequestsPerWorker || worker.residentBytes > configuration.maxResidentBytes {
                    statistics.recycled += 1
                    worker.kill(waitForExit: true)
                    replace()
                } else {
                    release(worker)
                }
                return reply
            case .timedOut:
                statistics.timeouts += 1
                replace()
                return reply
            case .crashed:
                statistics.crashes += 1
                replace()
                if attempt < configuration.crashRetries && !isShutDown {
                    attempt += 1
                    statistics.retries += 1
                    continue
                }
                return reply
            case .unavailable:
                release(worker)
                return reply
            }
        }
    }

    /// Sends many requests, spread over the workers; answers come back in request order.
    public func submitAll(_ payloads: [[UInt8]], timeout: Duration) async -> [WorkerReply] {
        await withTaskGroup(of: (Int, WorkerReply).self) { group in
            for (index, payload) in payloads.enumerated() {
                group.addTask { (index, await self.submit(payload, timeout: timeout)) }
            }
            var replies = [WorkerReply?](repeating: nil, count: payloads.count)
            for await (index, reply) in group { replies[index] = reply }
            return replies.map { $0! }
        }
    }

    /// Process ids of the live workers (for tests and diagnostics).
    public var workerPIDs: [pid_t] { (idle + busy.values).map(\.pid).sorted() }

    /// Resident set of each live worker.
    public var residentBytes: [Int] { (idle + busy.values).map(\.residentBytes) }

    /// Stops every worker. Requests still waiting get `.unavailable`.
    public func shutdown() {
        isShutDown = true
        for worker in idle { worker.kill(waitForExit: true) }
        idle.removeAll()
        for worker in busy.values { worker.kill(waitForExit: false) }
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
    }

    // MARK: - Plumbing

    private func acquire() async -> WorkerProcess? {
        if isShutDown { return nil }
        if let worker = idle.popLast() { return worker }
        if idle.isEmpty && busy.isEmpty && startError != nil { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ worker: WorkerProcess) {
        if isShutDown {
            worker.kill(waitForExit: true)
        } else if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: worker)
        } else {
            idle.append(worker)
        }
    }

    /// Starts a replacement for a worker that is gone.
    private func replace() {
        guard !isShutDown else { return }
        do {
            release(try spawn())
        } catch {
            startError = "\(error)"
            // Nobody can serve the waiters if no worker is left.
            if idle.isEmpty && busy.isEmpty {
                for waiter in waiters { waiter.resume(returning: nil) }
                waiters.removeAll()
            }
        }
    }

    private func spawn() throws -> WorkerProcess {
        nextID += 1
        let worker = try WorkerProcess.spawn(launch, id: nextID)
        statistics.spawned += 1
        return worker
    }
}
