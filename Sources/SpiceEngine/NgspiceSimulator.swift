import CNgspice
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one Swift type around libngspice. Create one per process and use it from one thread.
///
/// Return codes of the C API do not report failures, so every call goes through `run(_:)`,
/// which captures the simulator's output and classifies its error lines.
public final class NgspiceSimulator {
    /// Lines from the most recent command, as ngspice printed them ("stdout ..." / "stderr ...").
    public private(set) var lastOutput: [String] = []
    private var deckLoaded = false

    /// Initializes the library once. `settings` are `set` commands sent before any deck
    /// (e.g. `ngbehavior=hsa`, `ng_nomodcheck`).
    public init(settings: [String] = []) throws(SpiceError) {
        // A decimal-comma locale crashes the number parser.
        setenv("LC_ALL", "C", 1)
        setlocale(LC_ALL, "C")
        _ = ngSpice_Init(sendChar, sendStat, controlledExit, nil, nil, nil, nil)
        // OpenMP in BSIM evaluation costs ~100x on a busy 2-core machine.
        for command in ["set num_threads=1"] + settings.map({ "set \($0)" }) {
            try run(command)
        }
    }

    /// True once the library has asked to exit: the process must stop using it.
    public var isPoisoned: Bool { controlledExitStatus != nil }

    public var echo: Bool {
        get { echoOutput }
        set { echoOutput = newValue }
    }

    /// Runs one command and throws if ngspice printed an error line.
    @discardableResult
    public func run(_ command: String, failure: SpiceError.Kind = .analysisFailed) throws(SpiceError) -> [String] {
        try checkUsable()
        capturedLines.removeAll(keepingCapacity: true)
        _ = command.withCString { ngSpice_Command(UnsafeMutablePointer(mutating: $0)) }
        lastOutput = capturedLines
        try checkUsable()
        let errors = SpiceOutputClassifier.errorLines(lastOutput)
        if !errors.isEmpty {
            throw SpiceError(kind: failure, message: "ngspice: '\(command)' failed", stderrTail: Array(errors.suffix(8)))
        }
        return lastOutput
    }

    /// Parses a deck (title line first; `.end` is appended if missing). Removes a previous one.
    public func load(deck lines: [String]) throws(SpiceError) {
        try checkUsable()
        if deckLoaded {
            _ = try? run("remcirc")
            deckLoaded = false
        }
        var deck = lines
        if deck.last?.lowercased().trimmingCharacters(in: .whitespaces) != ".end" { deck.append(".end") }
        capturedLines.removeAll(keepingCapacity: true)
        var cStrings: [UnsafeMutablePointer<CChar>?] = deck.map { strdup($0) }
        cStrings.append(nil)
        _ = cStrings.withUnsafeMutableBufferPointer { ngSpice_Circ($0.baseAddress) }
        for pointer in cStrings { free(pointer) }
        lastOutput = capturedLines
        try checkUsable()
        let errors = SpiceOutputClassifier.errorLines(lastOutput)
        if !errors.isEmpty || SpiceOutputClassifier.circuitMissing(lastOutput) {
            // ngspice may keep a half-parsed circuit; drop it so the next load starts clean.
            _ = try? run("remcirc")
            throw SpiceError(kind: .deckRejected, message: "ngspice rejected the deck",
                             stderrTail: Array((errors.isEmpty ? lastOutput : errors).suffix(8)))
        }
        deckLoaded = true
    }

    /// Name of the current plot (e.g. `ac1`); new analyses create new plots.
    public var currentPlot: String {
        guard let name = ngSpice_CurPlot() else { return "" }
        return String(cString: name)
    }

    /// Copies a vector of the current plot out of ngspice memory, or returns nil if it is absent.
    public func vector(_ name: String) -> SpiceVector? {
        guard !isPoisoned else { return nil }
        let info = name.withCString { ngGet_Vec_Info(UnsafeMutablePointer(mutating: $0)) }
        guard let info else { return nil }
        let count = Int(info.pointee.v_length)
        guard count > 0 else { return SpiceVector(name: name, real: []) }
        if let real = info.pointee.v_realdata {
            return SpiceVector(name: name, real: Array(UnsafeBufferPointer(start: real, count: count)))
        }
        if let complex = info.pointee.v_compdata {
            let buffer = UnsafeBufferPointer(start: complex, count: count)
            return SpiceVector(name: name, real: buffer.map(\.cx_real), imaginary: buffer.map(\.cx_imag))
        }
        return nil
    }

    /// Names of every plot ngspice holds (e.g. `ac1`, `op1`, `const`).
    public var plotNames: [String] {
        guard !isPoisoned else { return [] }
        return Self.strings(ngSpice_AllPlots())
    }

    /// Names of the vectors in a plot (e.g. to find a DC sweep's scale vector).
    public func vectorNames(plot: String) -> [String] {
        guard !isPoisoned else { return [] }
        return Self.strings(plot.withCString { ngSpice_AllVecs(UnsafeMutablePointer(mutating: $0)) })
    }

    /// A NULL-terminated array of C strings owned by ngspice, copied out.
    private static func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard let list else { return [] }
        var names: [String] = []
        var index = 0
        while let entry = list[index] {
            names.append(String(cString: entry))
            index += 1
        }
        return names
    }

    /// Frees every plot and the command history; without this ngspice leaks and slows down.
    public func releaseResults() {
        guard !isPoisoned else { return }
        capturedLines.removeAll(keepingCapacity: true)
        _ = "destroy all".withCString { ngSpice_Command(UnsafeMutablePointer(mutating: $0)) }
        // Undocumented: a NULL command frees the accumulated command history.
        _ = ngSpice_Command(nil)
    }

    private func checkUsable() throws(SpiceError) {
        if let status = controlledExitStatus {
            throw SpiceError(kind: .poisoned, message: "ngspice requested exit (status \(status)); the worker must restart",
                             stderrTail: Array(SpiceOutputClassifier.errorLines(capturedLines).suffix(8)))
        }
    }
}
