import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerTestSupport
import SpiceDeck
import Testing

/// The fast path (one loaded deck, `alterparam` + `reset`) must equal a fresh full load.
@Suite(.serialized) struct FastPathTests {
    static let circuits = ["ota_l1", "ota5t", "two_stage", "folded_cascode", "ldo", "nested_miller"]
        .filter { FileManager.default.fileExists(atPath: TestPaths.repository + "/specs/\($0).json") }

    @Test(arguments: circuits)
    func alterparamEqualsAFreshLoadOnRandomSizings(name: String) async throws {
        let circuit = try TestPaths.circuit(name)
        let pool = try await TestPaths.pool(workers: 2)
        var generator = SplitMix64(seed: 42)
        let designs = (0..<50).map { _ in circuit.space.physical((0..<circuit.space.dimension).map { _ in generator.nextUnit() }) }
        let corners = [circuit.nominalCorner]
        let fast = await PoolEvaluator(circuit: circuit, pool: pool).evaluate(designs, corners: corners, targets: circuit.spec.defaultTargets)
        let fresh = await PoolEvaluator(circuit: circuit, pool: pool, freshLoad: true).evaluate(designs, corners: corners, targets: circuit.spec.defaultTargets)
        await pool.shutdown()
        var compared = 0
        for (a, b) in zip(fast, fresh) {
            #expect(a.outcome == b.outcome)
            for (metric, value) in a.metrics {
                let other = b.metrics[metric] ?? nil
                #expect((value == nil) == (other == nil), "\(metric): \(String(describing: value)) vs \(String(describing: other))")
                if let x = value, let y = other {
                    #expect(x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y)), "\(name) \(metric): \(x) vs \(y)")
                    compared += 1
                }
            }
        }
        // The comparison is not empty: most random designs are measurable.
        #expect(compared >= 50)
    }

    /// The AC analysis's own operating point (`keepopinfo`) replaces a separate `op`: metrics,
    /// sanity verdicts and rewards must be the same, bit for bit.
    @Test(arguments: circuits)
    func operatingPointKeptByACEqualsASeparateOp(name: String) async throws {
        let circuit = try TestPaths.circuit(name)
        var generator = SplitMix64(seed: 7)
        let designs = [circuit.space.nominal] + (0..<12).map { _ in
            circuit.space.physical((0..<circuit.space.dimension).map { _ in generator.nextUnit() })
        }
        let corners = [circuit.nominalCorner]
        var results: [[DesignEvaluation]] = []
        for fused in ["1", "0"] {
            let pool = try await TestPaths.pool(workers: 2, environment: ["SIZER_FUSED_OP": fused])
            results.append(await PoolEvaluator(circuit: circuit, pool: pool)
                .evaluate(designs, corners: corners, targets: circuit.spec.defaultTargets))
            await pool.shutdown()
        }
        var compared = 0
        for (a, b) in zip(results[0], results[1]) {
            #expect(a.outcome == b.outcome)
            #expect(a.metrics == b.metrics, "\(name): \(a.metrics) vs \(b.metrics)")
            // Power and the sanity checks are read from the operating point.
            #expect(a.reward == b.reward && a.sanityViolations == b.sanityViolations)
            if a.outcome == .ok { compared += 1 }
        }
        #expect(compared >= 5)
    }

    /// One design at the given corners through the fast path and through fresh loads, on one
    /// worker (so each corner follows the last); every corner's metrics must be equal.
    static func fastAndFresh(_ circuit: Circuit, _ design: [String: Double], _ corners: [Corner]) async throws
        -> (fast: DesignEvaluation, fresh: DesignEvaluation) {
        let pool = try await TestPaths.pool(workers: 1)
        let fast = await PoolEvaluator(circuit: circuit, pool: pool).evaluate([design], corners: corners, targets: circuit.spec.defaultTargets)[0]
        let fresh = await PoolEvaluator(circuit: circuit, pool: pool, freshLoad: true).evaluate([design], corners: corners, targets: circuit.spec.defaultTargets)[0]
        await pool.shutdown()
        try #require(fast.corners.count == corners.count && fresh.corners.count == corners.count)
        for (index, (a, b)) in zip(fast.corners, fresh.corners).enumerated() {
            #expect(a.corner == corners[index].description && b.corner == corners[index].description)
            #expect(a.metrics == b.metrics, "\(a.corner)")
        }
        return (fast, fresh)
    }

    @Test func cornerSwitchInOneDeckEqualsLoadingThatCorner() async throws {
        let circuit = try TestPaths.circuit("ota5t")
        let corners = try circuit.corners("tt,ff_125C_1.98V,ss_-40C_1.62V,sf,fs_27C_1.62V,tt")
        let (fast, _) = try await Self.fastAndFresh(circuit, circuit.space.nominal, corners)
        // Corners really differ, and switching back to tt restores tt exactly.
        #expect(fast.corners[0].metrics != fast.corners[1].metrics)
        #expect(fast.corners[0].metrics == fast.corners[5].metrics)
    }

    /// Designs reached by `alter` (the alter plan) must equal fresh loads bit for bit: a chain of
    /// nearby designs, as an optimizer proposes them, on one worker so that each follows the last.
    /// Run at a corner where the threshold shift `delvto` is not zero and the supply differs too.
    @Test(arguments: ["ota5t", "two_stage", "folded_cascode"], ["tt", "ff_125C_1.62V", "ss_-40C_1.98V"])
    func alterPathEqualsAFreshLoad(name: String, corner: String) async throws {
        let circuit = try TestPaths.circuit(name)
        try #require(circuit.alterPlan != nil, "\(name) has no alter plan")
        let pool = try await TestPaths.pool(workers: 1)
        let corners = try circuit.corners(corner)
        // Start where no device sits on a bin edge, then take steps of 1 % of each range.
        var generator = SplitMix64(seed: 11)
        var start: [Double] = []
        repeat {
            start = (0..<circuit.space.dimension).map { _ in 0.2 + 0.6 * generator.nextUnit() }
        } while circuit.request(values: circuit.space.physical(start), corners: corners).points[0].alter == nil
        let designs = (0..<40).map { _ in
            circuit.space.physical(start.map { $0 + 0.01 * (generator.nextUnit() - 0.5) })
        }
        let fast = await PoolEvaluator(circuit: circuit, pool: pool).evaluate(designs, corners: corners, targets: circuit.spec.defaultTargets)
        let fresh = await PoolEvaluator(circuit: circuit, pool: pool, freshLoad: true).evaluate(designs, corners: corners, targets: circuit.spec.defaultTargets)
        await pool.shutdown()
        var altered = 0, compared = 0
        for (a, b) in zip(fast, fresh) {
            #expect(a.outcome == b.outcome)
            #expect(a.metrics == b.metrics, "\(name) \(corner): \(a.metrics) vs \(b.metrics) for \(a.design)")
            #expect(a.sanityViolations == b.sanityViolations)
            if a.corners.first?.preparation == .alter { altered += 1 }
            if a.outcome == .ok { compared += 1 }
        }
        // The chain really went through `alter` (a change of bin or a load goes through `reset`).
        #expect(altered >= 15, "only \(altered) of 40 designs were altered")
        #expect(compared >= 20)
    }

    /// A PVT sweep: within a process corner only temperature and supply change, so all but the
    /// first point of each process go through `alter`; every corner must equal its fresh load.
    @Test func cornerSweepThroughAlterEqualsFreshLoads() async throws {
        let circuit = try TestPaths.circuit("two_stage")
        var design = AlterPlanTests.offEdges(circuit)
        design["w1"] = 8.2
        let corners = try circuit.corners("all")
        try #require(corners.count >= 20)
        let (fast, _) = try await Self.fastAndFresh(circuit, design, corners)
        let altered = fast.corners.filter { $0.preparation == .alter }.count
        let processes = Set(corners.map(\.process)).count
        #expect(altered == corners.count - processes, "\(altered) of \(corners.count) corners altered")
    }

    /// A corner list that alternates processes is simulated grouped by process (fewer resets),
    /// and the results still come back in the list's order.
    @Test func cornersAlternatingProcessesComeBackInOrder() async throws {
        let circuit = try TestPaths.circuit("two_stage")
        let corners = try circuit.corners("tt_27C_1.8V,ff_27C_1.8V,tt_125C_1.62V,ff_-40C_1.98V,tt_-40C_1.98V,ss_27C_1.8V,ff_125C_1.8V")
        let (fast, _) = try await Self.fastAndFresh(circuit, AlterPlanTests.offEdges(circuit), corners)
        // tt, ff, ss: three process changes for seven corners, so four altered.
        #expect(fast.corners.filter { $0.preparation == .alter }.count == 4)
    }
}
