import Circuits
import Foundation
import PropertyBased
import Testing

/// `DesignSpace.physical` is where every optimizer's proposal becomes a design: whatever vector
/// arrives, the design must be simulatable (inside every range, on every grid).
@Suite struct DesignSpaceProperties {
    static func space(_ variables: [SpecModel.Variable]) -> DesignSpace {
        DesignSpace(variables: variables.map(\.circuitsVariable))
    }

    /// Distance of `value` from the nearest multiple of `grid`, in grid steps, and what floating
    /// point allows at that size (the clamp to min or max may leave a value a hair off a multiple).
    static func offGrid(_ value: Double, _ grid: Double) -> (distance: Double, allowed: Double) {
        let steps = value / grid
        return ((steps - steps.rounded()).magnitude, 2e-9 + 4 * steps.rounded().magnitude.ulp)
    }

    @Test func everyVectorMapsIntoTheRangeAndOntoTheGrid() async {
        await propertyCheck(count: 400, input: Draw.variables, Draw.vector) { variables, vector in
            let space = Self.space(variables)
            let u = Array(vector.prefix(variables.count))
            let values = space.physical(u)
            #expect(space.invalidReason(values) == nil, "u = \(u)")
            #expect(values.count == variables.count)
            for v in variables {
                guard let value = values[v.name] else {
                    Issue.record("no value for \(v.name)")
                    continue
                }
                #expect(value >= v.min && value <= v.max, "\(v.name) = \(value) outside [\(v.min), \(v.max)] for u = \(u)")
                if let grid = v.grid {
                    let (distance, allowed) = Self.offGrid(value, grid)
                    #expect(distance <= allowed, "\(v.name) = \(value) is \(distance) steps off the grid \(grid) in [\(v.min), \(v.max)]")
                }
            }
        }
    }

    @Test func normalizedUndoesPhysicalInsideTheBox() async {
        let unitVector = Draw.unit.array(of: 8)
        let gridless = Draw.variables.map { $0.map { v -> SpecModel.Variable in
            var v = v
            v.grid = nil
            return v
        } }
        await propertyCheck(count: 300, input: gridless, unitVector) { variables, vector in
            let space = Self.space(variables)
            let u = Array(vector.prefix(variables.count))
            let back = space.normalized(space.physical(u))
            for (i, v) in variables.enumerated() {
                // What the arithmetic can promise: a few ulps of the bounds (or of their logarithms)
                // relative to the width of the range.
                let tolerance: Double
                if v.log {
                    let a = Foundation.log(v.min), b = Foundation.log(v.max)
                    tolerance = 1e-9 + 16 * (Swift.max(a.magnitude, b.magnitude, 1).ulp + 1e-16) / (b - a)
                } else {
                    tolerance = 1e-9 + 16 * Swift.max(v.min.magnitude, v.max.magnitude).ulp / (v.max - v.min)
                }
                #expect((back[i] - u[i]).magnitude <= tolerance, "\(v.name): u \(u[i]) -> \(back[i])")
            }
        }
    }

    @Test func physicalIsAFixedPointOfNormalizedOnTheGrid() async {
        let gridded = Draw.variable.filter { $0.grid != nil }.array(of: 1...6).map { vars in
            vars.enumerated().map { i, v -> SpecModel.Variable in
                var v = v
                v.name = "g\(i)"
                return v
            }
        }
        await propertyCheck(count: 300, input: gridded, Draw.vector) { variables, vector in
            let space = Self.space(variables)
            let first = space.physical(Array(vector.prefix(variables.count)))
            let second = space.physical(space.normalized(first))
            for v in variables {
                #expect((second[v.name]! - first[v.name]!).magnitude <= 1e-9 * v.grid!,
                        "\(v.name): \(first[v.name]!) -> \(second[v.name]!) with grid \(v.grid!) in [\(v.min), \(v.max)]")
            }
        }
    }

    @Test func physicalIsMonotoneInEachCoordinate() async {
        let ordered = Draw.coordinate.filter { !$0.isNaN }
        await propertyCheck(count: 400, input: Draw.variables, Draw.vector, zip(Gen.int(in: 0...7), ordered, ordered)) {
            variables, vector, change in
            let space = Self.space(variables)
            let i = change.0 % variables.count
            var low = Array(vector.prefix(variables.count)), high = low
            low[i] = Swift.min(change.1, change.2)
            high[i] = Swift.max(change.1, change.2)
            let name = variables[i].name
            let a = space.physical(low)[name]!, b = space.physical(high)[name]!
            #expect(a <= b, "\(name): u \(low[i]) -> \(a) but u \(high[i]) -> \(b)")
            // The other coordinates do not move.
            for v in variables where v.name != name {
                #expect(space.physical(low)[v.name] == space.physical(high)[v.name])
            }
        }
    }

    /// NaN cannot reach the daemon (it rejects non-finite candidates) but can come out of a policy
    /// inside the agent: it maps to the middle of the range, like the coordinate 0.5.
    @Test func nanMapsToTheMiddleOfTheRange() async {
        await propertyCheck(count: 200, input: Draw.variables, Draw.vector, Gen.int(in: 0...7)) { variables, vector, index in
            let space = Self.space(variables)
            let i = index % variables.count
            var withNaN = Array(vector.prefix(variables.count)), withHalf = withNaN
            withNaN[i] = .nan
            withHalf[i] = 0.5
            let values = space.physical(withNaN)
            #expect(values == space.physical(withHalf))
            #expect(space.invalidReason(values) == nil)
        }
    }

    /// Any physical value, sensible or not, normalizes into the box.
    @Test func normalizedStaysInTheBox() async {
        let anything = Gen.frequency((3, Gen.double(in: -1e6...1e6)), (1, Draw.coordinate))
        await propertyCheck(count: 300, input: Draw.variables, anything.array(of: 8)) { variables, raw in
            let space = Self.space(variables)
            var values: [String: Double] = [:]
            for (v, x) in zip(variables, raw) { values[v.name] = x }
            for x in space.normalized(values) {
                #expect(x >= 0 && x <= 1, "normalized \(raw) -> \(x)")
            }
        }
    }
}
