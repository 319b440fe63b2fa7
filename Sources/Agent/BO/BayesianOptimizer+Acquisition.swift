import SizerCore

/// Maximizing the acquisition over the unit cube: score a seeded candidate pool, refine the best
/// few with a short local search, keep the best that is not a duplicate.
extension BayesianOptimizer {
    /// A Latin hypercube over the cube plus Gaussian perturbations of the best observed designs.
    func candidatePool(data: [Candidate], dimension d: Int, using generator: inout SplitMix64) -> [[Double]] {
        var pool = LatinHypercube.sample(count: config.globalCandidates, dimension: d, using: &generator)
        let incumbents = data.sorted { $0.reward > $1.reward }.prefix(config.incumbents)
        for incumbent in incumbents {
            for index in 0..<config.localCandidatesPerIncumbent {
                // Half wide, half narrow: the wide ones look for the next basin, the narrow ones polish.
                let step = index.isMultiple(of: 2) ? config.localStepSize : config.localStepSize / 5
                pool.append(incumbent.x.map { clampToCube($0 + step * generator.standardNormal()) })
            }
        }
        return pool
    }

    /// The best design found for `acquisition`, at least `config.minimumDistance` from every
    /// design in `taken`; nil only if every candidate is a duplicate.
    func maximize(_ acquisition: ([Double]) -> Double, over candidates: [[Double]], avoiding taken: [[Double]],
                  using generator: inout SplitMix64) -> [Double]? {
        let isNew = { (x: [Double]) in taken.allSatisfy { distance($0, x) >= config.minimumDistance } }
        let scored = candidates.map { (x: $0, value: acquisition($0)) }
            .sorted { $0.value > $1.value }
        var starts: [(x: [Double], value: Double)] = []
        for candidate in scored where starts.count < config.refinementStarts {
            if isNew(candidate.x) && starts.allSatisfy({ distance($0.x, candidate.x) >= config.minimumDistance }) {
                starts.append(candidate)
            }
        }
        var best: (x: [Double], value: Double)?
        for start in starts {
            let refined = refine(start, acquisition, isNew: isNew, using: &generator)
            if best == nil || refined.value > best!.value { best = refined }
        }
        return best?.x
    }

    /// A (1+1) evolution strategy: perturb, keep the better design, widen the step on success
    /// and narrow it on failure (roughly the one-fifth rule).
    func refine(_ start: (x: [Double], value: Double), _ acquisition: ([Double]) -> Double,
                isNew: ([Double]) -> Bool, using generator: inout SplitMix64) -> (x: [Double], value: Double) {
        var current = start
        var step = config.localStepSize / 2
        for _ in 0..<config.refinementSteps {
            let trial = current.x.map { clampToCube($0 + step * generator.standardNormal()) }
            let value = acquisition(trial)
            if value > current.value, isNew(trial) {
                current = (trial, value)
                step = min(step * 1.5, 0.5)
            } else {
                step = max(step * 0.9, 1e-4)
            }
        }
        return current
    }

    func clampToCube(_ value: Double) -> Double { min(max(value, 0), 1) }

    func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
