import ArgumentParser
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

extension Sizer {
    struct BenchLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Daemon responsiveness under many clients: concurrent jobs.submit, jobs.get, jobs.list and jobs.history.",
            discussion: """
                Starts its own sizerd on a scratch socket and database. Each client has its own connection and \
                thread; together they submit --jobs jobs (ota_l1, random, small budgets) while reading their own \
                and each other's jobs. No agent runs, so the jobs stay queued. Reports whether jobs.list accounts \
                for every job, the requests and errors, and the latency of jobs.get. Exits 1 if any request \
                failed or a job is missing.
                """)

        @OptionGroup var output: OutputOptions

        @Option(help: "Concurrent clients, each on its own connection and thread.")
        var clients: Int = 50

        @Option(help: "Jobs submitted in total, spread over the clients.")
        var jobs: Int = 200

        func validate() throws {
            guard clients > 0 else { throw ValidationError("--clients must be positive") }
            guard (1...10_000).contains(jobs) else {
                throw ValidationError("--jobs must be between 1 and 10000 (the most one jobs.list returns)")
            }
        }

        func run() async throws {
            let directory = NSTemporaryDirectory() + "sizer-bench-load-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let daemon = try DaemonChild(directory: directory, workers: 1)
            defer { daemon.stop() }
            let control = try daemon.connect()

            let state = LoadState()
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for index in 0..<clients {
                // Client i submits jobs i, i + clients, i + 2 * clients, ...
                let share = jobs / clients + (index < jobs % clients ? 1 : 0)
                let client = LoadClient(index: index, share: share, socket: daemon.socket, state: state)
                group.enter()
                let thread = Thread {
                    start.wait()
                    client.run()
                    group.leave()
                }
                thread.start()
            }
            let began = ContinuousClock.now
            for _ in 0..<clients { start.signal() }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                group.notify(queue: .global()) { continuation.resume() }
            }
            let seconds = (ContinuousClock.now - began) / .seconds(1)

            // Every submitted job is listed, once.
            let submitted = state.submittedIDs
            let listed = try reportingErrors { try control.call(JobsList.self, .init(limit: 10_000)).jobs.map(\.id) }
            let accounted = Set(listed).intersection(submitted).count
            let latencies = state.getLatencies.sorted()
            let report = LoadBenchReport(
                clients: clients, jobs: jobs, jobsAccounted: accounted, requests: state.requests, errors: state.errors.count,
                jobsGetP50Ms: Self.percentile(latencies, 0.50) * 1000, jobsGetP99Ms: Self.percentile(latencies, 0.99) * 1000,
                jobsGetMaxMs: (latencies.last ?? 0) * 1000)
            for error in state.errors.prefix(5) {
                FileHandle.standardError.write(Data("sizer bench load: \(error)\n".utf8))
            }
            if output.json {
                print(String(decoding: try SizerJSON.encoder().encode(report), as: UTF8.self))
            } else {
                print("\(clients) clients, \(String(format: "%.2f", seconds)) s")
                print("jobs: \(jobs) to submit, \(submitted.count) submitted, \(accounted) of them in jobs.list"
                      + (accounted == jobs && listed.count == Set(listed).count ? " (every job accounted for)" : " (MISSING JOBS)"))
                print(String(format: "requests: %d (%.0f/s), errors: %d", report.requests, Double(report.requests) / max(seconds, 1e-9),
                             report.errors))
                print(String(format: "jobs.get latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d calls)",
                             report.jobsGetP50Ms, report.jobsGetP99Ms, report.jobsGetMaxMs, latencies.count))
            }
            if report.errors > 0 || accounted != jobs || listed.count != Set(listed).count { throw ExitCode(1) }
        }

        /// Nearest-rank percentile of sorted values (0 when empty), so p50 <= p99 <= max.
        static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
    }
}

struct LoadBenchReport: Codable {
    var clients: Int
    var jobs: Int
    var jobsAccounted: Int
    var requests: Int
    var errors: Int
    var jobsGetP50Ms: Double
    var jobsGetP99Ms: Double
    var jobsGetMaxMs: Double
}

/// What the clients share: the jobs submitted so far, counts, errors and jobs.get latencies.
final class LoadState: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64] = []
    private var _requests = 0
    private var _errors: [String] = []
    private var _latencies: [Double] = []

    var submittedIDs: Set<Int64> { lock.withLock { Set(ids) } }
    var requests: Int { lock.withLock { _requests } }
    var errors: [String] { lock.withLock { _errors } }
    var getLatencies: [Double] { lock.withLock { _latencies } }

    func submitted(_ id: Int64) { lock.withLock { ids.append(id) } }

    /// A job someone submitted (nil before the first).
    func anyJob(using generator: inout SplitMix64) -> Int64? {
        lock.withLock { ids.isEmpty ? nil : ids[Int(generator.next() % UInt64(ids.count))] }
    }

    func record(requests: Int, errors: [String], latencies: [Double]) {
        lock.withLock {
            _requests += requests
            _errors += errors
            _latencies += latencies
        }
    }
}

/// One client: its own connection, submitting its share of jobs and reading jobs in between.
final class LoadClient: @unchecked Sendable {
    let index: Int
    let share: Int
    let socket: String
    let state: LoadState

    init(index: Int, share: Int, socket: String, state: LoadState) {
        self.index = index
        self.share = share
        self.socket = socket
        self.state = state
    }

    func run() {
        var requests = 0
        var errors: [String] = []
        var latencies: [Double] = []
        var generator = SplitMix64(seed: UInt64(index) &+ 1)
        defer { state.record(requests: requests, errors: errors, latencies: latencies) }
        func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
            requests += 1
            do { return try body() } catch {
                errors.append("client \(index): \(what): \(error)")
                return nil
            }
        }
        guard let client = attempt("connect", { () throws -> SizerClient in
            let client = try SizerClient(socketPath: socket)
            _ = try client.hello(client: "sizer bench load \(index)")
            return client
        }) else { return }

        func get(_ id: Int64) {
            let start = ContinuousClock.now
            if attempt("jobs.get \(id)", { try client.call(JobsGet.self, JobID(id: id)) }) != nil {
                latencies.append((ContinuousClock.now - start) / .seconds(1))
            }
        }

        var mine: [Int64] = []
        // At least a few rounds of reads, also for clients with no job of their own.
        for round in 0..<max(share, 3) {
            if round < share {
                let params = JobsSubmit.Params(circuit: "ota_l1", optimizer: "random", budget: 8 + Int(generator.next() % 17),
                                               groupSize: 4, seed: Int64(index * 10_000 + round))
                if let job = attempt("jobs.submit", { try client.call(JobsSubmit.self, params) }) {
                    mine.append(job.id)
                    state.submitted(job.id)
                }
            }
            if let own = mine.last { get(own) }
            if let other = state.anyJob(using: &generator) {
                get(other)
                _ = attempt("jobs.history \(other)", { try client.call(JobsHistory.self, JobID(id: other)) })
            }
            _ = attempt("jobs.list", { try client.call(JobsList.self, .init(status: .queued, limit: 20)) })
        }
        // Finally read back every job of one's own: each must be there, queued, as submitted.
        for id in mine {
            let start = ContinuousClock.now
            guard let job = attempt("jobs.get \(id)", { try client.call(JobsGet.self, JobID(id: id)) }) else { continue }
            latencies.append((ContinuousClock.now - start) / .seconds(1))
            if job.status != .queued || job.circuit != "ota_l1" || job.optimizer != "random" {
                errors.append("client \(index): job \(id) came back \(job.status.rawValue) \(job.circuit)/\(job.optimizer)")
            }
        }
    }
}
