import Circuits
import Foundation
import PropertyBased
import SizerCore
import Testing

/// Writes a spec file and its netlist into a fresh `specs/` + `netlists/` tree and loads it the
/// way the daemon does (`Circuit.load`: decode, then every check).
enum SpecFile {
    static func load(_ text: String, netlist: String) throws -> Result<Circuit, CircuitError> {
        let files = FileManager.default
        let root = files.temporaryDirectory.appendingPathComponent("sizer-prop-\(UUID().uuidString)")
        defer { try? files.removeItem(at: root) }
        try files.createDirectory(at: root.appendingPathComponent("specs"), withIntermediateDirectories: true)
        try files.createDirectory(at: root.appendingPathComponent("netlists"), withIntermediateDirectories: true)
        let specPath = root.appendingPathComponent("specs/prop.json")
        try Data(text.utf8).write(to: specPath)
        try Data(netlist.utf8).write(to: root.appendingPathComponent("netlists/model.cir"))
        do {
            return .success(try Circuit.load(specPath: specPath.path, paths: SizerPaths(root: root.path)))
        } catch let error as CircuitError {
            return .failure(error)
        }
    }
}

@Suite struct SpecParserProperties {
    @Test func validSpecsParseReadBackAndRoundTrip() async {
        await propertyCheck(count: 200, input: Draw.spec) { model in
            let circuit: Circuit
            switch try SpecFile.load(model.json.description, netlist: model.netlist) {
            case .success(let c): circuit = c
            case .failure(let error):
                Issue.record("a valid spec was rejected: \(error.message)")
                return
            }
            Self.expectFields(of: circuit.spec, match: model)
            #expect(circuit.space.names == model.variables.map(\.name))

            // encode -> decode gives an equal value, and the encoded file loads to the same spec.
            let data = try SizerJSON.encoder(pretty: true).encode(circuit.spec)
            #expect(try SizerJSON.decoder().decode(CircuitSpec.self, from: data) == circuit.spec)
            switch try SpecFile.load(String(decoding: data, as: UTF8.self), netlist: model.netlist) {
            case .success(let again): #expect(again.spec == circuit.spec)
            case .failure(let error): Issue.record("the re-encoded spec was rejected: \(error.message)")
            }
        }
    }

    /// Every field the generator wrote is read back exactly.
    static func expectFields(of spec: CircuitSpec, match m: SpecModel) {
        #expect(spec.name == m.name)
        #expect(spec.description == m.summary)
        #expect(spec.netlist == "model.cir")
        #expect(spec.models == "builtin")
        #expect(spec.corner == m.corner)
        #expect(spec.temperatureC == m.temperatureC)
        #expect(spec.supply.param == m.supplyParam && spec.supply.nominal == m.supplyNominal && spec.supply.source == m.supplySource)
        #expect(spec.variables == m.variables.map(\.circuitsVariable))
        #expect(spec.fixed == Dictionary(uniqueKeysWithValues: m.fixed))

        var analyses: [AnalysisSpec] = []
        if m.op { analyses.append(AnalysisSpec(type: .op)) }
        if let ac = m.ac {
            var a = AnalysisSpec(type: .ac)
            (a.pointsPerDecade, a.startHz, a.stopHz) = (ac.pointsPerDecade, ac.startHz, ac.stopHz)
            analyses.append(a)
        }
        if let dc = m.dc {
            var a = AnalysisSpec(type: .dc)
            (a.source, a.start, a.stop, a.step) = (dc.source, dc.start, dc.stop, dc.step)
            analyses.append(a)
        }
        if let tran = m.tran {
            var a = AnalysisSpec(type: .tran)
            (a.stepS, a.stopS, a.startS, a.maxStepS) = (tran.stepS, tran.stopS, tran.startS, tran.maxStepS)
            analyses.append(a)
        }
        #expect(spec.analyses == analyses)

        #expect(spec.measurements.count == m.measurements.count)
        for (parsed, want) in zip(spec.measurements, m.measurements) {
            var expected = MeasurementSpec(name: want.name, kind: want.kind, node: want.node)
            expected.source = want.source
            expected.atHz = want.atHz
            expected.negate = want.negate
            expected.fraction = want.fraction
            expected.tolerance = want.tolerance
            expected.toleranceV = want.toleranceV
            expected.afterS = want.afterS
            expected.at = want.at
            #expect(parsed == expected)
        }

        #expect(spec.specs.count == m.specs.count)
        for (parsed, want) in zip(spec.specs, m.specs) {
            #expect(parsed.metric == want.metric && parsed.bound == (want.upper ? .upper : .lower) && parsed.target == want.target)
            #expect(parsed.weight == want.weight && parsed.range == want.range)
        }
        #expect(spec.figureOfMerit == m.figureOfMerit.map {
            FigureOfMerit(metric: $0.metric, goal: $0.maximize ? .maximize : .minimize, reference: $0.reference)
        })
        #expect(spec.sanity?.maxSupplyCurrentA == m.sanity?.maxSupplyCurrentA)
        #expect(spec.sanity?.nodeRanges == m.sanity?.nodeRanges.map { Dictionary(uniqueKeysWithValues: $0) })
        #expect(spec.splits?.seed == m.splits?.seed && spec.splits?.train == m.splits?.train && spec.splits?.test == m.splits?.test)
        #expect(spec.corners?.process == m.corners?.process && spec.corners?.temperatureC == m.corners?.temperatureC
                && spec.corners?.supplyV == m.corners?.supplyV)
        #expect(spec.timeoutS == m.timeoutS)
    }

    /// One wrong thing in an otherwise valid spec file: it is rejected, and the message names the
    /// field (and the variable, measurement or spec) at fault.
    @Test(arguments: Mutation.allCases)
    func invalidSpecsAreRejectedNamingTheField(_ mutation: Mutation) async {
        await propertyCheck(count: 30, input: Draw.spec, Mutation.draw) { model, draw in
            let broken = mutation.apply(to: model, draw)
            switch try SpecFile.load(broken.json.description, netlist: model.netlist) {
            case .success:
                Issue.record("\(mutation) accepted: \(broken.json)")
            case .failure(let error):
                for fragment in broken.expected {
                    #expect(error.message.contains(fragment), "\(mutation): '\(error.message)' does not name \(fragment)")
                }
            }
        }
    }
}
