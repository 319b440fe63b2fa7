/// What a design variable is; lets a policy share weights across variables of one kind and
/// across circuits.
public enum VariableKind: String, Codable, Sendable, CaseIterable {
    case width, length, current, capacitance, resistance, voltage, other

    /// The kind a spec file's variable has by its unit and name (`w...`/`l...` for lengths in
    /// metres): what a spec file without an explicit kind gets.
    public init(name: String, unit: String?) {
        switch (unit ?? "").lowercased() {
        case "a", "ua", "ma": self = .current
        case "f", "pf", "ff": self = .capacitance
        case "ohm", "ohms", "kohm": self = .resistance
        case "v": self = .voltage
        case "m", "um", "nm":
            let first = name.lowercased().first
            self = first == "l" ? .length : first == "w" ? .width : .other
        default: self = .other
        }
    }
}
