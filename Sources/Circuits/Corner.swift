/// One process/voltage/temperature point.
public struct Corner: Codable, Sendable, Hashable, CustomStringConvertible {
    public var process: String
    public var temperatureC: Double
    public var supplyV: Double

    public init(process: String, temperatureC: Double, supplyV: Double) {
        self.process = process
        self.temperatureC = temperatureC
        self.supplyV = supplyV
    }

    /// e.g. `tt_27C_1.8V`
    public var description: String {
        "\(process)_\(Self.compact(temperatureC))C_\(Self.compact(supplyV))V"
    }

    /// 27 rather than 27.0; other values in their shortest exact form.
    static func compact(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : SpiceNumber.format(x)
    }

    /// Parses `tt_27C_1.8V` (temperature and supply optional: `ff`, `ss_125C`).
    public init?(label: String, defaultTemperatureC: Double, defaultSupplyV: Double) {
        let parts = label.split(separator: "_").map(String.init)
        guard let process = parts.first, !process.isEmpty else { return nil }
        var temperature = defaultTemperatureC, supply = defaultSupplyV
        for part in parts.dropFirst() {
            let lower = part.lowercased()
            if lower.hasSuffix("c"), let t = Double(lower.dropLast()) { temperature = t }
            else if lower.hasSuffix("v"), let v = Double(lower.dropLast()) { supply = v }
            else { return nil }
        }
        self.init(process: process.lowercased(), temperatureC: temperature, supplyV: supply)
    }
}
