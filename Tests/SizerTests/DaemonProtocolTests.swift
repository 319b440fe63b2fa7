import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Testing

/// The built `sizerd` over its real socket, with a real database and real simulation workers.
@Suite(.serialized) struct DaemonProtocolTests {
    static let circuit = "ota_l1"

    @Test func everyMethodRoundTrips() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.client()

        // Given a running daemon, when a client asks about circuits, then it sees the built-in ones.
        let hello = try client.hello()
        #expect(hello.protocolVersion == ProtocolLimits.version)
        #expect(hello.methods.contains(AgentEvaluate.name))
        let circuits = try client.call(CircuitsList.self, NoParams())
        #expect(circuits.circuits.contains { $0.name == Self.circuit && $0.variables == 7 })
        let described = try client.call(CircuitsDescribe.self, .init(circuit: Self.circuit))
        #expect(described.variables.map(\.name) == ["w1", "l1", "w3", "l3", "w5", "l5", "ib"])
        #expect(described.variables.first?.kind == .width)
        #expect(described.corners.count == 45)
        #expect(described.testTargets == 50)

        // A one-off evaluation is simulated and logged as a job.
        let eval = try client.call(Eval.self, .init(circuit: Self.circuit, designs: [[:], ["ib": 4e-5]]))
        #expect(eval.results.count == 2)
        #expect(eval.results.allSatisfy { $0.outcome == .ok && ($0.metrics["gain_db"] ?? nil) != nil })
        #expect(try client.call(JobsGet.self, JobID(id: eval.jobId)).status == .done)

        // A job is submitted, claimed, evaluated turn by turn and finished.
        let job = try client.call(JobsSubmit.self, .init(circuit: Self.circuit, optimizer: "random", budget: 6,
                                                         groupSize: 3, seed: 5, testTarget: 0))
        #expect(job.status == .queued)
        #expect(job.targetSource == "test:0")
        #expect(try client.call(JobsList.self, .init(status: .queued)).jobs.map(\.id).contains(job.id))
        let claim = try #require(try client.call(AgentClaim.self, .init(agent: "test-agent")).claimed)
        #expect(claim.job.id == job.id)
        #expect(claim.history.isEmpty)
        #expect(claim.task.targetPositions.allSatisfy { (0...1).contains($0) })
        let lease = claim.lease
        #expect(try client.call(AgentHeartbeat.self, LeaseRef(jobId: job.id, token: lease.token)).status == .running)

        let first = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]]
        let turn0 = try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 0, candidates: first))
        #expect(turn0.simulationsUsed == 3)
        #expect(turn0.turn.candidates.map(\.x) == first)
        // A retried turn (lost reply) gets the logged results without new simulations.
        let retried = try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 0, candidates: first))
        #expect(retried.simulationsUsed == 3)
        #expect(retried.turn.candidates.map(\.reward) == turn0.turn.candidates.map(\.reward))
        let turn1 = try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 1,
                                                              candidates: first.reversed()))
        #expect(turn1.simulationsUsed == 6)
        // The budget is enforced by the daemon, whatever the agent sends.
        let overBudget = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 2, candidates: [first[0]]))
        }
        #expect(overBudget?.kind == .budgetExceeded)
        let finished = try client.call(AgentFinish.self, .init(jobId: job.id, token: lease.token, status: .done))
        #expect(finished.status == .done)
        #expect(finished.simulationsUsed == 6)
        #expect(finished.bestReward == (turn0.turn.candidates + turn1.turn.candidates).map(\.reward).max())

        let history = try client.call(JobsHistory.self, JobID(id: job.id))
        #expect(history.turns.map(\.turn) == [0, 1])
        #expect(history.turns.flatMap(\.candidates).count == 6)
        let cancelFinished = #expect(throws: RPCError.self) { try client.call(JobsCancel.self, JobID(id: job.id)) }
        #expect(cancelFinished?.kind == .conflict)

        // Replay re-simulates all 6 logged candidates and finds no difference.
        let replay = try client.call(JobsReplay.self, JobID(id: job.id))
        #expect(replay.candidates == 6)
        #expect(replay.mismatches == 0, "\(replay.details)")

        // Policies round-trip through the daemon's database.
        let saved = try client.call(PoliciesSave.self, .init(circuit: Self.circuit, algorithm: "tlgrpo", specHash: "h",
                                                             featureVersion: 1, simulations: 10, seed: 3,
                                                             codeVersion: "test", checkpoint: "{\"w\":[1,2]}"))
        let loaded = try client.call(PoliciesGet.self, .init(circuit: Self.circuit, algorithm: "tlgrpo"))
        #expect(loaded.id == saved.id)
        #expect(loaded.checkpoint == "{\"w\":[1,2]}")

        // An outside sqlite3 reads the log while the daemon runs.
        let count = try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM candidates WHERE job_id = \(job.id)")
        #expect(count == "6")
        let summary = try Sqlite3.query(daemon.databasePath,
                                        "SELECT status, simulations_used FROM job_summary WHERE job_id = \(job.id)")
        #expect(summary == "done|6")
        #expect(daemon.stop() == 0)
    }

    @Test func badInputGetsClearErrorsAndTheConnectionStaysUsable() throws {
        let daemon = try DaemonProcess(workers: 1)
        let raw = try RawSocket(path: daemon.socketPath)
        let hello = #"{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol_version":1}}"#
        #expect(raw.errorCode(for: "{not json") == RPCErrorCode.parseError.rawValue)
        #expect(raw.errorCode(for: "[1,2,3]") == RPCErrorCode.invalidRequest.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":2}"#) == RPCErrorCode.invalidRequest.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"1.0","id":2,"method":"hello"}"#) == RPCErrorCode.invalidRequest.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":3,"method":"jobs.explode"}"#) == RPCErrorCode.methodNotFound.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":4,"method":"hello","params":{"protocol_version":99}}"#)
                == RPCErrorCode.unsupportedVersion.rawValue)
        // A hello without a version (or without params at all) is version 1.
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":4,"method":"hello","params":{"client":"plain"}}"#) == nil)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":4,"method":"hello"}"#) == nil)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":5,"method":"jobs.get","params":[1]}"#) == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":6,"method":"jobs.get","params":{"id":"seven"}}"#)
                == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":7,"method":"jobs.get","params":{"id":424242}}"#)
                == RPCErrorCode.notFound.rawValue)
        let submit = #"{"jsonrpc":"2.0","id":8,"method":"jobs.submit","params":{"circuit":"ota_l1","optimizer":"random","budget":%@}}"#
        #expect(raw.errorCode(for: submit.replacingOccurrences(of: "%@", with: "0")) == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: submit.replacingOccurrences(of: "%@", with: "2.5")) == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: submit.replacingOccurrences(of: "%@", with: "\"ten\"")) == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":9,"method":"jobs.submit","params":{"circuit":"no_such","optimizer":"random","budget":5}}"#)
                == RPCErrorCode.notFound.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":10,"method":"jobs.submit","params":{"circuit":"../../etc/passwd","optimizer":"random","budget":5}}"#)
                == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":11,"method":"jobs.submit","params":{"circuit":"ota_l1","optimizer":"magic","budget":5}}"#)
                == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":12,"method":"jobs.submit","params":{"circuit":"ota_l1","optimizer":"bo","budget":5,"test_target":50}}"#)
                == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":13,"method":"eval","params":{"circuit":"ota_l1","designs":[{"w1":-3}]}}"#)
                == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":14,"method":"eval","params":{"circuit":"ota_l1","designs":[{"bogus":1}]}}"#)
                == RPCErrorCode.invalidParams.rawValue)
        #expect(raw.errorCode(for: #"{"jsonrpc":"2.0","id":15,"method":"agent.evaluate","params":{"job_id":1,"token":"x","turn":0,"candidates":[[0.5]]}}"#)
                == RPCErrorCode.notFound.rawValue)
        // An over-long line is skipped up to its newline and answered; the next request works.
        raw.send(Array(repeating: UInt8(ascii: "x"), count: ProtocolLimits.maxRequestLineBytes + 4096) + [0x0A])
        let tooLong = raw.readObject()
        #expect((tooLong?["error"] as? [String: Any])?["code"] as? Int == RPCErrorCode.parseError.rawValue)
        #expect(raw.errorCode(for: hello) == nil)

        // A job leased to one agent rejects another's token and out-of-range candidates.
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4))
        let lease = try #require(try client.call(AgentClaim.self, .init(agent: "a")).claimed).lease
        let wrongToken = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: "not-the-token", turn: 0,
                                                      candidates: [Array(repeating: 0.5, count: 7)]))
        }
        #expect(wrongToken?.kind == .conflict)
        let outOfRange = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 0,
                                                      candidates: [Array(repeating: 1.5, count: 7)]))
        }
        #expect(outOfRange?.kind == .invalidParams)
        let wrongTurn = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 3,
                                                      candidates: [Array(repeating: 0.5, count: 7)]))
        }
        #expect(wrongTurn?.kind == .conflict)
        // Nothing was logged by the refused requests, and the daemon is still alive.
        #expect(try client.call(JobsGet.self, JobID(id: job.id)).simulationsUsed == 0)
        #expect(daemon.process.isRunning)
        #expect(daemon.stop() == 0)
    }

    @Test func aClientThatShutsItsWriteSideStillGetsEveryAnswer() throws {
        let daemon = try DaemonProcess(workers: 1)
        // Given requests followed by a half-close (what `echo ... | socat` does),
        let raw = try RawSocket(path: daemon.socketPath)
        raw.send(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol_version":1}}"# + "\n"
                 + #"{"jsonrpc":"2.0","id":2,"method":"circuits.describe","params":{"circuit":"ota_l1"}}"# + "\n"
                 + #"{"jsonrpc":"2.0","id":3,"method":"eval","params":{"circuit":"ota_l1","designs":[{}]}}"# + "\n")
        raw.shutdownWrite()
        // then every request is answered before the daemon closes the connection.
        let ids = (0..<3).compactMap { _ in raw.readObject()?["id"] as? Int }
        #expect(Set(ids) == [1, 2, 3])
        #expect(raw.readLine() == nil)
        #expect(daemon.stop() == 0)
    }

    @Test func onlyTheHolderOfACancelledJobLearnsOfTheCancel() throws {
        let daemon = try DaemonProcess(workers: 1)
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: Self.circuit, optimizer: "random", budget: 4, groupSize: 2))
        let lease = try #require(try client.call(AgentClaim.self, .init(agent: "holder")).claimed).lease
        _ = try client.call(JobsCancel.self, JobID(id: job.id))
        #expect(try client.call(AgentHeartbeat.self, LeaseRef(jobId: job.id, token: lease.token)).status == .cancelled)
        let stranger = #expect(throws: RPCError.self) {
            try client.call(AgentHeartbeat.self, LeaseRef(jobId: job.id, token: "someone-else"))
        }
        #expect(stranger?.kind == .conflict)
        // The cancelled job takes no more turns, and a turn larger than the group is refused.
        let refused = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 0,
                                                      candidates: [Array(repeating: 0.5, count: 7)]))
        }
        #expect(refused?.kind == .jobCancelled)
        // Its holder cannot finish it either, and learns why the same way.
        let finishing = #expect(throws: RPCError.self) {
            try client.call(AgentFinish.self, .init(jobId: job.id, token: lease.token, status: .done))
        }
        #expect(finishing?.kind == .jobCancelled)
        let other = try client.call(JobsSubmit.self, .init(circuit: Self.circuit, optimizer: "random", budget: 4, groupSize: 2))
        let otherLease = try #require(try client.call(AgentClaim.self, .init(agent: "holder")).claimed).lease
        let tooMany = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: other.id, token: otherLease.token, turn: 0,
                                                      candidates: Array(repeating: Array(repeating: 0.5, count: 7), count: 3)))
        }
        #expect(tooMany?.kind == .invalidParams)
        #expect(daemon.stop() == 0)
    }

    @Test func aWatcherSeesEveryTurnWhileAnotherClientRunsTheJob() async throws {
        let daemon = try DaemonProcess()
        let submitter = try daemon.client()
        let job = try submitter.call(JobsSubmit.self, .init(circuit: Self.circuit, optimizer: "random", budget: 8, groupSize: 2))
        // Given a second client watching the job, when the first runs four turns, then the watcher
        // receives four turn events in order and the final job.
        let socket = daemon.socketPath
        let (subscribed, signal) = AsyncStream<WatchStarted>.makeStream()
        let watcher = Task.detached { () throws -> ([TurnEvent], JobInfo) in
            defer { signal.finish() }
            let client = try SizerClient(socketPath: socket)
            _ = try client.hello()
            var events: [TurnEvent] = []
            let final = try client.call(JobsWatch.self, JobID(id: job.id)) { note in
                if note.method == WatchStarted.method {
                    signal.yield(try WireCoding.decode(WatchStarted.self, from: note.params))
                } else if note.method == TurnEvent.method {
                    events.append(try WireCoding.decode(TurnEvent.self, from: note.params))
                }
            }
            return (events, final)
        }
        // The daemon acknowledges the subscription before any turn is sent.
        var acknowledgements = subscribed.makeAsyncIterator()
        let started = try #require(await acknowledgements.next())
        #expect(started == WatchStarted(jobId: job.id, turns: 0))
        let lease = try #require(try submitter.call(AgentClaim.self, .init(agent: "runner")).claimed).lease
        for turn in 0..<4 {
            let x = (0..<2).map { index in (0..<7).map { Double(($0 + turn + index) % 7) / 7 } }
            _ = try submitter.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: turn, candidates: x))
        }
        _ = try submitter.call(AgentFinish.self, .init(jobId: job.id, token: lease.token, status: .done))
        let (events, final) = try await watcher.value
        #expect(events.map(\.turn) == [0, 1, 2, 3])
        #expect(events.map(\.simulationsUsed) == [2, 4, 6, 8])
        #expect(events.last?.bestReward == final.bestReward)
        #expect(final.status == .done)
        #expect(daemon.stop() == 0)
    }

    @Test func anAgentThatDisappearsLosesItsJobToAnotherThatResumesIt() throws {
        let daemon = try DaemonProcess(leaseSeconds: 1.5)
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: Self.circuit, optimizer: "random", budget: 6, groupSize: 2))
        // Given agent A that commits one turn and then goes silent,
        let a = try #require(try client.call(AgentClaim.self, .init(agent: "A")).claimed)
        let x = [Array(repeating: 0.3, count: 7), Array(repeating: 0.6, count: 7)]
        _ = try client.call(AgentEvaluate.self, .init(jobId: job.id, token: a.lease.token, turn: 0, candidates: x))
        // when its lease lapses, then agent B gets the job with A's turn in its history,
        let b = try #require(try client.call(AgentClaim.self, .init(agent: "B", waitSeconds: 20)).claimed)
        #expect(b.job.id == job.id)
        #expect(b.history.map(\.turn) == [0])
        #expect(b.history[0].candidates.map(\.x) == x)
        // A's late turn is refused, and B continues from turn 1 to the end of the budget.
        let late = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: a.lease.token, turn: 1, candidates: x))
        }
        #expect(late?.kind == .conflict)
        for turn in 1...2 {
            _ = try client.call(AgentEvaluate.self, .init(jobId: job.id, token: b.lease.token, turn: turn, candidates: x))
        }
        let done = try client.call(AgentFinish.self, .init(jobId: job.id, token: b.lease.token, status: .done))
        #expect(done.simulationsUsed == 6)
        // No turn lost or duplicated: simulations 1...6 once each, turns 0, 1, 2 once each.
        #expect(try Sqlite3.query(daemon.databasePath,
                                  "SELECT group_concat(simulation) FROM (SELECT simulation FROM candidates WHERE job_id = \(job.id) ORDER BY simulation)")
                == "1,2,3,4,5,6")
        #expect(try Sqlite3.query(daemon.databasePath,
                                  "SELECT group_concat(turn || ':' || agent) FROM (SELECT turn, agent FROM turns WHERE job_id = \(job.id) ORDER BY turn)")
                == "0:A,1:B,2:B")
        #expect(daemon.stop() == 0)
    }

    @Test func sigtermWithClientsConnectedExitsCleanly() async throws {
        let daemon = try DaemonProcess()
        let idle = try daemon.client()
        let job = try idle.call(JobsSubmit.self, .init(circuit: Self.circuit, optimizer: "random", budget: 4))
        let socket = daemon.socketPath
        // A client in the middle of a stream, and an idle one.
        let (subscribed, signal) = AsyncStream<Void>.makeStream()
        let watcher = Task.detached { () throws -> JobInfo in
            defer { signal.finish() }
            let client = try SizerClient(socketPath: socket)
            _ = try client.hello()
            return try client.call(JobsWatch.self, JobID(id: job.id)) { note in
                if note.method == WatchStarted.method { signal.yield() }
            }
        }
        var acknowledgements = subscribed.makeAsyncIterator()
        #expect(await acknowledgements.next() != nil)
        // When SIGTERM arrives, then the daemon ends the stream, exits 0 and leaves a sound database.
        #expect(daemon.stop(signal: SIGTERM, timeout: 20) == 0)
        _ = try? await watcher.value
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(try Sqlite3.query(daemon.databasePath, "PRAGMA integrity_check") == "ok")
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT status FROM jobs WHERE id = \(job.id)") == "queued")
        _ = idle
    }
}

/// The `sqlite3` command-line shell, as a user would run it next to the daemon.
enum Sqlite3 {
    /// sqlite3 refused the SQL (it exits non-zero and says why on stderr).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    static func query(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", database, sql]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "sqlite3 \(database): " + String(decoding: message, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
