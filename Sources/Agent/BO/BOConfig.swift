/// Bayesian optimization settings, stored with every job. The defaults are the reported runs.
public struct BOConfig: Codable, Sendable, Hashable {
    /// The initial Latin hypercube has min(max(d + 1, initialDesignTurns · G), budget ·
    /// initialDesignBudgetFraction) points, rounded down to whole turns but at least one turn
    /// and at least 2 points (no GP can be fitted before any data): enough for a first GP, yet at most about a third of
    /// the budget. With G = 8 and d ≤ 16: 8 points for budget 25, 16 for budgets 50 to 100.
    public var initialDesignTurns = 2
    /// The largest share of the budget the initial design may take.
    public var initialDesignBudgetFraction = 1.0 / 3
    /// How the GP hyperparameters are fitted, afresh at every turn.
    public var gp = GaussianProcess.FitConfig()
    /// ξ in expected improvement, in standard deviations of the observed rewards: how much a
    /// candidate must promise to beat the incumbent by (larger explores more).
    public var explorationMargin = 0.01
    /// Space-filling (Latin hypercube) candidates scored by EI in each turn.
    public var globalCandidates = 1000
    /// Best observed designs around which local candidates are drawn.
    public var incumbents = 5
    /// Local candidates per incumbent: Gaussian perturbations, half at `localStepSize` and half
    /// at a fifth of it, clamped to the cube.
    public var localCandidatesPerIncumbent = 100
    /// Standard deviation of the wider local perturbations, in unit-cube coordinates.
    public var localStepSize = 0.1
    /// Best-scoring candidates that are refined by a local search before one is chosen.
    public var refinementStarts = 5
    /// Steps of the (1+1) evolution strategy that refines each of them.
    public var refinementSteps = 40
    /// Proposals closer than this (Euclidean, unit cube) to an evaluated or already chosen
    /// design are skipped, so a turn never spends two simulations on one design.
    public var minimumDistance = 1e-4

    public init() {}
}
