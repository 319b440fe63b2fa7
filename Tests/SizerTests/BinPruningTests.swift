@testable import Circuits
import SizerCore
import SizerTestSupport
@testable import SpiceDeck
import Testing

/// The fast path must really prune: equality tests alone would also pass if every bin were kept.
@Suite struct BinPruningTests {
    @Test(arguments: ["ota5t", "two_stage", "folded_cascode", "ldo"])
    func prunedDecksKeepFewBinsPerDevice(name: String) throws {
        let circuit = try TestPaths.circuit(name)
        var generator = SplitMix64(seed: 5)
        for _ in 0..<20 {
            let design = circuit.space.physical((0..<circuit.space.dimension).map { _ in generator.nextUnit() })
            let pruned = try #require(circuit.prunedDeck(values: design))
            let models = pruned.deck.filter { $0.lowercased().hasPrefix(".model") }.count
            let devices = circuit.template.lines.filter { $0.lowercased().hasPrefix("x") && $0.contains("sky130_fd_pr__") }.count
            // At most a boundary pair per device, and far fewer than the 96 cards of the full library.
            #expect(models >= 1)
            #expect(models <= 2 * devices)
            #expect(models < 96)
        }
    }

    @Test func deckKeyNamesTheBinsNotTheValues() throws {
        let circuit = try TestPaths.circuit("two_stage")
        var a = circuit.space.nominal, b = circuit.space.nominal, c = circuit.space.nominal
        a["w1"] = 6.0; b["w1"] = 6.5      // same W bin (5..7 um)
        c["w1"] = 20                      // another W bin
        let (ka, kb, kc) = (circuit.prunedDeck(values: a)!.key, circuit.prunedDeck(values: b)!.key, circuit.prunedDeck(values: c)!.key)
        #expect(ka == kb)
        #expect(ka != kc)
    }

    @Test func binSelectionIncludesBothSidesOfABoundary() {
        let lower = BinnedModelLibrary.Bin(lmin: 2.5e-7, lmax: 5e-7, wmin: 1e-6, wmax: 3e-6, lines: [])
        let upper = BinnedModelLibrary.Bin(lmin: 5e-7, lmax: 1e-6, wmin: 1e-6, wmax: 3e-6, lines: [])
        let onBoundary = BinnedModelLibrary.Device(subcircuit: "x", lengthUm: 0.5, widthUm: 2, fingers: 1)
        #expect(BinnedModelLibrary.canSelect(lower, onBoundary) && BinnedModelLibrary.canSelect(upper, onBoundary))
        // W per finger counts too: 4 um over 2 fingers is 2 um.
        let fingered = BinnedModelLibrary.Device(subcircuit: "x", lengthUm: 0.3, widthUm: 4, fingers: 2)
        #expect(BinnedModelLibrary.canSelect(lower, fingered))
        // Unknown size keeps the bin.
        #expect(BinnedModelLibrary.canSelect(lower, .init(subcircuit: "x", lengthUm: nil, widthUm: 2, fingers: 1)))
        #expect(!BinnedModelLibrary.canSelect(upper, .init(subcircuit: "x", lengthUm: 0.3, widthUm: 2, fingers: 1)))
        // Within single-precision rounding or 1 nm of an edge ngspice may still take the bin across it.
        let justAbove = BinnedModelLibrary.Device(subcircuit: "x", lengthUm: 0.5 * (1 + 5e-8), widthUm: 2, fingers: 1)
        #expect(Float(justAbove.lengthUm! * 1e-6) <= Float(lower.lmax))
        #expect(BinnedModelLibrary.canSelect(lower, justAbove))
        #expect(BinnedModelLibrary.canSelect(lower, .init(subcircuit: "x", lengthUm: 0.5009, widthUm: 2, fingers: 1)))
        #expect(!BinnedModelLibrary.canSelect(lower, .init(subcircuit: "x", lengthUm: 0.503, widthUm: 2, fingers: 1)))
    }

    /// A device sized by a parameter derived from a design variable gets the design's size, not
    /// the derived parameter's default (which would keep the wrong bins).
    @Test func derivedParametersFollowTheDesign() throws {
        let template = try NetlistTemplate(text: """
            * derived
            .param w1=2
            .param w2={2*w1}
            .param l1=0.5
            xm1 d g s b sky130_fd_pr__nfet_01v8 w = {w2} l={l1} nf=1 m=1
            .subckt amp a b w=1
            xm2 a b 0 0 sky130_fd_pr__nfet_01v8 w={w} l=1 nf=1
            .ends amp
            """)
        let devices = DeviceSizes(template: template, types: ["sky130_fd_pr__nfet_01v8"]).devices(values: ["w1": 7])
        try #require(devices.count == 2)
        #expect(devices[0].widthUm == 14 && devices[0].lengthUm == 0.5 && devices[0].fingers == 1)
        // Inside a subcircuit with parameters of its own the size is unknown: all bins stay.
        #expect(devices[1].widthUm == nil && devices[1].lengthUm == nil)
    }

    @Test(arguments: [("{w1}", 6.0), ("{2*w1}", 12.0), ("{w1/nf+1}", 4.0), ("0.5", 0.5), ("1u", 1e-6),
                      ("{(w1-2)*1e-6}", 4e-6), ("{max(w1,1)}", 6.0), ("{min(w1/nf, 0.42)}", 0.42), ("{sqrt(w1)}", 6.0.squareRoot()), ("{log(w1)}", -1.0), ("{nosuch}", -1.0)])
    func expressionsOnDeviceLines(text: String, expected: Double) {
        let value = SpiceExpression.evaluate(text, ["w1": 6, "nf": 2])
        if expected == -1 {
            #expect(value == nil)  // unknown functions and names: the caller keeps every bin
        } else {
            #expect(value.map { abs($0 - expected) <= 1e-15 * max(1, abs(expected)) } == true)
        }
    }
}
