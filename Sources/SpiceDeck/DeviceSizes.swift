import Circuits

/// The template's top-level parameters and its instances of library subcircuits with their size
/// expressions, compiled once; per design, the sizes that decide which model bins a deck keeps.
struct DeviceSizes: Sendable {
    private let parameters: [(name: String, expression: SpiceExpression?)]
    private struct Instance: Sendable {
        var subcircuit: String
        var l: SpiceExpression?, w: SpiceExpression?, nf: SpiceExpression?
        /// False inside the netlist's own subcircuits with parameters of their own, where sizes
        /// may differ from the global values.
        var known: Bool
    }
    private let instances: [Instance]

    init(template: NetlistTemplate, types: Set<String>) {
        var parameters: [(name: String, expression: SpiceExpression?)] = []
        var instances: [Instance] = []
        var localParameters = false
        for line in NetlistTemplate.scan(ParamCards.logicalLines(template.lines)) {
            let lower = line.lower
            if line.depth == 0 { localParameters = false }
            if lower.hasPrefix(".subckt") && (lower.contains("=") || lower.contains("params:")) { localParameters = true }
            if line.depth > 0 && lower.hasPrefix(".param") { localParameters = true }
            if line.depth == 0 && lower.hasPrefix(".param") {
                for (name, value) in ParamCards.parameters([line.raw]) ?? [] { parameters.append((name, SpiceExpression(value))) }
                continue
            }
            guard lower.hasPrefix("x"), let split = ParamCards.split(line.raw),
                  let type = split.words.first(where: types.contains) else { continue }
            func expression(_ key: String) -> SpiceExpression? {
                split.assignments.first { $0.name == key }.flatMap { SpiceExpression($0.value) }
            }
            instances.append(Instance(subcircuit: type, l: expression("l"), w: expression("w"), nf: expression("nf"),
                                      known: !localParameters))
        }
        self.parameters = parameters
        self.instances = instances
    }

    /// Sizes of every instance for the given parameter values (the rest at their expressions, in
    /// order); a size that cannot be evaluated is unknown, and its device keeps every bin.
    func devices(values given: [String: Double]) -> [BinnedModelLibrary.Device] {
        var scope: [String: Double] = [:]
        for (name, expression) in parameters {
            scope[name] = given[name] ?? expression?.value(scope)
        }
        return instances.map { instance in
            func size(_ expression: SpiceExpression?) -> Double? { instance.known ? expression?.value(scope) : nil }
            return BinnedModelLibrary.Device(subcircuit: instance.subcircuit, lengthUm: size(instance.l),
                                             widthUm: size(instance.w), fingers: instance.nf == nil ? 1 : size(instance.nf))
        }
    }
}
