import Circuits
import Foundation
import SimulationWire
import SizerCore

/// The decks and worker requests of a circuit: written here, from the circuit model, so that the
/// model knows nothing of deck forms.
extension Circuit {
    /// The deck loaded once per worker (nominal values; the fast path changes parameters).
    public var baseDeck: [String] { deck(process: nominalCorner.process, values: spec.fixed ?? [:]) }

    func deck(process: String, values: [String: Double]) -> [String] {
        ["* sizer: \(spec.name)", models.includeLine(process: process)] + template.lines(overriding: values) + [".end"]
    }

    /// A deck with only the model bins this design's devices can select (SKY130) and the design's
    /// values written in, its key (which names the bins, not the values) and the values it holds;
    /// nil when pruning does not apply. Requests use it when `DeckForm.binPruning` is on.
    func prunedDeck(values: [String: Double]) -> (deck: [String], key: String, params: [ParamValue])? {
        guard case .sky130(let path, _) = models,
              let library = BinnedModelLibrary.load(directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        else { return nil }
        let params = parameters(values: values, corner: nominalCorner)
        var written: [String: Double] = [:]
        for p in params where !p.name.hasPrefix("sw_") { written[p.name] = p.value }
        let sizes = caches.deviceSizes.value(for: 0) { DeviceSizes(template: template, types: Set(library.subcircuits.keys)) }
        let selection = library.selection(process: nominalCorner.process, devices: sizes.devices(values: written))
        let title = "* sizer: \(spec.name)"
        // Candidates share a few bin selections: keep their model lines.
        let models = caches.prunedModels.value(for: selection) { library.lines(selection) }
        // The key names the circuit and the bins: hashing the whole deck per candidate cost more
        // than building it.
        let key = StableHash.hex("\(keyBase)|pruned|\(selection.process)|\(selection.bins)")
        return ([title] + models + template.lines(overriding: written) + [".end"], key, params)
    }

    /// What every deck key of this circuit starts with: a hash of its title, model library and
    /// netlist with the fixed values (pruned and expanded keys then name their own structure).
    private var keyBase: String {
        caches.deckKeyBase.value(for: 0) {
            StableHash.hex((["* sizer: \(spec.name)", models.includeLine(process: nominalCorner.process)]
                            + template.lines(overriding: spec.fixed ?? [:])).joined(separator: "\n"))
        }
    }

    /// How the workers can move between designs without `reset` (SKY130 netlists they understand);
    /// nil otherwise. Expanded decks are written from it; requests send it when `DeckForm.alterPath` is on.
    public var alterPlan: AlterPlan? {
        caches.alterPlan.value(for: 0) {
            guard case .sky130(let path, let corners) = models,
                  let library = BinnedModelLibrary.load(directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            else { return nil }
            return AlterPlan.make(template: template, library: library, processCorners: corners)
        }
    }

    /// A request whose points are written into expanded decks (`ExpandedDeck`), one per process
    /// corner and set of bins; nil when some point cannot be (no plan, a value it cannot evaluate).
    /// With `alter` off, points carry no alter values (`DeckForm.alterPath`).
    func expandedRequest(values: [String: Double], corners: [Corner], alter: Bool) -> SimulationRequest? {
        guard !corners.isEmpty, case .sky130 = models, let plan = alterPlan else { return nil }
        let title = "* sizer: \(spec.name)"
        var points: [SimulationPoint] = []
        var written = Set<String>()
        for corner in corners {
            let params = parameters(values: values, corner: corner)
            guard let evaluation = plan.evaluate(params: params, process: corner.process) else { return nil }
            // A device near a bin edge has no known bin (-1): ngspice chooses among the bins its
            // card list keeps, by its size, which the key then names, so that `alter` between
            // points of one key never changes it (a PVT sweep of such a design still alters).
            let design = alter ? AlterPlan.Design(values: evaluation.values, bins: evaluation.bins.map { $0 ?? -1 }) : nil
            let candidates = plan.candidateBins(evaluation)
            let shared = plan.sharedModels(evaluation, candidates: candidates)
            var point = SimulationPoint(corner: corner, params: params)
            var structure = ""
            for (index, (bins, share)) in zip(candidates, shared).enumerated() {
                structure += bins.map(String.init).joined(separator: ",") + (share ? "=" : "")
                if evaluation.bins[index] == nil {
                    let size = evaluation.sizes[index]
                    structure += "@" + [size.lengthUm, size.widthUm, size.fingers].map { "\(($0 ?? .nan).bitPattern)" }.joined(separator: ",")
                }
                structure += ";"
            }
            // Points of one key share a deck and differ by `alter`; with the alter path off, by
            // nothing: the supply is then part of the key (the temperature is an option).
            let supply = alter ? "" : "|\(corner.supplyV)"
            point.deckKey = StableHash.hex("\(keyBase)|expanded|\(corner.process)\(supply)|\(structure)")
            point.alter = design
            if written.insert(point.deckKey!).inserted {
                guard let deck = plan.expandedDeck(title: title, evaluation: evaluation, candidates: candidates, shared: shared,
                                                   process: corner.process) else { return nil }
                point.deck = deck
            }
            points.append(point)
        }
        // The first point's deck travels as the request's (raw text on the worker wire).
        let deck = points[0].deck!
        points[0].deck = nil
        var request = SimulationRequest(deckKey: points[0].deckKey!, deck: deck, analyses: analyses,
                                        measurements: spec.measurements, opProbes: opProbes, points: points)
        if alter {
            request.alterTargets = plan.targets
            request.alterCovers = plan.covers
        }
        return request
    }

    /// Every parameter value of one design at one corner.
    public func parameters(values: [String: Double], corner: Corner) -> [ParamValue] {
        var params = models.parameters(process: corner.process)
        params.append(ParamValue(spec.supply.param, corner.supplyV))
        for name in (spec.fixed ?? [:]).keys.sorted() { params.append(ParamValue(name, spec.fixed![name]!)) }
        for variable in spec.variables { params.append(ParamValue(variable.name, values[variable.name] ?? variable.nominal)) }
        return params
    }

    /// A worker request for one design (physical values, already validated) at the given corners:
    /// expanded decks where the alter plan can write them (and `form` asks for them), else a pruned deck.
    public func request(values: [String: Double], corners: [Corner], freshLoad: Bool = false,
                        form: DeckForm = DeckForm()) -> SimulationRequest {
        if !freshLoad, form.expandedDecks,
           let expanded = expandedRequest(values: values, corners: corners, alter: form.alterPath) { return expanded }
        let pruned = freshLoad || !form.binPruning ? nil : prunedDeck(values: values)
        let base = pruned?.deck ?? baseDeck
        let plan = freshLoad || !form.alterPath ? nil : alterPlan
        let points = corners.map { corner -> SimulationPoint in
            let params = parameters(values: values, corner: corner)
            var point = SimulationPoint(corner: corner, params: params)
            point.alter = plan?.design(params: params, process: corner.process)
            if freshLoad {
                var overrides = [String: Double]()
                for p in params where !p.name.hasPrefix("sw_") { overrides[p.name] = p.value }
                point.deck = deck(process: corner.process, values: overrides)
            }
            return point
        }
        let key = pruned?.key ?? caches.baseDeckKey.value(for: 0) { StableHash.hex(base.joined(separator: "\n")) }
        var request = SimulationRequest(deckKey: key, deck: base,
                                        freshLoad: freshLoad, analyses: analyses, measurements: spec.measurements,
                                        opProbes: opProbes, points: points)
        request.deckParams = pruned?.params
        if let plan {
            request.alterTargets = plan.targets
            request.alterCovers = plan.covers
        }
        return request
    }


    /// What the decks of this circuit share from one request to the next, kept with the circuit.
    private var caches: DeckCaches { derived.value { DeckCaches() } }
}

/// A circuit's deck caches (see `Circuit.derived`).
private final class DeckCaches: Sendable {
    /// Pruned model lines per bin selection.
    let prunedModels = BoundedCache<BinnedModelLibrary.Selection, [String]>(capacity: 256)
    let deviceSizes = BoundedCache<Int, DeviceSizes>(capacity: 1)
    let deckKeyBase = BoundedCache<Int, String>(capacity: 1)
    let baseDeckKey = BoundedCache<Int, String>(capacity: 1)
    let alterPlan = BoundedCache<Int, AlterPlan?>(capacity: 1)
}
