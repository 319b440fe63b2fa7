import Foundation

/// The trimmed SKY130 device subcircuits, parsed once, so that a deck can carry for each FET type
/// only the model bins its devices can select.
///
/// Why: every instance of `sky130_fd_pr__nfet_01v8` re-instantiates all 48 binned `.model` cards
/// at each `reset`, which is most of an evaluation's time. Keeping every bin whose L/W range could
/// contain a device (with W taken both as total and per finger, boundaries inclusive, original
/// order kept) leaves ngspice's bin choice, and so every result, unchanged. Tests compare against
/// the full library.
final class BinnedModelLibrary: @unchecked Sendable {
    struct Bin: Sendable {
        var lmin: Double, lmax: Double, wmin: Double, wmax: Double
        var lines: [String]
    }

    enum Item {
        case line(String)
        case bin(Int)
    }

    struct Subcircuit {
        var items: [Item] = []
        var bins: [Bin] = []
    }

    /// `.param`/`.option` cards outside the subcircuits.
    let globalLines: [String]
    /// Subcircuits by lower-case name.
    let subcircuits: [String: Subcircuit]
    let directory: String

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: BinnedModelLibrary] = [:]

    static func load(directory: String) -> BinnedModelLibrary? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[directory] { return cached }
        guard let text = try? String(contentsOfFile: directory + "/models_fet.spice", encoding: .utf8),
              let library = BinnedModelLibrary(text: text, directory: directory) else { return nil }
        cache[directory] = library
        return library
    }

    private init?(text: String, directory: String) {
        self.directory = directory
        var global: [String] = []
        var subcircuits: [String: Subcircuit] = [:]
        var current: (name: String, body: Subcircuit)?
        var modelLines: [String]?

        func closeModel() {
            guard let lines = modelLines, current != nil else { modelLines = nil; return }
            let card = lines.joined(separator: " ").lowercased()
            func value(_ key: String) -> Double {
                guard let range = card.range(of: "\(key) = ") ?? card.range(of: "\(key)=") else { return .nan }
                return Double(card[range.upperBound...].prefix { !$0.isWhitespace }) ?? .nan
            }
            let bin = Bin(lmin: value("lmin"), lmax: value("lmax"), wmin: value("wmin"), wmax: value("wmax"), lines: lines)
            current!.body.items.append(.bin(current!.body.bins.count))
            current!.body.bins.append(bin)
            modelLines = nil
        }

        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let lower = line.lowercased()
            if modelLines != nil {
                if line.hasPrefix("+") || line.hasPrefix("*") || line.trimmingCharacters(in: .whitespaces).isEmpty {
                    modelLines!.append(line)
                    continue
                }
                closeModel()
            }
            if lower.hasPrefix(".subckt") {
                let name = lower.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
                current = (name, Subcircuit(items: [.line(line)]))
            } else if lower.hasPrefix(".ends"), current != nil {
                current!.body.items.append(.line(line))
                subcircuits[current!.name] = current!.body
                current = nil
            } else if current != nil {
                if lower.hasPrefix(".model") { modelLines = [line] } else { current!.body.items.append(.line(line)) }
            } else if !line.hasPrefix("*") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
                global.append(line)
            }
        }
        guard current == nil, !subcircuits.isEmpty else { return nil }
        // Every bin must have a readable range, or pruning could drop the one ngspice would pick.
        guard subcircuits.values.allSatisfy({ $0.bins.allSatisfy { !$0.lmin.isNaN && !$0.lmax.isNaN && !$0.wmin.isNaN && !$0.wmax.isNaN } }) else { return nil }
        globalLines = global
        self.subcircuits = subcircuits
    }

    /// A device's drawn size in microns (the library sets `scale=1u`).
    struct Device {
        var subcircuit: String
        var lengthUm: Double?
        var widthUm: Double?
        var fingers: Double?
    }

    /// What a deck's model lines depend on, so decks can be cached by it: per subcircuit (sorted by
    /// name), the bins devices of unknown size can select (all; nil when there are none), and the
    /// distinct bin sets of the devices of known size, each of which gets its own copy of the
    /// subcircuit with only those bins.
    struct Selection: Hashable {
        var process: String
        var shared: [[Int]?]
        var variants: [[[Int]]]
    }

    /// The bins a device of known size can select; nil when its size is unknown.
    func bins(for device: Device) -> [Int]? {
        guard device.lengthUm != nil, device.widthUm != nil, device.fingers != nil,
              let subcircuit = subcircuits[device.subcircuit] else { return nil }
        return subcircuit.bins.indices.filter { Self.canSelect(subcircuit.bins[$0], device) }
    }

    /// The name a device's instance line uses in a pruned deck: its own copy of the subcircuit
    /// (named by its bins) when its size is known, the shared subcircuit with every bin otherwise.
    func deckName(for device: Device) -> String {
        guard let bins = bins(for: device) else { return device.subcircuit }
        return device.subcircuit + "__" + bins.map(String.init).joined(separator: "_")
    }

    func selection(process: String, devices: [Device]) -> Selection {
        var shared: [[Int]?] = [], variants: [[[Int]]] = []
        for name in subcircuits.keys.sorted() {
            let mine = devices.filter { $0.subcircuit == name }
            shared.append(mine.contains { bins(for: $0) == nil } ? Array(subcircuits[name]!.bins.indices) : nil)
            variants.append(Array(Set(mine.compactMap { bins(for: $0) })).sorted { $0.lexicographicallyPrecedes($1) })
        }
        return Selection(process: process, shared: shared, variants: variants)
    }

    /// Model lines for a selection: the corner include, the global parameters, then per subcircuit
    /// the shared copy (if any device needs it) and one renamed copy per bin set.
    func lines(_ selection: Selection) -> [String] {
        var result = [".include \"\(directory)/corner_\(selection.process).spice\""] + globalLines
        for (index, name) in subcircuits.keys.sorted().enumerated() {
            let subcircuit = subcircuits[name]!
            func copy(named newName: String, keeping kept: [Int]) {
                let keep = Set(kept)
                for item in subcircuit.items {
                    switch item {
                    case .line(let line):
                        let lower = line.lowercased()
                        guard newName != name, lower.hasPrefix(".subckt") || lower.hasPrefix(".ends") else {
                            result.append(line)
                            continue
                        }
                        // `.subckt name nodes...` / `.ends name`: only the name changes.
                        var tokens = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                        if tokens.count > 1, tokens[1].lowercased() == name { tokens[1] = newName }
                        result.append(tokens.joined(separator: " "))
                    case .bin(let bin) where keep.contains(bin): result += subcircuit.bins[bin].lines
                    case .bin: continue
                    }
                }
            }
            if let shared = selection.shared[index] { copy(named: name, keeping: shared) }
            for bins in selection.variants[index] {
                copy(named: name + "__" + bins.map(String.init).joined(separator: "_"), keeping: bins)
            }
        }
        return result
    }

    static func canSelect(_ bin: Bin, _ device: Device) -> Bool {
        guard let l = device.lengthUm, let w = device.widthUm else { return true }
        // ngspice keeps a bin by comparing single-precision floats (about 1e-7 relative off), then
        // picks the first bin within 1 nm: keep every bin either rule could take.
        func inside(_ x: Double, _ lo: Double, _ hi: Double) -> Bool {
            x >= lo * (1 - 1e-6) - 1e-9 && x <= hi * (1 + 1e-6) + 1e-9
        }
        let lm = l * 1e-6, wm = w * 1e-6
        let perFinger = wm / max(1, device.fingers ?? 1)
        return inside(lm, bin.lmin, bin.lmax) && (inside(wm, bin.wmin, bin.wmax) || inside(perFinger, bin.wmin, bin.wmax))
    }
}
