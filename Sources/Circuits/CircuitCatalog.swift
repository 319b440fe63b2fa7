import Foundation

/// The built-in circuits (`specs/`) and the user's (extra spec folders).
public struct CircuitCatalog: Sendable {
    public let paths: SizerPaths

    public init(paths: SizerPaths) { self.paths = paths }

    /// Spec files by circuit name; user folders are listed after the built-in one and may not
    /// shadow a built-in name.
    public func specFiles() -> [(name: String, path: String, builtIn: Bool)] {
        var result: [(String, String, Bool)] = []
        for (directory, builtIn) in [(paths.specsDirectory, true)] + paths.userSpecDirectories.map({ ($0, false) }) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".json") {
                let name = String(file.dropLast(".json".count))
                if !result.contains(where: { $0.0 == name }) { result.append((name, directory + "/" + file, builtIn)) }
            }
        }
        return result
    }

    /// Loads a circuit by name, or by a path to a spec file.
    public func circuit(named name: String) throws -> Circuit {
        if name.hasSuffix(".json") { return try Circuit.load(specPath: name, paths: paths) }
        guard let entry = specFiles().first(where: { $0.name == name }) else {
            let known = specFiles().map(\.name).joined(separator: ", ")
            throw CircuitError(file: name, "unknown circuit (known: \(known.isEmpty ? "none; is SIZER_HOME set?" : known))")
        }
        let circuit = try Circuit.load(specPath: entry.path, paths: paths)
        // Jobs record the circuit by its spec's name and find it again by that name: a file under
        // another name would be logged as, and later replayed as, a different circuit.
        guard circuit.name == entry.name else {
            throw CircuitError(file: entry.path, "the spec names its circuit '\(circuit.name)'; name the file \(circuit.name).json or change its \"name\" to '\(entry.name)'")
        }
        return circuit
    }
}
