import Circuits
import Foundation
import PropertyBased
import SizerCore

/// Generators for design variables, design vectors and whole spec files. Every composite is built
/// from the library's primitive generators with `zip` and `map`, so failing cases shrink.
enum Draw {
    static var unit: Generator<Double, some SendableSequenceType> { Gen.double(in: 0...1) }

    /// `[a-z_][a-z0-9_]*`, 1 to 8 characters: a valid `.param` name. Names holding a word the
    /// netlist checker refuses on any line (`exec`, `shell`, ...) are not drawn.
    static var name: Generator<String, some SendableSequenceType> {
        zip(
            Gen<Character?>.element(of: Array("abcdefghijklmnopqrstuvwxyz_")).map { $0! },
            Gen<Character?>.element(of: Array("abcdefghijklmnopqrstuvwxyz0123456789_")).map { $0! }.array(of: 0...7)
        ).map { first, rest in String([first] + rest) }
            .filter { name in !["exec", "shell", "include", "spiceinit", "wrdata"].contains { name.contains($0) } }
    }

    /// A design variable as a spec file may hold it: linear or log, ranges from 1e-300 to 1e300 in
    /// magnitude (mostly 1e-15 to 1e15), relative widths from 1e-6 to 1e6, nominal anywhere in the
    /// range including its ends, and in 30 % of cases a grid of 1 to 10,000 steps whose multiples
    /// need not include min or max. Draws whose bounds overflow are skipped.
    static var variable: Generator<SpecModel.Variable, some SendableSequenceType> {
        zip(
            name,
            Gen.bool,                                   // log scale
            Gen.int(in: 0...2),                         // linear: min 0, negative or positive
            unit,                                       // where the range lies (magnitude)
            unit,                                       // its relative width
            unit,                                       // where the nominal lies in it
            unit.optional(valueRate: 0.3),              // grid: 10^(4 g) steps across the range
            Gen<String?>.element(of: ["um", "A", "F", "ohm", "", "V"]).optional(valueRate: 0.7)
        ).compactMap { t -> SpecModel.Variable? in
            makeVariable(name: t.0, log: t.1, sign: t.2, magnitude: t.3, width: t.4, nominal: t.5, grid: t.6, unit: t.7 ?? nil)
        }
    }

    static func makeVariable(name: String, log: Bool, sign: Int, magnitude a: Double, width b: Double, nominal c: Double,
                             grid g: Double?, unit: String?) -> SpecModel.Variable? {
        let exponent = a < 0.8 ? -15 + 30 * a / 0.8 : -300 + 600 * (a - 0.8) / 0.2
        let magnitude = pow(10, exponent)
        let lo: Double, hi: Double
        if log {
            lo = magnitude
            hi = lo * (1 + pow(10, -6 + 12 * b))
        } else {
            lo = sign == 0 ? 0 : sign == 1 ? -magnitude : magnitude
            hi = lo + magnitude * pow(10, -6 + 12 * b)
        }
        guard lo.isFinite, hi.isFinite, hi > lo, (hi - lo).isFinite else { return nil }
        let nominal = min(hi, max(lo, lo + c * (hi - lo)))
        var grid: Double?
        if let g {
            grid = (hi - lo) / pow(10, 4 * g)
            guard grid!.isNormal, (lo / grid!).magnitude < 1e12, (hi / grid!).magnitude < 1e12 else { return nil }
        }
        return .init(name: name, unit: unit, min: lo, max: hi, log: log, nominal: nominal, grid: grid)
    }

    /// 1 to 8 variables with distinct names.
    static var variables: Generator<[SpecModel.Variable], some SendableSequenceType> {
        variable.array(of: 1...8).map { vars in
            var taken = Set<String>()
            return vars.map { v in
                var v = v
                v.name = unique(v.name, &taken)
                return v
            }
        }
    }

    /// A coordinate as an optimizer might send it: mostly in [0, 1], often just outside, sometimes
    /// huge, and the special values (signed zeros, the ends, infinities, NaN, subnormals).
    static var coordinate: Generator<Double, some SendableSequenceType> {
        Gen.frequency(
            (6, unit),
            (2, Gen.double(in: -3...4)),
            (1, Gen.double(in: -1e300...1e300)),
            (1, Gen<Double?>.element(of: specials).map { $0! })
        )
    }

    static let specials: [Double] = [
        0, -0.0, 1, 0.5, 1.nextUp, 1.nextDown, -Double.leastNonzeroMagnitude, .leastNonzeroMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
    ]

    /// A design vector long enough for any generated design space (take a prefix).
    static var vector: Generator<[Double], some SendableSequenceType> {
        coordinate.array(of: 8)
    }

    static func unique(_ stem: String, _ taken: inout Set<String>) -> String {
        var candidate = stem
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(stem)_\(n)"
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }

    // MARK: - Spec files

    static var measurement: Generator<(Int, String, Double, Bool, Bool), some SendableSequenceType> {
        zip(Gen.int(in: 0...1000), name, unit, Gen.bool, Gen.bool)
    }

    static var specEntry: Generator<(Int, Bool, Double, Double?, (Double, Double)?), some SendableSequenceType> {
        zip(
            Gen.int(in: 0...1000), Gen.bool, Gen.double(in: -1e6...1e6), Gen.double(in: 0...10).optional(valueRate: 0.3),
            zip(Gen.double(in: -1e6...1e6), Gen.double(in: 0...1e6)).optional(valueRate: 0.6)
        )
    }

    static var analyses: Generator<(Bool, Bool, Bool, Bool, Int, Double, Double, Double), some SendableSequenceType> {
        zip(Gen.bool, Gen.bool, Gen.bool, Gen.bool, Gen.int(in: 1...1000), unit, unit, unit)
    }

    static var sanity: Generator<(Double?, [(String, Double, Double)]?)?, some SendableSequenceType> {
        zip(
            Gen.double(in: 1e-6...1).optional(),
            zip(name, Gen.double(in: -2...2), Gen.double(in: 0...2)).array(of: 0...3).optional()
        ).optional(valueRate: 0.5)
    }

    static var extras: Generator<((Int, Bool, Double)?, (Double?, [(String, Double, Double)]?)?, (UInt64, Int, Int)?, ([String], [Double], [Double])?, Double?, Double?, String?), some SendableSequenceType> {
        zip(
            zip(Gen.int(in: 0...1000), Gen.bool, unit).optional(valueRate: 0.5),                  // figure of merit
            sanity,
            zip(Gen.uint64(), Gen.int(in: 0...500), Gen.int(in: 0...100)).optional(valueRate: 0.5), // splits
            zip(Gen<String?>.element(of: ["tt", "ff", "ss", "sf", "fs"]).map { $0! }.array(of: 1...5),
                Gen.double(in: -60...150).array(of: 1...3), Gen.double(in: 0.5...5).array(of: 1...3)).optional(valueRate: 0.5),
            Gen.double(in: 0.001...3600).optional(valueRate: 0.3),                                  // timeout_s
            Gen.double(in: -273...500).optional(valueRate: 0.5),                                    // temperature_c
            Gen.letterOrNumber.string(of: 0...20).optional(valueRate: 0.5)                          // description
        )
    }

    /// A valid spec file: everything the parser checks is satisfied, everything optional may be absent.
    static var spec: Generator<SpecModel, some SendableSequenceType> {
        zip(
            Gen<Character?>.element(of: Array("abcdefghijklmnopqrstuvwxyz0123456789_")).map { $0! }.string(of: 1...12),
            variables,
            zip(name, Gen.double(in: -1e3...1e3)).array(of: 0...3),
            analyses,
            measurement.array(of: 1...6),
            specEntry.array(of: 0...6),
            extras,
            Gen.double(in: 0.5...5)
        ).map { t in
            assemble(circuitName: t.0, variables: t.1, fixed: t.2, analyses: t.3, measurements: t.4, specs: t.5, extras: t.6,
                     supply: t.7)
        }
    }

    static func assemble(
        circuitName: String, variables: [SpecModel.Variable], fixed fixedDraws: [(String, Double)],
        analyses a: (Bool, Bool, Bool, Bool, Int, Double, Double, Double),
        measurements measurementDraws: [(Int, String, Double, Bool, Bool)],
        specs specDraws: [(Int, Bool, Double, Double?, (Double, Double)?)],
        extras: ((Int, Bool, Double)?, (Double?, [(String, Double, Double)]?)?, (UInt64, Int, Int)?,
                 ([String], [Double], [Double])?, Double?, Double?, String?),
        supply: Double
    ) -> SpecModel {
        var taken: Set<String> = ["vdd"]
        let variables = variables.map { v in
            var v = v
            v.name = unique(v.name, &taken)
            return v
        }
        let fixed = fixedDraws.map { (unique($0.0, &taken), $0.1) }
        let ac = a.1 ? SpecModel.AC(pointsPerDecade: a.4, startHz: 1e-3 + a.5 * 1e3, stopHz: 2e3 + a.6 * 1e10) : nil
        let dc = a.2 ? SpecModel.DC(source: "vsupply", start: -a.5, stop: a.6 * 3, step: 1e-3 + a.7 * 0.1) : nil
        let tran = a.3 ? SpecModel.Tran(stepS: 1e-9 + a.5 * 1e-6, stopS: 1e-6 + a.6 * 1e-3,
                                        startS: a.7 < 0.3 ? nil : a.7 * 1e-7, maxStepS: a.7 < 0.6 ? nil : a.7 * 1e-8) : nil
        let op = a.0 || (ac == nil && dc == nil && tran == nil)
        let present: Set<AnalysisSpec.Kind> = Set([op ? .op : nil, ac == nil ? nil : .ac, dc == nil ? nil : .dc,
                                                   tran == nil ? nil : .tran].compactMap { $0 })
        let kinds = MeasurementSpec.Kind.allCases.filter { present.contains($0.analysis) }
        var measurementNames = Set<String>()
        let measurements = measurementDraws.map { d -> SpecModel.Measurement in
            let kind = kinds[d.0 % kinds.count]
            var m = SpecModel.Measurement(name: unique(d.1, &measurementNames), kind: kind)
            if kind == .opPowerW { m.source = "vsupply" } else { m.node = d.3 ? "out" : "n_" + d.1 }
            switch kind {
            case .acGainDb:
                if d.4 { m.atHz = 1 + d.2 * 1e3; m.negate = d.3 }
            case .dcOutputSwingV: if d.4 { m.fraction = d.2 }
            case .tranSettlingTimeS:
                m.tolerance = 1e-3 + d.2 * 0.1
                m.afterS = d.2 * 1e-6
                if d.4 { m.toleranceV = d.2 * 1e-2 }
            case .tranOvershootV: m.afterS = d.2 * 1e-6
            case .tranSlewRateVPerS: if d.4 { m.afterS = d.2 * 1e-6 }
            case .dcValueAt: m.at = d.2
            default: break
            }
            return m
        }
        let specs = specDraws.map { d in
            SpecModel.Spec(metric: measurements[d.0 % measurements.count].name, upper: d.1, target: d.2, weight: d.3,
                           range: d.4.map { [$0.0, $0.0 + $0.1] })
        }
        let (fomDraw, sanityDraw, splitsDraw, cornersDraw, timeout, temperature, summary) = extras
        var sanity: SpecModel.Sanity?
        if let sanityDraw {
            var nodes = Set<String>()
            sanity = .init(maxSupplyCurrentA: sanityDraw.0,
                           nodeRanges: sanityDraw.1.map { $0.map { (unique($0.0, &nodes), [$0.1, $0.1 + $0.2]) } })
        }
        return SpecModel(
            name: circuitName, summary: summary, corner: temperature == nil ? nil : "tt", temperatureC: temperature,
            supplyNominal: supply, variables: variables, fixed: fixed, op: op, ac: ac, dc: dc, tran: tran,
            measurements: measurements, specs: specs,
            figureOfMerit: fomDraw.map { .init(metric: measurements[$0.0 % measurements.count].name, maximize: $0.1,
                                               reference: pow(10, -12 + 24 * $0.2)) },
            sanity: sanity,
            splits: splitsDraw.map { .init(seed: $0.0, train: $0.1, test: $0.2) },
            corners: cornersDraw.map { .init(process: $0.0, temperatureC: $0.1, supplyV: $0.2) },
            timeoutS: timeout)
    }
}
