import Circuits
import Foundation
import SimulationWire
import SizerCore
import SizerTestSupport
import SpiceDeck
import Testing

/// What the alter plan understands, what it refuses, and where it leaves a design to `reset`.
@Suite struct AlterPlanTests {
    /// The nominal two-stage design with every length moved off the bin edges (0.5 and 1 um are edges).
    static func offEdges(_ circuit: Circuit) -> [String: Double] {
        var values = circuit.space.nominal
        for (name, value) in [("l1", 0.61), ("l3", 0.61), ("l5", 1.3), ("l6", 0.7)] { values[name] = value }
        return values
    }

    @Test func twoStagePlanNamesEveryQuantityADesignChanges() throws {
        let circuit = try TestPaths.circuit("two_stage")
        guard let plan = circuit.alterPlan else { Issue.record("no plan"); return }
        for target in ["alter @m.xm1.msky130_fd_pr__nfet_01v8[w]", "alter @m.xm1.msky130_fd_pr__nfet_01v8[l]",
                       "alter @m.xm6.msky130_fd_pr__pfet_01v8[nrd]", "alter @m.xm6.msky130_fd_pr__pfet_01v8[delvto]",
                       "altermod @m.xm7.msky130_fd_pr__nfet_01v8[rsh]", "alter @rz[resistance]", "alter @cc[capacitance]",
                       "alter @ibias[dc]", "alter @vsupply[dc]", "alter @vinp[dc]"] {
            #expect(plan.targets.contains(target), "missing \(target)")
        }
        #expect(plan.targets.allSatisfy(WorkerWire.isSafeAlterTarget))
        #expect(Set(plan.covers).isSuperset(of: circuit.space.names + [circuit.spec.supply.param]))
    }

    /// The values are numparam's: nrd = 0.14/w, rsh = 89.1*nf/w + 443.5 for the NMOS, and the
    /// threshold shift scales the corner's vth0 shift by the PDK's geometry factors.
    @Test func valuesFollowThePDKExpressions() throws {
        let circuit = try TestPaths.circuit("two_stage")
        guard let plan = circuit.alterPlan else { Issue.record("no plan"); return }
        var values = Self.offEdges(circuit)
        values["w1"] = 7.3
        values["l1"] = 0.61
        let corner = try circuit.corners("ff")[0]
        guard let design = plan.design(params: circuit.parameters(values: values, corner: corner), process: "ff") else {
            Issue.record("no design values")
            return
        }
        func value(_ target: String) -> Double? { plan.targets.firstIndex(of: target).map { design.values[$0] } }
        let device = "m.xm1.msky130_fd_pr__nfet_01v8"
        #expect(value("alter @\(device)[w]") == 7.3)
        #expect(value("alter @\(device)[nrd]") == 0.14 / 7.3)
        #expect(value("altermod @\(device)[rsh]") == 89.1 * 1 / 7.3 + 443.5)
        let shift = -0.015 * (0.008 * 8 / 0.61 + 0.992) * (0.035 * 7 / 7.3 + 0.965) * (0.001 * 56 / (7.3 * 0.61) + 0.999)
        #expect(value("alter @\(device)[delvto]") == shift)
    }

    /// On a bin edge (l = 0.5 um is one) ngspice's pick depends on its tolerance and card order:
    /// no bins, so such a design goes through `reset`.
    @Test func aDesignOnABinEdgeHasNoBins() throws {
        let circuit = try TestPaths.circuit("two_stage")
        guard let plan = circuit.alterPlan else { Issue.record("no plan"); return }
        var values = Self.offEdges(circuit)
        #expect(plan.design(params: circuit.parameters(values: values, corner: circuit.nominalCorner), process: "tt") != nil)
        values["l1"] = 0.5
        #expect(plan.design(params: circuit.parameters(values: values, corner: circuit.nominalCorner), process: "tt") == nil)
        values["l1"] = 0.5 + 1e-9 * 1e6
        #expect(plan.design(params: circuit.parameters(values: values, corner: circuit.nominalCorner), process: "tt") == nil)
        values["l1"] = 0.52
        #expect(plan.design(params: circuit.parameters(values: values, corner: circuit.nominalCorner), process: "tt") != nil)
    }

    @Test func netlistsItDoesNotUnderstandGetNoPlan() throws {
        // The LDO wraps its devices in a subcircuit of its own.
        #expect(try TestPaths.circuit("ldo").alterPlan == nil)
        // Level-1 models, not the SKY130 library.
        #expect(try TestPaths.circuit("ota_l1").alterPlan == nil)
    }

    /// A netlist the plan would carry, and one-line changes that make it refuse (a parameter read
    /// by an element it cannot alter), written to a scratch spec directory.
    @Test(arguments: [
        ("", true),
        ("bx out 0 v=vcm*0.1", false),
        ("ex out 0 {vcm} 0 1", false),
        ("vpulse p 0 pulse(0 {vdd} 1u 1n 1n 1u 2u)", false),
        ("rload out 0 r={rz}", false),
        (".ic v(out)={vcm}", false),
        ("rload out 0 {rz*2} tc1={cc}", false),
        ("rload out 0 {rz*2}", true),
        ("ex2 out 0 inp 0 2", true),
    ])
    func whatThePlanCarries(extra: String, planned: Bool) throws {
        let base = try TestPaths.circuit("two_stage")
        let directory = TestPaths.temporaryDirectory("alterplan")
        try FileManager.default.createDirectory(atPath: directory + "/netlists", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/specs", withIntermediateDirectories: true)
        let netlist = try String(contentsOfFile: TestPaths.repository + "/netlists/two_stage.cir", encoding: .utf8)
        try (netlist + "\n" + extra + "\n").write(toFile: directory + "/netlists/two_stage.cir", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: base.specPath, toPath: directory + "/specs/two_stage.json")
        let circuit = try Circuit.load(specPath: directory + "/specs/two_stage.json", paths: TestPaths.paths)
        #expect((circuit.alterPlan != nil) == planned, "\(extra)")
    }

    @Test func unsafeTargetsAreRefused() {
        #expect(WorkerWire.isSafeAlterTarget("alter @m.xm1.msky130_fd_pr__nfet_01v8[w]"))
        #expect(!WorkerWire.isSafeAlterTarget("alter @m.xm1[w]; shell rm -rf /"))
        #expect(!WorkerWire.isSafeAlterTarget("shell @a[b]"))
        #expect(!WorkerWire.isSafeAlterTarget("alter @a[b] = 3"))
        #expect(!WorkerWire.isSafeAlterTarget("alter @[w]"))
    }

    @Test func expressionsEvaluateInNumparamsArithmetic() throws {
        #expect(SpiceExpression.evaluate("{max(w5/kcp,0.42)}", ["w5": 4, "kcp": 2]) == 2)
        #expect(SpiceExpression.evaluate("{89.1*nf/w+443.5}", ["nf": 1, "w": 3]) == 89.1 * 1 / 3 + 443.5)
        #expect(SpiceExpression.evaluate("{sqrt(l*w)}", ["l": 2, "w": 8]) == 4)
        // A Monte Carlo draw multiplied by a zero switch does not count; otherwise no value.
        #expect(SpiceExpression.evaluate("{a+s*AGAUSS(0,1.0,1)/sqrt(w)}", ["a": 0.1, "s": 0, "w": 2]) == 0.1)
        #expect(SpiceExpression.evaluate("{a+s*AGAUSS(0,1.0,1)}", ["a": 0.1, "s": 1]) == nil)
        #expect(SpiceExpression.evaluate("{w**2}", ["w": 2]) == nil)
        #expect(SpiceExpression.evaluate("{foo(w)}", ["w": 2]) == nil)
        #expect(SpiceExpression.evaluate("{w1*2}", [:]) == nil)
        // numparam multiplies by the suffix: 2.5u is 2.5 * 1e-6, one ulp away from the literal 2.5e-6.
        #expect(SpiceExpression.evaluate("{2.5u*2}", [:]) == 2.5 * 1e-6 * 2)
        #expect(SpiceExpression.evaluate("{2.5u}", [:]) != 2.5e-6)
        #expect(SpiceExpression.evaluate("{3mil}", [:]) == 3 * 1e-3)
        #expect(SpiceExpression.evaluate("1pF", [:]) == 1e-12)
        #expect(SpiceExpression.evaluate("{1a}", [:]) == nil)
    }
}
