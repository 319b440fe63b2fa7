import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerTestSupport
import Testing

/// Bad designs and bad netlists end in typed outcomes with clear messages, and the pool keeps serving.
@Suite(.serialized) struct BadInputTests {
    static let rcNetlist = """
        * rc
        .param vdd=1
        .param r=1e3
        vsupply vdd 0 {vdd}
        rload vdd out {r}
        BODY
        """

    static func spec(name: String) -> String {
        """
        {"name": "\(name)", "netlist": "\(name).cir", "models": "builtin",
         "supply": {"param": "vdd", "nominal": 1, "source": "vsupply"},
         "variables": [{"name": "r", "min": 100, "max": 1e5, "scale": "log", "nominal": 1e3}],
         "analyses": [{"type": "op"}],
         "measurements": [{"name": "power_w", "kind": "op_power_w", "source": "vsupply"}],
         "specs": [{"metric": "power_w", "bound": "upper", "target": 1e-3}]}
        """
    }

    func good(_ scratch: ScratchCircuits) throws -> Circuit {
        try scratch.add(name: "good", netlist: Self.rcNetlist.replacingOccurrences(of: "BODY", with: "rb out 0 1k"), spec: Self.spec(name: "good"))
    }

    @Test func outOfRangeNonFiniteAndUnknownValuesAreInvalid() async throws {
        let scratch = try ScratchCircuits()
        let circuit = try good(scratch)
        let pool = try await TestPaths.pool(workers: 1)
        let evaluator = PoolEvaluator(circuit: circuit, pool: pool)
        let results = await evaluator.evaluate([["r": 1e7], ["r": .nan], ["r": 1e3, "w9": 1], [:], ["r": 2e3]],
                                               corners: [circuit.nominalCorner], targets: circuit.spec.defaultTargets)
        await pool.shutdown()
        #expect(results[0].outcome == .invalid && results[0].message!.contains("outside"))
        #expect(results[1].outcome == .invalid && results[1].message!.contains("finite"))
        #expect(results[2].outcome == .invalid && results[2].message!.contains("unknown variable 'w9'"))
        #expect(results[3].outcome == .invalid && results[3].message!.contains("missing"))
        #expect(results[0...3].allSatisfy { $0.reward == Reward.invalidFloor && $0.simSeconds == 0 })
        // The valid design in the same batch is simulated: 1 V across 2 k + 1 k.
        #expect(results[4].outcome == .ok)
        #expect(abs((results[4].metrics["power_w"]! ?? 0) - 1.0 / 3e3) < 1e-12)
    }

    @Test(arguments: [
        ("broken", "x1 out 0 nosuchsub", "nosuchsub"),         // unknown subcircuit
        ("nomodel", "d1 out 0 nosuchdiode", "nosuchdiode"),    // missing model
        ("badexpr", "rb out 0 {nosuchparam*2}", "nosuchparam"), // undefined parameter: poisons the library copy
        ("badvalue", "rb out 0 1k\nc2 out 0 {1/0}", "inf")
    ])
    func brokenNetlistsFailWithTheSimulatorsMessageAndThePoolKeepsServing(name: String, body: String, expected: String) async throws {
        let scratch = try ScratchCircuits()
        let broken = try scratch.add(name: name, netlist: Self.rcNetlist.replacingOccurrences(of: "BODY", with: body), spec: Self.spec(name: name))
        let fine = try good(scratch)
        let pool = try await TestPaths.pool(workers: 1)
        let bad = await PoolEvaluator(circuit: broken, pool: pool)
            .evaluate([["r": 1e3]], corners: [broken.nominalCorner], targets: broken.spec.defaultTargets)[0]
        #expect(bad.outcome == .failed || bad.outcome == .crashed)
        #expect(bad.reward == Reward.failureFloor)
        let text = ([bad.message ?? ""] + bad.corners.flatMap(\.errors)).joined(separator: "\n").lowercased()
        #expect(text.contains(expected.lowercased()), "\(text)")
        // When the same pool gets a good circuit, it still answers correctly.
        let ok = await PoolEvaluator(circuit: fine, pool: pool)
            .evaluate([["r": 1e3]], corners: [fine.nominalCorner], targets: fine.spec.defaultTargets)[0]
        await pool.shutdown()
        #expect(ok.outcome == .ok, "\(ok.message ?? "")")
        #expect(abs((ok.metrics["power_w"]! ?? 0) - 0.5e-3) < 1e-12)
    }

    @Test func specErrorsSayWhatToFix() throws {
        let scratch = try ScratchCircuits()
        let netlist = Self.rcNetlist.replacingOccurrences(of: "BODY", with: "rb out 0 1k")
        let missingParam = Self.spec(name: "x1").replacingOccurrences(of: "\"name\": \"r\"", with: "\"name\": \"w\"")
        #expect { try scratch.add(name: "x1", netlist: netlist, spec: missingParam) } throws: {
            "\($0)".contains("variable 'w' has no `.param w=...` line")
        }
        #expect { try scratch.add(name: "x2", netlist: netlist, spec: "{\"name\": 3}") } throws: {
            "\($0)".contains("invalid spec file")
        }
        #expect { try scratch.add(name: "x3", netlist: netlist + "\n.control\nshell ls\n.endc\n", spec: Self.spec(name: "x3")) } throws: {
            "\($0)".contains("not allowed")
        }
    }
}
