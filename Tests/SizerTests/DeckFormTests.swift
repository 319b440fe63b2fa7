import Circuits
import SizerTestSupport
import SpiceDeck
import Testing

/// The deck form is a value the executables read from the environment once; each part turned off
/// must change the requests it shapes, and nothing else.
@Suite struct DeckFormTests {
    @Test func environmentTurnsEachPartOffWithZero() {
        // Given no variables, the fast form; given each set to 0, only that part off.
        #expect(DeckForm(environment: [:]) == DeckForm())
        #expect(DeckForm(environment: ["SIZER_EXPANDED_DECKS": "0"]) == DeckForm(expandedDecks: false))
        #expect(DeckForm(environment: ["SIZER_ALTER_PATH": "0"]) == DeckForm(alterPath: false))
        #expect(DeckForm(environment: ["SIZER_BIN_PRUNING": "0"]) == DeckForm(binPruning: false))
        #expect(DeckForm(environment: ["SIZER_BIN_PRUNING": "1", "SIZER_ALTER_PATH": ""]) == DeckForm())
    }

    @Test func eachPartShapesTheRequest() throws {
        let circuit = try TestPaths.circuit("two_stage")
        let design = AlterPlanTests.offEdges(circuit)
        let corners = [circuit.nominalCorner]
        // Fast form: an expanded deck (no `.param` cards), sent with the alter plan.
        let fast = circuit.request(values: design, corners: corners)
        #expect(!fast.deck.contains { $0.hasPrefix(".param") })
        #expect(!fast.alterTargets.isEmpty && fast.points[0].alter != nil)
        // Expanded decks off: a bin-pruned deck that holds the design's values.
        let pruned = circuit.request(values: design, corners: corners, form: DeckForm(expandedDecks: false))
        #expect(pruned.deckParams != nil && pruned.deck.contains { $0.hasPrefix(".param") })
        #expect(!pruned.deck.contains { $0.hasPrefix(".lib") } && pruned.deck.contains { $0.lowercased().hasPrefix(".model") })
        // Alter path off: no targets and no alter values, in either deck form.
        for expanded in [true, false] {
            let request = circuit.request(values: design, corners: corners, form: DeckForm(expandedDecks: expanded, alterPath: false))
            #expect(request.alterTargets.isEmpty && request.points.allSatisfy { $0.alter == nil })
        }
        // Bin pruning off (and expanded decks off): the whole library, the base deck.
        let full = circuit.request(values: design, corners: corners, form: DeckForm(expandedDecks: false, binPruning: false))
        #expect(full.deck == circuit.baseDeck && full.deckParams == nil)
    }
}
