import Foundation

/// Reads ngspice's printed output, the only place where it reports failures.
///
/// Every command's output passes through here (a `reset` or an `op` prints a dozen lines), so the
/// search works on ASCII-lowercased bytes with `memmem`: Foundation's `String.contains` on Linux
/// goes through NSString and cost a level-1 worker about half as much time as ngspice itself.
enum SpiceOutputClassifier {
    /// Fragments that mark a failure even when the line does not say "error".
    private static let fatalFragments = [
        "could not find a valid modelname", "circuit not parsed", "aborted", "timestep too small",
        "singular matrix", "iteration limit reached", "no such vector", "unknown subckt",
        "unable to find definition", "too few nodes", "gmin stepping failed", "source stepping failed",
        "no circuit loaded", "unknown parameter", "cannot compute",
    ].map { Array($0.utf8) }
    /// Error-looking lines that are harmless.
    private static let benignFragments = ["error(s) in", "errors: 0", "warning"].map { Array($0.utf8) }
    private static let error = Array("error".utf8)
    private static let errorColon = Array("error:".utf8)
    private static let noCircuit = Array("no circuit loaded".utf8)

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
        lines.contains { contains(lowercasedBytes($0), noCircuit) }
    }

    static func isError(_ line: String) -> Bool {
        let lower = lowercasedBytes(line)
        if benignFragments.contains(where: { contains(lower, $0) }) && !contains(lower, errorColon) { return false }
        if contains(lower, error) { return true }
        return fatalFragments.contains { contains(lower, $0) }
    }

    /// The line's UTF-8 bytes with ASCII letters lowercased (ngspice prints ASCII).
    private static func lowercasedBytes(_ line: String) -> [UInt8] {
        line.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        let last = haystack.count - needle.count
        var start = 0
        while start <= last {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count && haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    private static func strip(_ line: String) -> String {
        for prefix in ["stderr ", "stdout "] where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count))
        }
        return line
    }
}
