/// How requests put designs into decks. The default is the fast form, which the tests check
/// against fresh loads bit for bit; the others exist for side-by-side measurements. The
/// executables read the environment once into this value and pass it down, so that library code
/// reads none.
public struct DeckForm: Sendable, Equatable {
    /// Designs written into expanded decks where the alter plan can write them (`Circuit.request`);
    /// off: bin-pruned decks. `SIZER_EXPANDED_DECKS=0` turns it off.
    public var expandedDecks: Bool
    /// Workers move between designs by `alter` where it is exact (`AlterPlan`); off: `alterparam`
    /// + `reset`. `SIZER_ALTER_PATH=0` turns it off.
    public var alterPath: Bool
    /// Pruned decks keep only the model bins a design's devices can select; off: the whole
    /// library. `SIZER_BIN_PRUNING=0` turns it off.
    public var binPruning: Bool

    public init(expandedDecks: Bool = true, alterPath: Bool = true, binPruning: Bool = true) {
        self.expandedDecks = expandedDecks
        self.alterPath = alterPath
        self.binPruning = binPruning
    }

    /// The form an environment asks for: each variable set to `0` turns its part off.
    public init(environment: [String: String]) {
        self.init(expandedDecks: environment["SIZER_EXPANDED_DECKS"] != "0",
                  alterPath: environment["SIZER_ALTER_PATH"] != "0",
                  binPruning: environment["SIZER_BIN_PRUNING"] != "0")
    }
}
