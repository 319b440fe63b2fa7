import Circuits
import SimulationWire

/// How a deck names a model library: its include line and the parameters of a process corner.
extension ModelLibrary {
    /// The include line for a process corner.
    func includeLine(process: String) -> String {
        switch self {
        case .sky130(let path, _): return ".lib \"\(path)\" \(process)"
        case .builtin(let path): return ".include \"\(path)\""
        }
    }

    /// Parameters that put a deck loaded at any corner into `process`.
    func parameters(process: String) -> [ParamValue] {
        switch self {
        case .sky130(_, let corners):
            return (corners[process] ?? [:]).sorted { $0.key < $1.key }.map { ParamValue($0.key, $0.value) }
        case .builtin: return []
        }
    }
}
