import Foundation

/// The device models a deck includes, and what a process corner changes in them.
public enum ModelLibrary: Sendable, Hashable {
    /// The trimmed SKY130 library (`sky130_fet.lib.spice`) and, per process corner, the parameter
    /// values that distinguish it (from `corners.json`), so corners switch without a reload.
    case sky130(libraryPath: String, cornerParameters: [String: [String: Double]])
    /// Our small level-1 models; no process corners.
    case builtin(path: String)

    public static func sky130(directory: String) throws -> ModelLibrary {
        let library = directory + "/sky130_fet.lib.spice"
        let cornersFile = directory + "/corners.json"
        guard FileManager.default.fileExists(atPath: library),
              let data = FileManager.default.contents(atPath: cornersFile) else {
            throw CircuitError(file: directory, "the trimmed SKY130 library is missing; run `make setup`")
        }
        let corners = try JSONDecoder().decode([String: [String: Double]].self, from: data)
        return .sky130(libraryPath: library, cornerParameters: corners)
    }

    public var processCorners: [String] {
        switch self {
        case .sky130(_, let corners): return corners.keys.sorted()
        case .builtin: return ["tt"]
        }
    }
}
