/// The values and bins of one design under a circuit's alter plan (`SpiceDeck.AlterPlan`): one
/// value per target, and per FET the index of its bin in the library (-1 in expanded decks for a
/// device near a bin edge, whose size the deck's key then fixes).
public struct AlterDesign: Sendable, Equatable, Codable {
    public var values: [Double]
    public var bins: [Int]

    public init(values: [Double], bins: [Int]) {
        self.values = values
        self.bins = bins
    }
}
