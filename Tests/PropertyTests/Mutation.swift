import Circuits
import Foundation
import PropertyBased
import Testing

/// One way to break a valid spec file, and the fragments the parser's message must contain.
enum Mutation: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case minNotBelowMax
    case logScaleWithMinNotPositive
    case nominalOutsideRange
    case duplicateVariable
    case badVariableName
    case variableWithoutParam
    case gridNotPositive
    case gridWithoutMultipleInRange
    case linearRangeOverflows
    case fixedAndVariable
    case unknownMeasurementKind
    case duplicateMeasurement
    case measurementWithoutItsAnalysis
    case specOnUnknownMetric
    case badSpecRange
    case badACAnalysis
    case badFigureOfMerit
    case badNodeRange
    case badSplits
    case badTimeout
    case nonFiniteNumber
    case missingField
    case missingMultiWordField
    case wrongType
    case unknownScale
    case badCircuitName

    var testDescription: String { rawValue }

    /// Which variable, measurement or spec to break (modulo their count), a number in [0, 1], a
    /// word, and a small choice among a mutation's variants.
    typealias Parameters = (pick: Int, x: Double, word: String, variant: Int)

    static var draw: Generator<Parameters, some SendableSequenceType> {
        zip(Gen.int(in: 0...1000), Gen.double(in: 0...1), Gen.lowercaseLetter.string(of: 1...6), Gen.int(in: 0...11))
            .map { (pick: $0.0, x: $0.1, word: $0.2, variant: $0.3) }
    }

    struct Broken {
        var json: JSONText
        var expected: [String]
    }

    func apply(to m: SpecModel, _ p: Parameters) -> Broken {
        typealias Step = JSONText.Step
        var json = m.json
        let vi = p.pick % m.variables.count
        let v = m.variables[vi]
        let variable: [Step] = [.key("variables"), .index(vi)]
        let mi = p.pick % m.measurements.count
        let measurement: [Step] = [.key("measurements"), .index(mi)]
        let width = v.max - v.min
        func set(_ path: [Step], _ value: JSONText?) { json = json.setting(path, to: value) }
        func variableBounds(min: Double, max: Double, nominal: Double, log: Bool = false) {
            set(variable + [.key("min")], .number(min))
            set(variable + [.key("max")], .number(max))
            set(variable + [.key("nominal")], .number(nominal))
            set(variable + [.key("scale")], .string(log ? "log" : "linear"))
            set(variable + [.key("grid")], nil)
        }
        /// A spec entry to break: the first one, added if the spec has none.
        func someSpec() -> (path: [Step], metric: String) {
            if m.specs.isEmpty {
                json = json.appending([.key("specs")], .object([("metric", .string(m.measurements[0].name)),
                                                                 ("bound", .string("lower")), ("target", .number(1))]))
                return ([.key("specs"), .index(0)], m.measurements[0].name)
            }
            let si = p.pick % m.specs.count
            return ([.key("specs"), .index(si)], m.specs[si].metric)
        }

        switch self {
        case .minNotBelowMax:
            set(variable + [.key("max")], .number(v.min - width * p.x))
            return Broken(json: json, expected: ["variable '\(v.name)'", "min < max"])

        case .logScaleWithMinNotPositive:
            variableBounds(min: -10 * p.x, max: 1 + p.x, nominal: 0.5, log: true)
            return Broken(json: json, expected: ["variable '\(v.name)'", "log scale needs min > 0"])

        case .nominalOutsideRange:
            let step = Swift.max(v.min.magnitude, v.max.magnitude) * (1e-3 + p.x)
            set(variable + [.key("nominal")], .number(p.variant % 2 == 0 ? v.min - step : v.max + step))
            return Broken(json: json, expected: ["variable '\(v.name)'", "nominal outside"])

        case .duplicateVariable:
            json = json.appending([.key("variables")], json[variable]!)
            return Broken(json: json, expected: ["variable '\(v.name)'", "listed twice"])

        case .badVariableName:
            let bad = ["A" + p.word, "9" + p.word, p.word + "-x", p.word.uppercased(), "", p.word + " x"][p.variant % 6]
            set(variable + [.key("name")], .string(bad))
            return Broken(json: json, expected: ["variable name '\(bad)'"])

        case .variableWithoutParam:
            let name = "zz_" + p.word + "_undefined"
            set(variable + [.key("name")], .string(name))
            return Broken(json: json, expected: ["variable '\(name)' has no `.param \(name)="])

        case .gridNotPositive:
            set(variable + [.key("grid")], .number([0, -0.0, -p.x - 1e-9, -1][p.variant % 4]))
            return Broken(json: json, expected: ["variable '\(v.name)'", "grid"])

        case .gridWithoutMultipleInRange:
            // (k + 0.1) g ... (k + 0.9) g holds no multiple of g.
            let grid = 1e-3 + p.x * 10, k = Double(p.pick % 200 - 100)
            variableBounds(min: (k + 0.1) * grid, max: (k + 0.9) * grid, nominal: (k + 0.5) * grid)
            set(variable + [.key("grid")], .number(grid))
            return Broken(json: json, expected: ["variable '\(v.name)'", "grid"])

        case .linearRangeOverflows:
            let edge = 0.9e308 + p.x * 0.8e308
            variableBounds(min: -edge, max: edge, nominal: 0)
            return Broken(json: json, expected: ["variable '\(v.name)'", "max - min"])

        case .fixedAndVariable:
            set([.key("fixed"), .key(v.name)], .number(p.x))
            return Broken(json: json, expected: ["'\(v.name)' is both a variable and fixed"])

        case .unknownMeasurementKind:
            let kind = ["x_" + p.word, "AC_GAIN_DB", "ac_gain", "gain_db", ""][p.variant % 5]
            set(measurement + [.key("kind")], .string(kind))
            return Broken(json: json, expected: ["'measurements[\(mi)].kind'"] + (kind.isEmpty ? [] : [kind]))

        case .duplicateMeasurement:
            json = json.appending([.key("measurements")], json[measurement]!)
            return Broken(json: json, expected: ["measurement '\(m.measurements[mi].name)'", "listed twice"])

        case .measurementWithoutItsAnalysis:
            let analysis = m.measurements[mi].kind.analysis
            guard case .array(let items)? = json[[.key("analyses")]] else { preconditionFailure() }
            set([.key("analyses")], .array(items.filter {
                if case .string(let type)? = $0[[.key("type")]] { return type != analysis.rawValue }
                return true
            }))
            let first = m.measurements.first { $0.kind.analysis == analysis }!
            return Broken(json: json, expected: ["measurement '\(first.name)'", "needs a '\(analysis.rawValue)' analysis"])

        case .specOnUnknownMetric:
            let (path, _) = someSpec()
            let metric = "unknown_" + p.word
            set(path + [.key("metric")], .string(metric))
            return Broken(json: json, expected: ["unknown metric '\(metric)'"])

        case .badSpecRange:
            let (path, metric) = someSpec()
            let low = -1e3 + 2e3 * p.x, high = low + 1 + p.x
            let range: [Double] = [[high, low], [low], [], [low, high, high + 1]][p.variant % 4]
            set(path + [.key("range")], .array(range.map { .number($0) }))
            return Broken(json: json, expected: ["spec '\(metric)'", "range"])

        case .badACAnalysis:
            var fields: [(String, JSONText)] = [("type", .string("ac")), ("points_per_decade", .integer(20)),
                                                ("start_hz", .number(1)), ("stop_hz", .number(1e9))]
            switch p.variant % 5 {
            case 0: fields[3].1 = .number(1 - p.x)                       // stop <= start
            case 1: fields[1].1 = .integer(-(p.pick % 5))                // no points
            case 2: fields[1].1 = .integer(1001 + p.pick)                // too many points
            case 3: fields[2].1 = .number(-p.x)                          // start <= 0
            default: fields.remove(at: 3)                                // stop missing
            }
            guard case .array(let items)? = json[[.key("analyses")]] else { preconditionFailure() }
            let others = items.filter {
                if case .string(let type)? = $0[[.key("type")]] { return type != "ac" }
                return true
            }
            set([.key("analyses")], .array(others + [.object(fields)]))
            return Broken(json: json, expected: ["analysis 'ac'"])

        case .badFigureOfMerit:
            let fom: JSONText = p.variant % 2 == 0
                ? .object([("metric", .string(m.measurements[mi].name)), ("goal", .string("minimize")),
                           ("reference", .number([0, -0.0, -p.x - 1e-12][p.variant / 2 % 3]))])
                : .object([("metric", .string("unknown_" + p.word)), ("goal", .string("maximize")), ("reference", .number(1))])
            set([.key("figure_of_merit")], fom)
            return Broken(json: json, expected: ["figure_of_merit"])

        case .badNodeRange:
            let node = "n_" + p.word
            let low = -2 + 3 * p.x
            let range: [Double] = [[low + 1, low], [low], [], [low, low + 1, low + 2]][p.variant % 4]
            set([.key("sanity"), .key("node_ranges"), .key(node)], .array(range.map { .number($0) }))
            return Broken(json: json, expected: ["sanity", "'\(node)'"])

        case .badSplits:
            let (train, test): (Int, Int) = [(-1 - p.pick, 50), (200, -1 - p.pick), (1_000_000_000 + p.pick, 0),
                                             (Int.max, Int.max)][p.variant % 4]
            set([.key("splits")], .object([("seed", .integer(p.pick)), ("train", .integer(train)), ("test", .integer(test))]))
            return Broken(json: json, expected: ["splits"])

        case .badTimeout:
            set([.key("timeout_s")], .number([0, -0.0, -p.x - 1e-3, 1e7 + p.x * 1e300][p.variant % 4]))
            return Broken(json: json, expected: ["timeout_s"])

        case .nonFiniteNumber:
            let literal = ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "nan", "inf"][p.variant % 7]
            let paths: [[Step]] = [variable + [.key("min")], variable + [.key("max")], variable + [.key("nominal")],
                                   [.key("supply"), .key("nominal")], [.key("temperature_c")]]
            set(paths[p.pick % paths.count], .literal(literal))
            // JSON has no field for the parser to name here: the message names the number or its position.
            return Broken(json: json, expected: ["not valid JSON", literal.hasPrefix("1e") || literal.hasPrefix("-1e") ? literal : "character"])

        case .missingField:
            let key = ["name", "min", "max", "scale", "nominal"][p.variant % 5]
            set(variable + [.key(key)], nil)
            return Broken(json: json, expected: ["missing field '\(key)'", "'variables[\(vi)]'"])

        case .missingMultiWordField:
            let key = ["temperature_c", "supply_v"][p.variant % 2]
            var corners: [(String, JSONText)] = [("process", .array([.string("tt")])), ("temperature_c", .array([.number(27)])),
                                                 ("supply_v", .array([.number(1.8)]))]
            corners.removeAll { $0.0 == key }
            set([.key("corners")], .object(corners))
            return Broken(json: json, expected: ["missing field '\(key)'", "'corners'"])

        case .wrongType:
            let cases: [([Step], JSONText, String)] = [
                (variable + [.key("min")], .string("1"), "variables[\(vi)].min"),
                (variable + [.key("nominal")], .bool(true), "variables[\(vi)].nominal"),
                ([.key("supply"), .key("nominal")], .string("1.8 V"), "supply.nominal"),
                ([.key("variables")], .object([]), "variables"),
                ([.key("analyses")], .string("op"), "analyses"),
                ([.key("temperature_c")], .array([]), "temperature_c"),
                ([.key("sanity"), .key("max_supply_current_a")], .string("1 mA"), "sanity.max_supply_current_a"),
            ]
            let (path, value, field) = cases[p.variant % cases.count]
            set(path, value)
            return Broken(json: json, expected: ["at '\(field)'"])

        case .unknownScale:
            let scale = ["Log", "logarithmic", "lin", "LINEAR", p.word + "_scale", ""][p.variant % 6]
            set(variable + [.key("scale")], .string(scale))
            return Broken(json: json, expected: ["'variables[\(vi)].scale'"] + (scale.isEmpty ? [] : [scale]))

        case .badCircuitName:
            let bad = ["", "A" + p.word, p.word + "-x", p.word + ".json", p.word + "/x"][p.variant % 5]
            set([.key("name")], .string(bad))
            return Broken(json: json, expected: ["name '\(bad)'"])
        }
    }
}
