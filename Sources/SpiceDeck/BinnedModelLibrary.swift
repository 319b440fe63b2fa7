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

    /// Which bins of each subcircuit (sorted by name) the given devices can select: all a deck's
    /// model lines depend on, so decks can be cached by it.
    struct Selection: Hashable {
        var process: String
        var bins: [[Int]]
    }

    /// A device whose size is unknown keeps all bins of its type.
    func selection(process: String, devices: [Device]) -> Selection {
        Selection(process: process, bins: subcircuits.keys.sorted().map { name in
            let subcircuit = subcircuits[name]!
            let mine = devices.filter { $0.subcircuit == name }
            return subcircuit.bins.indices.filter { index in mine.contains { Self.canSelect(subcircuit.bins[index], $0) } }
        })
    }

    /// Model lines for a selection: every subcircuit, with only the selected bins.
    func lines(_ selection: Selection) -> [String] {
        var result = [".include \"\(directory)/corner_\(selection.process).spice\""] + globalLines
        for (name, kept) in zip(subcircuits.keys.sorted(), selection.bins) {
            let subcircuit = subcircuits[name]!
            let keep = Set(kept)
            for item in subcircuit.items {
                switch item {
                case .line(let line): result.append(line)
                case .bin(let index) where keep.contains(index): result += subcircuit.bins[index].lines
                case .bin: continue
                }
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
