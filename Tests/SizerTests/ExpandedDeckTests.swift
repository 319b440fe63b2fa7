import Circuits
import Foundation
import SimulationWire
import SizerCore
import SizerTestSupport
import SpiceDeck
import Testing
import WorkerPool

/// Expanded decks (`ExpandedDeck`): the parent writes what ngspice's front end would make of the
/// template, and the result must be a fresh load of the full library's, bit for bit.
@Suite(.serialized) struct ExpandedDeckTests {
    @Test func twoStageIsWrittenFlatWithMatchedPairsSharingTheirModel() throws {
        let circuit = try TestPaths.circuit("two_stage")
        let request = circuit.request(values: AlterPlanTests.offEdges(circuit), corners: [circuit.nominalCorner])
        let point = try #require(request.points.first)
        #expect(point.deckKey == request.deckKey)
        let deck = request.deck
        #expect(!deck.contains { $0.hasPrefix(".param") || $0.hasPrefix(".subckt") || $0.hasPrefix(".include") || $0.contains("{") })
        #expect(deck.filter { $0.hasPrefix("m.") }.count == 8)
        // xm5b/xm5, xm1/xm2 and xm3/xm4 are pairs: five cards for eight devices.
        #expect(deck.filter { $0.hasPrefix(".model") }.count == 5)
        let xm2 = try #require(deck.first { $0.hasPrefix("m.xm2.") })
        #expect(xm2.contains(" xm1:nshort_model ") && xm2.hasSuffix(" m=1.000000000000000e+00"))
        #expect(deck.contains { $0.hasPrefix("rz o1 cz ") && $0.hasSuffix(SpiceNumber.numparamText(circuit.space.nominal["rz"]!)) })
    }

    @Test func theKeyNamesBinsAndSharingNotValues() throws {
        let circuit = try TestPaths.circuit("two_stage")
        let design = AlterPlanTests.offEdges(circuit)
        func key(_ change: [String: Double]) throws -> (key: String, deck: [String]) {
            let request = circuit.request(values: design.merging(change) { $1 }, corners: [circuit.nominalCorner])
            return (try #require(request.points[0].deckKey), request.deck)
        }
        let base = try key([:])
        // Values move within the same bins: same key, other numbers.
        let moved = try key(["cc": 2.5e-12, "w1": design["w1"]! * 1.01])
        #expect(moved.key == base.key && moved.deck != base.deck)
        // l1 = 1.3 moves xm1/xm2 to another bin.
        #expect(try key(["l1": 1.3]).key != base.key)
        // A process corner writes other card values.
        let ff = circuit.request(values: design, corners: try circuit.corners("ff"))
        #expect(ff.deckKey != base.key && ff.deck != base.deck)
    }

    /// Near a bin edge the parent cannot tell which bin ngspice takes: the device's copy keeps
    /// every bin it could take, in library order, as a pruned deck does; its bin is unknown (-1)
    /// and its size is part of the key, so another size near the edge is another deck.
    @Test func aSizeOnABinEdgeKeepsTheBinsItCouldTake() throws {
        let circuit = try TestPaths.circuit("two_stage")
        var design = AlterPlanTests.offEdges(circuit)
        design["l1"] = 0.5
        let request = circuit.request(values: design, corners: [circuit.nominalCorner])
        #expect(request.points[0].deckKey != nil && request.points[0].alter?.bins[2] == -1)
        let xm1 = request.deck.filter { $0.hasPrefix(".model xm1:") }.map { $0.split(separator: " ")[1] }
        #expect(xm1.count == 2, "\(xm1)")
        #expect(!request.deck.contains { $0.hasPrefix(".model xm2:") })
        design["l1"] = 0.5 + 1e-9
        let nearby = circuit.request(values: design, corners: [circuit.nominalCorner])
        #expect(nearby.points[0].alter?.bins[2] == -1 && nearby.deckKey != request.deckKey)
        design["cc"] = 3e-12
        design["l1"] = 0.5
        #expect(circuit.request(values: design, corners: [circuit.nominalCorner]).deckKey == request.deckKey)
    }

    /// The nominal `two_stage` has lengths on bin edges: its PVT sweep still goes through `alter`
    /// within each process corner, and every corner equals its fresh load.
    @Test func aSweepOfADesignOnABinEdgeAltersAndEqualsFreshLoads() async throws {
        let circuit = try TestPaths.circuit("two_stage")
        let corners = try circuit.corners("all")
        let (fast, _) = try await FastPathTests.fastAndFresh(circuit, circuit.space.nominal, corners)
        let processes = Set(corners.map(\.process)).count
        #expect(fast.corners.filter { $0.preparation == .alter }.count == corners.count - processes)
    }

    /// A corner list over several processes carries one deck per process, each on the first
    /// point that needs it, and the points of one process share it.
    @Test func eachProcessCornerGetsOneDeck() throws {
        let circuit = try TestPaths.circuit("two_stage")
        let corners = try circuit.corners("tt_27C_1.8V,ff_27C_1.8V,tt_125C_1.62V,ss_-40C_1.98V,ff_125C_1.98V")
        let request = circuit.request(values: AlterPlanTests.offEdges(circuit), corners: corners)
        let keys = request.points.map(\.deckKey)
        #expect(keys[0] == keys[2] && keys[1] == keys[4] && Set(keys).count == 3)
        #expect(request.points.map { $0.deck != nil } == [false, true, false, true, false])
    }

    /// Random sizings at three corners, each through an expanded deck on a pool and through a
    /// fresh load of the full library: every metric and operating-point value must be equal.
    @Test(arguments: ["ota5t", "two_stage", "folded_cascode"])
    func randomSizingsEqualFreshFullLoadsBitForBit(name: String) async throws {
        let circuit = try TestPaths.circuit(name)
        let corners = try circuit.corners("tt,ff_125C_1.62V,ss_-40C_1.98V")
        var generator = SplitMix64(seed: 2026)
        let pool = try await TestPaths.pool(workers: 2)
        var expanded = 0, compared = 0
        for _ in 0..<30 {
            let values = circuit.space.physical((0..<circuit.space.dimension).map { _ in generator.nextUnit() })
            let request = circuit.request(values: values, corners: corners)
            guard request.points[0].deckKey != nil else { continue }
            expanded += 1
            let fast = try await Self.results(request, pool, circuit)
            let fresh = try await Self.results(circuit.request(values: values, corners: corners, freshLoad: true), pool, circuit)
            for (index, (a, b)) in zip(fast, fresh).enumerated() {
                #expect(a.status == b.status, "\(name) \(corners[index]) \(values): \(a.errors) \(b.errors)")
                #expect(a.metrics == b.metrics, "\(name) \(corners[index]) \(values)")
                #expect(a.operatingPoint == b.operatingPoint, "\(name) \(corners[index]) \(values)")
                #expect(a.preparation == .load || a.preparation == .alter)
                if a.status == .ok { compared += 1 }
            }
        }
        await pool.shutdown()
        #expect(expanded == 30 && compared >= 60, "\(expanded) expanded, \(compared) compared")
    }

    /// The rules that depend on the netlist: a pair whose lines are not neighbours gets two cards
    /// (sharing would reorder ngspice's instance lists), a subcircuit's devices carry `m` only when
    /// one of its instances sets it, and fingers divide the width that picks the bin. Checked
    /// against fresh loads of the full library.
    @Test func reorderedPairsAndMultipliersEqualFreshLoads() async throws {
        let base = try TestPaths.circuit("two_stage")
        var lines = try String(contentsOfFile: TestPaths.repository + "/netlists/two_stage.cir", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let xm2 = try #require(lines.firstIndex { $0.hasPrefix("xm2 ") })
        let moved = lines.remove(at: xm2)
        lines.insert(moved, at: try #require(lines.firstIndex { $0.hasPrefix("xm4 ") }) + 1)
        lines = lines.map { line in
            guard line.hasPrefix("xm") else { return line }
            if line.contains("nfet") { return line.replacingOccurrences(of: " m=1", with: "") }
            // xm6: two fingers (bins are chosen by the width per finger) and a multiplier of 2.
            return line.hasPrefix("xm6 ") ? line.replacingOccurrences(of: " nf=1 m=1", with: " nf=2 m=2") : line
        }
        let scratch = try ScratchCircuits()
        let spec = try String(contentsOfFile: base.specPath, encoding: .utf8)
        let circuit = try scratch.add(name: "two_stage", netlist: lines.joined(separator: "\n"), spec: spec)
        let corners = try circuit.corners("tt,ff_125C_1.62V")
        let request = circuit.request(values: AlterPlanTests.offEdges(circuit), corners: corners)
        #expect(request.deck.filter { $0.hasPrefix(".model") }.count == 6)
        #expect(request.deck.contains { $0.hasPrefix("m.xm2.") && $0.contains(" xm2:nshort_model ") })
        #expect(request.deck.filter { $0.hasPrefix("m.") && $0.contains(" m=") }.count == 3)
        #expect(request.deck.contains { $0.hasPrefix("m.xm6.") && $0.contains(" nf=2.000000000000000e+00 ")
            && $0.hasSuffix(" m=2.000000000000000e+00") })
        let pool = try await TestPaths.pool(workers: 1)
        var generator = SplitMix64(seed: 5)
        var compared = 0
        for _ in 0..<20 {
            let values = circuit.space.physical((0..<circuit.space.dimension).map { _ in generator.nextUnit() })
            let fast = try await Self.results(circuit.request(values: values, corners: corners), pool, circuit)
            let fresh = try await Self.results(circuit.request(values: values, corners: corners, freshLoad: true), pool, circuit)
            for (a, b) in zip(fast, fresh) {
                #expect(a.metrics == b.metrics && a.operatingPoint == b.operatingPoint, "\(values)")
                if a.status == .ok { compared += 1 }
            }
        }
        await pool.shutdown()
        #expect(compared >= 20)
    }

    /// Values are written as numparam writes them, printf's `%.15e` (through `strfromd`, with
    /// 0 and 1 spelled out): compared with Foundation's printf on values of every kind.
    @Test func valuesAreWrittenAsPrintfWritesThem() {
        var generator = SplitMix64(seed: 3)
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e-300, .leastNonzeroMagnitude, 1.7976931348623157e308, 123456789.125, 2.5e-6]
        for _ in 0..<2000 {
            let exponent = Int(generator.nextUnit() * 60) - 30
            values.append((generator.nextUnit() - 0.5) * pow(10, Double(exponent)))
        }
        for value in values {
            #expect(SpiceNumber.numparamText(value) == String(format: "%.15e", value), "\(value)")
        }
    }

    static func results(_ request: SimulationRequest, _ pool: WorkerPool, _ circuit: Circuit) async throws -> [PointResult] {
        let reply = await pool.submit(try WorkerWire.encode(request), timeout: circuit.timeout)
        guard case .reply(let bytes, _) = reply else { throw CircuitError(file: "pool", "no reply: \(reply)") }
        let response = try WorkerWire.decodeResponse(bytes)
        try #require(response.points.count == request.points.count)
        return response.points
    }
}
