import Foundation

/// Operating-point checks made before a design is scored, so that absurd designs that "converge"
/// to nonsense cannot earn reward.
public enum OperatingPointSanity {
    public static func violations(_ sanity: CircuitSpec.SanitySpec?, supplySource: String,
                                  operatingPoint op: [String: Double]) -> [String] {
        var problems: [String] = []
        if let branch = op["\(supplySource)#branch"] {
            let current = -branch
            if !(current > 0) { problems.append("supply current \(current) A is not positive") }
            if let limit = sanity?.maxSupplyCurrentA, current > limit {
                problems.append("supply current \(current) A exceeds \(limit) A")
            }
        }
        for (node, range) in (sanity?.nodeRanges ?? [:]).sorted(by: { $0.key < $1.key }) where range.count == 2 {
            guard let v = op[node] else { problems.append("node \(node) has no operating point"); continue }
            if !(v >= range[0] && v <= range[1]) {
                problems.append("node \(node) at \(v) V is outside [\(range[0]), \(range[1])] V")
            }
        }
        return problems
    }
}
