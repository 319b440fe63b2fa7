import Foundation

/// Reads ngspice's printed output, the only place where it reports failures.
enum SpiceOutputClassifier {
    /// Fragments that mark a failure even when the line does not say "error".
    private static let fatalFragments = [
        "could not find a valid modelname", "circuit not parsed", "aborted", "timestep too small",
        "singular matrix", "iteration limit reached", "no such vector", "unknown subckt",
        "unable to find definition", "too few nodes", "gmin stepping failed", "source stepping failed",
        "no circuit loaded", "unknown parameter", "cannot compute",
    ]
    /// Error-looking lines that are harmless.
    private static let benignFragments = ["error(s) in", "errors: 0", "warning"]

    /// Error lines with their context: when anything looks like an error, the simulator's recent
    /// stderr lines (which name the offending line, parameter or model) are returned too.
    static func errorLines(_ lines: [String]) -> [String] {
        guard lines.contains(where: isError) else { return [] }
        var result: [String] = []
        for line in lines where line.hasPrefix("stderr ") || isError(line) {
            let text = strip(line).trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("Note:") || result.last == text { continue }
            result.append(text)
        }
        return result
    }

    static func circuitMissing(_ lines: [String]) -> Bool {
        lines.contains { $0.lowercased().contains("no circuit loaded") }
    }

    private static func isError(_ line: String) -> Bool {
        let lower = line.lowercased()
        if benignFragments.contains(where: lower.contains) && !lower.contains("error:") { return false }
        if lower.contains("error") { return true }
        return fatalFragments.contains(where: lower.contains)
    }

    private static func strip(_ line: String) -> String {
        for prefix in ["stderr ", "stdout "] where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count))
        }
        return line
    }
}
