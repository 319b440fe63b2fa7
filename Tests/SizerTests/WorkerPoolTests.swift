import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerTestSupport
import Testing
import WorkerPool

/// Real worker processes: SIGKILL, hangs, recycling, order of results.
@Suite(.serialized) struct WorkerPoolTests {
    /// A transient with 10^12 steps: it runs until it is killed.
    static func hangingCircuit(_ scratch: ScratchCircuits, timeout: Double) throws -> Circuit {
        try scratch.add(name: "hang", netlist: """
            * hang
            .param vdd=1
            .param r=1e3
            vsupply vdd 0 {vdd}
            vin in 0 sin(0 1 1meg)
            r1 in out {r}
            c1 out 0 1p
            rl vdd 0 1k
            """, spec: """
            {"name": "hang", "netlist": "hang.cir", "models": "builtin", "timeout_s": \(timeout),
             "supply": {"param": "vdd", "nominal": 1, "source": "vsupply"},
             "variables": [{"name": "r", "min": 100, "max": 1e5, "scale": "log", "nominal": 1e3}],
             "analyses": [{"type": "op"}, {"type": "tran", "step_s": 1e-12, "stop_s": 1, "max_step_s": 1e-12}],
             "measurements": [{"name": "overshoot_v", "kind": "tran_overshoot_v", "node": "out", "after_s": 0}],
             "specs": [{"metric": "overshoot_v", "bound": "upper", "target": 1}]}
            """)
    }

    @Test func hungEvaluationEndsAsTimeoutNearItsDeadlineAndThePoolKeepsServing() async throws {
        let scratch = try ScratchCircuits()
        let hang = try Self.hangingCircuit(scratch, timeout: 1)
        let pool = try await TestPaths.pool(workers: 1)
        let before = await pool.workerPIDs
        let start = ContinuousClock.now
        let result = await PoolEvaluator(circuit: hang, pool: pool)
            .evaluate([["r": 1e3]], corners: [hang.nominalCorner], targets: hang.spec.defaultTargets)[0]
        let elapsed = ContinuousClock.now - start
        #expect(result.outcome == .timeout)
        #expect(result.reward == Reward.failureFloor)
        // Ended by the deadline (1 s), not by the simulation finishing (hours); the bound is loose
        // because on a loaded 2-core machine, with every other test running, this test's own task
        // can wait a minute for a thread.
        #expect(elapsed < .seconds(300))
        let after = await pool.workerPIDs
        #expect(after.count == 1 && after != before)
        let ota = try TestPaths.circuit("ota_l1")
        let ok = await PoolEvaluator(circuit: ota, pool: pool).evaluate([ota.space.nominal], corners: [ota.nominalCorner], targets: ota.spec.defaultTargets)[0]
        let stats = await pool.statistics
        await pool.shutdown()
        #expect(ok.outcome == .ok)
        #expect(stats.timeouts == 1)
    }

    @Test func workerKilledMidEvaluationIsReportedCrashedAndReplaced() async throws {
        let scratch = try ScratchCircuits()
        let hang = try Self.hangingCircuit(scratch, timeout: 60)
        let pool = try await TestPaths.pool(workers: 1, retries: 0)
        let pid = try #require(await pool.workerPIDs.first)
        async let result = PoolEvaluator(circuit: hang, pool: pool)
            .evaluate([["r": 1e3]], corners: [hang.nominalCorner], targets: hang.spec.defaultTargets)[0]
        try await Task.sleep(for: .milliseconds(500))
        kill(pid, SIGKILL)
        let crashed = await result
        #expect(crashed.outcome == .crashed)
        #expect(crashed.message?.contains("signal 9") == true)
        let ota = try TestPaths.circuit("ota_l1")
        let ok = await PoolEvaluator(circuit: ota, pool: pool).evaluate([ota.space.nominal], corners: [ota.nominalCorner], targets: ota.spec.defaultTargets)[0]
        #expect(ok.outcome == .ok)
        #expect(await pool.workerPIDs.count == 1)
        await pool.shutdown()
    }

    @Test func killingWorkersDuringABatchLosesNoCandidate() async throws {
        // Given a batch of 1,000 evaluations on 2 workers, when a worker is SIGKILLed twice during the batch
        // (after 200 and 500 evaluations were served, whatever the machine's speed),
        // then every candidate comes back ok (retried on a fresh worker), in order, and the pool is at full size.
        let ota = try TestPaths.circuit("ota_l1")
        let pool = try await TestPaths.pool(workers: 2, retries: 2)
        var generator = SplitMix64(seed: 3)
        let count = 1_000
        let designs = (0..<count).map { _ in ota.space.physical((0..<ota.space.dimension).map { _ in generator.nextUnit() }) }
        // The killer is a plain thread: the pool feeds its workers from its own threads, so a
        // watcher on Swift concurrency's (shared with every other test) could wake after the batch.
        let killer = Thread {
            for threshold in [200, 500] {
                while pool.currentStatistics.served < threshold { usleep(500) }
                if let pid = pool.currentWorkerPIDs.first { kill(pid, SIGKILL) }
            }
        }
        killer.start()
        let all = await PoolEvaluator(circuit: ota, pool: pool).evaluate(designs, corners: [ota.nominalCorner], targets: ota.spec.defaultTargets)
        let stats = await pool.statistics
        #expect(all.count == count)
        #expect(all.allSatisfy { $0.outcome != .crashed && $0.outcome != .timeout })
        for (design, result) in zip(designs, all) { #expect(result.design == design) }
        #expect(stats.crashes >= 1)
        #expect(await pool.workerPIDs.count == 2)
        await pool.shutdown()
    }

    @Test func workersAreRecycledAfterTheirRequestLimit() async throws {
        let ota = try TestPaths.circuit("ota_l1")
        let pool = try await TestPaths.pool(workers: 1, maxRequests: 5)
        let designs = Array(repeating: ota.space.nominal, count: 12)
        let results = await PoolEvaluator(circuit: ota, pool: pool).evaluate(designs, corners: [ota.nominalCorner], targets: ota.spec.defaultTargets)
        let stats = await pool.statistics
        await pool.shutdown()
        #expect(results.allSatisfy { $0.outcome == .ok })
        // Every result is identical: recycling does not change answers.
        #expect(Set(results.map { $0.metrics["gain_db"]! ?? 0 }).count == 1)
        #expect(stats.recycled == 2)
        #expect(stats.spawned == 3)
    }

    @Test func missingExecutableIsReportedNotHung() async throws {
        let launch = WorkerLaunch(executable: "/nonexistent/sizerd", arguments: ["worker"],
                                  workingDirectoryRoot: TestPaths.temporaryDirectory("missing"))
        let pool = WorkerPool(configuration: .init(workers: 1), launch: launch)
        // posix_spawn reports a missing file either at spawn or as an immediate exit (127).
        do {
            try await pool.start()
            let reply = await pool.submit([1, 2, 3], timeout: .seconds(5))
            switch reply {
            case .crashed, .unavailable: break
            default: Issue.record("unexpected reply \(reply)")
            }
        } catch {
            #expect("\(error)".contains("nonexistent"))
        }
        await pool.shutdown()
    }
}
