import Circuits
import SizerCore
import Testing

@Suite struct DesignSpaceTests {
    let space = DesignSpace(variables: [
        .init(name: "w", unit: "um", min: 0.42, max: 100, scale: .log, nominal: 4, grid: nil),
        .init(name: "cc", unit: "F", min: 1e-13, max: 1e-11, scale: .log, nominal: 1e-12, grid: nil),
        .init(name: "nf", unit: "", min: 1, max: 8, scale: .linear, nominal: 1, grid: 1),
    ])

    @Test func everyNormalizedVectorMapsIntoTheValidRange() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let u = (0..<3).map { _ in generator.nextUnit() * 1.4 - 0.2 }  // includes out-of-box coordinates
            let values = space.physical(u)
            #expect(space.invalidReason(values) == nil)
            #expect(values["nf"]! == values["nf"]!.rounded())
        }
        #expect(space.invalidReason(space.physical([.nan, .infinity, -.infinity])) == nil)
    }

    @Test func normalizedAndPhysicalRoundTrip() {
        let u = [0.25, 0.5, 0.0]
        let back = space.normalized(space.physical(u))
        for (a, b) in zip(u, back) { #expect(Swift.abs(a - b) < 1e-12) }
        #expect(Swift.abs(space.physical([0.5, 0.5, 0.5])["cc"]! - 1e-12) < 1e-24)
    }

    @Test func invalidReasonsNameTheProblem() {
        #expect(space.invalidReason(["w": 200, "cc": 1e-12, "nf": 1])?.contains("outside") == true)
        #expect(space.invalidReason(["w": .nan, "cc": 1e-12, "nf": 1])?.contains("finite") == true)
        #expect(space.invalidReason(["w": 1, "cc": 1e-12, "nf": 1, "bogus": 1])?.contains("unknown variable 'bogus'") == true)
        #expect(space.invalidReason(["w": 1, "nf": 1])?.contains("missing value for variable 'cc'") == true)
    }
}
