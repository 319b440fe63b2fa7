import Circuits
import Foundation
import SimulationWire
import SizerTestSupport
import SpiceDeck
@testable import SpiceEngine
import Testing

/// The parent-worker byte format and the output classifier, the two pieces every evaluation
/// passes through.
@Suite struct WorkerWireTests {
    func request(deck: [String]) -> SimulationRequest {
        SimulationRequest(deckKey: "k", deck: deck, analyses: [AnalysisSpec(type: .op)], measurements: [],
                          opProbes: ["vdd#branch"],
                          points: [SimulationPoint(corner: Corner(process: "tt", temperatureC: 27, supplyV: 1.8),
                                                   params: [ParamValue("w1", 2.5e-6)])])
    }

    @Test(arguments: [
        [String](),
        ["* title"],
        ["* title", "", "r1 a b {w1*2}", "", ".end"],
        ["* ünïcode \"quoted\" \\ back", ".param x = { 1 + 2 }", "+ y=3"],
    ])
    func aRequestSurvivesTheWireWithItsDeckLineForLine(deck: [String]) throws {
        let decoded = try WorkerWire.decodeRequest(try WorkerWire.encode(request(deck: deck)))
        #expect(decoded.deck == deck)
        #expect(decoded.deckKey == "k")
        #expect(decoded.points.first?.params == [ParamValue("w1", 2.5e-6)])
        #expect(decoded.opProbes == ["vdd#branch"])
    }

    @Test func everyFieldSurvivesTheWireAndTheCircuitPartIsNeverStale() throws {
        // Requests of two circuits, alternating: each end keeps only its last circuit part.
        let circuits = try ["two_stage", "ldo", "two_stage", "ota_l1", "ota_l1"].map { try TestPaths.circuit($0) }
        var altered = 0, pointDecks = 0
        for (round, circuit) in circuits.enumerated() {
            var design = circuit.space.nominal
            if let name = circuit.spec.variables.first?.name { design[name] = circuit.spec.variables.first!.max }
            // Lengths off the bin edges, so that the two-stage points carry alter values.
            for name in ["l1", "l3", "l5", "l6"] where design[name] != nil { design[name]! *= 1.13 }
            var corners = [circuit.nominalCorner, Corner(process: "tt", temperatureC: -40.5, supplyV: 1.62)]
            // A second process corner: its expanded deck travels on its point.
            if circuit.spec.models == "sky130" { corners.append(Corner(process: "ff", temperatureC: 125, supplyV: 1.98)) }
            let request = circuit.request(values: design, corners: corners, freshLoad: round == 4)
            let decoded = try WorkerWire.decodeRequest(try WorkerWire.encode(request))
            #expect(decoded.deckKey == request.deckKey && decoded.deck == request.deck)
            #expect(decoded.freshLoad == request.freshLoad && decoded.deckParams == request.deckParams)
            #expect(decoded.analyses == request.analyses && decoded.measurements == request.measurements)
            #expect(decoded.opProbes == request.opProbes)
            #expect(decoded.points.map(\.corner) == request.points.map(\.corner))
            #expect(decoded.points.map(\.params) == request.points.map(\.params))
            #expect(decoded.points.map(\.deck) == request.points.map(\.deck))
            #expect(decoded.points.map(\.deckKey) == request.points.map(\.deckKey))
            pointDecks += request.points.filter { $0.deckKey != nil && $0.deck != nil }.count
            #expect(decoded.points.map(\.alter) == request.points.map(\.alter))
            #expect(decoded.alterTargets == request.alterTargets && decoded.alterCovers == request.alterCovers)
            altered += request.points.filter { $0.alter != nil }.count
        }
        #expect(altered >= 2 && pointDecks == 2)
    }

    /// The worker runs alter targets as commands: a request that brings anything else is refused.
    @Test func anUnsafeAlterTargetIsRefused() throws {
        var bad = request(deck: ["* t"])
        bad.alterTargets = ["alter @r1[resistance]", "alter @r1[resistance] = 1; shell ls"]
        #expect(throws: WorkerWire.MalformedRequest.self) { try WorkerWire.decodeRequest(try WorkerWire.encode(bad)) }
        var good = request(deck: ["* t"])
        good.alterTargets = ["alter @r1[resistance]"]
        #expect(try WorkerWire.decodeRequest(try WorkerWire.encode(good)).alterTargets == ["alter @r1[resistance]"])
    }

    @Test func aResponseSurvivesTheWire() throws {
        let points = [
            PointResult(status: .ok, metrics: ["gain_db": 71.39255053553387, "ugf_hz": nil, "a/b \"q\"": -0.0],
                        operatingPoint: ["vsupply#branch": -1.2390492014846544e-04, "out": 0.9],
                        seconds: 0.0167, prepareSeconds: 1e-3, analysisSeconds: 4.5e-3),
            PointResult(status: .failed, errors: ["ngspice: 'ac dec 20 1 1e10' failed", "tab\there\nnewline"], seconds: 2),
        ]
        let decoded = try WorkerWire.decodeResponse(try WorkerWire.encode(SimulationResponse(points: points, rssBytes: 33_554_432, served: 7)))
        #expect(decoded.rssBytes == 33_554_432 && decoded.served == 7)
        try #require(decoded.points.count == 2)
        for (a, b) in zip(decoded.points, points) {
            #expect(a.status == b.status && a.metrics == b.metrics && a.operatingPoint == b.operatingPoint)
            #expect(a.errors == b.errors && a.seconds == b.seconds)
            #expect(a.prepareSeconds == b.prepareSeconds && a.analysisSeconds == b.analysisSeconds)
        }
        #expect(decoded.points[0].metrics["a/b \"q\""]??.sign == .minus)
    }

    @Test func aDeckLineWithANewlineIsRefusedNotSplit() {
        #expect(throws: WorkerWire.MalformedRequest.self) { try WorkerWire.encode(request(deck: ["r1 a b 1k\nv1 a 0 1"])) }
    }

    @Test func bytesWithoutAHeaderAreRefused() {
        #expect(throws: (any Error).self) { try WorkerWire.decodeRequest(Array("{\"deck_key\":1}".utf8)) }
        #expect(throws: (any Error).self) { try WorkerWire.decodeRequest(Array("not json\n* deck".utf8)) }
    }

    @Test(arguments: [
        ("Error: unknown subckt: x1 a b nosuch", true),
        ("stderr Error on line 3 : r1 a b {nosuchparam*2}", true),
        ("singular matrix:  check node out", true),
        ("Warning: singular matrix:  check node out", false),
        ("doAnalyses: TRAN:  Timestep too small; time = 1e-09, timestep = 1.25e-22: trouble with node \"out\"", true),
        ("Gmin stepping failed", true),
        ("ERROR(S) IN the deck: 0", false),
        ("Warning: Further gmin increment", false),
        ("Note: Starting dynamic gmin stepping", false),
        ("Trying gmin =   1.0000E-03 Note: One successful gmin step", false),
        ("Reset re-loads circuit * sizer: two_stage", false),
        ("Circuit: * sizer: two_stage", false),
    ])
    func outputLinesAreClassified(line: String, isError: Bool) {
        #expect(SpiceOutputClassifier.isError(line) == isError)
    }

    @Test func aMissingCircuitIsSeenInAnyCase() {
        #expect(SpiceOutputClassifier.circuitMissing(["stderr Error: No circuit loaded"]))
        #expect(!SpiceOutputClassifier.circuitMissing(["Circuit: * rc"]))
    }
}
