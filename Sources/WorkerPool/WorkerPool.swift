import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A pool of simulation worker processes. One request in flight per worker; requests queue for
/// the next free worker. Crashed and timed-out workers are replaced, long-lived ones recycled.
///
/// Each busy worker is served by a loop on its own thread that takes the next queued request as
/// soon as the previous answer is in: between two evaluations a worker waits for one pipe write,
/// not for Swift concurrency to schedule the caller, the pool and the caller again.
///
/// The pool moves opaque frames: what a request means is the caller's business, so the same pool
/// can later sit behind a cluster scheduler without knowing about netlists.
public final class WorkerPool: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var spawned = 0
        public var crashes = 0
        public var timeouts = 0
        public var recycled = 0
        public var retries = 0
        public var served = 0
    }

    public let configuration: WorkerPoolConfiguration
    private let launch: WorkerLaunch
    /// Touched from the workers' threads and from async callers alike.
    private let state = Mutex(State())

    /// A queued request and whoever waits for its answer.
    private struct Job {
        let payload: [UInt8]
        let timeout: Duration
        var attempt = 0
        let continuation: CheckedContinuation<WorkerReply, Never>
    }

    private struct State {
        var idle: [WorkerProcess] = []
        var live: [Int: WorkerProcess] = [:]
        /// Queued requests, oldest first from `head` (a retried request goes back to the front).
        var pending: [Job] = []
        var head = 0
        var nextID = 0
        var isShutDown = false
        var startError: String?
        var statistics = Statistics()

        var hasPending: Bool { head < pending.count }

        mutating func popPending() -> Job? {
            guard hasPending else { return nil }
            let job = pending[head]
            head += 1
            if head > 1024 && head * 2 > pending.count {
                pending.removeFirst(head)
                head = 0
            }
            return job
        }

        mutating func pushFront(_ job: Job) {
            if head > 0 {
                head -= 1
                pending[head] = job
            } else {
                pending.insert(job, at: 0)
            }
        }

        mutating func drainPending() -> [Job] {
            defer { pending.removeAll(); head = 0 }
            return Array(pending[head...])
        }
    }

    public init(configuration: WorkerPoolConfiguration, launch: WorkerLaunch) {
        self.configuration = configuration
        self.launch = launch
        // A write to a dead worker's pipe must be an error, not the end of this process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts every worker. Throws if one cannot be started.
    public func start() async throws {
        for _ in 0..<configuration.workers {
            do {
                let worker = try spawn()
                state.withLock { $0.idle.append(worker) }
            } catch {
                state.withLock { $0.startError = "\(error)" }
                throw error
            }
        }
    }

    /// Sends one request and returns the worker's answer, or how the attempt ended.
    public func submit(_ payload: [UInt8], timeout: Duration) async -> WorkerReply {
        await withCheckedContinuation { continuation in
            enqueue(Job(payload: payload, timeout: timeout, continuation: continuation))
        }
    }

    public var statistics: Statistics {
        get async { currentStatistics }
    }

    /// The same, readable from any thread without waiting (a test's watcher thread keeps up with
    /// the pool even when Swift concurrency's threads are busy).
    public var currentStatistics: Statistics { state.withLock { $0.statistics } }
    public var currentWorkerPIDs: [pid_t] { state.withLock { $0.live.values.map(\.pid) }.sorted() }

    /// Process ids of the live workers (for tests and diagnostics).
    public var workerPIDs: [pid_t] {
        get async { currentWorkerPIDs }
    }

    /// Resident set of each live worker.
    public var residentBytes: [Int] {
        get async { state.withLock { Array($0.live.values) }.sorted { $0.id < $1.id }.map(\.residentBytes) }
    }

    /// Stops every worker. Requests still waiting get `.unavailable`; requests being served end
    /// as `.crashed`.
    public func shutdown() async {
        let (idle, busy, orphans) = state.withLock { s -> ([WorkerProcess], [WorkerProcess], [Job]) in
            s.isShutDown = true
            let idleIDs = Set(s.idle.map(\.id))
            let idle = s.idle
            s.idle.removeAll()
            let busy = s.live.values.filter { !idleIDs.contains($0.id) }
            s.live.removeAll()
            return (idle, busy, s.drainPending())
        }
        for worker in idle { worker.kill(waitForExit: true) }
        for worker in busy { worker.kill(waitForExit: false) }
        for job in orphans { job.continuation.resume(returning: .unavailable("the worker pool is shut down")) }
    }

    // MARK: - Plumbing

    private func enqueue(_ job: Job) {
        enum Next { case refuse(String), serve(WorkerProcess), wait }
        let next = state.withLock { s -> Next in
            if s.isShutDown { return .refuse("the worker pool is shut down") }
            if s.live.isEmpty, let error = s.startError { return .refuse(error) }
            s.pending.append(job)
            if let worker = s.idle.popLast() { return .serve(worker) }
            return .wait
        }
        switch next {
        case .refuse(let message): job.continuation.resume(returning: .unavailable(message))
        case .serve(let worker): worker.queue.async { self.serve(worker) }
        case .wait: break
        }
    }

    /// Runs on the worker's own thread while requests are queued, then parks the worker as idle.
    private func serve(_ worker: WorkerProcess) {
        while let job = state.withLock({ s -> Job? in
            if let job = s.popPending() { return job }
            if !s.isShutDown && s.live[worker.id] != nil { s.idle.append(worker) }
            return nil
        }) {
            let reply = worker.roundTrip(job.payload, timeout: job.timeout)
            switch reply {
            case .reply:
                worker.served += 1
                let recycle = worker.served >= configuration.maxRequestsPerWorker
                    || worker.residentBytes > configuration.maxResidentBytes
                state.withLock {
                    $0.statistics.served += 1
                    if recycle { $0.statistics.recycled += 1 }
                }
                // A caller that sees the answer sees a full pool: replace a worker before answering.
                if recycle {
                    worker.kill(waitForExit: true)
                    replace(worker)
                    job.continuation.resume(returning: reply)
                    return
                }
                job.continuation.resume(returning: reply)
            case .timedOut:
                state.withLock { $0.statistics.timeouts += 1 }
                replace(worker)
                job.continuation.resume(returning: reply)
                return
            case .crashed:
                let retry = state.withLock { s -> Bool in
                    s.statistics.crashes += 1
                    guard job.attempt < configuration.crashRetries && !s.isShutDown else { return false }
                    s.statistics.retries += 1
                    var again = job
                    again.attempt += 1
                    s.pushFront(again)
                    return true
                }
                replace(worker)
                if !retry { job.continuation.resume(returning: reply) }
                return
            case .unavailable:
                job.continuation.resume(returning: reply)
            }
        }
    }

    /// Starts a replacement for a worker that is gone and puts it to work.
    private func replace(_ gone: WorkerProcess) {
        let proceed = state.withLock { s -> Bool in
            s.live[gone.id] = nil
            return !s.isShutDown
        }
        guard proceed else { return }
        do {
            let worker = try spawn()
            worker.queue.async { self.serve(worker) }
        } catch {
            // Nobody can serve the queue if no worker is left.
            let orphans = state.withLock { s -> [Job] in
                s.startError = "\(error)"
                return s.live.isEmpty ? s.drainPending() : []
            }
            for job in orphans { job.continuation.resume(returning: .unavailable("\(error)")) }
        }
    }

    private func spawn() throws -> WorkerProcess {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        let worker = try WorkerProcess.spawn(launch, id: id)
        let keep = state.withLock { s -> Bool in
            s.statistics.spawned += 1
            guard !s.isShutDown else { return false }
            s.live[id] = worker
            return true
        }
        if !keep { worker.kill(waitForExit: true) }
        return worker
    }
}
